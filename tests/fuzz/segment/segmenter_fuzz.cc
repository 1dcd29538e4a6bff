// Fuzz target for sluice::segment::Segmenter: any bytes in, and the tokens must always be well
// formed — begin < end <= size, increasing, each token a run of whole, valid UTF-8 characters
// without white space — and the streaming and vector interfaces must agree. A violation aborts.
//
// Resources: the shipped python3-jieba dictionary and HMM when installed (the realistic case),
// else a small dictionary and HMM written to a temporary directory at start-up.
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sluice/segment/segmenter.h"

namespace {

using sluice::segment::Segmenter;
using sluice::segment::Token;

void Die(const char* what, size_t at) {
  std::fprintf(stderr, "segmenter_fuzz: %s (at byte %zu)\n", what, at);
  std::abort();
}

void Write(const std::string& path, const char* text) { std::ofstream(path) << text; }

std::unique_ptr<Segmenter> Build() {
  sluice::segment::SegmenterOptions o;
  o.lexicon_path.clear();
  if (!std::filesystem::exists(o.dict_path) || !std::filesystem::exists(o.hmm_dir)) {
    const std::string dir = std::filesystem::temp_directory_path() / "sluice_segment_fuzz";
    std::filesystem::create_directories(dir);
    Write(dir + "/dict.txt", "研究 5000 vn\n研究生 800 n\n生命 3000 n\n的 100000 uj\n王小明 50 nr\n三十 800 m\n"
                             "年 2000 m\n北京大学 900 nt\n北京 9000 ns\n大学 8000 n\n");
    Write(dir + "/lex.txt", "# version: fuzz\n十五五\n二十大\n");
    Write(dir + "/prob_start.py", "P={'B': -0.5, 'E': -3.14e+100, 'M': -3.14e+100, 'S': -1.0}\n");
    Write(dir + "/prob_trans.py",
          "P={'B': {'E': -0.5, 'M': -1.0}, 'E': {'B': -0.6, 'S': -0.8}, 'M': {'E': -0.3, 'M': -1.3},"
          " 'S': {'B': -0.7, 'S': -0.7}}\n");
    Write(dir + "/prob_emit.py", "P={'B': {'王': -0.1}, 'M': {'小': -0.1}, 'E': {'明': -0.1}, 'S': {'的': -0.1}}\n");
    o.dict_path = dir + "/dict.txt";
    o.lexicon_path = dir + "/lex.txt";
    o.hmm_dir = dir;
  }
  std::unique_ptr<Segmenter> seg;
  sluice::Status st = Segmenter::Create(o, &seg);
  if (!st.ok()) {
    std::fprintf(stderr, "segmenter_fuzz: %s\n", st.ToString().c_str());
    std::abort();
  }
  return seg;
}

const Segmenter& Get() {
  static const std::unique_ptr<Segmenter> seg = Build();
  return *seg;
}

void Check(const uint8_t* data, size_t size, const std::vector<Token>& tokens) {
  uint32_t prev = 0;
  for (const Token& t : tokens) {
    if (t.begin >= t.end) Die("empty or reversed token", t.begin);
    if (t.end > size) Die("token past the end", t.end);
    if (t.begin < prev) Die("tokens overlap or go backwards", t.begin);
    prev = t.end;
    // Every character of the token decodes, and none is white space or a line end.
    int32_t i = static_cast<int32_t>(t.begin);
    while (i < static_cast<int32_t>(t.end)) {
      UChar32 c;
      U8_NEXT(data, i, static_cast<int32_t>(t.end), c);
      if (c < 0) Die("token holds bytes that are not UTF-8, or splits a character", static_cast<size_t>(i));
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000) Die("token holds white space", static_cast<size_t>(i));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Segmenter& seg = Get();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Token> tokens;
  size_t invalid = 0;
  if (!seg.Segment(text, &tokens, &invalid).ok()) Die("Segment failed on a small input", 0);
  Check(data, size, tokens);
  size_t covered = 0;
  for (const Token& t : tokens) covered += t.end - t.begin;
  if (covered + invalid > size) Die("tokens and invalid bytes add up to more than the input", size);

  std::vector<Token> streamed;
  size_t invalid2 = 0;
  (void)seg.Segment(text, [&](const Token& t) { streamed.push_back(t); }, &invalid2);
  if (streamed != tokens || invalid2 != invalid) Die("streaming and vector results differ", 0);
  return 0;
}
