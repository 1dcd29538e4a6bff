// The `linear` classifier plugin: labels documents with a model trained by `sluice train`.
//
//   - plugin: linear
//     config:
//       model: models/topic.bin   # required; relative to the pipeline file
//       axis: topic               # default: the axis the model was trained for
//       fields: [title, text]     # see document_text.h; default [title]
//       threshold: 0.5            # multi-label models: probability for each further label
//       min_score: 0              # drop labels scored below this
//       on_empty: error           # error | other | skip
//       labels: {}                # model label → written value
//       reload_check: 2s          # how often to look for a new model file; 0 disables
//
// Reload: every `reload_check` the model file's stamp is compared; a changed file is loaded in
// full before it replaces the old model, and a file that does not load is reported once on
// stderr while the old model keeps working.
#include <sluice/plugin.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

#include "sluice/linear/document_text.h"
#include "sluice/linear/file_watch.h"
#include "sluice/linear/linear_model.h"

namespace {

using namespace sluice;
using linear::LinearModel;

std::chrono::milliseconds ParseInterval(const std::string& s) {
  if (s.empty()) return std::chrono::seconds(2);
  size_t used = 0;
  double v = std::stod(s, &used);
  std::string unit = s.substr(used);
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(int64_t(v * 1000));
  if (unit == "ms") return std::chrono::milliseconds(int64_t(v));
  if (unit == "m") return std::chrono::milliseconds(int64_t(v * 60000));
  throw std::runtime_error("reload_check: expected a duration such as 2s or 500ms, got '" + s + "'");
}

class LinearClassifier : public sdk::Classifier {
 public:
  explicit LinearClassifier(const sdk::Config& cfg) : text_(cfg) {
    path_ = cfg.Path("model");
    if (path_.empty()) throw std::runtime_error("config key 'model' is required (a file written by `sluice train`)");
    axis_override_ = cfg.Get("axis");
    threshold_ = float(cfg.GetDouble("threshold", -1));
    min_score_ = float(cfg.GetDouble("min_score", 0));
    watch_ = linear::FileWatch(path_, ParseInterval(cfg.Get("reload_check", "2s")));
    linear::FileStamp stamp = linear::FileStamp::Of(path_);
    std::string error;
    model_ = LinearModel::Load(path_, &error);
    if (!model_) throw std::runtime_error(error);
    watch_.Accept(stamp);
  }

  sdk::Result Classify(const sdk::Document& doc, std::vector<sdk::Label>& out) override {
    MaybeReload();
    const std::string& axis = axis_override_.empty() ? model_->axis() : axis_override_;
    std::string text = text_.Build(doc);
    if (text.empty()) return text_.Empty(axis, out);
    std::vector<std::string_view> words;
    if (model_->data().features.word_min_n > 0) {
      words = doc.Words();  // the segment stage's tokens; without them, the text's own spaces
      if (words.empty()) words = linear::TextFeatures::SplitWords(text);
    }
    model_->Predict(text, words, &pred_);
    for (const auto& [cls, p] : model_->Decide(pred_, threshold_)) {
      if (p < min_score_) continue;
      out.push_back({axis, text_.Map(model_->labels()[cls]), p});
    }
    return sdk::Result::Ok();
  }

 private:
  void MaybeReload() {
    linear::FileStamp now;
    if (!watch_.Poll(&now)) return;
    watch_.Accept(now);
    std::string error;
    auto fresh = LinearModel::Load(path_, &error);
    if (!fresh) {
      std::fprintf(stderr, "linear: keeping the previous model: %s\n", error.c_str());
      return;
    }
    model_ = std::move(fresh);
  }

  linear::DocumentText text_;
  std::string path_, axis_override_;
  float threshold_ = -1, min_score_ = 0;
  linear::FileWatch watch_;
  std::unique_ptr<LinearModel> model_;
  linear::Prediction pred_;
};

}  // namespace

SLUICE_PLUGIN(LinearClassifier, "linear", "1.0.0")
