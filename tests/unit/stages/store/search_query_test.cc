// Tests of stages/store/src/search_query.cc: query analysis and rendering.
#include "sluice/store/search_query.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice::store {
namespace {

class FixedVocabulary : public WordVocabulary {
 public:
  explicit FixedVocabulary(std::set<std::string> words) : words_(std::move(words)) {}
  Status KnownWords(const std::vector<std::string>& candidates, std::unordered_set<std::string>* known) override {
    ++calls;
    asked += candidates.size();
    for (const auto& c : candidates) {
      if (words_.count(c)) known->insert(c);
    }
    return Status::OK();
  }
  int calls = 0;
  size_t asked = 0;

 private:
  std::set<std::string> words_;
};

std::vector<std::string> Joined(const std::vector<Phrase>& phrases) {
  std::vector<std::string> out;
  for (const auto& p : phrases) {
    std::string s;
    for (const auto& t : p.tokens) {
      if (!s.empty()) s += ' ';
      s += t;
    }
    out.push_back(s);
  }
  return out;
}

TEST(SearchQueryTest, CutsHanRunsIntoIndexWordsFewestPiecesFirst) {
  FixedVocabulary vocab({"教育", "强国", "教育强国", "教", "育", "建设"});
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("教育强国 建设", nullptr, &vocab, &q).ok());
  EXPECT_EQ(vocab.calls, 1) << "one vocabulary round trip for the whole query";
  ASSERT_EQ(q.terms.size(), 2u);
  std::vector<std::string> alts = Joined(q.terms[0].words);
  ASSERT_GE(alts.size(), 3u);
  EXPECT_EQ(alts[0], "教育强国");
  EXPECT_EQ(alts[1], "教育 强国");
  EXPECT_EQ(alts[2], "教 育 强国");
  EXPECT_EQ(q.terms[0].grams.tokens, (std::vector<std::string>{"教育", "育强", "强国"}));
  EXPECT_FALSE(q.terms[0].grams.prefix);
  EXPECT_EQ(q.terms[0].surface, "教育强国");
  EXPECT_EQ(Joined(q.terms[1].words), (std::vector<std::string>{"建设"}));
}

TEST(SearchQueryTest, WithoutVocabularyTheWholeRunAndGramsRemain) {
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("教育强国", nullptr, nullptr, &q).ok());
  ASSERT_EQ(q.terms.size(), 1u);
  EXPECT_EQ(Joined(q.terms[0].words), (std::vector<std::string>{"教育强国"}));
}

TEST(SearchQueryTest, LoneTrailingHanCharIsAPrefixGram) {
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("教", nullptr, nullptr, &q).ok());
  EXPECT_EQ(q.terms[0].grams.tokens, (std::vector<std::string>{"教"}));
  EXPECT_TRUE(q.terms[0].grams.prefix);
  ASSERT_TRUE(ParseSearchQuery("2026年", nullptr, nullptr, &q).ok());
  EXPECT_EQ(q.terms[0].grams.tokens, (std::vector<std::string>{"2026", "年"}));
  EXPECT_TRUE(q.terms[0].grams.prefix);
  // Inside the term a Han run ends where the document's run ends: its last char is indexed.
  ASSERT_TRUE(ParseSearchQuery("A教育B", nullptr, nullptr, &q).ok());
  EXPECT_EQ(q.terms[0].grams.tokens, (std::vector<std::string>{"a", "教育", "育", "b"}));
  EXPECT_FALSE(q.terms[0].grams.prefix);
}

TEST(SearchQueryTest, SegmenterCutsWhereTheVocabularyCannot) {
  class TwoCharSegmenter : public TextSegmenter {
   public:
    void Segment(std::string_view text, std::vector<WordSpan>* words) const override {
      ++calls;
      for (uint32_t i = 0; i < text.size(); i += 6) words->push_back({i, std::min<uint32_t>(i + 6, text.size())});
    }
    mutable int calls = 0;
  } seg;
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("高质量发展", &seg, nullptr, &q).ok());
  std::vector<std::string> alts = Joined(q.terms[0].words);
  EXPECT_NE(std::find(alts.begin(), alts.end(), "高质 量发 展"), alts.end());
  EXPECT_NE(std::find(alts.begin(), alts.end(), "高质量发展"), alts.end());
  // With a vocabulary, short runs are cut by it alone; runs too long for it go to the segmenter.
  FixedVocabulary vocab({"高质量", "发展"});
  seg.calls = 0;
  ASSERT_TRUE(ParseSearchQuery("高质量发展", &seg, &vocab, &q).ok());
  EXPECT_EQ(seg.calls, 0);
  EXPECT_EQ(Joined(q.terms[0].words), (std::vector<std::string>{"高质量发展", "高质量 发展"}));
  QueryLimits limits;
  limits.max_split_chars = 4;
  ASSERT_TRUE(ParseSearchQuery("高质量发展", &seg, &vocab, &q, limits).ok());
  EXPECT_EQ(seg.calls, 1);
  EXPECT_EQ(Joined(q.terms[0].words), (std::vector<std::string>{"高质量发展", "高质 量发 展"}));
}

TEST(SearchQueryTest, QuotesAndLimits) {
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("\"machine learning\" 教育", nullptr, nullptr, &q).ok());
  ASSERT_EQ(q.terms.size(), 2u);
  EXPECT_EQ(Joined(q.terms[0].words), (std::vector<std::string>{"machine learning"}));
  EXPECT_TRUE(ParseSearchQuery("", nullptr, nullptr, &q).IsInvalidArgument());
  EXPECT_TRUE(ParseSearchQuery("，。 ！", nullptr, nullptr, &q).IsInvalidArgument());
  EXPECT_TRUE(ParseSearchQuery(std::string(5000, 'a'), nullptr, nullptr, &q).IsInvalidArgument());
  std::string many;
  for (int i = 0; i < 40; ++i) {
    many += 'w';
    many += std::to_string(i);
    many += ' ';
  }
  EXPECT_TRUE(ParseSearchQuery(many, nullptr, nullptr, &q).IsInvalidArgument());
}

TEST(SearchQueryTest, AlternativesAreCappedForLongRuns) {
  std::set<std::string> words;
  std::string run = "一二三四五六七八九十一二三四五六七八九十";
  for (size_t i = 0; i < run.size(); i += 3) words.insert(run.substr(i, 3));
  for (size_t i = 0; i + 6 <= run.size(); i += 3) words.insert(run.substr(i, 6));
  FixedVocabulary vocab(words);
  SearchQuery q;
  QueryLimits limits;
  ASSERT_TRUE(ParseSearchQuery(run, nullptr, &vocab, &q, limits).ok());
  EXPECT_LE(q.terms[0].words.size(), limits.max_alternatives);
  EXPECT_GE(q.terms[0].words.size(), 2u);
}

TEST(SearchQueryTest, RendersFts5AndTsquery) {
  FixedVocabulary vocab({"教育", "强国"});
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("教育强国 x'y", nullptr, &vocab, &q).ok());
  EXPECT_EQ(RenderFts5Query(q),
            "({title_w body_w} : (\"教育强国\" OR \"教育 强国\") OR {title_g body_g} : \"教育 育强 强国\") AND "
            "({title_w body_w} : (\"x y\") OR {title_g body_g} : \"x y\")");
  EXPECT_EQ(RenderTsquery(q),
            "('教育强国' | ('教育' <-> '强国') | ('~教育' <-> '~育强' <-> '~强国')) & "
            "(('x' <-> 'y') | ('~x' <-> '~y'))");
  EXPECT_EQ(RenderTsquery(q, /*relaxed=*/true),
            "('教育强国' | ('教育' & '强国') | ('~教育' & '~育强' & '~强国')) & "
            "(('x' & 'y') | ('~x' & '~y'))");
  ASSERT_TRUE(ParseSearchQuery("国", nullptr, nullptr, &q).ok());
  EXPECT_EQ(RenderTsquery(q), "('国' | '~国':*)");
  EXPECT_EQ(RenderFts5Query(q), "({title_w body_w} : (\"国\") OR {title_g body_g} : \"国\"*)");
  EXPECT_EQ(RenderFts5WordProbe("教育"), "{title_w body_w} : \"教育\"");
}

}  // namespace
}  // namespace sluice::store
