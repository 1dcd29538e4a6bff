// StoreSource: the `store` source — re-emits documents a store already holds, so they can pass
// through later stages again. Its use: a classifier was added or retrained (or the segmenter's
// lexicon grew) and the notices already stored should get the new labels or words without being
// fetched again. A pipeline `store source → [segment →] classify → store` over the same database
// replaces each document's labels in place (DocumentStore reports `relabeled`; no new version).
//
// Each document is rebuilt from its stored row — URL, site, title, text, publish time,
// publisher, numbers, column, attachments, metadata, simhash, duplicate_of — so the store's
// content hash matches and nothing but the labels changes. Its fetch time is set just before the
// current version was first seen: should a rebuilt document ever differ from the stored
// content, the store treats it as a late copy (`stale`) and writes nothing rather than a
// spurious version.
//
// Runs are finite: the source finishes after the last matching document, and the pipeline then
// drains and exits. A run interrupted by kill -9 resumes after the last id the ledger recorded
// (the cursor is source state, committed with the documents); a run started after a finished
// one begins again from the start under new document ids, so the ledger re-sends everything.
//
// Config keys (the source's `config:` section), with defaults:
//   backend: sqlite            sqlite | postgres
//   path: <data_dir>/sluice.db SQLite file; relative paths resolve against the config's directory
//   dsn: "" / dsn_env: ""      PostgreSQL connection string, or the variable holding it
//   site: ""                   only documents of this site (host)
//   since: ""                  only documents published (or first seen) on or after YYYY-MM-DD
//   batch: 256                 documents read per turn of the event loop
//
// Thread safety: like every Source, everything runs on the source process's io_context thread.
#pragma once

#include <memory>
#include <string>

#include "sluice/source.h"
#include "sluice/store/document_store.h"

namespace sluice::v1 {
class Document;
}

namespace sluice::store {

struct StoreSourceOptions {
  StoreOptions store;  // opened read-only
  std::string site;
  std::string since;
  int batch = 256;

  // Reads the `config:` section. Returns InvalidArgument naming the key for a bad value.
  static Status FromConfig(const SourceFactoryArgs& args, StoreSourceOptions* out);
};

// The Document a stored row stands for (what StoreSource emits, without id and fetch time).
void DocumentFromStored(const StoredDocument& stored, v1::Document* doc);

class StoreSource final : public Source {
 public:
  explicit StoreSource(StoreSourceOptions options);
  ~StoreSource() override;

  // Returns the store's error when it cannot be opened (missing file, schema newer than this build).
  Status Start(SourceContext& ctx) override;
  void Stop() override;
  bool Finished() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::store
