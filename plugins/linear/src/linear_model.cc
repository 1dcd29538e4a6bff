#include "sluice/linear/linear_model.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sluice::linear {

namespace {

constexpr char kMagic[8] = {'S', 'L', 'U', 'I', 'C', 'E', 'L', 'M'};
constexpr uint32_t kFlagBoundary = 1, kFlagMultiLabel = 2;
// Sanity limits: a file claiming more is corrupt, not big (and must not make us allocate it).
constexpr uint64_t kMaxClasses = 1u << 16, kMaxFeatures = 1ull << 31, kMaxString = 1u << 20;

class Writer {
 public:
  template <class T>
  void Put(const T& v) {
    buf_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void Str(const std::string& s) {
    Put(uint32_t(s.size()));
    buf_ += s;
  }
  template <class T>
  void Array(const std::vector<T>& v) {
    buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string& buf() { return buf_; }

 private:
  std::string buf_;
};

// Reads fields from the file image; the first failure sticks and names the byte offset.
class Reader {
 public:
  Reader(const std::string& data, size_t end) : d_(data), end_(end) {}
  template <class T>
  bool Get(T* v, const char* what) {
    if (!Need(sizeof(T), what)) return false;
    std::memcpy(v, d_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Str(std::string* s, const char* what) {
    uint32_t n;
    if (!Get(&n, what)) return false;
    if (n > kMaxString) return Fail(std::string(what) + ": length " + std::to_string(n) + " is implausible");
    if (!Need(n, what)) return false;
    s->assign(d_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  template <class T>
  bool Array(std::vector<T>* v, uint64_t n, const char* what) {
    if (n > (end_ - pos_) / sizeof(T)) return Need(n * sizeof(T), what);
    v->resize(n);
    std::memcpy(v->data(), d_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return true;
  }
  bool Fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    return false;
  }
  const std::string& error() const { return error_; }
  size_t pos() const { return pos_; }

 private:
  bool Need(uint64_t n, const char* what) {
    if (n <= end_ - pos_) return true;
    return Fail("truncated: " + std::string(what) + " at byte " + std::to_string(pos_) + " needs " + std::to_string(n) +
                " bytes, the file has " + std::to_string(end_ - pos_) + " left");
  }
  const std::string& d_;
  size_t end_;
  size_t pos_ = 0;
  std::string error_;
};

std::string Validate(const ModelData& d) {
  const size_t k = d.labels.size();
  if (k == 0) return "the model has no labels";
  if (d.bias.size() != k || d.platt_a.size() != k || d.platt_b.size() != k) return "per-class arrays do not match the label count";
  if (d.idf.size() != d.keys.size()) return "idf and vocabulary sizes differ";
  if (d.weights.size() != d.keys.size() * k) return "weight matrix size does not match vocabulary × labels";
  for (size_t i = 1; i < d.keys.size(); ++i)
    if (d.keys[i] <= d.keys[i - 1]) return "feature hashes are not strictly ascending";
  if (!d.keys.empty() && d.keys[0] == 0) return "feature hash 0 is reserved";
  if (d.features.char_min_n > d.features.char_max_n || d.features.char_max_n > 8) return "bad character n-gram range";
  if (d.features.word_min_n > d.features.word_max_n || d.features.word_max_n > 8) return "bad word n-gram range";
  if (d.features.max_chars == 0) return "max_chars is 0";
  return "";
}

}  // namespace

LinearModel::LinearModel(ModelData data) : data_(std::move(data)), extractor_(data_.features) {
  uint64_t cap = 16;
  while (cap < data_.keys.size() * 2) cap <<= 1;
  table_.assign(cap, Slot{0, 0, 0});
  mask_ = cap - 1;
  for (uint32_t r = 0; r < data_.keys.size(); ++r) {
    uint64_t i = data_.keys[r] & mask_;
    while (table_[i].key != 0) i = (i + 1) & mask_;
    table_[i] = Slot{data_.keys[r], r, data_.idf[r]};
  }
}

std::unique_ptr<LinearModel> LinearModel::FromData(ModelData data, std::string* error) {
  std::string why = Validate(data);
  if (!why.empty()) {
    if (error) *error = why;
    return nullptr;
  }
  return std::unique_ptr<LinearModel>(new LinearModel(std::move(data)));
}

const LinearModel::Slot* LinearModel::FindSlot(uint64_t hash) const {
  for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& s = table_[i];
    if (s.key == hash) return &s;
    if (s.key == 0) return nullptr;
  }
}

int64_t LinearModel::Find(uint64_t hash) const {
  const Slot* s = FindSlot(hash);
  return s ? int64_t(s->row) : -1;
}

void LinearModel::Predict(std::string_view text, const std::vector<std::string_view>& words, Prediction* out) const {
  thread_local std::vector<HashedFeature> feats;
  thread_local std::vector<std::pair<uint32_t, float>> active;
  extractor_.Extract(text, words, &feats);
  active.clear();
  double norm2 = 0;
  for (const HashedFeature& f : feats) {
    const Slot* s = FindSlot(f.hash);
    if (!s) continue;
    float v = (f.count == 1 ? 1.0f : 1.0f + std::log(float(f.count))) * s->idf;
    norm2 += double(v) * v;
    active.emplace_back(s->row, v);
  }
  const size_t k = data_.labels.size();
  out->margin.assign(data_.bias.begin(), data_.bias.end());
  out->known_features = uint32_t(active.size());
  if (norm2 > 0) {
    const float inv = float(1.0 / std::sqrt(norm2));
    float* m = out->margin.data();
    for (const auto& [row, v] : active) {
      const float x = v * inv;
      const float* w = data_.weights.data() + size_t(row) * k;
      for (size_t c = 0; c < k; ++c) m[c] += x * w[c];
    }
  }
  out->probability.resize(k);
  out->best = 0;
  for (size_t c = 0; c < k; ++c) {
    out->probability[c] = 1.0f / (1.0f + std::exp(data_.platt_a[c] * out->margin[c] + data_.platt_b[c]));
    if (out->margin[c] > out->margin[out->best]) out->best = int(c);
  }
}

std::vector<std::pair<int, float>> LinearModel::Decide(const Prediction& p, float threshold) const {
  std::vector<std::pair<int, float>> out;
  if (p.best < 0) return out;
  out.emplace_back(p.best, p.probability[p.best]);
  if (!data_.multi_label) return out;
  const float t = threshold < 0 ? data_.threshold : threshold;
  for (size_t c = 0; c < p.probability.size(); ++c)
    if (int(c) != p.best && p.probability[c] >= t) out.emplace_back(int(c), p.probability[c]);
  std::sort(out.begin() + 1, out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

bool LinearModel::Save(const std::string& path, std::string* error) const {
  const ModelData& d = data_;
  Writer w;
  w.buf().append(kMagic, sizeof kMagic);
  w.Put(kModelFormatVersion);
  w.Put(uint32_t((d.features.boundary_marks ? kFlagBoundary : 0) | (d.multi_label ? kFlagMultiLabel : 0)));
  w.Put(d.features.seed);
  w.Put(d.features.char_min_n);
  w.Put(d.features.char_max_n);
  w.Put(d.features.word_min_n);
  w.Put(d.features.word_max_n);
  w.Put(d.features.max_chars);
  w.Str(d.axis);
  w.Put(d.threshold);
  w.Put(uint32_t(d.labels.size()));
  for (const auto& l : d.labels) w.Str(l);
  for (size_t c = 0; c < d.labels.size(); ++c) {
    w.Put(d.bias[c]);
    w.Put(d.platt_a[c]);
    w.Put(d.platt_b[c]);
  }
  w.Put(uint32_t(d.keys.size()));
  w.Array(d.keys);
  w.Array(d.idf);
  w.Array(d.weights);
  w.Str(d.info);
  w.Put(uint64_t(XXH64(w.buf().data(), w.buf().size(), 0)));

  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      if (error) *error = tmp + ": cannot create: " + std::strerror(errno);
      return false;
    }
    f.write(w.buf().data(), std::streamsize(w.buf().size()));
    f.flush();
    if (!f) {
      if (error) *error = tmp + ": write failed: " + std::strerror(errno);
      std::remove(tmp.c_str());
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    if (error) *error = path + ": cannot rename " + tmp + " into place: " + ec.message();
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

std::unique_ptr<LinearModel> LinearModel::Load(const std::string& path, std::string* error) {
  auto fail = [&](const std::string& why) -> std::unique_ptr<LinearModel> {
    if (error) *error = path + ": " + why;
    return nullptr;
  };
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail("model file does not exist");
  if (std::filesystem::is_directory(path, ec)) return fail("is a directory, not a model file");
  std::ifstream f(path, std::ios::binary);
  if (!f) return fail(std::string("cannot open model file: ") + std::strerror(errno));
  std::stringstream ss;
  ss << f.rdbuf();
  return FromBytes(ss.str(), path, error);
}

std::unique_ptr<LinearModel> LinearModel::FromBytes(const std::string& bytes, const std::string& path, std::string* error) {
  auto fail = [&](const std::string& why) -> std::unique_ptr<LinearModel> {
    if (error) *error = path + ": " + why;
    return nullptr;
  };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return fail("not a sluice linear model (the file does not start with \"SLUICELM\"); train one with `sluice train`");
  if (bytes.size() < sizeof kMagic + 4) return fail("truncated: the file ends inside its header");
  uint32_t version;
  std::memcpy(&version, bytes.data() + sizeof kMagic, 4);
  if (version != kModelFormatVersion)
    return fail("model format version " + std::to_string(version) + ", this sluice reads version " +
                std::to_string(kModelFormatVersion) + "; retrain it with this sluice's `sluice train`");
  if (bytes.size() < sizeof kMagic + 12) return fail("truncated: the file ends inside its header");
  const size_t body_end = bytes.size() - 8;

  Reader r(bytes, body_end);
  ModelData d;
  uint32_t skip_version = 0, flags = 0, k = 0, n = 0;
  char magic[8];
  r.Get(&magic, "magic");
  r.Get(&skip_version, "version");
  r.Get(&flags, "flags");
  r.Get(&d.features.seed, "hash seed");
  r.Get(&d.features.char_min_n, "n-gram range");
  r.Get(&d.features.char_max_n, "n-gram range");
  r.Get(&d.features.word_min_n, "n-gram range");
  r.Get(&d.features.word_max_n, "n-gram range");
  r.Get(&d.features.max_chars, "max_chars");
  r.Str(&d.axis, "axis");
  r.Get(&d.threshold, "threshold");
  if (r.Get(&k, "label count") && (k == 0 || k > kMaxClasses)) r.Fail("label count " + std::to_string(k) + " is implausible");
  for (uint32_t c = 0; c < k && r.error().empty(); ++c) {
    d.labels.emplace_back();
    r.Str(&d.labels.back(), "label");
  }
  for (uint32_t c = 0; c < k && r.error().empty(); ++c) {
    float b = 0, a = 0, bb = 0;
    r.Get(&b, "bias");
    r.Get(&a, "calibration");
    r.Get(&bb, "calibration");
    d.bias.push_back(b);
    d.platt_a.push_back(a);
    d.platt_b.push_back(bb);
  }
  if (r.Get(&n, "feature count") && n > kMaxFeatures) r.Fail("feature count " + std::to_string(n) + " is implausible");
  if (r.error().empty()) r.Array(&d.keys, n, "feature hashes");
  if (r.error().empty()) r.Array(&d.idf, n, "idf");
  if (r.error().empty()) r.Array(&d.weights, uint64_t(n) * k, "weights");
  if (r.error().empty()) r.Str(&d.info, "info");
  if (!r.error().empty()) {
    // A short file usually fails the parse before the checksum: say truncated, which it is.
    return fail(r.error());
  }
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + body_end, 8);
  if (stored != XXH64(bytes.data(), body_end, 0)) {
    if (r.pos() != body_end) return fail("truncated or has trailing bytes (size " + std::to_string(bytes.size()) + " does not match its content)");
    return fail("corrupt: checksum mismatch (the file was modified or damaged after it was written)");
  }
  if (r.pos() != body_end) return fail("corrupt: " + std::to_string(body_end - r.pos()) + " unexpected bytes before the checksum");
  d.features.boundary_marks = flags & kFlagBoundary;
  d.multi_label = flags & kFlagMultiLabel;
  std::string why = Validate(d);
  if (!why.empty()) return fail("corrupt: " + why);
  return std::unique_ptr<LinearModel>(new LinearModel(std::move(d)));
}

}  // namespace sluice::linear
