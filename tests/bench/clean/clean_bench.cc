// clean_bench: pages per second of ContentExtractor::Extract on one core, parsing included.
//
//   clean_bench [--seconds S] [--general-only] [--no-parse-baseline] [PATH …]
//
// PATH is an HTML file or a directory of them (default: $SLUICE_SHARED_DIR/data/pages/real, the
// 21 real pages of ≈100 KB). Pages are decoded to UTF-8 once (fetch's job in the pipeline), then
// extracted round-robin until S seconds (default 5) have passed. For reference it also times
// libxml2's HTML parser alone on the same bytes.
#include <libxml/HTMLparser.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sluice/clean/content_extractor.h"
#include "sluice/common/charset.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

void Collect(const fs::path& p, std::vector<fs::path>* out) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".html" || ext == ".htm" || ext == ".shtml")) out->push_back(e.path());
    }
  } else if (fs::is_regular_file(p, ec)) {
    out->push_back(p);
  }
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Rates per CPU second of this thread — what one core does, even on a machine other jobs share —
// and per wall-clock second.
template <typename F>
void Time(const char* name, double seconds, const std::vector<std::string>& pages, F&& fn) {
  size_t n = 0, bytes = 0;
  auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (const std::string& p : pages) {
      fn(p);
      ++n;
      bytes += p.size();
    }
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const double cpu = CpuSeconds() - cpu0;
  std::printf("%-24s %8.1f pages/s %6.1f MB/s per CPU-second (%.3f ms/page); wall clock %.1f pages/s (%zu pages)\n",
              name, n / cpu, bytes / cpu / 1e6, cpu * 1e3 / n, n / elapsed, n);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  bool general_only = false, parse_baseline = true;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--general-only")) general_only = true;
    else if (!std::strcmp(argv[i], "--no-parse-baseline")) parse_baseline = false;
    else Collect(argv[i], &files);
  }
  if (files.empty()) {
    const char* shared = std::getenv("SLUICE_SHARED_DIR");
    Collect(fs::path(shared ? shared : "../shared") / "data/pages/real", &files);
  }
  if (files.empty()) {
    std::fprintf(stderr, "no pages (give files or directories, or set SLUICE_SHARED_DIR)\n");
    return 2;
  }
  std::vector<std::string> pages;
  size_t total = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    sluice::common::DecodedText d;
    if (!sluice::common::DecodeHtml(ss.str(), "", &d).ok()) continue;
    total += d.utf8.size();
    pages.push_back(std::move(d.utf8));
  }
  std::printf("%zu pages, mean %.1f KB\n", pages.size(), total / 1024.0 / pages.size());

  sluice::clean::ExtractorOptions options;
  options.known_containers = !general_only;
  options.site_rules = !general_only;
  std::unique_ptr<sluice::clean::ContentExtractor> extractor;
  if (!sluice::clean::ContentExtractor::Create(options, &extractor).ok()) return 1;

  if (parse_baseline) Time("libxml2 parse only", seconds, pages, [](const std::string& p) {
    htmlDocPtr d = htmlReadMemory(p.data(), static_cast<int>(p.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                      HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
    xmlFreeDoc(d);
  });
  size_t chars = 0;
  Time(general_only ? "extract (general only)" : "extract (full)", seconds, pages, [&](const std::string& p) {
    sluice::clean::Extraction ex;
    extractor->Extract(p, "http://example.gov.cn/a/t20240101_1.html", &ex);
    chars += ex.text.size();
  });
  return chars > 0 ? 0 : 1;
}
