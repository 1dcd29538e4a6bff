// Tests of stages/store/src/index_tokens.cc: the token schemes are part of the on-disk format.
#include "sluice/store/index_tokens.h"

#include <gtest/gtest.h>

namespace sluice::store {
namespace {

std::vector<std::string> Basic(std::string_view s) {
  TokenVector v;
  BasicTokens(s, v);
  return v.tokens;
}
std::vector<std::string> Grams(std::string_view s, size_t max = SIZE_MAX) {
  TokenVector v;
  GramTokens(s, v, max);
  return v.tokens;
}
using V = std::vector<std::string>;

TEST(IndexTokensTest, BasicTokensCutAtHanBoundariesAndLowerCase) {
  EXPECT_EQ(Basic("COVID-19疫情"), (V{"covid", "19", "疫情"}));
  EXPECT_EQ(Basic("2026年"), (V{"2026", "年"}));
  EXPECT_EQ(Basic("教基〔2024〕10号"), (V{"教基", "2024", "10", "号"}));
  EXPECT_EQ(Basic("ÄÖÜ straße"), (V{"äöü", "straße"}));
  EXPECT_EQ(Basic("，。！ \n"), V{});
  EXPECT_EQ(Basic("〇々"), (V{"〇々"})) << "Han by script, not only by block";
}

TEST(IndexTokensTest, GramsAreBigramsPlusTheLastCharacter) {
  EXPECT_EQ(Grams("教育强国"), (V{"教育", "育强", "强国", "国"}));
  EXPECT_EQ(Grams("国"), (V{"国"}));
  EXPECT_EQ(Grams("建设教育强国，2026年"), (V{"建设", "设教", "教育", "育强", "强国", "国", "2026", "年"}));
  EXPECT_EQ(Grams("ab CD"), (V{"ab", "cd"}));
  EXPECT_EQ(Grams("教育强国", 6), (V{"教育", "育"})) << "cut at a character boundary";
  EXPECT_EQ(Grams("教育强国", 7), (V{"教育", "育"}));
}

TEST(IndexTokensTest, WordTokensFollowSpansAndCoverGaps) {
  std::string text = "加快建设教育强国。COVID-19";
  // 加快 | 建设 | 教育强国 | (gap: 。) | COVID-19 left uncovered
  std::vector<WordSpan> words{{0, 6}, {6, 12}, {12, 24}};
  ASSERT_TRUE(ValidWordSpans(text, words));
  TokenVector v;
  WordTokens(text, words, v);
  EXPECT_EQ(v.tokens, (V{"加快", "建设", "教育强国", "covid", "19"}));
  JoinedTokens j;
  WordTokens(text, words, j);
  EXPECT_EQ(j.text, "加快 建设 教育强国 covid 19");
  EXPECT_EQ(j.count, 5u);
}

TEST(IndexTokensTest, ValidWordSpansRejectsWhatCannotBeIndexed) {
  std::string text = "教育强国";  // 12 bytes
  EXPECT_TRUE(ValidWordSpans(text, std::vector<WordSpan>{{0, 6}, {6, 12}}));
  EXPECT_FALSE(ValidWordSpans(text, std::vector<WordSpan>{{0, 4}}));     // inside a character
  EXPECT_FALSE(ValidWordSpans(text, std::vector<WordSpan>{{0, 13}}));    // past the end
  EXPECT_FALSE(ValidWordSpans(text, std::vector<WordSpan>{{6, 12}, {0, 6}}));  // not ascending
  EXPECT_FALSE(ValidWordSpans(text, std::vector<WordSpan>{{0, 6}, {3, 9}}));   // overlapping
  EXPECT_FALSE(ValidWordSpans(text, std::vector<WordSpan>{{6, 6}}));     // empty
}

TEST(IndexTokensTest, WordSpansRoundTrip) {
  std::vector<WordSpan> words{{0, 6}, {6, 12}, {15, 300}, {70000, 70003}};
  std::string enc = EncodeWordSpans(words);
  std::vector<WordSpan> back;
  ASSERT_TRUE(DecodeWordSpans(enc, &back));
  EXPECT_EQ(back, words);
  EXPECT_FALSE(DecodeWordSpans(std::string("\x80", 1), &back));
  EXPECT_FALSE(DecodeWordSpans(std::string("\x01\x00", 2), &back));  // zero length
  EXPECT_TRUE(DecodeWordSpans("", &back));
  EXPECT_TRUE(back.empty());
}

TEST(IndexTokensTest, SanitizeAndNormalize) {
  std::string out;
  EXPECT_FALSE(SanitizeUtf8("教育", &out));
  ASSERT_TRUE(SanitizeUtf8(std::string("a\xff" "b\0c", 5), &out));
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "bc");
  EXPECT_EQ(NormalizeQueryText("ＣＯＶＩＤ－１９"), "COVID-19");
  EXPECT_EQ(NormalizeQueryText("教育强国"), "教育强国");
}

TEST(IndexTokensTest, SplitRunsReportsKinds) {
  std::vector<TextRun> runs = SplitRuns("2026年高考");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].text, "2026");
  EXPECT_FALSE(runs[0].han);
  EXPECT_EQ(runs[1].text, "年高考");
  EXPECT_TRUE(runs[1].han);
  EXPECT_EQ(runs[1].chars, 3u);
}

}  // namespace
}  // namespace sluice::store
