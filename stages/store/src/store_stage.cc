#include "sluice/store/store_stage.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sluice/v1/document.pb.h"
#include "store_location.h"

namespace sluice::store {

Status ReadStoreStageConfig(const StageContext& ctx, StoreStageConfig* out) {
  const Config& c = ctx.config;
  StoreStageConfig cfg;
  bool bad = !ReadStoreLocation(c, [&](const std::string& p) { return ctx.ResolvePath(p); }, ctx.data_dir, &cfg.store);
  cfg.max_batch_bytes = c.GetBytes("max_batch_bytes", cfg.max_batch_bytes);
  cfg.store.busy_timeout = c.GetDuration("busy_timeout", std::chrono::milliseconds(5000));
  cfg.store.synchronous_full = c.GetEnum("synchronous", {"full", "normal"}, "full") == "full";
  cfg.store.max_index_bytes = static_cast<size_t>(c.GetBytes("max_index_bytes", 4 << 20));
  auto error = [&](const char* key, const std::string& msg) {
    c.AddError(key, msg);
    bad = true;
  };
  if (cfg.max_batch_bytes < 1) error("max_batch_bytes", "must be at least 1 byte");
  if (cfg.store.backend == Backend::kSqlite && ctx.workers > 1) {
    error("backend", "SQLite takes one writer: run the store with workers: 1, or use backend: postgres");
  }
  cfg.store.segmenter = DefaultTextSegmenter();
  // A store without a database cannot start: report every error of the section now (the runner
  // would report them after the factory, with the unknown keys; all keys are read by now).
  if (bad || !c.status().ok()) {
    Status st = c.Finish();
    return st.ok() ? c.status() : st;
  }
  *out = std::move(cfg);
  return Status::OK();
}

StoreStage::StoreStage(StoreStageConfig config, Counters* counters, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)), counters_(counters), log_(log ? std::move(log) : spdlog::default_logger()) {}

StoreStage::~StoreStage() {
  // Whatever was not flushed was not acked either: roll it back, the ledger redelivers it.
  if (store_) store_->Rollback();
}

Status StoreStage::Open() {
  if (store_) return Status::OK();
  auto now = std::chrono::steady_clock::now();
  if (!open_error_.ok() && now < next_open_) return open_error_;
  Status st = DocumentStore::Open(config_.store, &store_);
  if (st.ok()) {
    log_->info("store: {} {} (schema version {})", config_.store.backend == Backend::kSqlite ? "sqlite" : "postgres",
               store_->Describe(), store_->schema_version());
    open_error_ = Status::OK();
    return st;
  }
  Report(st, "opening the store");
  open_error_ = st.IsTransient() ? st : Status::Transient(st.ToString());
  next_open_ = now + std::chrono::seconds(1);
  return st;
}

Status StoreStage::Process(v1::Document& doc) {
  if (!store_) {
    Status st = Open();
    if (!st.ok()) return st.IsTransient() ? st : Status::Transient(st.ToString());
  }
  UpsertResult r;
  Status st = store_->Upsert(doc, &r);
  if (!st.ok()) {
    if (!st.IsPermanent()) Report(st, "storing a document");
    return st;
  }
  ++pending_;
  pending_bytes_ += static_cast<int64_t>(doc.text().size() + doc.title().size());
  v1::StoreInfo* info = doc.mutable_store();
  info->set_doc_id(r.doc_id);
  info->set_version(r.version);
  info->set_unchanged(r.unchanged());
  if (counters_) {
    switch (r.outcome) {
      case UpsertResult::Outcome::kInserted:
        counters_->Add("inserted");
        break;
      case UpsertResult::Outcome::kNewVersion:
        counters_->Add("new_versions");
        break;
      case UpsertResult::Outcome::kUnchanged:
        counters_->Add("unchanged");
        break;
      case UpsertResult::Outcome::kRelabeled:
        counters_->Add("relabeled");
        break;
      case UpsertResult::Outcome::kStale:
        counters_->Add("stale");
        break;
    }
  }
  return Status::OK();
}

Status StoreStage::Flush() {
  if (!store_) {
    pending_ = 0;
    pending_bytes_ = 0;
    return Status::OK();
  }
  size_t n = pending_;
  pending_ = 0;
  pending_bytes_ = 0;
  Status st = store_->Commit();
  if (!st.ok()) {
    if (counters_) counters_->Add("commit_failures");
    Report(st, "committing a batch");
    return st;
  }
  if (n > 0 && counters_) counters_->Add("commits");
  if (!last_error_.empty()) {
    log_->info("store: recovered: committed {} documents ({} failures before: {})", n, repeated_errors_ + 1, last_error_);
    last_error_.clear();
    repeated_errors_ = 0;
  }
  return st;
}

bool StoreStage::WantsFlush() const {
  return pending_bytes_ >= config_.max_batch_bytes;
}

void StoreStage::Report(const Status& st, const char* doing) {
  auto now = std::chrono::steady_clock::now();
  std::string msg = st.ToString();
  if (msg != last_error_) {
    log_->warn("store: {} failed, will retry: {}", doing, msg);
    last_error_ = msg;
    repeated_errors_ = 0;
    last_report_ = now;
    return;
  }
  ++repeated_errors_;
  if (now - last_report_ >= std::chrono::seconds(30)) {
    log_->warn("store: still failing ({} more times): {}", repeated_errors_, msg);
    last_report_ = now;
  }
}

Status CreateStoreStage(const StageContext& ctx, std::unique_ptr<Stage>* stage) {
  StoreStageConfig cfg;
  SLUICE_RETURN_IF_ERROR(ReadStoreStageConfig(ctx, &cfg));
  auto s = std::make_unique<StoreStage>(std::move(cfg), ctx.counters, ctx.log);
  Status st = s->Open();
  if (!st.ok() && !st.IsTransient()) return st;
  *stage = std::move(s);
  return Status::OK();
}

}  // namespace sluice::store
