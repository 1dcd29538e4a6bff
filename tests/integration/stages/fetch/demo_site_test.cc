// The bundled demo site crawled with the config the demo pipeline ships (DemoSite::
// SourceConfigYaml): every notice found and emitted once, both CMS styles decoded (GBK
// included), attachments recorded, list pagination followed; notices published while the
// crawler runs are found on the next polls; `sluice demo-site` and `sluice fetch` work as
// commands from any directory.
#include "sluice/fetch/demo_site.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "memory_source_context.h"
#include "sluice/common/url.h"
#include "sluice/config.h"
#include "sluice/json.h"
#include "sluice/fetch/crawler.h"
#include "test_env.h"

namespace sluice::fetch {
namespace {

using sluice::testing::MemorySourceContext;
using sluice::testing::RunUntil;

std::string PathOf(const std::string& url) {
  common::Url u;
  return common::Url::Parse(url, &u).ok() ? u.path() : "";
}

std::unique_ptr<FetchSource> DemoSource(const std::string& base) {
  Config c = Config::Parse(DemoSite::SourceConfigYaml(base), "demo.yaml");
  FetchOptions o;
  EXPECT_TRUE(FetchOptions::FromConfig(c, "", "/tmp", &o).ok());
  Status fin = c.Finish();
  EXPECT_TRUE(fin.ok()) << fin.ToString();
  return std::make_unique<FetchSource>(std::move(o));
}

TEST(DemoSiteTest, EveryNoticeIsCrawledOnceInBothStyles) {
  boost::asio::io_context io;
  DemoSiteOptions opt;
  opt.publish_every = std::chrono::milliseconds(0);
  DemoSite site(io, opt);
  ASSERT_TRUE(site.Listen("127.0.0.1", 0).ok());
  auto paths = site.ArticlePaths();
  ASSERT_GE(paths.size(), 20u);
  auto src = DemoSource(site.base_url());
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(30)));
  std::map<std::string, const v1::Document*> by_path;
  for (const auto& d : ctx.docs) {
    EXPECT_EQ(by_path.count(PathOf(d.url())), 0u) << d.url();
    by_path[PathOf(d.url())] = &d;
  }
  EXPECT_EQ(ctx.docs.size(), paths.size());
  int gbk = 0, with_attachments = 0, mentions = 0;
  for (const auto& p : paths) {
    ASSERT_TRUE(by_path.count(p)) << "not crawled: " << p;
    const v1::Document& d = *by_path[p];
    if (p.rfind("/sjyj/", 0) == 0) {
      EXPECT_EQ(d.charset(), "GB18030");
      EXPECT_EQ(d.fetch().declared_charset(), "gb2312");
      EXPECT_EQ(d.source(), "demo-sjyj");
      ++gbk;
    } else {
      EXPECT_EQ(d.charset(), "UTF-8");
      EXPECT_EQ(d.source(), "demo-sjyt");
    }
    EXPECT_FALSE(d.fetch().list_title().empty()) << p;
    EXPECT_EQ(d.fetch().list_date().size(), 10u) << p;
    EXPECT_NE(d.raw().find(d.fetch().list_title()), std::string::npos) << p;
    for (const auto& a : d.attachments()) {
      EXPECT_GT(a.size(), 0) << a.url();  // probed with HEAD
      EXPECT_FALSE(a.name().empty());
    }
    if (d.attachments_size() > 0) ++with_attachments;
    for (const char* term : {"教育强国", "双减", "产教融合"})
      if (d.raw().find(term) != std::string::npos) ++mentions;
  }
  EXPECT_GE(gbk, 8);
  EXPECT_GE(with_attachments, 4);
  EXPECT_GE(mentions, 10);
  // Pagination: deeper list pages were read on the first crawl.
  EXPECT_GE(ctx.counters_.Get("lists"), 8u);
  src->Stop();
}

TEST(DemoSiteTest, PublishedNoticesAreIngestedContinuously) {
  boost::asio::io_context io;
  DemoSiteOptions opt;
  opt.publish_every = std::chrono::milliseconds(300);
  opt.max_published = 4;
  DemoSite site(io, opt);
  ASSERT_TRUE(site.Listen("127.0.0.1", 0).ok());
  size_t initial = site.ArticlePaths().size();
  auto src = DemoSource(site.base_url());
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  // The shipped config polls every 5s at first (2s at the fastest); nudge the polls instead of
  // waiting so the test stays quick.
  ASSERT_TRUE(RunUntil(io, [&] {
    if (src->Idle() && site.published() == 4 && ctx.docs.size() < initial + 4) src->PollNow();
    return ctx.docs.size() == initial + 4;
  }, std::chrono::seconds(30)));
  auto paths = site.ArticlePaths();
  ASSERT_EQ(paths.size(), initial + 4);
  std::map<std::string, int> seen;
  for (const auto& d : ctx.docs) seen[PathOf(d.url())]++;
  for (const auto& p : paths) EXPECT_EQ(seen[p], 1) << p;
  src->Stop();
}

// A user who runs the demo again keeps sluice-data/ and its seen-set: the restarted site must
// publish notices under URLs no earlier run used, or the second run would ingest nothing.
TEST(DemoSiteTest, RestartedSitePublishesUrlsNoEarlierRunUsed) {
  boost::asio::io_context io;
  DemoSiteOptions opt;
  opt.publish_every = std::chrono::milliseconds(10);
  std::set<std::string> first_run;
  {
    DemoSite site(io, opt);
    for (int i = 0; i < 3; ++i) first_run.insert(site.PublishNow());
  }
  ASSERT_EQ(first_run.size(), 3u);
  // Three publications take three intervals of a running site; wait a little longer than that.
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  DemoSite again(io, opt);
  std::set<std::string> bundled;
  for (const auto& p : again.ArticlePaths()) bundled.insert(p);
  for (int i = 0; i < 3; ++i) {
    std::string path = again.PublishNow();
    EXPECT_EQ(first_run.count(path), 0u) << path << " was already published by the first run";
    EXPECT_EQ(bundled.count(path), 0u) << path << " collides with a bundled notice";
  }
  // An explicit running number makes publication reproducible.
  opt.first_publication = 7;
  DemoSite a(io, opt), b(io, opt);
  EXPECT_EQ(a.PublishNow(), b.PublishNow());
}

TEST(DemoSiteTest, ConditionalRequestsAnswer304) {
  boost::asio::io_context io;
  DemoSiteOptions opt;
  opt.publish_every = std::chrono::milliseconds(0);
  DemoSite site(io, opt);
  ASSERT_TRUE(site.Listen("127.0.0.1", 0).ok());
  auto src = DemoSource(site.base_url());
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(30)));
  size_t docs = ctx.docs.size();
  uint64_t polls = src->polls_completed();
  src->PollNow();
  ASSERT_TRUE(RunUntil(io, [&] { return src->polls_completed() >= polls + 2 && src->Idle(); }, std::chrono::seconds(30)));
  EXPECT_EQ(ctx.docs.size(), docs);
  EXPECT_EQ(ctx.counters_.Get("list_not_modified"), 4u);  // the four columns' first pages
  src->Stop();
}

TEST(DemoSiteCommandTest, ServesFromAnyDirectoryAndFetchCommandReportsIt) {
  sluice::testing::TempDir cwd;
  int port = sluice::testing::FreeTcpPort();
  sluice::testing::ChildProcess demo;
  ASSERT_TRUE(demo.Start({sluice::testing::SluiceBin(), "demo-site", "--port", std::to_string(port), "--publish-every", "1s"}, {}, "",
                         cwd.path()));
  std::string out;
  int rc = -1;
  // Wait until it answers.
  ASSERT_TRUE(sluice::testing::WaitFor([&] {
    rc = sluice::testing::RunCommand({sluice::testing::SluiceBin(), "fetch", "http://127.0.0.1:" + std::to_string(port) + "/sjyj/col/col1001/index.html",
                                      "--preset", "hanweb", "--allow-network", "127.0.0.1/32", "--json"},
                                     &out, std::chrono::seconds(10));
    return rc == 0;
  }, std::chrono::seconds(10))) << out;
  Json j;
  ASSERT_TRUE(Json::Parse(out.substr(out.find('{')), &j).ok()) << out;
  EXPECT_EQ(j["status"].AsInt(), 200);
  EXPECT_EQ(j["charset"].AsString(), "GB18030");
  EXPECT_GE(j["articles"].size(), 4u);
  // Without --allow-network the SSRF guard refuses the loopback target.
  rc = sluice::testing::RunCommand({sluice::testing::SluiceBin(), "fetch", "http://127.0.0.1:" + std::to_string(port) + "/"}, &out,
                                   std::chrono::seconds(10));
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("blocked"), std::string::npos) << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  demo.Signal(SIGTERM);
  EXPECT_EQ(demo.Wait(std::chrono::seconds(5)), 0);
  EXPECT_NE(demo.Output().find("published"), std::string::npos) << demo.Output();
  // --print-config gives a fetch config that validates.
  ASSERT_EQ(sluice::testing::RunCommand({sluice::testing::SluiceBin(), "demo-site", "--port", "8090", "--print-config"}, &out), 0);
  Config c = Config::Parse(out, "printed.yaml");
  FetchOptions o;
  EXPECT_TRUE(FetchOptions::FromConfig(c, "", "/tmp", &o).ok());
  EXPECT_TRUE(c.Finish().ok());
  EXPECT_EQ(o.sites.size(), 2u);
}

}  // namespace
}  // namespace sluice::fetch
