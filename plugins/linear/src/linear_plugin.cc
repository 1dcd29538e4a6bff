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

#include <memory>

#include "sluice/linear/document_text.h"
#include "sluice/linear/file_watch.h"
#include "sluice/linear/linear_model.h"

namespace {

using namespace sluice;
using linear::LinearModel;

class LinearClassifier : public sdk::Classifier {
 public:
  explicit LinearClassifier(const sdk::Config& cfg) : text_(cfg) {
    path_ = cfg.Path("model");
    if (path_.empty()) throw std::runtime_error("config key 'model' is required (a file written by `sluice train`)");
    axis_override_ = cfg.Get("axis");
    threshold_ = float(cfg.GetDouble("threshold", -1));
    min_score_ = float(cfg.GetDouble("min_score", 0));
    model_ = std::make_unique<linear::ReloadingFile<LinearModel>>(
        path_, linear::ParseReloadInterval(cfg.Get("reload_check", "2s")), &LinearModel::Load, "linear");
  }

  sdk::Result Classify(const sdk::Document& doc, std::vector<sdk::Label>& out) override {
    const LinearModel& model = model_->Get();
    const std::string& axis = axis_override_.empty() ? model.axis() : axis_override_;
    std::string text = text_.Build(doc);
    if (text.empty()) return text_.Empty(axis, out);
    std::vector<std::string_view> words;
    if (model.data().features.word_min_n > 0) {
      words = doc.Words();  // the segment stage's tokens; without them, the text's own spaces
      if (words.empty()) words = linear::TextFeatures::SplitWords(text);
    }
    model.Predict(text, words, &pred_);
    for (const auto& [cls, p] : model.Decide(pred_, threshold_)) {
      if (p < min_score_) continue;
      out.push_back({axis, text_.Map(model.labels()[cls]), p});
    }
    return sdk::Result::Ok();
  }

 private:
  linear::DocumentText text_;
  std::string path_, axis_override_;
  float threshold_ = -1, min_score_ = 0;
  std::unique_ptr<linear::ReloadingFile<LinearModel>> model_;
  linear::Prediction pred_;
};

}  // namespace

SLUICE_PLUGIN(LinearClassifier, "linear", "1.0.0")
