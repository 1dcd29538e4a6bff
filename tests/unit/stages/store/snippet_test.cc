// Tests of stages/store/src/snippet.cc.
#include "sluice/store/snippet.h"

#include <gtest/gtest.h>

namespace sluice::store {
namespace {

TEST(SnippetTest, PicksTheWindowWithMostTerms) {
  std::string text = std::string(300, 'x') + "\n会议强调，加快建设教育强国。\n" + std::string(300, 'y') + "教育强国";
  Snippet s = MakeSnippet(text, {"教育强国", "建设"}, 30);
  EXPECT_NE(s.text.find("建设教育强国"), std::string::npos) << s.text;
  EXPECT_EQ(s.text.rfind("…", 0), 0u) << "cut at the front";
  EXPECT_EQ(MarkSnippet(s, "[", "]").find("[建设教育强国]") != std::string::npos, true) << MarkSnippet(s, "[", "]");
  EXPECT_EQ(s.text.find('\n'), std::string::npos) << "white space collapsed";
}

TEST(SnippetTest, BeginningWhenNothingMatches) {
  Snippet s = MakeSnippet("第一段。\n\n第二段。", {"不存在"}, 100);
  EXPECT_EQ(s.text, "第一段。 第二段。");
  EXPECT_TRUE(s.highlights.empty());
}

TEST(SnippetTest, CaseInsensitiveAsciiAndCharOffsets) {
  Snippet s = MakeSnippet("关于COVID-19的通知", {"covid"}, 100);
  ASSERT_EQ(s.highlights.size(), 1u);
  EXPECT_EQ(s.text.substr(s.highlights[0].first, s.highlights[0].second - s.highlights[0].first), "COVID");
  auto offsets = HighlightCharOffsets(s);
  EXPECT_EQ(offsets[0], (std::pair<size_t, size_t>{2, 7}));
}

TEST(SnippetTest, NeedlesFallBackToPiecesWhenTheSurfaceIsAbsent) {
  SearchQuery q;
  ASSERT_TRUE(ParseSearchQuery("2026年工作", nullptr, nullptr, &q).ok());
  EXPECT_EQ(HighlightNeedles(q, "2026年工作要点"), (std::vector<std::string>{"2026年工作"}));
  EXPECT_EQ(HighlightNeedles(q, "2026 年 工作"), (std::vector<std::string>{"2026", "年工作"}));
}

TEST(SnippetTest, OverlappingHitsMerge) {
  Snippet s = MakeSnippet("建设教育强国", {"教育强国", "建设教育"}, 100);
  ASSERT_EQ(s.highlights.size(), 1u);
  EXPECT_EQ(MarkSnippet(s, "<", ">"), "<建设教育强国>");
}

}  // namespace
}  // namespace sluice::store
