// ClassifyStage: the `classify` stage. It hosts any number of classifier plugins, runs them in
// config order on each document (serialising the document once for all of them), and merges
// their labels per axis (see LabelMerger).
//
//   - name: classify
//     config:
//       classifiers:
//         - plugin: rules                  # a name in the plugin directories, or a path to a .so
//           config: {rules: rules.yaml}    # handed to the plugin as it is
//           on_error: nack                 # nack: the document fails as the plugin said
//                                          #   (Transient → retried, Permanent → dead letter)
//                                          # skip: ignore this classifier for this document
//           isolation: none                # none | process (crash- and hang-proof, slower)
//           timeout: 10s                   # isolation: process only
//         - plugin: linear
//           config: {model: topic.bin}
//       merge: {topic: union}              # per axis: first | highest | union; others: first
//       default_merge: first
//       min_score: 0                       # ignore labels below this score
//       fallback: {doc_type: 其他}          # value for an axis no classifier labelled
//
// Labels already on the document when it arrives (from an earlier classify stage) take part in
// the merge as the earliest classifier. Counters: `labels_<classifier>` (labels each classifier
// contributed after the merge; `labels_classify` are fallbacks) and `classifier_errors` (skipped
// failures) appear in the stage's stats line.
//
// Thread safety: like every Stage, used by one thread. Reload() (SIGHUP) re-creates every plugin
// instance from the same config and swaps them in only if all succeed; plugins also reload their
// own files (models, rules) when those change.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/classify/classifier_host.h"
#include "sluice/classify/label_merger.h"
#include "sluice/stage.h"

namespace sluice::classify {

class ClassifyStage : public Stage {
 public:
  // Reads the stage config and opens every classifier. Returns InvalidArgument / NotFound naming
  // the config file, line and plugin when one cannot be used.
  static Status Create(const StageContext& ctx, std::unique_ptr<ClassifyStage>* out);

  // OK with the merged labels appended; the first failing classifier's status (unless its
  // on_error is skip) with the document unchanged.
  Status Process(v1::Document& doc) override;

  // Design note — the serialized fast path. Plugins take serialized documents anyway, so the
  // runner hands this stage the received bytes: each plugin reads them, and the merged labels are
  // appended to them as serialized `labels` fields (appending is merging, in protobuf). The host
  // never parses or re-serialises the document — which, for a page with its text and tokens,
  // costs more than classifying it. A document that arrives with labels already takes the parsed
  // path, because the merge may drop some of them.
  bool Serialized() const override { return true; }
  Status ProcessSerialized(std::string& bytes) override;

  Status Reload() override;

  size_t classifier_count() const { return hosts_.size(); }

 private:
  ClassifyStage(StageContext ctx, std::vector<ClassifierSpec> specs, std::vector<bool> skip_errors, LabelMerger merger);
  Status OpenAll(std::vector<std::unique_ptr<ClassifierHost>>* out) const;
  // Runs every classifier on `bytes` into sources_[1..]; the first failure that is not skipped.
  Status RunClassifiers(const std::string& bytes, const std::string& doc_id);
  void Count(const google::protobuf::RepeatedPtrField<v1::Label>& labels);

  StageContext ctx_;
  std::vector<ClassifierSpec> specs_;
  std::vector<bool> skip_errors_;
  LabelMerger merger_;
  std::vector<std::unique_ptr<ClassifierHost>> hosts_;
  std::string bytes_, label_bytes_;
  std::vector<std::vector<v1::Label>> sources_;
  google::protobuf::RepeatedPtrField<v1::Label> merged_;
};

}  // namespace sluice::classify
