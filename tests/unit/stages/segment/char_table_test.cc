// White-box tests of stages/segment/src/char_table.cc: classes and folds from ICU.
#include "char_table.h"

#include <gtest/gtest.h>

namespace sluice::segment {
namespace {

TEST(CharTableTest, ClassifiesScripts) {
  const CharTable& t = CharTable::Get();
  EXPECT_EQ(t.Class(U'中'), CharClass::kHan);
  EXPECT_EQ(t.Class(U'〇'), CharClass::kHan);
  EXPECT_EQ(t.Class(0x20000), CharClass::kHan);  // CJK extension B, beyond the table
  EXPECT_EQ(t.Class(U'a'), CharClass::kLatin);
  EXPECT_EQ(t.Class(U'Ｚ'), CharClass::kLatin);
  EXPECT_EQ(t.Class(U'α'), CharClass::kLetter);
  EXPECT_EQ(t.Class(U'あ'), CharClass::kLetter);
  EXPECT_EQ(t.Class(U'한'), CharClass::kLetter);
  EXPECT_EQ(t.Class(U'7'), CharClass::kDigit);
  EXPECT_EQ(t.Class(U'７'), CharClass::kDigit);
  EXPECT_EQ(t.Class(U'，'), CharClass::kPunct);
  EXPECT_EQ(t.Class(U'—'), CharClass::kPunct);
  EXPECT_EQ(t.Class(U'℃'), CharClass::kSymbol);
  EXPECT_EQ(t.Class(0x1F600), CharClass::kSymbol);  // 😀
  EXPECT_EQ(t.Class(0x0301), CharClass::kMark);     // combining acute
  EXPECT_EQ(t.Class(0xFE0F), CharClass::kMark);     // variation selector
  EXPECT_EQ(t.Class(0x200D), CharClass::kJoiner);
  EXPECT_EQ(t.Class(0x1F3FD), CharClass::kJoiner);  // skin tone
  EXPECT_EQ(t.Class(U' '), CharClass::kSpace);
  EXPECT_EQ(t.Class(0x3000), CharClass::kSpace);
  EXPECT_EQ(t.Class(0x0007), CharClass::kControl);
  EXPECT_EQ(t.Class(0xFEFF), CharClass::kControl);   // BOM / ZWNBSP
  EXPECT_EQ(t.Class(0x110000), CharClass::kControl);  // not a code point
}

TEST(CharTableTest, FoldsCompatibilityFormsWithoutChangingClass) {
  const CharTable& t = CharTable::Get();
  EXPECT_EQ(t.Fold(U'１'), U'1');
  EXPECT_EQ(t.Fold(U'Ａ'), U'A');
  EXPECT_EQ(t.Fold(U'％'), U'%');
  EXPECT_EQ(t.Fold(U'．'), U'.');
  EXPECT_EQ(t.Fold(0xF900), U'豈');  // CJK compatibility ideograph
  EXPECT_EQ(t.Fold(U'²'), U'²');     // would become a digit: kept
  EXPECT_EQ(t.Fold(U'中'), U'中');
  // Kangxi radicals that PDF extraction leaves in text read as the ideographs.
  EXPECT_EQ(t.Class(0x2F00), CharClass::kHan);
  EXPECT_EQ(t.Fold(0x2F00), U'一');
}

TEST(CharTableTest, Numerals) {
  for (char32_t c : std::u32string(U"〇○零一二三四五六七八九十百千万亿两")) EXPECT_TRUE(IsHanNumeral(c)) << static_cast<uint32_t>(c);
  EXPECT_FALSE(IsHanNumeral(U'年'));
  EXPECT_TRUE(IsNumeralMultiplier(U'万'));
  EXPECT_FALSE(IsNumeralMultiplier(U'三'));
}

}  // namespace
}  // namespace sluice::segment
