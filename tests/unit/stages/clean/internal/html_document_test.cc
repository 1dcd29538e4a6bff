#include "html_document.h"

#include <gtest/gtest.h>

namespace sluice::clean::internal {
namespace {

std::unique_ptr<HtmlDocument> Parse(const std::string& html) {
  std::unique_ptr<HtmlDocument> d;
  EXPECT_TRUE(HtmlDocument::Parse(html, &d).ok());
  return d;
}

TEST(HtmlDocumentTest, NumbersElementsAndCountsBlockText) {
  auto d = Parse(
      "<html lang=zh><head><meta name=ArticleTitle content=' 标题 '><title> 页面  标题 </title>"
      "<script>var a='document.cookie';</script></head><body><div id=c><p>第一段，有标点。<a href=/x>链接文字</a></p>"
      "<p style='display:none'>隐藏的段落</p></div></body></html>");
  EXPECT_EQ(d->Meta("ArticleTitle"), "标题");
  EXPECT_EQ(d->title(), "页面 标题");
  EXPECT_EQ(d->lang(), "zh");
  ASSERT_EQ(d->scripts().size(), 1u);
  int p = -1;
  for (int i = 0; i < d->size(); ++i)
    if (d->element(i).tag == Tag::kP && !(d->element(i).flags & kSkipped)) {
      p = i;
      break;
    }
  ASSERT_GE(p, 0);
  EXPECT_EQ(d->element(p).chars, 8);
  EXPECT_EQ(d->element(p).link_chars, 4);
  EXPECT_EQ(d->element(p).punct, 2);
  EXPECT_EQ(d->element(p).links, 1);
  EXPECT_EQ(HtmlDocument::IndexOf(d->element(p).node), p);
  // The hidden paragraph is skipped and owns no counted text.
  EXPECT_EQ(d->body_chars(), 12);
}

TEST(HtmlDocumentTest, TextBeforeDoctypeIsNotPartOfThePage) {
  auto d = Parse("2020-03-09 INFO crawler: fetched http://x\n<!DOCTYPE html><html><body><p>正文。</p></body></html>");
  EXPECT_EQ(d->body_chars(), 3);
}

TEST(HtmlDocumentTest, CountText) {
  TextCounts c = CountText("第一，第二。\xE3\x80\x80 Hello, world. 3,000 1.5");
  EXPECT_EQ(c.chars, 26);
  EXPECT_EQ(c.punct, 4);
}

}  // namespace
}  // namespace sluice::clean::internal
