// Crawls the three fixture sites of shared/data/sites (TRS, Guangxi 集约化, Hanweb/GBK) with the
// shipped presets over real HTTP on 127.0.0.1 and checks them against gold.jsonl: every gold
// article found and emitted exactly once, decoded right, the challenge page reported and never
// emitted, attachments recorded; then a second poll that finds nothing new with conditional
// requests, and a third that finds a page added in between.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "memory_source_context.h"
#include "mini_site.h"
#include "site_server.h"
#include "sluice/common/url.h"
#include "sluice/config.h"
#include "sluice/fetch/crawler.h"
#include "sluice/json.h"
#include "test_env.h"

namespace sluice::fetch {
namespace {

namespace fs = std::filesystem;
using sluice::testing::MemorySourceContext;
using sluice::testing::RunUntil;
using sluice::testing::SiteServer;

struct GoldRow {
  std::string site, url_path, expect, first_line;
  std::vector<std::string> attachments;
};

std::vector<GoldRow> LoadGold(const std::string& shared) {
  std::vector<GoldRow> rows;
  std::ifstream in(shared + "/data/sites/gold.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    Json j;
    if (!Json::Parse(line, &j).ok()) continue;
    GoldRow r;
    r.site = j["site"].AsString();
    r.url_path = j["url_path"].AsString();
    r.expect = j["expect"].AsString();
    std::string text = j["text"].AsString();
    r.first_line = text.substr(0, text.find('\n'));
    for (const auto& a : j["attachments"].items()) r.attachments.push_back(a["url_path"].AsString());
    rows.push_back(r);
  }
  return rows;
}

// The longest run of CJK characters (3-byte UTF-8 starting E4–E9) in `s`, at most 12 of them:
// survives any markup the page puts between runs.
std::string HanRun(const std::string& s) {
  std::string best, cur;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xE4 && c <= 0xE9 && i + 2 < s.size()) {
      cur += s.substr(i, 3);
      i += 3;
      if (cur.size() > best.size()) best = cur;
      if (best.size() >= 36) break;
    } else {
      cur.clear();
      i += 1;
    }
  }
  return best;
}

std::string PathOf(const std::string& url) {
  common::Url u;
  return common::Url::Parse(url, &u).ok() ? u.path() : "";
}

struct SiteSpec {
  std::string dir, preset;
  std::vector<std::string> lists;
};

const std::map<std::string, SiteSpec>& Specs() {
  static const std::map<std::string, SiteSpec> kSpecs = {
      {"trs", {"trs", "trs", {"/jyb_xwfb/gzdt_gzdt/index.html", "/jyb_xwfb/s5147/index.html"}}},
      {"gxzf", {"gxzf", "gxzf", {"/zfxxgk/fdzdgknr/tzgg_58179/index.shtml", "/jyxw/jyyw/index.shtml"}}},
      {"hanweb",
       {"hanweb", "hanweb", {"/col/col1567230/index.html", "/col/col1567231/index.html", "/col/col1567240/index.html"}}},
  };
  return kSpecs;
}

std::string SiteYaml(const std::string& name, const std::string& preset, const std::vector<std::string>& lists, int max_pages = 3) {
  std::string y = "    - name: " + name + "\n      preset: " + preset + "\n      max_pages: " + std::to_string(max_pages) +
                  "\n      poll_interval: 1h\n      lists:\n";
  for (const auto& l : lists) y += "        - " + l + "\n";
  return y;
}

std::unique_ptr<FetchSource> MakeSource(const std::string& sites_yaml, const std::string& extra = "") {
  std::string yaml = "allow_networks: [127.0.0.1/32]\nmin_delay: 0s\nmax_connections: 4\nattachments: {probe: get, max_size: 1MB}\n" +
                     std::string(extra.find("recheck_interval") == std::string::npos ? "recheck_interval: 0s\n" : "") + extra +
                     "sites:\n" + sites_yaml;
  Config c = Config::Parse(yaml, "test.yaml");
  FetchOptions o;
  EXPECT_TRUE(FetchOptions::FromConfig(c, "", "/tmp", &o).ok());
  Status fin = c.Finish();
  EXPECT_TRUE(fin.ok()) << fin.ToString();
  return std::make_unique<FetchSource>(std::move(o));
}

class FixtureCrawlTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureCrawlTest, FindsEveryGoldArticleOnceDecodedWithAttachments) {
  std::string shared = sluice::testing::SharedDir();
  if (shared.empty() || !fs::exists(shared + "/data/sites/gold.jsonl"))
    GTEST_SKIP() << "shared/data/sites not present (set SLUICE_SHARED_DIR): fixture crawl skipped";
  const SiteSpec& spec = Specs().at(GetParam());
  boost::asio::io_context io;
  SiteServer server(io, shared + "/data/sites/" + spec.dir);
  ASSERT_TRUE(server.Listen());
  std::vector<std::string> lists;
  for (const auto& l : spec.lists) lists.push_back(server.Url(l));
  auto src = MakeSource(SiteYaml(GetParam(), spec.preset, lists));
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(30)));

  std::map<std::string, int> emitted;  // path → count
  std::map<std::string, const v1::Document*> by_path;
  for (const auto& d : ctx.docs) {
    emitted[PathOf(d.canonical_url())]++;
    by_path[PathOf(d.canonical_url())] = &d;
  }
  int checked = 0;
  for (const auto& g : LoadGold(shared)) {
    if (g.site != GetParam()) continue;
    ++checked;
    if (g.expect == "challenge") {
      EXPECT_EQ(emitted.count(g.url_path), 0u) << "challenge page emitted: " << g.url_path;
      continue;
    }
    ASSERT_EQ(emitted[g.url_path], 1) << g.url_path << " emitted " << emitted[g.url_path] << " times";
    // Fetched exactly once from the server, too.
    EXPECT_EQ(server.RequestsFor(g.url_path).size(), 1u) << g.url_path;
    const v1::Document& d = *by_path[g.url_path];
    EXPECT_FALSE(d.id().empty());
    EXPECT_EQ(d.source(), GetParam());
    EXPECT_EQ(d.fetch().status(), 200);
    EXPECT_FALSE(d.fetch().discovered_from().empty());
    if (!g.first_line.empty()) {
      std::string run = HanRun(g.first_line);
      EXPECT_NE(d.raw().find(run), std::string::npos) << g.url_path << " does not contain '" << run << "' (charset " << d.charset() << ")";
    }
    if (GetParam() == "hanweb") {
      EXPECT_EQ(d.charset(), "GB18030") << g.url_path;
      EXPECT_EQ(d.fetch().declared_charset(), "gb2312") << g.url_path;
    }
    if (g.expect == "charset_mismatch") {
      EXPECT_EQ(d.charset(), "UTF-8");
      EXPECT_EQ(d.fetch().declared_charset(), "gb2312");
    }
    std::set<std::string> att;
    for (const auto& a : d.attachments()) {
      att.insert(PathOf(a.url()));
      EXPECT_FALSE(a.name().empty());
      EXPECT_GT(a.size(), 0) << a.url();
      EXPECT_EQ(a.sha256().size(), 64u) << a.url();
    }
    for (const auto& a : g.attachments) EXPECT_TRUE(att.count(a)) << g.url_path << " lacks attachment " << a;
  }
  EXPECT_GT(checked, 5);
  if (GetParam() == "trs") {
    EXPECT_GE(ctx.counters_.Get("challenge"), 1u);
    EXPECT_EQ(ctx.counters_.Get("layout_drift"), 0u);
  }
  // Nothing but articles was emitted.
  for (const auto& [path, n] : emitted) EXPECT_EQ(n, 1) << path;

  // Second poll: nothing new, and list pages are asked conditionally (304).
  size_t before = ctx.docs.size();
  size_t requests_before = server.requests.size();
  uint64_t polls = src->polls_completed();
  src->PollNow();
  ASSERT_TRUE(RunUntil(io, [&] { return src->polls_completed() > polls && src->Idle(); }, std::chrono::seconds(30)));
  EXPECT_EQ(ctx.docs.size(), before);
  int conditional = 0;
  for (size_t k = requests_before; k < server.requests.size(); ++k)
    if (server.requests[k].headers.count("if-none-match")) ++conditional;
  EXPECT_GE(conditional, static_cast<int>(spec.lists.size()));
  EXPECT_GE(ctx.counters_.Get("list_not_modified"), spec.lists.size());
  src->Stop();
}

INSTANTIATE_TEST_SUITE_P(Sites, FixtureCrawlTest, ::testing::Values("trs", "gxzf", "hanweb"));

TEST(FixtureCrawlTest, NewPageIsFoundOnTheNextPoll) {
  std::string shared = sluice::testing::SharedDir();
  if (shared.empty() || !fs::exists(shared + "/data/sites/trs"))
    GTEST_SKIP() << "shared/data/sites not present (set SLUICE_SHARED_DIR): fixture crawl skipped";
  // A private copy of the TRS site (in a temporary directory, removed afterwards) that the test
  // can publish into.
  sluice::testing::TempDir tmp;
  fs::copy(shared + "/data/sites/trs", tmp.path() + "/trs", fs::copy_options::recursive);
  fs::permissions(tmp.path() + "/trs", fs::perms::owner_all, fs::perm_options::add);
  boost::asio::io_context io;
  SiteServer server(io, tmp.path() + "/trs");
  ASSERT_TRUE(server.Listen());
  auto src = MakeSource(SiteYaml("trs", "trs", {server.Url("/jyb_xwfb/gzdt_gzdt/index.html")}));
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(30)));
  size_t before = ctx.docs.size();
  ASSERT_GT(before, 5u);

  // Publish: a new article and a new first item on the list page (which changes its ETag).
  std::string dir = tmp.path() + "/trs/jyb_xwfb/gzdt_gzdt";
  fs::create_directories(dir + "/202407");
  sluice::testing::WriteFile(dir + "/202407/t20240701_1150001.html",
                             "<html><head><meta charset=\"utf-8\"><title>新通知</title></head><body><div class=\"TRS_Editor\">"
                             "<p>关于做好2024年暑期学生安全教育工作的通知。各地教育行政部门要高度重视。</p></div></body></html>");
  std::string list = sluice::testing::ReadFile(dir + "/index.html");
  size_t at = list.find("<ul id=\"list\">");
  ASSERT_NE(at, std::string::npos);
  list.insert(at + 14, "\n<li><a href=\"./202407/t20240701_1150001.html\">关于做好2024年暑期学生安全教育工作的通知</a><span>2024-07-01</span></li>");
  fs::remove(dir + "/index.html");
  sluice::testing::WriteFile(dir + "/index.html", list);
  fs::last_write_time(dir + "/index.html", fs::file_time_type::clock::now() + std::chrono::seconds(5));

  uint64_t polls = src->polls_completed();
  src->PollNow();
  ASSERT_TRUE(RunUntil(io, [&] { return src->polls_completed() > polls && src->Idle(); }, std::chrono::seconds(30)));
  ASSERT_EQ(ctx.docs.size(), before + 1);
  const auto& d = ctx.docs.back();
  EXPECT_EQ(PathOf(d.url()), "/jyb_xwfb/gzdt_gzdt/202407/t20240701_1150001.html");
  EXPECT_EQ(d.fetch().list_title(), "关于做好2024年暑期学生安全教育工作的通知");
  EXPECT_EQ(d.fetch().list_date(), "2024-07-01");
  EXPECT_EQ(server.RequestsFor("/jyb_xwfb/gzdt_gzdt/202407/t20240701_1150001.html").size(), 1u);
  // A site that published gets polled sooner.
  EXPECT_LT(src->interval("trs"), std::chrono::milliseconds(3600 * 1000));
  src->Stop();
}

TEST(FixtureCrawlTest, LayoutDriftIsReportedWithSiteAndPattern) {
  std::string shared = sluice::testing::SharedDir();
  if (shared.empty() || !fs::exists(shared + "/data/sites/gxzf"))
    GTEST_SKIP() << "shared/data/sites not present (set SLUICE_SHARED_DIR): fixture crawl skipped";
  boost::asio::io_context io;
  SiteServer server(io, shared + "/data/sites/gxzf");
  ASSERT_TRUE(server.Listen());
  // The Guangxi list pages crawled with the TRS rule: the page loads but no link matches.
  auto src = MakeSource(SiteYaml("gx-wrong-rule", "trs", {server.Url("/jyxw/jyyw/index.shtml")}));
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(30)));
  EXPECT_EQ(ctx.docs.size(), 0u);
  EXPECT_EQ(ctx.counters_.Get("layout_drift"), 1u);
  src->Stop();
}

// --- crawler behaviour on a site the test writes itself (no shared data needed) ---

TEST(CrawlerTest, ChallengeIsReportedRetriedWithBackoffAndNeverEmptyEmitted) {
  sluice::testing::MiniSite site;
  boost::asio::io_context io;
  int challenge_left = 1;
  SiteServer server(io, site.root(), [&](const HttpRequest& req, HttpResponse& resp) {
    if (req.path == "/news/202501/t20250104_4.html" && challenge_left > 0) {
      --challenge_left;
      resp.status = 412;
      resp.headers["Content-Type"] = "text/html";
      resp.body = "<html><script>document.cookie='x=1';location.reload()</script></html>";
      return true;
    }
    return false;
  });
  ASSERT_TRUE(server.Listen());
  auto src = MakeSource(SiteYaml("mini", "trs", {server.Url("/news/index.html")}), "retry_initial: 1s\n");
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
  EXPECT_EQ(ctx.counters_.Get("challenge"), 1u);
  EXPECT_EQ(ctx.docs.size(), 3u);
  for (const auto& d : ctx.docs) EXPECT_EQ(PathOf(d.url()).find("t20250104_4"), std::string::npos);
  EXPECT_EQ(ctx.counters_.Get("robots_denied"), 1u);  // /admin/ is disallowed
  EXPECT_TRUE(server.RequestsFor("/admin/202501/t20250101_9.html").empty());
  // Before the backoff has passed, a poll does not ask again.
  uint64_t polls = src->polls_completed();
  src->PollNow();
  ASSERT_TRUE(RunUntil(io, [&] { return src->polls_completed() > polls && src->Idle(); }, std::chrono::seconds(20)));
  EXPECT_EQ(server.RequestsFor("/news/202501/t20250104_4.html").size(), 1u);
  // After it, the next poll retries even though the list page itself answers 304.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  polls = src->polls_completed();
  src->PollNow();
  ASSERT_TRUE(RunUntil(io, [&] { return src->polls_completed() > polls && src->Idle(); }, std::chrono::seconds(20)));
  EXPECT_EQ(server.RequestsFor("/news/202501/t20250104_4.html").size(), 2u);
  ASSERT_EQ(ctx.docs.size(), 4u);
  EXPECT_NE(ctx.docs.back().raw().find("落实双减要求"), std::string::npos);
  src->Stop();
}

TEST(CrawlerTest, StateSurvivesARestartAndChangedPagesAreEmittedAgain) {
  sluice::testing::MiniSite site;
  boost::asio::io_context io;
  SiteServer server(io, site.root());
  ASSERT_TRUE(server.Listen());
  MemorySourceContext ctx(io);
  {
    auto src = MakeSource(SiteYaml("mini", "trs", {server.Url("/news/index.html")}));
    ASSERT_TRUE(src->Start(ctx).ok());
    ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
    src->Stop();
  }
  ASSERT_EQ(ctx.docs.size(), 4u);
  // A restarted source with the same state emits nothing again…
  size_t requests = server.requests.size();
  {
    auto src = MakeSource(SiteYaml("mini", "trs", {server.Url("/news/index.html")}));
    ASSERT_TRUE(src->Start(ctx).ok());
    ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
    src->Stop();
  }
  EXPECT_EQ(ctx.docs.size(), 4u);
  for (size_t k = requests; k < server.requests.size(); ++k)
    EXPECT_EQ(server.requests[k].path.find("/news/202501/"), std::string::npos) << server.requests[k].path;
  // …and with re-checks on, an edited article comes out as a new version (new id, same URL).
  site.Write("/news/202501/t20250101_1.html", sluice::testing::MiniSite::Article("全市教育工作会议召开", "更正：会议于1月2日召开。", ""));
  auto src = MakeSource(SiteYaml("mini", "trs", {server.Url("/news/index.html")}), "recheck_interval: 1ms\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // records are checked with second resolution
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
  ASSERT_EQ(ctx.docs.size(), 5u);
  EXPECT_EQ(PathOf(ctx.docs.back().url()), "/news/202501/t20250101_1.html");
  EXPECT_EQ(ctx.counters_.Get("articles_changed"), 1u);
  EXPECT_GE(ctx.counters_.Get("not_modified") + ctx.counters_.Get("articles_unchanged"), 3u);
  src->Stop();
}

TEST(CrawlerTest, BackpressureHoldsArticleFetchesUntilTheLedgerIsReady) {
  sluice::testing::MiniSite site;
  boost::asio::io_context io;
  SiteServer server(io, site.root());
  ASSERT_TRUE(server.Listen());
  MemorySourceContext ctx(io);
  ctx.backlogged = true;
  auto src = MakeSource(SiteYaml("mini", "trs", {server.Url("/news/index.html")}));
  ASSERT_TRUE(src->Start(ctx).ok());
  RunUntil(io, [] { return false; }, std::chrono::milliseconds(300));
  EXPECT_EQ(ctx.docs.size(), 0u);
  EXPECT_TRUE(server.RequestsFor("/news/202501/t20250103_3.html").empty());
  ctx.Release();
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
  EXPECT_EQ(ctx.docs.size(), 4u);
  src->Stop();
}

TEST(CrawlerTest, JsonListFeedsYieldArticles) {
  sluice::testing::TempDir dir;
  sluice::testing::WriteFile(dir.File("zhengce/zuixin/feed.json"),
                             R"({"pageCount":1,"list":[{"TITLE":"国务院办公厅关于加快建设教育强国的意见","URL":"/zhengce/content/202501/content_7000001.htm"},)"
                             R"({"TITLE":"其他","URL":"https://elsewhere.example/x.htm"}]})");
  sluice::testing::WriteFile(dir.File("zhengce/content/202501/content_7000001.htm"),
                             "<html><head><meta charset='utf-8'></head><body><div id='UCAP-CONTENT'><p>加快建设教育强国。</p></div></body></html>");
  boost::asio::io_context io;
  SiteServer server(io, dir.path());
  ASSERT_TRUE(server.Listen());
  auto src = MakeSource(SiteYaml("gov", "govcn", {server.Url("/zhengce/zuixin/feed.json")}, 1));
  MemorySourceContext ctx(io);
  ASSERT_TRUE(src->Start(ctx).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
  ASSERT_EQ(ctx.docs.size(), 1u);
  EXPECT_EQ(PathOf(ctx.docs[0].url()), "/zhengce/content/202501/content_7000001.htm");
  EXPECT_EQ(ctx.docs[0].fetch().list_title(), "国务院办公厅关于加快建设教育强国的意见");
  src->Stop();
}

TEST(CrawlerTest, SitesArePartitionedAmongWorkersByHost) {
  sluice::testing::MiniSite site;
  boost::asio::io_context io;
  SiteServer server(io, site.root());
  ASSERT_TRUE(server.Listen());
  std::string sites = SiteYaml("a", "trs", {server.Url("/news/index.html")}) +
                      SiteYaml("b", "trs", {"http://localhost:" + std::to_string(server.port()) + "/news/index.html"});
  size_t total = 0;
  for (uint32_t w = 0; w < 2; ++w) {
    MemorySourceContext ctx(io);
    ctx.worker_ = w;
    ctx.workers_ = 2;
    auto src = MakeSource(sites, "allow_private: true\n");
    ASSERT_TRUE(src->Start(ctx).ok());
    ASSERT_TRUE(RunUntil(io, [&] { return src->Idle(); }, std::chrono::seconds(20)));
    src->Stop();
    total += ctx.docs.size();
  }
  EXPECT_EQ(total, 8u);  // each site crawled by exactly one of the two workers
}

}  // namespace
}  // namespace sluice::fetch
