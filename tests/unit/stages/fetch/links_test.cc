#include "sluice/fetch/links.h"

#include <gtest/gtest.h>

namespace sluice::fetch {
namespace {

TEST(SelectorTest, ParsesAndRejects) {
  Selector s;
  EXPECT_TRUE(Selector::Parse("ul.more-list li a", &s).ok());
  EXPECT_TRUE(Selector::Parse("#list > li > a, div.news a[target=_blank]", &s).ok());
  EXPECT_TRUE(Selector::Parse("*[href]", &s).ok());
  EXPECT_FALSE(Selector::Parse("", &s).ok());
  EXPECT_FALSE(Selector::Parse("ul..x", &s).ok());
  EXPECT_FALSE(Selector::Parse("> a", &s).ok());
  EXPECT_FALSE(Selector::Parse("a[href", &s).ok());
  EXPECT_FALSE(Selector::Parse("a:hover", &s).ok());
}

TEST(ExtractLinksTest, ResolvesMarksSelectedAndFindsDates) {
  const char* html =
      "<html><body><div class='nav'><a href='/'>首页</a></div>"
      "<ul class='more-list x'><li><a href='./t1.shtml' title='完整的标题很长很长'>完整的…</a><span>2025-08-26</span></li>"
      "<li><a href='t2.shtml#top'>二</a> <em>2025年6月8日</em></li></ul>"
      "<a href='javascript:void(0)'>js</a><a href='mailto:a@b'>m</a>"
      "<noscript><a href='index_1.shtml'>2</a></noscript></body></html>";
  Selector sel;
  ASSERT_TRUE(Selector::Parse("ul.more-list li a", &sel).ok());
  PageLinks out;
  ASSERT_TRUE(ExtractLinks(html, "http://jyt.example.cn/col/index.shtml", &sel, &out).ok());
  ASSERT_EQ(out.links.size(), 4u);
  EXPECT_EQ(out.links[0].url, "http://jyt.example.cn/");
  EXPECT_FALSE(out.links[0].selected);
  EXPECT_EQ(out.links[1].url, "http://jyt.example.cn/col/t1.shtml");
  EXPECT_TRUE(out.links[1].selected);
  EXPECT_EQ(out.links[1].text, "完整的标题很长很长");
  EXPECT_EQ(out.links[1].date, "2025-08-26");
  EXPECT_EQ(out.links[2].url, "http://jyt.example.cn/col/t2.shtml");  // fragment dropped
  EXPECT_EQ(out.links[2].date, "2025-06-08");
  EXPECT_EQ(out.links[3].url, "http://jyt.example.cn/col/index_1.shtml");
}

TEST(ExtractLinksTest, HanwebDatastoreRecords) {
  const char* html =
      "<html><body><div id='1'><script type='text/xml'><datastore><recordset>"
      "<record><![CDATA[<li><a href='/art/2025/8/25/art_1_2.html' title='通知'>通知</a><span>2025-08-25</span></li>]]></record>"
      "<record><![CDATA[<li><a href='/art/2025/8/12/art_1_3.html'>公告</a></li>]]></record>"
      "</recordset></datastore></script></div><script>var totalRecord=31; var perpage=15;</script></body></html>";
  PageLinks out;
  ASSERT_TRUE(ExtractLinks(html, "http://jyj.example.cn/col/col1/index.html", nullptr, &out).ok());
  ASSERT_EQ(out.links.size(), 2u);
  EXPECT_TRUE(out.links[0].in_datastore);
  EXPECT_EQ(out.links[0].url, "http://jyj.example.cn/art/2025/8/25/art_1_2.html");
  EXPECT_EQ(out.links[0].date, "2025-08-25");
  EXPECT_EQ(out.page_count, 3);
}

TEST(ExtractLinksTest, PagerScriptsOfBothFamilies) {
  PageLinks trs;
  ASSERT_TRUE(ExtractLinks("<script>function createPageHTML(a,b,c,d){}\ncreatePageHTML(7, 0, \"index\", \"html\");</script>", "http://a.cn/x/", nullptr,
                           &trs).ok());
  EXPECT_EQ(trs.page_count, 7);
  EXPECT_EQ(trs.page_name, "index");
  EXPECT_EQ(trs.page_ext, "html");
  PageLinks gx;
  ASSERT_TRUE(ExtractLinks("<script>var currentPage = 0; var countPage = 4;\n"
                           "createPageHTML('page_div', countPage, currentPage, 'index', 'shtml', 57);</script>",
                           "http://a.cn/x/", nullptr, &gx).ok());
  EXPECT_EQ(gx.page_count, 4);
  EXPECT_EQ(gx.page_ext, "shtml");
}

TEST(ExtractLinksTest, BaseHrefAndBrokenHtml) {
  PageLinks out;
  ASSERT_TRUE(ExtractLinks("<head><base href='http://other.cn/dir/'></head><p><a href=a.html>x<font><a href=\"b.html>y",
                           "http://a.cn/", nullptr, &out).ok());
  ASSERT_GE(out.links.size(), 1u);
  EXPECT_EQ(out.links[0].url, "http://other.cn/dir/a.html");
}

TEST(UrlExtensionTest, LowerCaseWithoutQuery) {
  EXPECT_EQ(UrlExtension("http://a.cn/x/P020240305.PDF?x=1"), "pdf");
  EXPECT_EQ(UrlExtension("http://a.cn/x.y/file"), "");
  EXPECT_EQ(UrlExtension("http://a.cn/"), "");
}

}  // namespace
}  // namespace sluice::fetch
