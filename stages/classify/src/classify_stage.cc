#include "sluice/classify/classify_stage.h"

#include <spdlog/spdlog.h>

namespace sluice::classify {

Status ClassifyStage::Create(const StageContext& ctx, std::unique_ptr<ClassifyStage>* out) {
  const Config& cfg = ctx.config;
  std::vector<ClassifierSpec> specs;
  std::vector<bool> skip;
  std::vector<Config> entries = cfg.List("classifiers");
  if (entries.empty())
    return Status::InvalidArgument(cfg.Where("classifiers") +
                                   ": the classify stage needs at least one classifier, e.g. classifiers: [{plugin: rules}]");
  for (const Config& e : entries) {
    ClassifierSpec s;
    s.where = e.Where();
    s.plugin = e.GetString("plugin");
    if (s.plugin.empty()) return Status::InvalidArgument(s.where + ": a classifier entry needs `plugin:` (a name or a path)");
    if (s.plugin.find('/') != std::string::npos) s.plugin = ctx.ResolvePath(s.plugin);  // relative to the pipeline file
    s.name = e.GetString("name");
    s.config = e.Child("config");
    // The plugin validates its own keys (it alone knows them); mark them read for Finish().
    (void)s.config.Flatten();
    skip.push_back(e.GetEnum("on_error", {"nack", "skip"}, "nack") == "skip");
    s.isolated = e.GetEnum("isolation", {"none", "process"}, "none") == "process";
    s.timeout = e.GetDuration("timeout", std::chrono::seconds(10));
    specs.push_back(std::move(s));
  }
  LabelMerger::Options mo = LabelMerger::DefaultOptions();
  for (const auto& [axis, text] : cfg.GetStringMap("merge")) {
    MergePolicy p;
    Status st = ParseMergePolicy(text, &p);
    if (!st.ok()) return Status::InvalidArgument(cfg.Child("merge").Where(axis) + ": " + st.message());
    mo.policy[axis] = p;
  }
  Status st = ParseMergePolicy(cfg.GetEnum("default_merge", {"first", "highest", "union"}, "first"), &mo.default_policy);
  if (!st.ok()) return st;
  mo.min_score = float(cfg.GetDouble("min_score", 0));
  mo.fallback = cfg.GetStringMap("fallback");
  // Type errors (on_error: maybe) are collected by Config; report them before opening plugins.
  if (Status errors = cfg.Finish(); !errors.ok()) return errors;

  std::unique_ptr<ClassifyStage> stage(new ClassifyStage(ctx, std::move(specs), std::move(skip), LabelMerger(std::move(mo))));
  SLUICE_RETURN_IF_ERROR(stage->OpenAll(&stage->hosts_));
  *out = std::move(stage);
  return Status::OK();
}

ClassifyStage::ClassifyStage(StageContext ctx, std::vector<ClassifierSpec> specs, std::vector<bool> skip_errors, LabelMerger merger)
    : ctx_(std::move(ctx)), specs_(std::move(specs)), skip_errors_(std::move(skip_errors)), merger_(std::move(merger)) {}

Status ClassifyStage::OpenAll(std::vector<std::unique_ptr<ClassifierHost>>* out) const {
  std::vector<std::unique_ptr<ClassifierHost>> hosts;
  for (const ClassifierSpec& spec : specs_) {
    std::unique_ptr<ClassifierHost> host;
    SLUICE_RETURN_IF_ERROR(ClassifierHost::Open(spec, ctx_, &host));
    hosts.push_back(std::move(host));
  }
  *out = std::move(hosts);
  return Status::OK();
}

Status ClassifyStage::Process(v1::Document& doc) {
  bytes_.clear();
  if (!doc.SerializeToString(&bytes_)) return Status::Permanent("classify: the document does not serialize");
  sources_.resize(hosts_.size() + 1);
  for (auto& s : sources_) s.clear();
  sources_[0].assign(doc.labels().begin(), doc.labels().end());
  for (size_t i = 0; i < hosts_.size(); ++i) {
    Status st = hosts_[i]->Classify(bytes_, &sources_[i + 1]);
    if (st.ok()) continue;
    if (!skip_errors_[i]) return st;
    sources_[i + 1].clear();
    if (ctx_.counters) ctx_.counters->Add("classifier_errors");
    if (ctx_.log) ctx_.log->warn("classifier {} skipped for document {}: {}", hosts_[i]->name(), doc.id(), st.ToString());
  }
  doc.clear_labels();
  merger_.Merge(sources_, doc.mutable_labels());
  if (ctx_.counters)
    for (const auto& l : doc.labels()) ctx_.counters->Add("labels_" + l.classifier());
  return Status::OK();
}

Status ClassifyStage::Reload() {
  std::vector<std::unique_ptr<ClassifierHost>> fresh;
  Status st = OpenAll(&fresh);
  if (!st.ok()) return st.Annotate("classify: reload failed, keeping the running classifiers");
  hosts_ = std::move(fresh);
  return Status::OK();
}

}  // namespace sluice::classify
