// DocumentStore: where documents end up — one row per canonical URL, one version per change of
// content, full-text search over segmented words — on SQLite (embedded, the default) or
// PostgreSQL (shared by several store workers).
//
// Writing is exactly-once in effect. Upsert() runs inside a batch transaction that Commit()
// ends (group commit: the stage commits every batch_size documents or flush_interval); the
// runner acks the batch only after Commit returned OK. Each document is keyed on its canonical
// URL and a hash of the content the store keeps (title, text, publish time, publisher, numbers,
// column, attachments), so:
//   * a new URL inserts version 1;
//   * the same content again — a redelivery, or a recrawl of an unchanged page — writes nothing
//     (a recrawl only advances last_seen) and reports `unchanged`; when it carries labels that
//     differ from the stored ones (a classifier was added or retrained and the page replayed),
//     the labels are replaced in place, no new version, and it reports `relabeled`;
//   * changed content moves the current version's content into `versions` and stores the new
//     content as version+1 in the same transaction;
//   * content older than the current version (a late redelivery of a version already replaced;
//     "older" by fetch time) is `stale` and writes nothing.
// On PostgreSQL the row is locked (SELECT … FOR UPDATE, INSERT … ON CONFLICT DO NOTHING) before
// the decision, so concurrent workers delivering the same URL never insert it twice or number
// two versions alike; a deadlock between workers aborts one batch, which is retried.
//
// Errors: everything that is the database's fault (disk full, read-only file, busy, lost
// connection, deadlock) is Status::Transient with the cause spelled out, and poisons the open
// batch: later Upserts return Transient without writing until Commit() rolls back and returns
// the cause, so the runner nacks the whole batch and nothing half-written is acked. A document
// the store can never take (no URL) is Status::Permanent from Upsert without harming the batch.
//
// Reading (Search, Get, Export, Stats) works on a store opened read-only; on SQLite a reader
// never blocks the writer (WAL).
//
// Thread safety: one DocumentStore is one database connection, to be used from one thread at a
// time. Open one per thread or process.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/status.h"
#include "sluice/store/index_tokens.h"

namespace sluice::v1 {
class Document;
}

namespace sluice::store {

enum class Backend { kSqlite, kPostgres };

struct StoreOptions {
  Backend backend = Backend::kSqlite;
  std::string path;  // SQLite database file (created with its directory when missing)
  std::string dsn;   // PostgreSQL connection string (libpq keyword/value or URI)
  bool read_only = false;
  // SQLite: how long a statement waits for a lock held by another connection before Transient.
  std::chrono::milliseconds busy_timeout{5000};
  // SQLite: fsync the WAL at every commit (FULL, survives power loss) or only at checkpoints
  // (NORMAL: survives a crash of the process, may lose the last commits on power loss).
  bool synchronous_full = true;
  // Segments titles at index time and queries at search time; null = grams and vocabulary only.
  std::shared_ptr<const TextSegmenter> segmenter;
  // At most this many bytes of each text are indexed (all of it is stored).
  size_t max_index_bytes = 4 << 20;
  // Open only up to this schema version (tests of migrations); 0 = the latest.
  int target_schema_version = 0;
};

// The schema version this build writes (it upgrades any older one, and an empty database).
int LatestSchemaVersion();

// False when this build has no PostgreSQL back end (SLUICE_WITH_POSTGRES=OFF or no libpqxx).
bool PostgresBackendAvailable();

struct UpsertResult {
  enum class Outcome { kInserted, kNewVersion, kUnchanged, kRelabeled, kStale };
  int64_t doc_id = 0;
  int64_t version = 0;
  Outcome outcome = Outcome::kInserted;
  // The content (and so the version) is as it was; labels may have been replaced (kRelabeled).
  bool unchanged() const {
    return outcome == Outcome::kUnchanged || outcome == Outcome::kRelabeled || outcome == Outcome::kStale;
  }
};

struct StoredLabel {
  std::string axis;
  std::string value;
  double score = 0;
  std::string classifier;
};

struct StoredAttachment {
  std::string name;
  std::string url;
  std::string type;
  int64_t size = 0;
  std::string sha256;
};

// A previous version of a document (its content when it was replaced).
struct StoredVersion {
  int64_t version = 0;
  std::string content_hash;
  std::string title;
  std::string publish_time;
  std::string publisher;
  std::string document_number;
  std::string text;
  std::vector<StoredAttachment> attachments;
  int64_t first_seen_us = 0;  // when this version was first seen
  int64_t last_seen_us = 0;   // when it was last seen before being replaced
};

struct StoredDocument {
  int64_t id = 0;
  std::string canonical_url;
  std::string url;
  std::string site;
  std::string source;
  std::string title;
  std::string publish_time;  // ISO 8601 as extracted
  std::string publish_date;  // YYYY-MM-DD of publish_time, "" when unknown
  std::string publisher;
  std::string document_number;
  std::string index_number;
  std::string column;
  std::string info_category;
  std::string site_name;
  std::string site_id_code;
  std::string language;
  std::map<std::string, std::string> metadata;
  std::string text;
  std::string content_hash;
  uint64_t simhash = 0;
  std::string duplicate_of;
  std::string lexicon_version;
  int64_t version = 0;
  int64_t first_seen_us = 0;    // first time any version was seen
  int64_t version_seen_us = 0;  // first time the current version was seen
  int64_t last_seen_us = 0;     // last time the current version was seen
  std::vector<StoredLabel> labels;
  std::vector<StoredAttachment> attachments;
  std::vector<StoredVersion> versions;  // previous versions, oldest first (Get only)
};

struct SearchRequest {
  std::string query;
  std::string site;      // exact site (host), "" = any
  std::string since;     // YYYY-MM-DD: publish date (or first-seen date when unknown) on or after
  std::string doc_type;  // label doc_type=…
  std::string topic;     // label topic=…
  int limit = 10;
  // A query matching more documents than this is unselective: of its rank_window most recently
  // stored matches, those with the query in their title come first (by BM25 / ts_rank_cd),
  // then the newest others. Ranking every match of a very common word costs time in proportion
  // to the matches. 0 ranks all matches by BM25.
  int rank_window = 2000;
  size_t snippet_chars = 100;
};

struct SearchHit {
  int64_t doc_id = 0;
  double score = 0;  // higher is better (back-end specific scale)
  std::string canonical_url;
  std::string site;
  std::string title;
  std::string publish_time;
  std::string publish_date;
  std::string publisher;
  std::string document_number;
  std::vector<StoredLabel> labels;
  std::string snippet;                                      // excerpt, white space collapsed
  std::vector<std::pair<size_t, size_t>> highlights;        // byte ranges in snippet
  std::vector<std::pair<size_t, size_t>> title_highlights;  // byte ranges in title
};

struct SearchResult {
  std::vector<SearchHit> hits;
  bool windowed = false;             // more matches than rank_window: see SearchRequest
  std::string engine_query;          // the MATCH expression / tsquery actually run
};

struct ExportFilter {
  std::string site;
  std::string since;
  int64_t after_id = 0;  // resume after this id
  bool with_versions = false;
};

struct StoreStats {
  int64_t documents = 0;
  int64_t versions = 0;  // previous versions kept
  int64_t attachments = 0;
  int64_t labels = 0;
  std::vector<std::pair<std::string, int64_t>> per_site;   // most documents first
  std::vector<std::pair<std::string, int64_t>> per_day;    // publish date (or first-seen date), newest first
  std::vector<std::pair<std::string, int64_t>> per_label;  // "axis=value", most first
  std::vector<std::pair<std::string, int64_t>> per_stored_day;  // first-seen date, newest first
};

class DocumentStore {
 public:
  // Opens (creating and migrating a writable SQLite file or PostgreSQL schema as needed).
  // Errors: InvalidArgument for bad options, a schema newer than this build or (read-only) older
  // than it; Transient when the database cannot be reached now (PostgreSQL down, busy, disk full);
  // IOError otherwise.
  static Status Open(const StoreOptions& options, std::unique_ptr<DocumentStore>* store);

  virtual ~DocumentStore() = default;

  // Adds `doc` to the open batch (beginning one when needed). See the header comment for the
  // outcomes and errors.
  virtual Status Upsert(const v1::Document& doc, UpsertResult* result) = 0;
  // Commits the batch. OK when there is none. On error the batch is rolled back.
  virtual Status Commit() = 0;
  // Abandons the batch.
  virtual void Rollback() = 0;
  // Documents upserted into the open batch.
  virtual size_t batch_size() const = 0;

  virtual Status Search(const SearchRequest& request, SearchResult* result) = 0;
  // NotFound when there is no such document.
  virtual Status GetById(int64_t id, StoredDocument* doc) = 0;
  virtual Status GetByUrl(const std::string& url, StoredDocument* doc) = 0;
  // Calls `emit` for every document in id order; an error from `emit` stops and is returned.
  virtual Status Export(const ExportFilter& filter, const std::function<Status(const StoredDocument&)>& emit) = 0;
  // `days`: how many most recent days per_day and per_stored_day list.
  virtual Status Stats(int days, StoreStats* stats) = 0;

  virtual int schema_version() const = 0;
  virtual Backend backend() const = 0;
  // Where the data is, for messages: the file path, or the DSN without its password.
  virtual std::string Describe() const = 0;
};

// The content hash the store keys versions on (hex XXH3-128 over the stored content fields).
std::string StoreContentHash(const v1::Document& doc);

// `dsn` with any password (password=… or a URI's user:password@) replaced by "***", for logs.
std::string RedactDsn(const std::string& dsn);

}  // namespace sluice::store
