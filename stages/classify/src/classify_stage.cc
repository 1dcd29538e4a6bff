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

namespace {

// True when the serialized document has a top-level field `field` (a quick scan of tags; the
// bytes are not parsed). Malformed bytes answer true, so they take the parsed path and fail there.
bool HasField(const std::string& bytes, uint32_t field) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* end = p + bytes.size();
  auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      uint8_t b = *p++;
      *v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (p < end) {
    uint64_t tag, n;
    if (!varint(&tag)) return true;
    if ((tag >> 3) == field) return true;
    switch (tag & 7) {
      case 0:
        if (!varint(&n)) return true;
        break;
      case 1:
        if (end - p < 8) return true;
        p += 8;
        break;
      case 2:
        if (!varint(&n) || n > uint64_t(end - p)) return true;
        p += n;
        break;
      case 5:
        if (end - p < 4) return true;
        p += 4;
        break;
      default:
        return true;
    }
  }
  return false;
}

constexpr uint32_t kLabelsField = 32;  // Document.labels

}  // namespace

Status ClassifyStage::RunClassifiers(const std::string& bytes, const std::string& doc_id) {
  for (size_t i = 0; i < hosts_.size(); ++i) {
    Status st = hosts_[i]->Classify(bytes, &sources_[i + 1]);
    if (st.ok()) continue;
    if (!skip_errors_[i]) return st;
    sources_[i + 1].clear();
    if (ctx_.counters) ctx_.counters->Add("classifier_errors");
    // On the wire path the document is not parsed, so its id is not at hand; the runner's trace has it.
    if (ctx_.log)
      ctx_.log->warn("classifier {} skipped{}: {}", hosts_[i]->name(), doc_id.empty() ? "" : " for document " + doc_id, st.ToString());
  }
  return Status::OK();
}

void ClassifyStage::Count(const google::protobuf::RepeatedPtrField<v1::Label>& labels) {
  if (!ctx_.counters) return;
  for (const auto& l : labels) ctx_.counters->Add("labels_" + l.classifier());
}

Status ClassifyStage::Process(v1::Document& doc) {
  bytes_.clear();
  if (!doc.SerializeToString(&bytes_)) return Status::Permanent("classify: the document does not serialize");
  sources_.resize(hosts_.size() + 1);
  for (auto& s : sources_) s.clear();
  sources_[0].assign(doc.labels().begin(), doc.labels().end());
  SLUICE_RETURN_IF_ERROR(RunClassifiers(bytes_, doc.id()));
  doc.clear_labels();
  merger_.Merge(sources_, doc.mutable_labels());
  Count(doc.labels());
  return Status::OK();
}

Status ClassifyStage::ProcessSerialized(std::string& bytes) {
  if (HasField(bytes, kLabelsField)) {
    v1::Document doc;
    if (!doc.ParseFromString(bytes)) return Status::Permanent("classify: malformed document bytes");
    SLUICE_RETURN_IF_ERROR(Process(doc));
    bytes.clear();
    if (!doc.SerializeToString(&bytes)) return Status::Permanent("classify: the document does not serialize");
    return Status::OK();
  }
  sources_.resize(hosts_.size() + 1);
  for (auto& s : sources_) s.clear();
  SLUICE_RETURN_IF_ERROR(RunClassifiers(bytes, ""));
  merged_.Clear();
  merger_.Merge(sources_, &merged_);
  for (const v1::Label& l : merged_) {
    label_bytes_.clear();
    l.SerializeToString(&label_bytes_);
    // tag (32 << 3 | 2) = 258 as a varint, the length, the label.
    bytes.push_back(char(0x82));
    bytes.push_back(char(0x02));
    for (uint64_t n = label_bytes_.size(); ; n >>= 7) {
      if (n < 0x80) {
        bytes.push_back(char(n));
        break;
      }
      bytes.push_back(char((n & 0x7F) | 0x80));
    }
    bytes += label_bytes_;
  }
  Count(merged_);
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
