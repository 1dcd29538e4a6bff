// StoreStage: the `store` stage — the last stage of a pipeline, writing every document into a
// DocumentStore with group commit.
//
// Process() upserts the document inside the open batch transaction and records what happened
// in Document.store (doc_id, version, unchanged); Flush() commits the batch. The runner acks the
// documents of a batch only after Flush returned OK and nacks them all when it did not, so a
// document is acknowledged only once its row is durable, and a redelivered one changes nothing.
// How many documents a batch holds and how long one may wait are the runner's stage-level keys
// `batch_size` and `flush_interval` (a batch of 1000 stores ~15 % faster than 256: fewer FTS5
// segments). WantsFlush() adds a bound on memory: it turns true once the batch holds
// max_batch_bytes of text, whatever batch_size says.
//
// When the database fails (disk full, read-only, locked, PostgreSQL down) the stage returns
// Transient with the cause, logs it (once, then a summary every 30 s while it lasts) and the
// runner redelivers later; the stage needs no restart when the database recovers. PostgreSQL is
// connected lazily, so a store worker started before its database waits for it.
//
// Config keys (the stage's `config:` section), with defaults:
//   backend: sqlite            sqlite | postgres
//   path: <data_dir>/sluice.db SQLite file; relative paths resolve against the config's directory
//   dsn: ""                    PostgreSQL connection string (never logged with its password)
//   dsn_env: ""                or: the environment variable holding it (e.g. SLUICE_PG_DSN)
//   max_batch_bytes: 64MiB     text held in one batch before WantsFlush (memory bound)
//   busy_timeout: 5s           SQLite: wait for a lock this long before failing the batch
//   synchronous: full          SQLite: full | normal (see StoreOptions)
//   max_index_bytes: 4MiB      bytes of each text put into the full-text index
//
// Thread safety: called by the runner from one thread, like every Stage.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "sluice/stage.h"
#include "sluice/store/document_store.h"

namespace sluice::store {

struct StoreStageConfig {
  StoreOptions store;
  int64_t max_batch_bytes = int64_t{64} << 20;
};

// Reads and validates the stage's config section. Returns InvalidArgument naming the problem;
// unknown keys are left for the runner's Config::Finish to report.
Status ReadStoreStageConfig(const StageContext& ctx, StoreStageConfig* config);

// The segment stage's segmenter (stages/segment) with its default resources, loaded on first
// use; it serves titles that arrive without Document.title_tokens and query runs too long to cut
// by the index vocabulary. Cuts nothing when its dictionary cannot be loaded.
std::shared_ptr<const TextSegmenter> DefaultTextSegmenter();

class StoreStage final : public Stage {
 public:
  StoreStage(StoreStageConfig config, Counters* counters, std::shared_ptr<spdlog::logger> log);
  ~StoreStage() override;

  // Opens the store now. Transient errors (database not reachable yet) are not fatal: Process
  // tries again. Other errors (bad path, schema newer than this build) are returned.
  Status Open();

  Status Process(v1::Document& doc) override;
  Status Flush() override;
  bool WantsFlush() const override;

  // Documents processed since the last successful Flush.
  size_t pending() const { return pending_; }

 private:
  void Report(const Status& st, const char* doing);

  StoreStageConfig config_;
  Counters* counters_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<DocumentStore> store_;
  // While the database cannot be opened, documents are refused at once for a second after each
  // failed attempt instead of each waiting for a connection attempt of its own.
  Status open_error_;
  std::chrono::steady_clock::time_point next_open_;
  size_t pending_ = 0;
  int64_t pending_bytes_ = 0;
  // Failure reporting: the first of a run of failures is logged, later ones summarised.
  std::string last_error_;
  size_t repeated_errors_ = 0;
  std::chrono::steady_clock::time_point last_report_;
};

// The factory registered as stage "store".
Status CreateStoreStage(const StageContext& ctx, std::unique_ptr<Stage>* stage);

}  // namespace sluice::store
