#include "sluice/linear/text_features.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::linear {
namespace {

TEST(TextFeaturesTest, NormalizesWidthCaseAndSpace) {
  EXPECT_EQ(TextFeatures::Normalize("  ＡＢＣ　abc\t\nＸ  "), "abc abc x");
  EXPECT_EQ(TextFeatures::Normalize("考研\u3000英语"), "考研 英语");
  EXPECT_EQ(TextFeatures::Normalize(""), "");
}

TEST(TextFeaturesTest, CountsCharacterNgramsWithBoundaryMarks) {
  FeatureOptions o;
  TextFeatures f(o);
  std::vector<HashedFeature> out;
  f.Extract("通知", {}, &out);
  // ^通知$ : 4 unigrams, 3 bigrams, 2 trigrams, all distinct.
  EXPECT_EQ(out.size(), 9u);
  for (size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1].hash, out[i].hash);

  f.Extract("啊啊啊", {}, &out);
  uint32_t total = 0;
  for (const auto& h : out) total += h.count;
  EXPECT_EQ(total, 5u + 4u + 3u);  // ^啊啊啊$
  EXPECT_LT(out.size(), 12u);       // repeated n-grams merged
}

TEST(TextFeaturesTest, EquivalentSpellingsGiveTheSameFeatures) {
  TextFeatures f(FeatureOptions{});
  std::vector<HashedFeature> a, b;
  f.Extract("2024 ＧＤＰ  增长", {}, &a);
  f.Extract("2024 gdp 增长", {}, &b);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].hash, b[i].hash);
}

TEST(TextFeaturesTest, SeedAndMarksChangeTheHashes) {
  FeatureOptions o;
  std::vector<HashedFeature> a, b, c;
  TextFeatures(o).Extract("教育", {}, &a);
  o.seed = 7;
  TextFeatures(o).Extract("教育", {}, &b);
  o.boundary_marks = false;
  TextFeatures(o).Extract("教育", {}, &c);
  EXPECT_NE(a[0].hash, b[0].hash);
  EXPECT_EQ(c.size(), 3u);  // 教, 育, 教育
}

TEST(TextFeaturesTest, WordNgramsOnlyWhenAsked) {
  FeatureOptions o;
  o.char_min_n = o.char_max_n = 1;
  o.boundary_marks = false;
  std::vector<HashedFeature> plain, words;
  TextFeatures(o).Extract("招生考试", {"招生", "考试"}, &plain);
  o.word_min_n = 1;
  o.word_max_n = 2;
  TextFeatures(o).Extract("招生考试", {"招生", "考试"}, &words);
  EXPECT_EQ(plain.size(), 4u);
  EXPECT_EQ(words.size(), 4u + 3u);  // + 招生, 考试, 招生|考试
}

TEST(TextFeaturesTest, SplitsSegmentedText) {
  auto w = TextFeatures::SplitWords("  体验 2D\u3000巅峰\t倚天 ");
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0], "体验");
  EXPECT_EQ(w[2], "巅峰");
  EXPECT_EQ(w[3], "倚天");
  EXPECT_TRUE(TextFeatures::SplitWords(" \t").empty());
}

TEST(TextFeaturesTest, ArbitraryBytesAreSafeAndBounded) {
  FeatureOptions o;
  o.max_chars = 100;
  TextFeatures f(o);
  std::mt19937 rng(1);
  std::vector<HashedFeature> out;
  for (int i = 0; i < 200; ++i) {
    std::string s(size_t(rng() % 600), '\0');
    for (char& c : s) c = char(rng());
    f.Extract(s, {}, &out);
    uint32_t total = 0;
    for (const auto& h : out) total += h.count;
    EXPECT_LE(total, 3u * 102u);
  }
  // Truncated multi-byte sequences decode as spaces, never read past the end.
  f.Extract(std::string("\xE6\x95", 2), {}, &out);
  EXPECT_FALSE(out.empty());
}

}  // namespace
}  // namespace sluice::linear
