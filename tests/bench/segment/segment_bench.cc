// segment_bench: how fast sluice's Segmenter is, next to ICU's dictionary-based word
// BreakIterator (locale zh) on the same lines in the same process, and what loading the
// resources costs (time, memory). With --jieba it also runs shared/tools/jieba_seg.py on the
// same file and reports the MB/s that script prints.
//
//   build/bin/segment_bench [--text FILE] [--rounds N] [--jieba]
//
// FILE defaults to $SLUICE_SHARED_DIR/data/cws/pku/test.utf8 (SIGHAN-2005 PKU test text).
// Each round segments every line once with each engine (alternating, so both see the same
// machine load); the median round is reported. Throughput counts the bytes of the lines
// without their line ends.
#include <unistd.h>
#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sluice/segment/segmenter.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared = std::getenv("SLUICE_SHARED_DIR") ? std::getenv("SLUICE_SHARED_DIR") : SLUICE_DEFAULT_SHARED_DIR;
  std::string text_path = shared + "/data/cws/pku/test.utf8";
  int rounds = 15;
  bool jieba = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--text") && i + 1 < argc) text_path = argv[++i];
    else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--jieba")) jieba = true;
    else {
      std::fprintf(stderr, "usage: segment_bench [--text FILE] [--rounds N] [--jieba]\n");
      return 2;
    }
  }
  std::ifstream in(text_path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "segment_bench: cannot read %s (set SLUICE_SHARED_DIR or pass --text)\n", text_path.c_str());
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (size_t pos = 0; pos < all.size();) {
    size_t end = all.find('\n', pos);
    if (end == std::string::npos) end = all.size();
    std::string line = all.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bytes += line.size();
    lines.push_back(std::move(line));
    pos = end + 1;
  }

  // --- load ---
  using namespace sluice::segment;
  const long rss0 = RssKb();
  auto t0 = Clock::now();
  std::shared_ptr<const HmmModel> hmm;
  sluice::Status st = HmmModel::Load(kDefaultHmmDir, &hmm);
  auto t1 = Clock::now();
  if (!st.ok()) {
    std::fprintf(stderr, "segment_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  SegmenterOptions options;
  options.lexicon_path = std::string(SLUICE_SOURCE_DIR) + "/stages/segment/lexicon/education.txt";
  std::unique_ptr<Segmenter> seg;
  auto t2 = Clock::now();
  st = Segmenter::Create(options, &seg);
  auto t3 = Clock::now();
  if (!st.ok()) {
    std::fprintf(stderr, "segment_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  const long rss1 = RssKb();
  hmm.reset();
  std::printf("text: %s, %zu lines, %.3f MB\n", text_path.c_str(), lines.size(), bytes / 1e6);
  std::printf("load: Segmenter::Create %.0f ms (of which the HMM files alone take %.0f ms); %zu words, %zu trie nodes\n",
              Seconds(t2, t3) * 1e3, Seconds(t0, t1) * 1e3, seg->dictionary().word_count(),
              seg->dictionary().node_count());
  std::printf("memory: trie arrays %.1f MB, HMM %.1f MB, process RSS grew %.1f MB while loading\n",
              seg->dictionary().MemoryBytes() / 1e6, seg->hmm() ? seg->hmm()->MemoryBytes() / 1e6 : 0.0,
              (rss1 - rss0) / 1e3);

  // --- ICU ---
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> icu(icu::BreakIterator::createWordInstance(icu::Locale("zh"), err));
  if (U_FAILURE(err)) {
    std::fprintf(stderr, "segment_bench: ICU BreakIterator: %s\n", u_errorName(err));
    return 1;
  }

  std::vector<double> ours, theirs;
  std::vector<Token> tokens;
  size_t our_tokens = 0, icu_words = 0;
  for (int r = 0; r < rounds; ++r) {
    auto a = Clock::now();
    our_tokens = 0;
    for (const std::string& line : lines) {
      tokens.clear();
      (void)seg->Segment(line, &tokens);
      our_tokens += tokens.size();
    }
    auto b = Clock::now();
    icu_words = 0;
    for (const std::string& line : lines) {
      UErrorCode e = U_ZERO_ERROR;
      UText* ut = utext_openUTF8(nullptr, line.data(), static_cast<int64_t>(line.size()), &e);
      icu->setText(ut, e);
      for (int32_t p = icu->first(); p != icu::BreakIterator::DONE; p = icu->next()) {
        if (icu->getRuleStatus() != UBRK_WORD_NONE) ++icu_words;
      }
      utext_close(ut);
    }
    auto c = Clock::now();
    ours.push_back(bytes / 1e6 / Seconds(a, b));
    theirs.push_back(bytes / 1e6 / Seconds(b, c));
  }
  const double o = Median(ours), i = Median(theirs);
  std::printf("\n%-34s %10s %12s %10s\n", "engine (median of rounds)", "MB/s", "tokens", "vs ICU");
  std::printf("%-34s %10.1f %12zu %9.2fx\n", "sluice Segmenter", o, our_tokens, o / i);
  std::printf("%-34s %10.1f %12zu %9.2fx\n", "ICU BreakIterator (zh, UText)", i, icu_words, 1.0);

  if (jieba) {
    const std::string out = "/tmp/segment_bench_jieba.txt";
    // Debian's python3-jieba lives under /usr/bin/python3 (a pyenv python3 on PATH may lack it).
    const std::string py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    const std::string cmd = py + " " + shared + "/tools/jieba_seg.py '" + text_path + "' " + out + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string msg;
    char buf[512];
    while (p && std::fgets(buf, sizeof buf, p)) msg += buf;
    if (p) pclose(p);
    std::remove(out.c_str());
    const size_t at = msg.find(" MB/s");
    const size_t open = msg.rfind('(', at);
    if (at != std::string::npos && open != std::string::npos) {
      const double j = std::atof(msg.c_str() + open + 1);
      std::printf("%-34s %10.2f %12s %9.2fx   (%s)\n", "python jieba 0.42 (HMM on)", j, "-", j / i, "jieba_seg.py");
    } else {
      std::printf("python jieba: could not run (%s)\n", msg.c_str());
    }
  }
  return 0;
}
