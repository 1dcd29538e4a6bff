// WARC replay rate: writes `pages` synthetic 50 KB article pages to a WARC archive (gzip per
// record, and plain), then replays it with the `warc` source into a counting context.
//
//   fetch_warc_replay_bench [pages=10000] [page_kb=50] [dir=/tmp/sluice-warc-bench]
//
// Baseline, side by side: reading the same archive record by record with WarcReader alone (no
// HTTP parsing, charset decision or Document building), so the ratio shows the cost of turning
// records into documents.
#include <utility>

#include <boost/asio.hpp>
#include <filesystem>
#include <iostream>

#include "bench_util.h"
#include "memory_source_context.h"
#include "sluice/fetch/warc.h"
#include "sluice/fetch/warc_source.h"

using namespace sluice;

static void Write(const std::string& dir, bool gzip, int pages, size_t page_kb) {
  std::filesystem::remove_all(dir);
  fetch::WarcWriterOptions o;
  o.dir = dir;
  o.gzip = gzip;
  std::unique_ptr<fetch::WarcWriter> w;
  if (!fetch::WarcWriter::Open(o, &w).ok()) std::exit(1);
  std::string body = bench::ArticleHtml(0, page_kb * 1024);
  for (int i = 0; i < pages; ++i) {
    fetch::FetchedPage p;
    p.source = "bench";
    p.response.url = p.response.final_url = "http://bench.example.cn/news/202501/t20250101_" + std::to_string(i) + ".html";
    p.response.status = 200;
    p.response.headers = {{"content-type", "text/html; charset=utf-8"}, {"etag", "\"" + std::to_string(i) + "\""}};
    p.response.body = body + "<!-- " + std::to_string(i) + " -->";
    p.discovered_from = "http://bench.example.cn/news/index.html";
    p.list_title = "通知" + std::to_string(i);
    if (!w->WritePage(p, true).ok()) std::exit(1);
  }
  w->Close();
}

static void Run(const std::string& dir, bool gzip, int pages, size_t page_kb) {
  Write(dir, gzip, pages, page_kb);
  uint64_t bytes = 0;
  for (const auto& f : fetch::ListWarcFiles({dir})) bytes += std::filesystem::file_size(f);
  // Baseline: records only.
  auto t0 = std::chrono::steady_clock::now();
  uint64_t records = 0;
  for (const auto& f : fetch::ListWarcFiles({dir})) {
    std::unique_ptr<fetch::WarcReader> r;
    fetch::WarcReader::Open(f, &r);
    fetch::WarcRecord rec;
    bool eof = false;
    while (r->Next(&rec, &eof).ok() && !eof) ++records;
  }
  double sb = bench::Seconds(t0);
  // The warc source.
  boost::asio::io_context io;
  Config c = Config::Parse("paths: [" + dir + "]\n", "bench.yaml");
  fetch::WarcSourceOptions o;
  fetch::WarcSourceOptions::FromConfig(c, "", &o);
  fetch::WarcSource src(o);
  testing::MemorySourceContext ctx(io);
  ctx.keep_docs = false;
  long rss0 = bench::RssKb();
  t0 = std::chrono::steady_clock::now();
  src.Start(ctx);
  while (!src.Finished()) io.run_one();
  double s = bench::Seconds(t0);
  std::printf("%-5s archive %.0f MB: baseline WarcReader %llu records in %.2fs (%.0f pages/s); warc source %llu docs in %.2fs = %.0f pages/s "
              "(%.0f MB/s of pages), ratio %.2f, RSS %ld -> %ld KB\n",
              gzip ? "gzip" : "plain", bytes / 1e6, static_cast<unsigned long long>(records), sb, pages / sb,
              static_cast<unsigned long long>(ctx.emitted), s, ctx.emitted / s, ctx.emitted_bytes / s / 1e6, (pages / sb) > 0 ? (ctx.emitted / s) / (pages / sb) : 0,
              rss0, bench::RssKb());
}

int main(int argc, char** argv) {
  int pages = argc > 1 ? std::atoi(argv[1]) : 10000;
  size_t page_kb = argc > 2 ? std::atoi(argv[2]) : 50;
  std::string dir = argc > 3 ? argv[3] : "/tmp/sluice-warc-bench";
  Run(dir + "/gz", true, pages, page_kb);
  Run(dir + "/plain", false, pages, page_kb);
  std::filesystem::remove_all(dir);
  return 0;
}
