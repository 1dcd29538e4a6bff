// WARC round trip: crawl a site with archiving on, replay the archive with the `warc` source,
// and get byte-identical documents (deterministic serialisation), with gzip members and rotated
// files, and with plain .warc files. Also: a truncated archive replays what is intact.
#include "sluice/fetch/warc.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "memory_source_context.h"
#include "mini_site.h"
#include "site_server.h"
#include "sluice/config.h"
#include "sluice/fetch/crawler.h"
#include "sluice/fetch/warc_source.h"

namespace sluice::fetch {
namespace {

using sluice::testing::MemorySourceContext;
using sluice::testing::MiniSite;
using sluice::testing::RunUntil;
using sluice::testing::SiteServer;

std::string Deterministic(const v1::Document& d) {
  std::string out;
  google::protobuf::io::StringOutputStream sos(&out);
  google::protobuf::io::CodedOutputStream cos(&sos);
  cos.SetSerializationDeterministic(true);
  d.SerializeToCodedStream(&cos);
  cos.Trim();
  return out;
}

std::vector<v1::Document> Crawl(const std::string& warc_dir, bool gzip, std::string* log_dir_files) {
  MiniSite site;
  boost::asio::io_context io;
  SiteServer server(io, site.root(), [&site](const HttpRequest& req, HttpResponse& resp) {
    if (req.path != "/news/202501/t20250102_2.html") return false;
    // A lying HTTP charset: the bytes are GBK (and the <meta> says so).
    resp.status = 200;
    resp.headers["Content-Type"] = "text/html; charset=utf-8";
    resp.body = sluice::testing::ReadFile(site.root() + req.path);
    return true;
  });
  EXPECT_TRUE(server.Listen());
  std::string yaml = "allow_networks: [127.0.0.1/32]\nmin_delay: 0s\nattachments: {probe: get}\n"
                     "warc: {dir: " + warc_dir + ", max_size: 2KB, gzip: " + (gzip ? "true" : "false") + "}\n"
                     "sites:\n  - name: mini\n    preset: trs\n    lists: [" + server.Url("/news/index.html") + "]\n";
  Config c = Config::Parse(yaml, "warc_test.yaml");
  FetchOptions o;
  EXPECT_TRUE(FetchOptions::FromConfig(c, "", "/tmp", &o).ok());
  EXPECT_TRUE(c.Finish().ok()) << c.Finish().ToString();
  FetchSource src(std::move(o));
  MemorySourceContext ctx(io);
  EXPECT_TRUE(src.Start(ctx).ok());
  EXPECT_TRUE(RunUntil(io, [&] { return src.Idle(); }, std::chrono::seconds(20)));
  src.Stop();
  (void)log_dir_files;
  return ctx.docs;
}

std::vector<v1::Document> Replay(const std::string& warc_dir, MemorySourceContext** ctx_out = nullptr) {
  boost::asio::io_context io;
  Config c = Config::Parse("paths: [" + warc_dir + "]\nbatch: 2\n", "replay.yaml");
  WarcSourceOptions o;
  EXPECT_TRUE(WarcSourceOptions::FromConfig(c, "", &o).ok());
  EXPECT_TRUE(c.Finish().ok());
  WarcSource src(o);
  MemorySourceContext ctx(io);
  EXPECT_TRUE(src.Start(ctx).ok());
  EXPECT_TRUE(RunUntil(io, [&] { return src.Finished(); }, std::chrono::seconds(20)));
  (void)ctx_out;
  return ctx.docs;
}

void ExpectIdentical(const std::vector<v1::Document>& crawled, const std::vector<v1::Document>& replayed) {
  ASSERT_EQ(crawled.size(), replayed.size());
  std::map<std::string, std::string> by_id;
  for (const auto& d : replayed) by_id[d.id()] = Deterministic(d);
  for (const auto& d : crawled) {
    ASSERT_TRUE(by_id.count(d.id())) << d.url();
    EXPECT_EQ(by_id[d.id()], Deterministic(d)) << d.url();
  }
}

TEST(WarcTest, GzipArchiveReplaysByteIdenticalDocuments) {
  sluice::testing::TempDir tmp;
  std::string dir = tmp.path() + "/warc";
  auto crawled = Crawl(dir, true, nullptr);
  ASSERT_EQ(crawled.size(), 4u);  // four articles; the /admin/ one is disallowed by robots.txt
  bool attachment = false, gbk = false;
  for (const auto& d : crawled) {
    if (d.attachments_size() > 0) {
      attachment = d.attachments(0).sha256().size() == 64;
    }
    if (d.charset() == "GB18030") {
      gbk = d.raw().find("教育部通知——") != std::string::npos;
    }
  }
  EXPECT_TRUE(attachment);
  EXPECT_TRUE(gbk);
  // Small max_size: the archive rotated into several files, each of gzip members.
  auto files = ListWarcFiles({dir});
  EXPECT_GT(files.size(), 2u);
  auto replayed = Replay(dir);
  ExpectIdentical(crawled, replayed);
}

TEST(WarcTest, PlainArchiveReplaysByteIdenticalDocuments) {
  sluice::testing::TempDir tmp;
  std::string dir = tmp.path() + "/warc";
  auto crawled = Crawl(dir, false, nullptr);
  ASSERT_EQ(crawled.size(), 4u);
  ExpectIdentical(crawled, Replay(dir));
}

TEST(WarcTest, RecordsFollowTheWarcFormat) {
  sluice::testing::TempDir tmp;
  std::string dir = tmp.path() + "/warc";
  Crawl(dir, true, nullptr);
  std::map<std::string, int> types;
  for (const auto& f : ListWarcFiles({dir})) {
    std::unique_ptr<WarcReader> r;
    ASSERT_TRUE(WarcReader::Open(f, &r).ok());
    WarcRecord rec;
    bool eof = false;
    bool first = true;
    while (r->Next(&rec, &eof).ok() && !eof) {
      if (first) {
        EXPECT_EQ(rec.type, "warcinfo") << f;
      }
      first = false;
      types[rec.type]++;
      EXPECT_EQ(rec.Header("WARC-Record-ID").rfind("<urn:uuid:", 0), 0u);
      EXPECT_FALSE(rec.Header("WARC-Date").empty());
      if (rec.type == "response") {
        int status = 0;
        std::vector<std::pair<std::string, std::string>> h;
        std::string body;
        EXPECT_TRUE(ParseHttpResponse(rec.block, &status, &h, &body).ok());
        EXPECT_GT(status, 0);
      }
    }
  }
  EXPECT_GE(types["request"], 4);
  EXPECT_GE(types["response"], 4);
  EXPECT_EQ(types["metadata"], 4);
}

TEST(WarcTest, TruncatedArchiveReplaysWhatIsIntact) {
  sluice::testing::TempDir tmp;
  std::string dir = tmp.path() + "/warc";
  WarcWriterOptions o;
  o.dir = dir;
  o.gzip = false;
  std::unique_ptr<WarcWriter> w;
  ASSERT_TRUE(WarcWriter::Open(o, &w).ok());
  FetchedPage p;
  p.source = "t";
  p.response.url = p.response.final_url = "http://example.org/a.html";
  p.response.status = 200;
  p.response.headers = {{"content-type", "text/html; charset=utf-8"}};
  p.response.body = "<html><body>完整的页面</body></html>";
  ASSERT_TRUE(w->WritePage(p, true).ok());
  p.response.url = p.response.final_url = "http://example.org/b.html";
  ASSERT_TRUE(w->WritePage(p, true).ok());
  std::string path = w->current_path();
  ASSERT_TRUE(w->Close().ok());
  std::string bytes = sluice::testing::ReadFile(path);
  std::filesystem::resize_file(path, bytes.size() - 40);  // cut into the last record
  auto docs = Replay(dir);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].url(), "http://example.org/a.html");
  EXPECT_EQ(docs[0].source(), "t");
}

}  // namespace
}  // namespace sluice::fetch
