// HmmModel: a hidden Markov model over the character tags B (begins a word), M (inside),
// E (ends) and S (single-character word), used to find words the dictionary does not know.
//
// The parameters are read from jieba's finalseg files (prob_start.py, prob_trans.py,
// prob_emit.py: Python dict literals of log probabilities; MIT licence, Debian package
// python3-jieba), found by directory in config. Cut() runs Viterbi over a run of characters and
// returns the words. The segmenter decides which of those words it accepts (see segmenter.h).
//
// Thread safety: immutable after Load(); Cut() is const and may run on many threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/status.h"

namespace sluice::segment {

class HmmModel {
 public:
  enum State { kB = 0, kE = 1, kM = 2, kS = 3 };

  // Reads <dir>/prob_start.py, prob_trans.py and prob_emit.py. Returns NotFound / IOError for a
  // file that cannot be read, Corruption (with file and offset) for one that does not parse or
  // lacks a state.
  static Status Load(const std::string& dir, std::shared_ptr<const HmmModel>* out);

  // Splits `chars` (folded code points) into the most likely words; appends each word's length
  // to *lengths (they sum to n).
  void Cut(const char32_t* chars, size_t n, std::vector<uint32_t>* lengths) const;

  // Log probability that the characters w[0, n) form one word: the tag sequence S (n = 1) or
  // B M… E, emissions and transitions, with the transition into the word averaged over the two
  // states a word can follow (E, S). Emissions of unseen characters are floored at -20 so that
  // one rare character cannot veto a word. This is the "character model" the dictionary mixes
  // into word scores (DictionaryOptions::char_model_weight).
  double WordScore(const char32_t* w, size_t n) const;

  size_t emission_count() const { return keys_.size(); }
  uint64_t fingerprint() const { return fingerprint_; }
  size_t MemoryBytes() const;

 private:
  friend class HmmModelLoader;
  HmmModel() = default;
  const std::array<double, 4>& Emission(char32_t c) const;

  std::array<double, 4> start_{};
  std::array<std::array<double, 4>, 4> trans_{};  // [from][to]
  std::vector<char32_t> keys_;                    // sorted
  std::vector<std::array<double, 4>> emit_;       // parallel to keys_
  std::vector<uint16_t> bmp_index_;               // BMP code point → row of emit_ + 1 (0: none)
  std::array<double, 4> unknown_emit_{};
  uint64_t fingerprint_ = 0;
};

}  // namespace sluice::segment
