// Fuzz target: feature extraction over arbitrary bytes (invalid UTF-8, controls, huge runs).
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "sluice/linear/text_features.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sluice::linear::FeatureOptions o;
  o.max_chars = 512;
  o.word_min_n = 1;
  o.word_max_n = 2;
  sluice::linear::TextFeatures f(o);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> words;
  for (size_t i = 0; i + 3 <= size && words.size() < 50; i += 3) words.push_back(text.substr(i, 3));
  std::vector<sluice::linear::HashedFeature> out;
  f.Extract(text, words, &out);
  uint64_t total = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0 && out[i - 1].hash >= out[i].hash) std::abort();
    total += out[i].count;
  }
  if (total > 3 * (512 + 2) + 2 * 50) std::abort();
  return 0;
}
