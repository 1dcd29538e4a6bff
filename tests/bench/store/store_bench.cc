// Store benchmark (not run by ctest). Measures, side by side in one run:
//   * documents/s stored (≈5 KB of segmented Chinese text each) with group commit vs one commit
//     per document, for SQLite and PostgreSQL, plus redelivery (every document again: unchanged);
//   * search latency p50/p99 over a large store (default 100k documents) for a query mix of
//     frequent words, word pairs and unsegmented runs, against a LIKE '%…%' scan as baseline.
// The corpus is synthetic (a Zipf-distributed vocabulary of random Han words), generated here.
//
//   store_bench [--docs 20000] [--batch 1000] [--single-docs 1000] [--search-docs 100000] [--queries 1000]
//               [--backend sqlite|postgres|both] [--dir /tmp] [--no-search] [--no-write] [--keep]
//               [--dsn DSN]   (an existing PostgreSQL server; each run makes its own schemas)
//               [--rank-window N]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "sluice/store/document_store.h"
#include "sluice/v1/document.pb.h"
#include "store_fixtures.h"

namespace {

using namespace sluice;
using namespace sluice::store;
using Clock = std::chrono::steady_clock;

std::string Utf8(char32_t cp) {
  std::string s;
  s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
  s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
  s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  return s;
}

// A synthetic language: words of 1–4 random Han characters, used with Zipf frequencies.
class Corpus {
 public:
  explicit Corpus(size_t vocabulary = 50000) : rng_(42) {
    std::uniform_int_distribution<int> len(1, 10);
    std::uniform_int_distribution<char32_t> han(0x4E00, 0x9FA5);
    for (size_t i = 0; i < vocabulary; ++i) {
      int l = len(rng_);
      int chars = l <= 2 ? 1 + (l == 2) : l <= 8 ? 2 : l == 9 ? 3 : 4;  // mostly two characters
      std::string w;
      for (int c = 0; c < chars; ++c) w += Utf8(han(rng_));
      words_.push_back(w);
    }
    double sum = 0;
    for (size_t i = 0; i < vocabulary; ++i) {
      sum += 1.0 / static_cast<double>(i + 1);
      cdf_.push_back(sum);
    }
    for (double& c : cdf_) c /= sum;
  }

  const std::string& Word() { return words_[Rank()]; }
  size_t Rank() {
    double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    return static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

  // A notice of about `bytes` bytes of text, segmented (tokens) unless `segmented` is false.
  v1::Document Doc(int64_t i, size_t bytes, bool segmented = true) {
    v1::Document d;
    std::string url = "https://site" + std::to_string(i % 20) + ".example.gov.cn/n/" + std::to_string(i) + ".html";
    d.set_url(url);
    d.set_canonical_url(url);
    d.set_site("site" + std::to_string(i % 20) + ".example.gov.cn");
    std::string title;
    for (int k = 0; k < 8; ++k) title += Word();
    d.set_title(title + "的通知");
    std::string text;
    int n = 0;
    while (text.size() < bytes) {
      size_t b = text.size();
      text += Word();
      if (segmented) {
        v1::Token* t = d.add_tokens();
        t->set_begin(static_cast<uint32_t>(b));
        t->set_end(static_cast<uint32_t>(text.size()));
      }
      ++n;
      if (n % 29 == 0) {
        text += "。\n";
      } else if (n % 7 == 0) {
        text += "，";
      }
    }
    d.set_text(text);
    d.set_publish_time("2025-" + std::to_string(10 + i % 3) + "-" + std::to_string(10 + i % 18));
    v1::Label* l = d.add_labels();
    l->set_axis("doc_type");
    l->set_value(i % 3 == 0 ? "通知" : "意见");
    l->set_score(0.9f);
    d.mutable_fetch()->set_fetched_at_us(1700000000000000 + i);
    return d;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> words_;
  std::vector<double> cdf_;
};

struct Args {
  int docs = 20000;
  int batch = 1000;
  int single_docs = 1000;
  int search_docs = 100000;
  int queries = 1000;
  int rank_window = SearchRequest().rank_window;
  std::string backend = "both";
  std::string dir = "/tmp";
  bool search = true;
  bool write = true;
  bool keep = false;  // leave the databases in DIR/sluice-store-bench (SQLite) or the server (--dsn)
  std::string dsn;    // an existing PostgreSQL server to use instead of a throw-away cluster
};

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Process CPU time in seconds. The machine is shared, so wall-clock rates move with everyone
// else's load; CPU-time rates (SQLite runs in this process) do not.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Rate {
  double wall = 0;  // documents per wall-clock second
  double cpu = 0;   // documents per second of this process's CPU time
};

// Stores `docs` with a commit every `batch` documents.
Rate Store(DocumentStore& store, const std::vector<v1::Document>& docs, size_t batch) {
  auto t0 = Clock::now();
  double c0 = CpuSeconds();
  size_t n = 0;
  for (const auto& d : docs) {
    UpsertResult r;
    Status st = store.Upsert(d, &r);
    if (!st.ok()) {
      std::fprintf(stderr, "upsert: %s\n", st.ToString().c_str());
      std::exit(1);
    }
    if (++n % batch == 0) {
      st = store.Commit();
      if (!st.ok()) {
        std::fprintf(stderr, "commit: %s\n", st.ToString().c_str());
        std::exit(1);
      }
    }
  }
  if (!store.Commit().ok()) std::exit(1);
  auto n_docs = static_cast<double>(docs.size());
  return Rate{n_docs / Seconds(t0, Clock::now()), n_docs / std::max(1e-9, CpuSeconds() - c0)};
}

bool OpenStore(const std::string& backend, const std::string& where, std::unique_ptr<DocumentStore>* store) {
  StoreOptions o;
  o.backend = backend == "sqlite" ? Backend::kSqlite : Backend::kPostgres;
  o.path = where;
  o.dsn = where;
  Status st = DocumentStore::Open(o, store);
  if (!st.ok()) std::fprintf(stderr, "open %s: %s\n", where.c_str(), st.ToString().c_str());
  return st.ok();
}

// A fresh database: a new SQLite file, or a new database in the cluster.
std::string FreshDatabase(const std::string& backend, const Args& args, testing::PostgresCluster* pg, int* counter) {
  std::string name = "bench" + std::to_string(++*counter);
  if (backend == "sqlite") {
    std::string path = args.dir + "/sluice-store-bench/" + name + ".db";
    std::filesystem::create_directories(args.dir + "/sluice-store-bench");
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
    return path;
  }
  if (!args.dsn.empty()) {
    // An existing server: a fresh schema per run inside the given database (made with psql).
    std::string schema = name + "_" + std::to_string(::getpid());
    std::string cmd = "psql -q \"" + args.dsn + "\" -c 'CREATE SCHEMA " + schema + "'";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "cannot create schema %s with psql\n", schema.c_str());
      std::exit(1);
    }
    return args.dsn + " options=-csearch_path=" + schema;
  }
  std::string why;
  if (!pg->CreateDatabase(name, &why)) {
    std::fprintf(stderr, "%s\n", why.c_str());
    std::exit(1);
  }
  return pg->Dsn(name);
}

void WriteBench(const std::string& backend, const Args& args, Corpus& corpus, testing::PostgresCluster* pg, int* counter) {
  std::vector<v1::Document> docs;
  size_t bytes = 0;
  for (int i = 0; i < args.docs; ++i) {
    docs.push_back(corpus.Doc(i, 5000));
    bytes += docs.back().text().size();
  }
  std::vector<v1::Document> unsegmented;
  for (int i = 0; i < args.docs / 4; ++i) unsegmented.push_back(corpus.Doc(i, 5000, false));
  std::vector<v1::Document> single(docs.begin(), docs.begin() + std::min<size_t>(docs.size(), args.single_docs));
  double avg_kb = static_cast<double>(bytes) / docs.size() / 1024.0;

  std::unique_ptr<DocumentStore> store;
  if (!OpenStore(backend, FreshDatabase(backend, args, pg, counter), &store)) return;
  Rate batch_rate = Store(*store, docs, args.batch);
  Rate redeliver_rate = Store(*store, docs, args.batch);
  store.reset();
  if (!OpenStore(backend, FreshDatabase(backend, args, pg, counter), &store)) return;
  Rate single_rate = Store(*store, single, 1);
  store.reset();
  if (!OpenStore(backend, FreshDatabase(backend, args, pg, counter), &store)) return;
  Rate grams_rate = Store(*store, unsegmented, args.batch);
  store.reset();
  // SQLite works in this process, so its CPU-time rate is what one free core would give;
  // PostgreSQL works in its server, so only the wall-clock rate means anything there.
  bool cpu = backend == "sqlite";
  auto line = [&](const char* what, size_t n, const Rate& r, const std::string& extra) {
    std::printf("write  %-8s %-16s %6zu docs  %.1f KB/doc  %8.0f docs/s wall", backend.c_str(), what, n, avg_kb, r.wall);
    if (cpu) std::printf("  %8.0f docs/s per CPU-second", r.cpu);
    std::printf("%s\n", extra.c_str());
  };
  char ratio[64];
  std::snprintf(ratio, sizeof ratio, "  (batch/single wall = %.1fx)", batch_rate.wall / single_rate.wall);
  std::string batch_name = "batch of " + std::to_string(args.batch);
  line(batch_name.c_str(), docs.size(), batch_rate, "");
  line("one per commit", single.size(), single_rate, ratio);
  line("redelivered", docs.size(), redeliver_rate, "  (all unchanged)");
  line("no tokens: grams", unsegmented.size(), grams_rate, "");
  std::fflush(stdout);
}

struct Percentiles {
  double p50, p99, max;
};
Percentiles Summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
  return Percentiles{at(0.50), at(0.99), ms.back()};
}

void SearchBench(const std::string& backend, const Args& args, Corpus& corpus, testing::PostgresCluster* pg,
                 int* counter) {
  std::string where = FreshDatabase(backend, args, pg, counter);
  std::unique_ptr<DocumentStore> store;
  if (!OpenStore(backend, where, &store)) return;
  std::vector<v1::Document> sample;  // a few documents to take unsegmented queries from
  auto t0 = Clock::now();
  for (int b = 0; b < args.search_docs; b += 1000) {
    std::vector<v1::Document> docs;
    for (int i = b; i < std::min(args.search_docs, b + 1000); ++i) docs.push_back(corpus.Doc(i, 5000));
    if (sample.size() < 200) sample.push_back(docs[0]);
    Store(*store, docs, 1000);
  }
  std::printf("search %-8s loaded %d docs in %.0f s\n", backend.c_str(), args.search_docs, Seconds(t0, Clock::now()));

  // The query mix: frequent single words (users type them; the costliest to rank), word pairs,
  // and two adjacent words typed as one unsegmented run.
  std::vector<std::pair<std::string, std::string>> queries;  // (class, query)
  std::mt19937 rng(7);
  for (int q = 0; q < args.queries; ++q) {
    int kind = q % 10;
    if (kind < 4) {
      queries.emplace_back("word", corpus.Word());
    } else if (kind < 7) {
      queries.emplace_back("two words", corpus.Word() + " " + corpus.Word());
    } else {
      const v1::Document& d = sample[rng() % sample.size()];
      int k = static_cast<int>(rng() % (d.tokens_size() - 1));
      queries.emplace_back("unsegmented",
                           d.text().substr(d.tokens(k).begin(), d.tokens(k + 1).end() - d.tokens(k).begin()));
    }
  }
  std::map<std::string, std::vector<double>> by_class;
  std::vector<double> all;
  std::vector<double> all_cpu;  // SQLite answers in this thread: its CPU time is the latency on a free core
  std::vector<std::pair<double, std::string>> slowest;
  int windowed = 0;
  int empty = 0;
  for (const auto& [cls, q] : queries) {
    SearchRequest req;
    req.query = q;
    req.rank_window = args.rank_window;
    SearchResult res;
    auto s = Clock::now();
    double c0 = ThreadCpuMs();
    Status st = store->Search(req, &res);
    double ms = Seconds(s, Clock::now()) * 1000;
    all_cpu.push_back(ThreadCpuMs() - c0);
    if (!st.ok()) {
      std::fprintf(stderr, "search %s: %s\n", q.c_str(), st.ToString().c_str());
      continue;
    }
    windowed += res.windowed;
    empty += res.hits.empty();
    by_class[cls].push_back(ms);
    all.push_back(ms);
    slowest.emplace_back(ms, q + (res.windowed ? " (windowed)" : ""));
  }
  std::sort(slowest.rbegin(), slowest.rend());
  Percentiles p = Summarise(all);
  std::printf("search %-8s %d docs  %zu queries  p50 %.2f ms  p99 %.2f ms  max %.1f ms  (rank window %d hit by %d, no hits %d)\n",
              backend.c_str(), args.search_docs, all.size(), p.p50, p.p99, p.max, args.rank_window, windowed, empty);
  if (backend == "sqlite") {
    Percentiles c = Summarise(all_cpu);
    std::printf("search %-8s   CPU time per query (latency on a free core)  p50 %.2f ms  p99 %.2f ms  max %.1f ms\n",
                backend.c_str(), c.p50, c.p99, c.max);
  }
  for (const auto& [cls, ms] : by_class) {
    Percentiles c = Summarise(ms);
    std::printf("search %-8s   %-12s %4zu queries  p50 %.2f ms  p99 %.2f ms\n", backend.c_str(), cls.c_str(), ms.size(),
                c.p50, c.p99);
  }
  for (size_t i = 0; i < 3 && i < slowest.size(); ++i) {
    std::printf("search %-8s   slowest: %.1f ms  %s\n", backend.c_str(), slowest[i].first, slowest[i].second.c_str());
  }
  std::fflush(stdout);

  // Baseline: the same single-word queries as a LIKE scan of the stored text (SQLite only).
  if (backend == "sqlite") {
    sqlite3* db = nullptr;
    sqlite3_open_v2(where.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM documents WHERE text LIKE ?1 OR title LIKE ?1", -1, &stmt, nullptr);
    std::vector<double> ms;
    for (size_t i = 0; i < queries.size() && ms.size() < 10; ++i) {
      if (queries[i].first != "word") continue;
      std::string pattern = "%" + queries[i].second + "%";
      auto s = Clock::now();
      sqlite3_bind_text(stmt, 1, pattern.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(stmt) == SQLITE_ROW) {
      }
      sqlite3_reset(stmt);
      ms.push_back(Seconds(s, Clock::now()) * 1000);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    Percentiles b = Summarise(ms);
    std::printf("search %-8s   baseline: LIKE scan for all matches (unranked), %zu word queries  p50 %.1f ms  "
                "max %.1f ms  (FTS p50 is %.0fx faster)\n",
                backend.c_str(), ms.size(), b.p50, b.max, b.p50 / Summarise(by_class["word"]).p50);
    std::error_code ec;
    std::printf("search %-8s   database %.0f MB\n", backend.c_str(),
                (std::filesystem::file_size(where, ec) + std::filesystem::file_size(where + "-wal", ec)) / 1e6);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--docs") args.docs = std::stoi(next());
    else if (a == "--single-docs") args.single_docs = std::stoi(next());
    else if (a == "--search-docs") args.search_docs = std::stoi(next());
    else if (a == "--queries") args.queries = std::stoi(next());
    else if (a == "--backend") args.backend = next();
    else if (a == "--dir") args.dir = next();
    else if (a == "--no-search") args.search = false;
    else if (a == "--no-write") args.write = false;
    else if (a == "--batch") args.batch = std::stoi(next());
    else if (a == "--keep") args.keep = true;
    else if (a == "--dsn") args.dsn = next();
    else if (a == "--rank-window") args.rank_window = std::stoi(next());
    else {
      std::fprintf(stderr,
                   "usage: store_bench [--docs N] [--batch N] [--single-docs N] [--search-docs N] [--queries N] "
                   "[--backend sqlite|postgres|both] [--dir DIR] [--no-search] [--no-write] [--keep] [--dsn DSN] [--rank-window N]\n");
      return 64;
    }
  }
  std::vector<std::string> backends;
  if (args.backend != "postgres") backends.push_back("sqlite");
  if (args.backend != "sqlite") backends.push_back("postgres");
  testing::PostgresCluster pg;
  if (std::find(backends.begin(), backends.end(), "postgres") != backends.end() && args.dsn.empty()) {
    std::string why;
    if (!pg.Start(&why, /*durable=*/true)) {
      std::printf("postgres: skipped, cannot start a cluster: %s\n", why.c_str());
      backends.erase(std::remove(backends.begin(), backends.end(), "postgres"), backends.end());
    }
  }
  int counter = 0;
  Corpus corpus;
  for (const auto& b : backends) {
    if (args.write) WriteBench(b, args, corpus, &pg, &counter);
    if (args.search) SearchBench(b, args, corpus, &pg, &counter);
  }
  std::error_code ec;
  if (!args.keep) std::filesystem::remove_all(args.dir + "/sluice-store-bench", ec);
  return 0;
}
