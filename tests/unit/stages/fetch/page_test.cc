#include "sluice/fetch/page.h"

#include <gtest/gtest.h>

namespace sluice::fetch {
namespace {

TEST(DetectChallengeTest, StatusAndScriptStubs) {
  EXPECT_NE(DetectChallenge(412, "<html></html>"), "");
  EXPECT_NE(DetectChallenge(200, "<html><head><script src='/x.js'></script></head><body><script>$_ts=window['$_ts'];"
                                 "document.cookie='a=b';location.replace(location.href)</script></body></html>"), "");
  EXPECT_NE(DetectChallenge(200, "<script>document.cookie='__jsl_clearance=1';location.href=location.pathname</script>"), "");
  EXPECT_NE(DetectChallenge(521, "<script>var x='acw_sc__v2';</script>"), "");
  // Real pages with scripts that touch cookies are not challenges.
  std::string page = "<html><body><script>document.cookie='font=big';location.reload()</script><div>";
  for (int i = 0; i < 40; ++i) page += "教育部关于做好招生工作的通知。";
  page += "</div></body></html>";
  EXPECT_EQ(DetectChallenge(200, page), "");
  EXPECT_EQ(DetectChallenge(200, "<html><body><p>短页面</p></body></html>"), "");
}

TEST(FindAttachmentsTest, TypesNamesAndDedup) {
  PageLinks links;
  links.links = {{"http://a.cn/x/P020240305.pdf", "附件1：名单.pdf", "", false, false},
                 {"http://a.cn/x/P020240305.pdf", "again", "", false, false},
                 {"http://a.cn/x/W0201.XLSX", "", "", false, false},
                 {"http://a.cn/x/t1.html", "正文", "", false, false},
                 {"http://a.cn/x/f.wps?v=1", "表格", "", false, false}};
  auto a = FindAttachments(links);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].name(), "附件1：名单.pdf");
  EXPECT_EQ(a[0].type(), "pdf");
  EXPECT_EQ(a[1].name(), "W0201.XLSX");
  EXPECT_EQ(a[1].type(), "xlsx");
  EXPECT_EQ(a[2].type(), "wps");
}

TEST(BuildDocumentTest, IdIsStableForTheSameContentAndChangesWithIt) {
  FetchedPage p;
  p.source = "moe";
  p.response.url = "http://WWW.moe.gov.cn:80/a/../b/t1.html?utm_source=x#frag";
  p.response.final_url = p.response.url;
  p.response.status = 200;
  p.response.headers = {{"content-type", "text/html; charset=gb2312"}, {"etag", "\"1\""}, {"set-cookie", "s=1"}};
  p.response.body = "<html><body>\xBD\xCC\xD3\xFD</body></html>";  // 教育 in GBK
  v1::Document a, b;
  ASSERT_TRUE(BuildDocument(p, nullptr, &a).ok());
  ASSERT_TRUE(BuildDocument(p, nullptr, &b).ok());
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.canonical_url(), "http://www.moe.gov.cn/b/t1.html");
  EXPECT_EQ(a.site(), "www.moe.gov.cn");
  EXPECT_EQ(a.charset(), "GB18030");
  EXPECT_EQ(a.fetch().declared_charset(), "gb2312");
  EXPECT_EQ(a.raw(), "<html><body>教育</body></html>");
  EXPECT_EQ(a.content_type(), "text/html");
  EXPECT_EQ(a.fetch().headers().count("set-cookie"), 0u);  // not recorded
  EXPECT_EQ(a.fetch().etag(), "\"1\"");
  p.response.body = "<html><body>\xBD\xCC\xD3\xFD!</body></html>";
  ASSERT_TRUE(BuildDocument(p, nullptr, &b).ok());
  EXPECT_NE(a.id(), b.id());
  p.response.body = std::string("\x00\x01\x02\x00binary", 10);
  EXPECT_FALSE(BuildDocument(p, nullptr, &b).ok());
}

}  // namespace
}  // namespace sluice::fetch
