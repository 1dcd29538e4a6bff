#include "sluice/fetch/robots.h"

#include <gtest/gtest.h>

namespace sluice::fetch {
namespace {

TEST(RobotsTxtTest, LongestMatchWinsAllowOnTies) {
  auto r = RobotsTxt::Parse("User-agent: *\nDisallow: /private/\nAllow: /private/open\nDisallow: /*.pdf$\n", "sluice-fetch/0.1");
  EXPECT_TRUE(r.Allowed("/"));
  EXPECT_FALSE(r.Allowed("/private/x.html"));
  EXPECT_TRUE(r.Allowed("/private/open.html"));
  EXPECT_FALSE(r.Allowed("/files/a.pdf"));
  EXPECT_TRUE(r.Allowed("/files/a.pdf?download=1"));  // $ anchors the end
  EXPECT_TRUE(r.Allowed("/robots.txt"));
}

TEST(RobotsTxtTest, MostSpecificAgentGroupIsUsed) {
  const char* txt =
      "User-agent: *\nDisallow: /\n\n"
      "User-agent: sluice\nUser-agent: other\nDisallow: /admin/\nCrawl-delay: 2.5\n";
  auto ours = RobotsTxt::Parse(txt, "sluice-fetch/0.1 (+https://example.org)");
  EXPECT_TRUE(ours.Allowed("/news/"));
  EXPECT_FALSE(ours.Allowed("/admin/x"));
  EXPECT_EQ(ours.crawl_delay().count(), 2500);
  auto them = RobotsTxt::Parse(txt, "googlebot");
  EXPECT_FALSE(them.Allowed("/news/"));
}

TEST(RobotsTxtTest, EmptyDisallowCommentsAndGarbage) {
  auto r = RobotsTxt::Parse("\xEF\xBB\xBFUser-agent: * # all\nDisallow:\nthis is not a rule\n\x01\x02\n", "x");
  EXPECT_TRUE(r.Allowed("/anything"));
  EXPECT_TRUE(RobotsTxt::AllowAll().Allowed("/a"));
  EXPECT_FALSE(RobotsTxt::DisallowAll().Allowed("/a"));
}

TEST(RobotsTxtTest, WildcardsInTheMiddle) {
  auto r = RobotsTxt::Parse("User-agent: *\nDisallow: /*/print/*.html\nDisallow: /search?\n", "x");
  EXPECT_FALSE(r.Allowed("/a/print/b.html"));
  EXPECT_TRUE(r.Allowed("/a/b.html"));
  EXPECT_FALSE(r.Allowed("/search?q=1"));
  EXPECT_TRUE(r.Allowed("/search/"));
}

}  // namespace
}  // namespace sluice::fetch
