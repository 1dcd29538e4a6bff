// `sluice segment`: segments stdin line by line, writing the words of each input line separated
// by single spaces on one output line (LF), the format CWS scorers read. CRLF input lines are
// fine (the CR belongs to no word); an empty input line gives an empty output line.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "sluice/cli_args.h"
#include "sluice/segment/segmenter.h"

namespace sluice::segment {

int RunSegmentCommand(int argc, char** argv) {
  CLI::App app{"Segment Chinese text read from stdin, one output line per input line"};
  app.name("sluice segment");
  SegmenterOptions options;
  bool no_hmm = false;
  bool no_lexicon = false;
  bool no_name_split = false;
  bool kinds = false;
  bool stats = false;
  std::string hmm = "names";
  app.add_option("--dict", options.dict_path, "base frequency dictionary (word freq [tag] per line)")
      ->capture_default_str();
  app.add_option("--lexicon", options.lexicon_path, "domain lexicon (\"\" for none)")->capture_default_str();
  app.add_flag("--no-lexicon", no_lexicon, "use no domain lexicon");
  app.add_option("--user-dict", options.user_dict_paths, "user dictionary (repeatable)");
  app.add_option("--hmm", hmm, "unknown-word model: names, all or off")
      ->check(CLI::IsMember({"names", "all", "off"}))
      ->capture_default_str();
  app.add_flag("--no-hmm", no_hmm, "same as --hmm off");
  app.add_option("--hmm-model", options.hmm_dir, "directory of prob_start.py, prob_trans.py, prob_emit.py")
      ->capture_default_str();
  app.add_flag("--no-name-split", no_name_split, "keep personal names whole instead of surname + given name");
  app.add_option("--split-bias", options.split_bias, "per-word bonus in nats (finer segmentation when larger)")
      ->capture_default_str();
  app.add_option("--compound-penalty", options.compound_penalty, "penalty in nats for compositional dictionary phrases")
      ->capture_default_str();
  app.add_option("--char-model-weight", options.char_model_weight,
                 "weight of the HMM character model in word scores (0 = off)")
      ->capture_default_str();
  app.add_flag("--kinds", kinds, "write word/kind instead of bare words");
  app.add_flag("--stats", stats, "report load time, dictionary size and throughput on stderr");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  ParseHmmMode(no_hmm ? "off" : hmm, &options.hmm);
  if (no_lexicon) options.lexicon_path.clear();
  options.split_person_names = !no_name_split;

  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Segmenter> seg;
  Status st = Segmenter::Create(options, &seg);
  if (!st.ok()) {
    std::fprintf(stderr, "sluice segment: %s\n", st.ToString().c_str());
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();

  std::string out;
  out.reserve(1 << 20);
  std::vector<Token> tokens;
  size_t invalid = 0;
  size_t bytes = 0;
  double seconds = 0;
  auto segment_line = [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bytes += line.size();
    const auto s0 = std::chrono::steady_clock::now();
    bool first = true;
    Status s = seg->Segment(
        line,
        [&](const Token& t) {
          if (!first) out.push_back(' ');
          first = false;
          out.append(line.data() + t.begin, t.end - t.begin);
          if (kinds) {
            out.push_back('/');
            out.append(TokenKindName(t.kind));
          }
          if (out.size() >= (1 << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
          }
        },
        &invalid);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
    if (!s.ok()) std::fprintf(stderr, "sluice segment: %s\n", s.ToString().c_str());
    out.push_back('\n');
  };

  std::string pending;
  std::vector<char> buf(1 << 20);
  for (;;) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), stdin);
    if (n == 0) break;
    size_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') continue;
      if (pending.empty()) {
        segment_line(std::string_view(buf.data() + start, i - start));
      } else {
        pending.append(buf.data() + start, i - start);
        segment_line(pending);
        pending.clear();
      }
      start = i + 1;
    }
    pending.append(buf.data() + start, n - start);
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    std::fflush(stdout);
  }
  if (!pending.empty()) segment_line(pending);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);

  if (invalid > 0) std::fprintf(stderr, "sluice segment: skipped %zu bytes that are not UTF-8\n", invalid);
  if (stats) {
    const double load_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    std::fprintf(stderr,
                 "sluice segment: load %.0f ms, %zu words, %zu trie nodes, %.1f MB dictionary, lexicon %s; "
                 "%.2f MB in %.3f s = %.1f MB/s\n",
                 load_ms, seg->dictionary().word_count(), seg->dictionary().node_count(),
                 static_cast<double>(seg->dictionary().MemoryBytes()) / 1e6, seg->version().c_str(), bytes / 1e6, seconds,
                 seconds > 0 ? bytes / 1e6 / seconds : 0.0);
  }
  return ferror(stdout) ? 1 : 0;
}

}  // namespace sluice::segment
