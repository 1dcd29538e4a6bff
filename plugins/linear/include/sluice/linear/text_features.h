// TextFeatures: turns a text (and optionally its segmented words) into hashed n-gram features.
//
// The text is normalised the way a reader would compare titles — full-width ASCII folded to
// ASCII, Latin letters lower-cased, every run of white space (including U+3000) collapsed to one
// space, leading and trailing space dropped — and framed by a begin and an end mark, so that
// "…的通知" at the end of a title and "关于…" at its start are features of their own. Every
// character n-gram (min_n … max_n code points, marks included) and, when words are given, every
// word n-gram is hashed with 64-bit XXH3 under a seed stored in the model file.
//
// Design note — why 64-bit hashes and no bucket modulus. A model keeps the hashes it saw in
// training as its vocabulary (a hash table from hash to weight row), so features are never folded
// into a fixed number of buckets: two n-grams share a weight only if their 64-bit hashes collide,
// which for the ~10^6 distinct n-grams of a training set happens with probability ~10^-8. The
// model stays small (only seen n-grams) and nothing but hash values is stored.
//
// Thread safety: a TextFeatures is immutable after construction and may be shared by threads;
// Extract uses only the caller's output buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::linear {

struct FeatureOptions {
  uint64_t seed = 0x736c75696365ULL;  // "sluice"
  uint8_t char_min_n = 1;
  uint8_t char_max_n = 3;
  uint8_t word_min_n = 0;             // 0 = no word features
  uint8_t word_max_n = 0;
  bool boundary_marks = true;         // frame the text with begin/end marks
  uint32_t max_chars = 4096;          // characters of input considered (bounds the work per document)
};

// One feature of one document: a hash and how often it occurred.
struct HashedFeature {
  uint64_t hash;
  uint32_t count;
};

class TextFeatures {
 public:
  explicit TextFeatures(const FeatureOptions& options) : opt_(options) {}

  // Replaces `out` with the features of `text` (any bytes; invalid UTF-8 counts as a space) and
  // `words`, sorted by hash with duplicates merged. Never fails; empty input gives only the marks.
  void Extract(std::string_view text, const std::vector<std::string_view>& words, std::vector<HashedFeature>* out) const;

  // The words of already segmented text: runs separated by white space (ASCII or U+3000). This is
  // how training text and `sluice classify` input supply words; in a pipeline, the segment
  // stage's tokens do.
  static std::vector<std::string_view> SplitWords(std::string_view text);

  // The normalised text without marks (for tests).
  static std::string Normalize(std::string_view text, uint32_t max_chars = 4096);

  const FeatureOptions& options() const { return opt_; }

 private:
  FeatureOptions opt_;
};

}  // namespace sluice::linear
