// Crawl rate: the fetch source against a local HTTP server (own thread) with politeness off.
//
//   fetch_crawl_bench [articles=20000] [page_kb=20] [concurrency=32]
//
// The site has list pages of 50 links each (index.html, index_1.html …) and `articles` article
// pages of `page_kb` KB of UTF-8 HTML. The full crawler path runs: list parsing, link rules,
// scheduling, HTTP, charset decision, challenge check, attachment discovery, Document building,
// Emit (into a counting context that keeps nothing). Side by side, the baseline fetches the same
// article URLs with the bare HttpClient (no crawler work) at the same concurrency, so the ratio
// shows what the crawler costs on top of HTTP. RSS is sampled at each quarter of the crawl to
// show memory stays flat.
#include <utility>

#include <boost/asio.hpp>
#include <iostream>
#include <thread>

#include "bench_util.h"
#include "memory_source_context.h"
#include "sluice/config.h"
#include "sluice/fetch/crawler.h"
#include "sluice/http_server.h"

using namespace sluice;

int main(int argc, char** argv) {
  int articles = argc > 1 ? std::atoi(argv[1]) : 20000;
  size_t page_kb = argc > 2 ? std::atoi(argv[2]) : 20;
  int concurrency = argc > 3 ? std::atoi(argv[3]) : 32;
  const int per_list = 50;
  int lists = (articles + per_list - 1) / per_list;
  std::string body = bench::ArticleHtml(0, page_kb * 1024);

  boost::asio::io_context server_io;
  HttpServer server(server_io, [&](const HttpRequest& req, HttpResponse& resp) {
    resp.headers["Content-Type"] = "text/html; charset=utf-8";
    const std::string& p = req.path;
    if (p.rfind("/news/index", 0) == 0) {
      int page = p == "/news/index.html" ? 0 : std::atoi(p.c_str() + 12);
      std::string s = "<html><head><meta charset=\"utf-8\"></head><body><ul class=\"list\">";
      for (int k = page * per_list; k < std::min(articles, (page + 1) * per_list); ++k)
        s += "<li><a href=\"./202501/t20250101_" + std::to_string(k) + ".html\">通知" + std::to_string(k) + "</a><span>2025-01-01</span></li>";
      s += "</ul><script>createPageHTML(" + std::to_string(lists) + ", " + std::to_string(page) + ", \"index\", \"html\");</script></body></html>";
      resp.body = s;
    } else if (p.rfind("/news/202501/t20250101_", 0) == 0) {
      resp.body = body;
      resp.body += "<!-- " + p + " -->";
    } else {
      resp.status = 404;
    }
  });
  if (!server.Listen("127.0.0.1", 0).ok()) return 1;
  std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  std::thread server_thread([&] {
    auto guard = boost::asio::make_work_guard(server_io);
    server_io.run();
  });

  // --- baseline: bare HttpClient over the same article URLs ---
  double base_rate = 0;
  {
    boost::asio::io_context io;
    fetch::HttpClientOptions ho;
    fetch::NetworkPolicy::Make(false, {"127.0.0.1/32"}, &ho.network);
    fetch::HttpClient client(io, ho);
    int next = 0, done = 0, errors = 0;
    std::function<void()> start = [&]() {
      if (next >= articles) return;
      fetch::FetchRequest r;
      r.url = base + "/news/202501/t20250101_" + std::to_string(next++) + ".html";
      client.Start(r, [&](fetch::FetchResponse resp) {
        ++done;
        if (!resp.ok() || resp.status != 200) ++errors;
        start();
      });
    };
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < concurrency; ++i) start();
    while (done < articles) io.run_one();
    double s = bench::Seconds(t0);
    base_rate = articles / s;
    std::printf("baseline  HttpClient only : %d pages in %.2fs = %.0f pages/s (%d errors)\n", articles, s, base_rate, errors);
  }

  // --- the crawler ---
  boost::asio::io_context io;
  std::string yaml = "allow_networks: [127.0.0.1/32]\nrobots: false\nmin_delay: 0s\nretries: 0\nconcurrency: " + std::to_string(concurrency) +
                     "\nmax_connections: " + std::to_string(concurrency) + "\nsites:\n  - name: bench\n    preset: trs\n    max_pages: " +
                     std::to_string(lists + 1) + "\n    lists: [" + base + "/news/index.html]\n";
  Config c = Config::Parse(yaml, "bench.yaml");
  fetch::FetchOptions o;
  if (!fetch::FetchOptions::FromConfig(c, "", "/tmp", &o).ok() || !c.Finish().ok()) {
    std::cerr << c.Finish().ToString() << "\n";
    return 1;
  }
  fetch::FetchSource src(std::move(o));
  testing::MemorySourceContext ctx(io);
  ctx.keep_docs = false;
  long rss0 = bench::RssKb();
  auto t0 = std::chrono::steady_clock::now();
  if (!src.Start(ctx).ok()) return 1;
  std::vector<long> rss;
  uint64_t next_mark = articles / 4;
  while (!(src.Idle() && ctx.emitted > 0)) {
    io.run_one();
    if (ctx.emitted >= next_mark && next_mark > 0) {
      rss.push_back(bench::RssKb());
      next_mark += articles / 4;
    }
  }
  double s = bench::Seconds(t0);
  double rate = ctx.emitted / s;
  std::printf("crawler   FetchSource     : %llu pages (+%d list pages) in %.2fs = %.0f pages/s, %.1f MB/s of UTF-8\n",
              static_cast<unsigned long long>(ctx.emitted), lists, s, rate, ctx.emitted_bytes / s / 1e6);
  std::printf("ratio crawler/baseline    : %.2f\n", rate / base_rate);
  std::printf("RSS KB: start %ld, at each quarter:", rss0);
  for (long r : rss) std::printf(" %ld", r);
  std::printf("\n");
  for (const auto& [k, v] : ctx.counters_.values) std::printf("  %s=%llu", k.c_str(), static_cast<unsigned long long>(v));
  std::printf("\n");
  src.Stop();
  server_io.stop();
  server_thread.join();
  return ctx.emitted == static_cast<uint64_t>(articles) ? 0 : 2;
}
