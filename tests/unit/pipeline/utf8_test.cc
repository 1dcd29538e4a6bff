#include "sluice/utf8.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(Utf8Test, SequenceLengthsAndIllFormedForms) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("é", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("教", 0), 3u);
  EXPECT_EQ(Utf8SequenceLength("😀", 0), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xC0\xAF", 0), 0u);      // overlong '/'
  EXPECT_EQ(Utf8SequenceLength("\xED\xA0\x80", 0), 0u);  // surrogate
  EXPECT_EQ(Utf8SequenceLength("\xF4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xE6\x95", 0), 0u);      // truncated
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);          // stray continuation
}

TEST(Utf8Test, ValidateAndRepair) {
  EXPECT_TRUE(IsValidUtf8("教育强国 sluice"));
  EXPECT_FALSE(IsValidUtf8("教育\xff"));
  EXPECT_EQ(SanitizeUtf8("a\xff" "b\xE6\x95"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8(std::string("\xC3\x28\xA0\xA1\xE2\x28\xA1", 7))));
}

}  // namespace
}  // namespace sluice
