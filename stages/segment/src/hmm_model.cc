#include "sluice/segment/hmm_model.h"

#include <unicode/utf8.h>
#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t on the stack
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string_view>

#include "file_contents.h"

namespace sluice::segment {

namespace {

// jieba's MIN_FLOAT: the log probability of an impossible event.
constexpr double kImpossible = -3.14e100;

// Reads the subset of Python literal syntax the finalseg files use: `P = {key: value, …}` where
// a key is a quoted string and a value is a number or another such dict. Every number is
// reported with the path of keys that leads to it.
class PythonDictParser {
 public:
  using Visit = std::function<void(const std::vector<std::u32string>& path, double value)>;

  PythonDictParser(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}

  Status Parse(const Visit& visit) {
    // The assignment `P=` at the start of a line; anything before it (imports) is skipped.
    size_t at = 0;
    for (;;) {
      at = text_.find('P', at);
      if (at == std::string_view::npos) return Error("no `P = {…}` assignment");
      if (at == 0 || text_[at - 1] == '\n') {
        pos_ = at + 1;
        SkipBlank();
        if (pos_ < text_.size() && text_[pos_] == '=') break;
      }
      ++at;
    }
    ++pos_;
    std::vector<std::u32string> path;
    return Value(&path, visit, 0);
  }

 private:
  Status Error(const std::string& what) const {
    return Status::Corruption(name_ + ": offset " + std::to_string(pos_) + ": " + what);
  }

  void SkipBlank() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  Status Value(std::vector<std::u32string>* path, const Visit& visit, int depth) {
    SkipBlank();
    if (pos_ >= text_.size()) return Error("unexpected end of file");
    if (text_[pos_] != '{') {
      const std::string number(text_.substr(pos_, std::min<size_t>(64, text_.size() - pos_)));
      char* end = nullptr;
      const double v = std::strtod(number.c_str(), &end);
      if (end == number.c_str()) return Error("expected a number or a dict");
      pos_ += static_cast<size_t>(end - number.c_str());
      visit(*path, v);
      return Status::OK();
    }
    if (depth > 4) return Error("nested too deeply");
    ++pos_;
    for (;;) {
      SkipBlank();
      if (pos_ >= text_.size()) return Error("unterminated dict");
      if (text_[pos_] == '}') {
        ++pos_;
        return Status::OK();
      }
      std::u32string key;
      SLUICE_RETURN_IF_ERROR(String(&key));
      SkipBlank();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      path->push_back(std::move(key));
      SLUICE_RETURN_IF_ERROR(Value(path, visit, depth + 1));
      path->pop_back();
      SkipBlank();
      if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
    }
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  Status String(std::u32string* out) {
    if (pos_ < text_.size() && (text_[pos_] == 'u' || text_[pos_] == 'U')) ++pos_;
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) return Error("expected a quoted key");
    const char quote = text_[pos_++];
    const auto* s = reinterpret_cast<const uint8_t*>(text_.data());
    const int32_t n = static_cast<int32_t>(text_.size());
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\') {
        if (pos_ + 1 >= text_.size()) return Error("dangling escape");
        const char e = text_[pos_ + 1];
        pos_ += 2;
        int digits = e == 'u' ? 4 : e == 'U' ? 8 : e == 'x' ? 2 : 0;
        if (digits == 0) {
          out->push_back(e == 'n' ? U'\n' : e == 't' ? U'\t' : static_cast<char32_t>(static_cast<unsigned char>(e)));
          continue;
        }
        char32_t v = 0;
        for (int k = 0; k < digits; ++k, ++pos_) {
          const int h = pos_ < text_.size() ? Hex(text_[pos_]) : -1;
          if (h < 0) return Error("bad escape");
          v = v * 16 + static_cast<char32_t>(h);
        }
        out->push_back(v);
        continue;
      }
      int32_t i = static_cast<int32_t>(pos_);
      UChar32 c;
      U8_NEXT(s, i, n, c);
      if (c < 0) return Error("invalid UTF-8");
      pos_ = static_cast<size_t>(i);
      out->push_back(static_cast<char32_t>(c));
    }
    if (pos_ >= text_.size()) return Error("unterminated string");
    ++pos_;
    return Status::OK();
  }

  std::string_view text_;
  std::string name_;
  size_t pos_ = 0;
};

int StateIndex(const std::u32string& key) {
  if (key.size() != 1) return -1;
  switch (key[0]) {
    case U'B': return HmmModel::kB;
    case U'E': return HmmModel::kE;
    case U'M': return HmmModel::kM;
    case U'S': return HmmModel::kS;
    default: return -1;
  }
}


}  // namespace

class HmmModelLoader {
 public:
  static Status Load(const std::string& dir, std::shared_ptr<const HmmModel>* out) {
    auto model = std::shared_ptr<HmmModel>(new HmmModel());
    XXH64_state_t hash;
    XXH64_reset(&hash, 0);
    std::string text;

    const std::string start_path = dir + "/prob_start.py";
    SLUICE_RETURN_IF_ERROR(ReadFileContents(start_path, &text));
    XXH64_update(&hash, text.data(), text.size());
    std::array<bool, 4> seen{};
    model->start_.fill(kImpossible);
    SLUICE_RETURN_IF_ERROR(PythonDictParser(text, start_path).Parse([&](const auto& path, double v) {
      if (path.size() != 1) return;
      const int s = StateIndex(path[0]);
      if (s < 0) return;
      model->start_[s] = v;
      seen[s] = true;
    }));
    if (!std::all_of(seen.begin(), seen.end(), [](bool b) { return b; })) {
      return Status::Corruption(start_path + ": start probabilities for B, E, M and S expected");
    }

    const std::string trans_path = dir + "/prob_trans.py";
    SLUICE_RETURN_IF_ERROR(ReadFileContents(trans_path, &text));
    XXH64_update(&hash, text.data(), text.size());
    for (auto& row : model->trans_) row.fill(kImpossible);
    int transitions = 0;
    SLUICE_RETURN_IF_ERROR(PythonDictParser(text, trans_path).Parse([&](const auto& path, double v) {
      if (path.size() != 2) return;
      const int from = StateIndex(path[0]);
      const int to = StateIndex(path[1]);
      if (from < 0 || to < 0) return;
      model->trans_[from][to] = v;
      ++transitions;
    }));
    if (transitions == 0) return Status::Corruption(trans_path + ": no transition probabilities");

    const std::string emit_path = dir + "/prob_emit.py";
    SLUICE_RETURN_IF_ERROR(ReadFileContents(emit_path, &text));
    XXH64_update(&hash, text.data(), text.size());
    std::vector<std::pair<char32_t, std::array<double, 4>>> rows;
    std::vector<std::pair<char32_t, std::pair<int, double>>> cells;
    cells.reserve(40000);
    SLUICE_RETURN_IF_ERROR(PythonDictParser(text, emit_path).Parse([&](const auto& path, double v) {
      if (path.size() != 2 || path[1].size() != 1) return;
      const int s = StateIndex(path[0]);
      if (s < 0) return;
      cells.push_back({path[1][0], {s, v}});
    }));
    if (cells.empty()) return Status::Corruption(emit_path + ": no emission probabilities");
    std::sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [c, sv] : cells) {
      if (model->keys_.empty() || model->keys_.back() != c) {
        model->keys_.push_back(c);
        std::array<double, 4> row;
        row.fill(kImpossible);
        model->emit_.push_back(row);
      }
      model->emit_.back()[sv.first] = sv.second;
    }
    model->unknown_emit_.fill(kImpossible);
    // Rows of BMP characters (nearly all of them) are found by direct index, the rest by search.
    if (model->keys_.size() < 0xFFFF) {
      model->bmp_index_.assign(0x10000, 0);
      for (size_t row = 0; row < model->keys_.size(); ++row) {
        if (model->keys_[row] < 0x10000) model->bmp_index_[model->keys_[row]] = static_cast<uint16_t>(row + 1);
      }
    }
    model->fingerprint_ = XXH64_digest(&hash);
    *out = std::move(model);
    return Status::OK();
  }
};

Status HmmModel::Load(const std::string& dir, std::shared_ptr<const HmmModel>* out) {
  return HmmModelLoader::Load(dir, out);
}

const std::array<double, 4>& HmmModel::Emission(char32_t c) const {
  if (c < 0x10000 && !bmp_index_.empty()) {
    const uint16_t row = bmp_index_[c];
    return row == 0 ? unknown_emit_ : emit_[row - 1];
  }
  auto it = std::lower_bound(keys_.begin(), keys_.end(), c);
  if (it == keys_.end() || *it != c) return unknown_emit_;
  return emit_[static_cast<size_t>(it - keys_.begin())];
}

void HmmModel::Cut(const char32_t* chars, size_t n, std::vector<uint32_t>* lengths) const {
  if (n == 0) return;
  if (n == 1) {
    lengths->push_back(1);
    return;
  }
  // Viterbi. The states a state may follow: B after E or S, M after M or B, E after B or M,
  // S after S or E — the only transitions the tag set allows.
  static constexpr int kPrev[4][2] = {{kE, kS}, {kB, kM}, {kM, kB}, {kS, kE}};
  std::vector<std::array<double, 4>> v(n);
  std::vector<std::array<uint8_t, 4>> back(n);
  const auto& e0 = Emission(chars[0]);
  for (int s = 0; s < 4; ++s) v[0][s] = start_[s] + e0[s];
  for (size_t t = 1; t < n; ++t) {
    const auto& e = Emission(chars[t]);
    for (int s = 0; s < 4; ++s) {
      double best = -std::numeric_limits<double>::infinity();
      uint8_t arg = static_cast<uint8_t>(kPrev[s][0]);
      for (int p : kPrev[s]) {
        const double cand = v[t - 1][p] + trans_[p][s] + e[s];
        if (cand > best) {
          best = cand;
          arg = static_cast<uint8_t>(p);
        }
      }
      v[t][s] = best;
      back[t][s] = arg;
    }
  }
  int state = v[n - 1][kE] >= v[n - 1][kS] ? kE : kS;
  std::vector<uint8_t> tags(n);
  for (size_t t = n; t-- > 0;) {
    tags[t] = static_cast<uint8_t>(state);
    if (t > 0) state = back[t][state];
  }
  uint32_t len = 0;
  for (size_t t = 0; t < n; ++t) {
    ++len;
    if (tags[t] == kE || tags[t] == kS || t + 1 == n) {
      lengths->push_back(len);
      len = 0;
    }
  }
}

double HmmModel::WordScore(const char32_t* w, size_t n) const {
  constexpr double kFloor = -20.0;
  auto emit = [&](char32_t c, int state) { return std::max(kFloor, Emission(c)[state]); };
  auto into = [&](int state) { return (std::max(kFloor, trans_[kE][state]) + std::max(kFloor, trans_[kS][state])) / 2; };
  if (n == 0) return 0;
  if (n == 1) return into(kS) + emit(w[0], kS);
  double score = into(kB) + emit(w[0], kB);
  int prev = kB;
  for (size_t i = 1; i + 1 < n; ++i) {
    score += std::max(kFloor, trans_[prev][kM]) + emit(w[i], kM);
    prev = kM;
  }
  return score + std::max(kFloor, trans_[prev][kE]) + emit(w[n - 1], kE);
}

size_t HmmModel::MemoryBytes() const {
  return keys_.capacity() * sizeof(char32_t) + emit_.capacity() * sizeof(std::array<double, 4>) +
         bmp_index_.capacity() * sizeof(uint16_t);
}

}  // namespace sluice::segment
