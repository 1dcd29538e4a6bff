#include "sluice/common/url.h"

#include <gtest/gtest.h>

namespace sluice::common {
namespace {

TEST(UrlTest, ResolvesRelativeLinksLikeABrowser) {
  const std::string base = "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/index_1.html";
  EXPECT_EQ(ResolveUrl(base, "./202403/t20240305_1118201.html"), "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/202403/t20240305_1118201.html");
  EXPECT_EQ(ResolveUrl(base, "../s5147/index.html"), "http://www.moe.gov.cn/jyb_xwfb/s5147/index.html");
  EXPECT_EQ(ResolveUrl(base, "/srcsite/A06/x.html"), "http://www.moe.gov.cn/srcsite/A06/x.html");
  EXPECT_EQ(ResolveUrl(base, "//jyt.gxzf.gov.cn/a.shtml"), "http://jyt.gxzf.gov.cn/a.shtml");
  EXPECT_EQ(ResolveUrl(base, "?page=2"), "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/index_1.html?page=2");
  EXPECT_EQ(ResolveUrl(base, "../../../../a.html"), "http://www.moe.gov.cn/a.html");
  EXPECT_EQ(ResolveUrl(base, " \n ./P020240305.pdf \t"), "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/P020240305.pdf");
  EXPECT_EQ(ResolveUrl(base, "javascript:void(0)"), "");
  EXPECT_EQ(ResolveUrl(base, "mailto:a@b.cn"), "");
}

TEST(UrlTest, CanonicalFormMergesSpellingsOfOnePage) {
  EXPECT_EQ(CanonicalUrl("HTTP://WWW.MOE.GOV.CN:80/a/./b/../c.html#top"), "http://www.moe.gov.cn/a/c.html");
  EXPECT_EQ(CanonicalUrl("https://jyt.gxzf.gov.cn:443"), "https://jyt.gxzf.gov.cn/");
  EXPECT_EQ(CanonicalUrl("http://x.cn/a?utm_source=wx&id=3&spm=1.2&from=timeline"), "http://x.cn/a?id=3");
  EXPECT_EQ(CanonicalUrl("http://x.cn/%7euser/%e6%95%99"), "http://x.cn/~user/%E6%95%99");
  EXPECT_EQ(CanonicalUrl("http://x.cn/教育"), "http://x.cn/%E6%95%99%E8%82%B2");
  EXPECT_EQ(CanonicalUrl("http://user:pw@x.cn:8080/a"), "http://x.cn:8080/a");
  EXPECT_EQ(CanonicalUrl("http://x.cn/a?b=1&a=2"), "http://x.cn/a?b=1&a=2");  // order kept
}

TEST(UrlTest, RejectsWhatIsNotAnHttpUrl) {
  Url u;
  EXPECT_FALSE(Url::Parse("/relative/path", &u).ok());
  EXPECT_FALSE(Url::Parse("ftp://x.cn/a", &u).ok());
  EXPECT_FALSE(Url::Parse("http://:80/a", &u).ok());
  EXPECT_FALSE(Url::Parse("http://x.cn:99999/", &u).ok());
  ASSERT_TRUE(Url::Parse("http://[::1]:8080/a?q#f", &u).ok());
  EXPECT_EQ(u.host(), "::1");
  EXPECT_EQ(u.port(), 8080);
  EXPECT_EQ(u.Origin(), "http://[::1]:8080");
}

TEST(UrlTest, RemoveDotSegmentsFollowsRfc3986Examples) {
  EXPECT_EQ(RemoveDotSegments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(RemoveDotSegments("mid/content=5/../6"), "mid/6");
  EXPECT_EQ(RemoveDotSegments("/a/b/.."), "/a/");
}

}  // namespace
}  // namespace sluice::common
