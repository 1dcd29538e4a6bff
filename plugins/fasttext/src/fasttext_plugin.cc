// The `fasttext` classifier plugin: labels documents with a user's fastText model (.bin or .ftz,
// supervised) through libfasttext.
//
//   - plugin: fasttext
//     config:
//       model: models/topic.ftz  # required; relative to the pipeline file
//       axis: topic              # the axis its labels go to (fastText models do not know)
//       k: 1                     # at most k labels (more for a multi-label axis)
//       threshold: 0             # drop labels below this probability
//       input: chars             # how text becomes fastText tokens: chars (one per character,
//                                # for models trained on character-split Chinese), words (the
//                                # segment stage's tokens of `text`), raw (as it is)
//       fields: [title]          # see plugins/linear document_text.h
//       on_empty: error          # error | other | skip
//       labels: {}               # model label (without __label__) → written value
//       reload_check: 2s
//
// A model that is missing, is not a fastText model or is truncated refuses to start (or, on a
// reload, is refused while the old model keeps working) with the file named. The plugin checks the
// whole file's structure itself before libfasttext reads it (libfasttext would accept a short
// file); the values inside are libfasttext's to trust, so run models from untrusted sources with
// `isolation: process`.
#include <sluice/plugin.hpp>

#include <fasttext/fasttext.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "sluice/linear/document_text.h"
#include "sluice/linear/file_watch.h"

namespace {

using namespace sluice;

constexpr int32_t kFastTextMagic = 793712314;  // first int32 of every fastText model file

// Walks a fastText model file (format version 12: header, Args, Dictionary, then the input and
// output matrices, dense or product-quantized) without allocating what it declares, and checks
// that every part the header announces is really in the file. libfasttext itself reads a short
// file without noticing and computes with whatever its buffers hold. Returns "" or what is wrong.
class ModelFileCheck {
 public:
  explicit ModelFileCheck(const std::string& path) : f_(path, std::ios::binary) {
    f_.seekg(0, std::ios::end);
    size_ = uint64_t(std::max<std::streamoff>(0, f_.tellg()));
    f_.seekg(0);
  }

  std::string Run() {
    int32_t magic = 0, version = 0;
    if (!Read(&magic) || magic != kFastTextMagic) return "not a fastText model (bad magic number)";
    if (!Read(&version)) return Truncated("the header");
    if (version != 11 && version != 12)
      return "fastText model format version " + std::to_string(version) + "; libfasttext 0.9 reads versions 11 and 12";
    if (!Skip(12 * 4 + 8)) return Truncated("the training arguments");
    int32_t size = 0, nwords = 0, nlabels = 0;
    int64_t ntokens = 0, pruneidx = 0;
    if (!Read(&size) || !Read(&nwords) || !Read(&nlabels) || !Read(&ntokens) || !Read(&pruneidx)) return Truncated("the dictionary");
    if (size < 0 || nwords < 0 || nlabels < 0 || int64_t(nwords) + nlabels != size) return "corrupt dictionary header";
    for (int32_t i = 0; i < size; ++i) {
      char c = 1;
      while (c != 0)
        if (!Read(&c)) return Truncated("the dictionary");
      if (!Skip(8 + 1)) return Truncated("the dictionary");
    }
    if (pruneidx > 0 && !Skip(uint64_t(pruneidx) * 8)) return Truncated("the dictionary");
    for (const char* which : {"the input matrix", "the output matrix"}) {
      bool quantized = false;
      if (!Read(&quantized)) return Truncated(which);
      std::string why = quantized ? QuantMatrix(which) : DenseMatrix(which);
      if (!why.empty()) return why;
    }
    if (uint64_t(f_.tellg()) != size_) return "corrupt: " + std::to_string(size_ - uint64_t(f_.tellg())) + " unexpected bytes at the end";
    return "";
  }

 private:
  template <class T>
  bool Read(T* v) {
    if (Left() < sizeof(T)) return false;
    f_.read(reinterpret_cast<char*>(v), sizeof(T));
    return bool(f_);
  }
  bool Skip(uint64_t n) {
    if (Left() < n) return false;
    f_.seekg(std::streamoff(n), std::ios::cur);
    return bool(f_);
  }
  uint64_t Left() {
    std::streamoff pos = f_.tellg();
    return pos < 0 || uint64_t(pos) > size_ ? 0 : size_ - uint64_t(pos);
  }
  std::string Truncated(const char* where) { return std::string("truncated: the file ends inside ") + where; }
  std::string Sized(int64_t m, int64_t n, uint64_t elem, const char* which) {
    if (m < 0 || n < 0 || (n > 0 && uint64_t(m) > (uint64_t(1) << 62) / uint64_t(n) / elem)) return std::string("corrupt: ") + which + " has an impossible size";
    return Skip(uint64_t(m) * uint64_t(n) * elem) ? "" : Truncated(which);
  }
  std::string DenseMatrix(const char* which) {
    int64_t m = 0, n = 0;
    if (!Read(&m) || !Read(&n)) return Truncated(which);
    return Sized(m, n, sizeof(float), which);
  }
  std::string Quantizer(const char* which) {
    int32_t dim = 0, nsubq = 0, dsub = 0, lastdsub = 0;
    if (!Read(&dim) || !Read(&nsubq) || !Read(&dsub) || !Read(&lastdsub)) return Truncated(which);
    return Sized(dim, 256, sizeof(float), which);  // 256 centroids per sub-quantizer dimension
  }
  std::string QuantMatrix(const char* which) {
    bool qnorm = false;
    int64_t m = 0, n = 0;
    int32_t codesize = 0;
    if (!Read(&qnorm) || !Read(&m) || !Read(&n) || !Read(&codesize)) return Truncated(which);
    if (codesize < 0 || m < 0) return std::string("corrupt: ") + which + " has an impossible size";
    if (!Skip(uint64_t(codesize))) return Truncated(which);
    std::string why = Quantizer(which);
    if (!why.empty() || !qnorm) return why;
    if (!Skip(uint64_t(m))) return Truncated(which);
    return Quantizer(which);
  }

  std::ifstream f_;
  uint64_t size_ = 0;
};

std::unique_ptr<fasttext::FastText> LoadModel(const std::string& path, std::string* error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    *error = path + ": model file does not exist";
    return nullptr;
  }
  if (std::string why = ModelFileCheck(path).Run(); !why.empty()) {
    *error = path + ": " + why;
    return nullptr;
  }
  auto ft = std::make_unique<fasttext::FastText>();
  try {
    ft->loadModel(path);
  } catch (const std::exception& e) {
    *error = path + ": cannot load the fastText model: " + e.what();
    return nullptr;
  }
  if (ft->getArgs().model != fasttext::model_name::sup) {
    *error = path + ": a fastText word-vector model, not a classifier (train it with `fasttext supervised`)";
    return nullptr;
  }
  return ft;
}

class FastTextClassifier : public sdk::Classifier {
 public:
  explicit FastTextClassifier(const sdk::Config& cfg) : text_(cfg) {
    path_ = cfg.Path("model");
    if (path_.empty()) throw std::runtime_error("config key 'model' is required (a fastText .bin or .ftz)");
    axis_ = cfg.Get("axis", "topic");
    k_ = int32_t(cfg.GetDouble("k", 1));
    if (k_ < 1) throw std::runtime_error("k: must be at least 1");
    threshold_ = float(cfg.GetDouble("threshold", 0));
    input_ = cfg.Get("input", "chars");
    if (input_ != "chars" && input_ != "words" && input_ != "raw")
      throw std::runtime_error("input: expected chars, words or raw, got '" + input_ + "'");
    model_ = std::make_unique<linear::ReloadingFile<fasttext::FastText>>(
        path_, linear::ParseReloadInterval(cfg.Get("reload_check", "2s")), &LoadModel, "fasttext");
  }

  sdk::Result Classify(const sdk::Document& doc, std::vector<sdk::Label>& out) override {
    fasttext::FastText& model = model_->Get();
    std::string line;
    if (input_ == "words") {
      for (std::string_view w : doc.Words())
        if (w.find_first_of(" \t\r\n") == std::string_view::npos) line.append(w).push_back(' ');
    } else {
      std::string text = text_.Build(doc);
      if (input_ == "raw") {
        line = std::move(text);
      } else {
        // One token per character: UTF-8 lead bytes start a token, white space ends one.
        for (unsigned char c : text) {
          if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
          if ((c & 0xC0) != 0x80 && !line.empty()) line.push_back(' ');
          line.push_back(char(c));
        }
      }
    }
    if (line.find_first_not_of(" \t\r\n") == std::string::npos) return text_.Empty(axis_, out);
    line.push_back('\n');
    std::istringstream in(line);
    predictions_.clear();
    model.predictLine(in, predictions_, k_, threshold_);
    for (const auto& [prob, raw] : predictions_) {
      std::string label = raw.compare(0, 9, "__label__") == 0 ? raw.substr(9) : raw;
      out.push_back({axis_, text_.Map(label), std::min(1.0f, std::max(0.0f, float(prob)))});
    }
    return sdk::Result::Ok();
  }

 private:
  linear::DocumentText text_;
  std::string path_, axis_, input_;
  int32_t k_ = 1;
  float threshold_ = 0;
  std::unique_ptr<linear::ReloadingFile<fasttext::FastText>> model_;
  std::vector<std::pair<fasttext::real, std::string>> predictions_;
};

}  // namespace

SLUICE_PLUGIN(FastTextClassifier, "fasttext", "1.0.0")
