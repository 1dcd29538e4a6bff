#include "sluice/fetch/site.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sluice/fetch/crawler.h"
#include "test_env.h"

namespace sluice::fetch {
namespace {

SiteConfig Parse(const std::string& yaml) {
  SiteConfig s;
  Config c = Config::Parse(yaml, "site.yaml");
  Status st = ParseSite(c, &s);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(c.Finish().ok()) << c.Finish().ToString();
  return s;
}

Link L(const std::string& url, bool selected = false) {
  Link l;
  l.url = url;
  l.selected = selected;
  return l;
}

TEST(SitePresetTest, TrsArticlesAndPages) {
  SiteConfig s = Parse("name: moe\npreset: trs\nlists: [http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/]\nhosts: [moe.gov.cn]\n");
  EXPECT_TRUE(s.IsArticle(L("http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/202406/t20240603_1144102.html")));
  EXPECT_TRUE(s.IsArticle(L("http://www.moe.gov.cn/srcsite/A06/s3325/202401/t20240111_1099814.html")));
  EXPECT_FALSE(s.IsArticle(L("http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/index_1.html")));
  EXPECT_FALSE(s.IsArticle(L("http://www.other.gov.cn/jyb_xwfb/202406/t20240603_1.html")));
  EXPECT_EQ(s.PageUrl("http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/", 1), "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/index_1.html");
  EXPECT_EQ(s.PageUrl("http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/index.htm", 2), "http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/index_2.htm");
}

TEST(SitePresetTest, GxzfNeedsPatternAndSelector) {
  SiteConfig s = Parse("name: gx\npreset: gxzf\nlists: [http://jyt.gxzf.gov.cn/jyxw/jyyw/]\n");
  EXPECT_TRUE(s.IsArticle(L("http://jyt.gxzf.gov.cn/jyxw/jyyw/t21337802.shtml", true)));
  EXPECT_FALSE(s.IsArticle(L("http://jyt.gxzf.gov.cn/jyxw/jyyw/t21337802.shtml", false)));  // outside ul.more-list
  EXPECT_EQ(s.PageUrl("http://jyt.gxzf.gov.cn/jyxw/jyyw/", 1), "http://jyt.gxzf.gov.cn/jyxw/jyyw/index_1.shtml");
}

TEST(SitePresetTest, HanwebAndGovcn) {
  SiteConfig h = Parse("name: wz\npreset: hanweb\nlists: ['http://jyj.wz.cn/col/col1567231/index.html?uid=25783']\n");
  EXPECT_TRUE(h.IsArticle(L("http://jyj.wz.cn/art/2025/8/25/art_1567231_58712906.html")));
  EXPECT_EQ(h.PageUrl("http://jyj.wz.cn/col/col1567231/index.html?uid=25783", 1),
            "http://jyj.wz.cn/col/col1567231/index.html?uid=25783&pageNum=2");
  SiteConfig g = Parse("name: gov\npreset: govcn\nlists: [https://www.gov.cn/zhengce/zuixin/home.htm]\nhosts: [gov.cn]\n");
  EXPECT_TRUE(g.IsArticle(L("https://www.gov.cn/zhengce/content/202401/content_6925000.htm")));
  EXPECT_TRUE(g.IsArticle(L("https://www.gov.cn/zhengce/202401/content_6925433.htm")));
  EXPECT_EQ(g.PageUrl("https://www.gov.cn/zhengce/zuixin/home.htm", 1), "https://www.gov.cn/zhengce/zuixin/home_1.htm");
}

TEST(SiteConfigTest, ExplicitKeysOverridePresetsAndErrorsNameTheKey) {
  SiteConfig s = Parse("name: x\npreset: trs\narticle_pattern: '/art/\\d+\\.html$'\npages: ''\nlists: [http://a.cn/l/]\n");
  EXPECT_TRUE(s.IsArticle(L("http://a.cn/art/12.html")));
  EXPECT_EQ(s.PageUrl("http://a.cn/l/", 1), "");
  SiteConfig bad;
  Status st = ParseSite(Config::Parse("name: x\npreset: nope\nlists: [http://a.cn/]\n", "bad.yaml"), &bad);
  EXPECT_NE(st.message().find("preset"), std::string::npos) << st.ToString();
  st = ParseSite(Config::Parse("name: x\narticle_pattern: '(['\nlists: [http://a.cn/]\n", "bad.yaml"), &bad);
  EXPECT_NE(st.message().find("bad.yaml:2"), std::string::npos) << st.ToString();
  st = ParseSite(Config::Parse("name: x\npreset: trs\nlists: [ftp://a.cn/]\n", "bad.yaml"), &bad);
  EXPECT_FALSE(st.ok());
  st = ParseSite(Config::Parse("name: x\nlists: [http://a.cn/]\n", "bad.yaml"), &bad);
  EXPECT_FALSE(st.ok());  // no rule at all
}

TEST(SiteConfigTest, TyposAreReportedWithFileAndLine) {
  Config c = Config::Parse("sites:\n  - name: x\n    preset: trs\n    lists: [http://a.cn/]\n    max_page: 3\n", "typo.yaml");
  FetchOptions o;
  ASSERT_TRUE(FetchOptions::FromConfig(c, "", "/tmp", &o).ok());
  Status st = c.Finish();
  EXPECT_NE(st.message().find("typo.yaml:5"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("max_page"), std::string::npos) << st.ToString();
}

// The shipped configs for real bureaus load and validate, with the presets the fixture crawls
// exercise (trs, gxzf, hanweb) or govcn.
TEST(DeploySitesTest, EveryShippedSiteValidates) {
  std::string dir = sluice::testing::SourceDir() + "/deploy/sites";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  Config c = Config::Parse("site_files: [" + dir + "]\n", "fetch.yaml");
  FetchOptions o;
  ASSERT_TRUE(FetchOptions::FromConfig(c, "", "/tmp", &o).ok());
  Status st = c.Finish();
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::set<std::string> names;
  for (const auto& s : o.sites) {
    names.insert(s.name);
    EXPECT_NE(s.preset, "none") << s.name;
    EXPECT_FALSE(s.lists.empty());
    EXPECT_GE(s.min_delay.count(), 1000) << s.name << ": be polite to real sites";
  }
  EXPECT_EQ(names, (std::set<std::string>{"moe", "gxzf-jyt", "wuzhou", "shaanxi-jyt", "gov-cn"}));
}

}  // namespace
}  // namespace sluice::fetch
