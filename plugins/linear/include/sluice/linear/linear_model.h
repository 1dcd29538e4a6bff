// LinearModel: a one-vs-rest linear classifier over hashed n-gram features, and its file format.
//
// A document is scored in four steps: TextFeatures hashes its character (and word) n-grams; the
// n-grams seen in training are looked up in the model's vocabulary (a hash table of 64-bit
// hashes, unseen ones are dropped); each gets the weight (1 + ln tf) · idf and the vector is
// L2-normalised; every class c gets the margin w_c · x + b_c and a calibrated probability
// 1 / (1 + exp(A_c · margin + B_c)) (Platt scaling fitted on out-of-fold margins by the trainer).
// The predicted class of a single-label axis is the largest margin; a multi-label axis takes
// every class whose probability reaches `threshold`, and at least the best one.
//
// File format (little-endian), version 1:
//   "SLUICELM"  u32 version  u32 flags(1 = boundary marks, 2 = multi-label)
//   u64 hash seed  u8 char_min_n char_max_n word_min_n word_max_n  u32 max_chars
//   str axis  f32 threshold  u32 K  K × str label  K × (f32 bias, f32 A, f32 B)
//   u32 N  N × u64 hash (ascending)  N × f32 idf  N·K × f32 weight (row-major by feature)
//   str info (JSON: how it was trained)  u64 XXH64 of every byte before it
// where str = u32 length + UTF-8 bytes. Save writes a temporary file and renames it, so a
// process that reloads on change never reads half a model.
//
// Thread safety: a loaded model is immutable; Predict may be called from many threads at once
// (its scratch buffers are thread-local).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/linear/text_features.h"

namespace sluice::linear {

inline constexpr uint32_t kModelFormatVersion = 1;

// Everything a model file holds; the trainer fills one, Load reads one.
struct ModelData {
  FeatureOptions features;
  std::string axis;                 // topic | doc_type | … or anything the user trains for
  bool multi_label = false;
  float threshold = 0.5f;           // multi-label: probability needed for a second label
  std::vector<std::string> labels;  // K class names
  std::vector<float> bias, platt_a, platt_b;  // K each
  std::vector<uint64_t> keys;       // N feature hashes, ascending
  std::vector<float> idf;           // N
  std::vector<float> weights;       // N × K
  std::string info;                 // JSON object describing the training run
};

struct Prediction {
  std::vector<float> margin;       // K raw scores
  std::vector<float> probability;  // K calibrated scores in [0, 1]
  int best = -1;                   // class with the largest margin
  uint32_t known_features = 0;     // n-grams of the input the model knows; 0 = it saw nothing familiar
};

class LinearModel {
 public:
  // Builds a model from its parts. Returns nullptr and sets *error when the parts are
  // inconsistent (sizes that do not match, keys not ascending, no labels).
  static std::unique_ptr<LinearModel> FromData(ModelData data, std::string* error);

  // Reads a model file. On failure returns nullptr and sets *error to a message that starts with
  // the path and says what is wrong: missing, not a sluice model, another format version,
  // truncated, or corrupt (checksum).
  static std::unique_ptr<LinearModel> Load(const std::string& path, std::string* error);

  // Parses a model file's bytes; `name` stands for the file in error messages. Never trusts a
  // size in the bytes before checking the bytes hold it.
  static std::unique_ptr<LinearModel> FromBytes(const std::string& bytes, const std::string& name, std::string* error);

  // Writes the model to `path` (atomically: temporary file + rename). Returns false and sets
  // *error on I/O failure.
  bool Save(const std::string& path, std::string* error) const;

  // Scores `text` (and the document's words, used only when the model has word features).
  void Predict(std::string_view text, const std::vector<std::string_view>& words, Prediction* out) const;

  // The labels a prediction stands for, best first: one for a single-label model; for a
  // multi-label one every class with probability ≥ threshold (at least the best). `threshold`
  // < 0 uses the model's own.
  std::vector<std::pair<int, float>> Decide(const Prediction& p, float threshold = -1) const;

  const ModelData& data() const { return data_; }
  const std::vector<std::string>& labels() const { return data_.labels; }
  const std::string& axis() const { return data_.axis; }
  bool multi_label() const { return data_.multi_label; }
  size_t num_features() const { return data_.keys.size(); }

  // Index of the feature with this hash, or -1.
  int64_t Find(uint64_t hash) const;

 private:
  explicit LinearModel(ModelData data);
  ModelData data_;
  TextFeatures extractor_;
  // The idf sits in the slot's padding, so a known n-gram costs one cache miss for its slot
  // and one for its weight row.
  struct Slot {
    uint64_t key;
    uint32_t row;
    float idf;
  };
  const Slot* FindSlot(uint64_t hash) const;
  std::vector<Slot> table_;
  uint64_t mask_ = 0;
};

}  // namespace sluice::linear
