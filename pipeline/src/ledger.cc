#include "sluice/ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "sluice/v1/document.pb.h"
#include "wire.h"

namespace sluice {

namespace {

constexpr int kSchemaVersion = 1;

enum State { kPending = 0, kRetrying = 1, kDone = 2, kDead = 3 };

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS docs(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  attempt INTEGER NOT NULL DEFAULT 0,
  created_us INTEGER NOT NULL,
  updated_us INTEGER NOT NULL,
  payload BLOB);
CREATE INDEX IF NOT EXISTS docs_open ON docs(state, seq) WHERE state < 2;
CREATE TABLE IF NOT EXISTS dead_letters(
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  stage TEXT NOT NULL,
  dead_us INTEGER NOT NULL,
  payload BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_state(
  ns TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY(ns, key)) WITHOUT ROWID;
)sql";

std::string Column(sqlite3_stmt* st, int i) {
  const void* p = sqlite3_column_blob(st, i);
  int n = sqlite3_column_bytes(st, i);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

void BindText(sqlite3_stmt* st, int i, const std::string& s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
void BindBlob(sqlite3_stmt* st, int i, const std::string& s) {
  sqlite3_bind_blob(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

}  // namespace

Ledger::~Ledger() {
  if (db_) {
    if (in_txn_) {
      Status s = Commit();
      (void)s;
    }
    for (auto& [sql, st] : stmts_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
}

Status Ledger::Fail(const char* what) {
  last_error_ = std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : "no database");
  return Status::IOError("ledger: " + last_error_);
}

Status Ledger::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    last_error_ = msg;
    return Status::IOError("ledger: " + msg);
  }
  return Status::OK();
}

sqlite3_stmt* Ledger::Prepare(const char* sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
    last_error_ = sqlite3_errmsg(db_);
    return nullptr;
  }
  stmts_[sql] = st;
  return st;
}

Status Ledger::Begin() {
  if (in_txn_) return Status::OK();
  SLUICE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  in_txn_ = true;
  return Status::OK();
}

Status Ledger::Open(const std::string& path, const LedgerOptions& options, const std::string& ledger_id,
                    std::unique_ptr<Ledger>* out) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  auto l = std::unique_ptr<Ledger>(new Ledger());
  l->options_ = options;
  l->ledger_id_ = ledger_id;
  if (sqlite3_open_v2(path.c_str(), &l->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    return l->Fail(("cannot open " + path).c_str());
  sqlite3_busy_timeout(l->db_, 5000);
  SLUICE_RETURN_IF_ERROR(l->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;")
                             .Annotate(path));
  SLUICE_RETURN_IF_ERROR(l->Exec(kSchema).Annotate(path));
  sqlite3_stmt* st = l->Prepare("SELECT value FROM meta WHERE key='schema_version'");
  int version = 0;
  if (st && sqlite3_step(st) == SQLITE_ROW) version = std::atoi(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  if (version > kSchemaVersion)
    return Status::Corruption(path + ": ledger schema version " + std::to_string(version) + " is newer than this sluice (" +
                              std::to_string(kSchemaVersion) + ")");
  SLUICE_RETURN_IF_ERROR(l->Exec("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '1')"));

  // Resume: everything not done or dead is open; in-memory state starts empty, so it is all
  // sent again in emission order (attempt counts survive in the table).
  st = l->Prepare("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM docs WHERE state < 2");
  if (!st || sqlite3_step(st) != SQLITE_ROW) return l->Fail("count open documents");
  l->open_count_ = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
  st = l->Prepare("SELECT COALESCE(MAX(seq), 0) FROM docs");
  if (!st || sqlite3_step(st) != SQLITE_ROW) return l->Fail("max seq");
  l->committed_seq_ = l->added_seq_ = sqlite3_column_int64(st, 0);
  l->cursor_seq_ = 0;
  *out = std::move(l);
  return Status::OK();
}

Status Ledger::OpenReadOnly(const std::string& path, std::unique_ptr<Ledger>* out) {
  if (!std::filesystem::exists(path)) return Status::NotFound(path + ": no ledger database");
  auto l = std::unique_ptr<Ledger>(new Ledger());
  l->read_only_ = true;
  if (sqlite3_open_v2(path.c_str(), &l->db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    return l->Fail(("cannot open " + path).c_str());
  sqlite3_busy_timeout(l->db_, 5000);
  *out = std::move(l);
  return Status::OK();
}

Status Ledger::Add(const v1::Document& doc) {
  if (doc.id().empty()) return Status::InvalidArgument("ledger: a document needs an id");
  SLUICE_RETURN_IF_ERROR(Begin());
  std::string payload;
  if (!doc.SerializeToString(&payload)) return Status::InvalidArgument("ledger: document does not serialize");
  sqlite3_stmt* st = Prepare(
      "INSERT OR IGNORE INTO docs(id, key, state, attempt, created_us, updated_us, payload) VALUES(?, ?, 0, 0, ?, ?, ?)");
  if (!st) return Fail("prepare insert");
  const std::string& key = !doc.canonical_url().empty() ? doc.canonical_url() : (!doc.url().empty() ? doc.url() : doc.id());
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  BindText(st, 1, doc.id());
  BindText(st, 2, key);
  sqlite3_bind_int64(st, 3, now);
  sqlite3_bind_int64(st, 4, now);
  BindBlob(st, 5, payload);
  if (sqlite3_step(st) != SQLITE_DONE) return Fail("insert document");
  if (sqlite3_changes(db_) > 0) {
    added_seq_ = sqlite3_last_insert_rowid(db_);
    ++open_count_;
    dirty_ = true;
  }
  return Status::OK();
}

Status Ledger::Commit() {
  if (!in_txn_) return Status::OK();
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    // The transaction is still open (SQLITE_FULL/IOERR leave it to us): keep it, try again later.
    Status s = Fail("commit");
    if (sqlite3_get_autocommit(db_)) in_txn_ = false;  // SQLite rolled it back itself
    return s;
  }
  in_txn_ = false;
  dirty_ = false;
  committed_seq_ = added_seq_;
  return Status::OK();
}

std::string Ledger::Stamp(std::string payload, uint32_t attempt, int64_t now_us) const {
  // Appending fields to a serialized message is a merge: the last value of a scalar wins.
  wire::AppendString(payload, 2, ledger_id_);
  wire::AppendVarint(payload, 3, attempt);
  wire::AppendVarint(payload, 4, static_cast<uint64_t>(now_us));
  return payload;
}

Status Ledger::TakeReady(size_t max, int64_t now_us, std::vector<Outgoing>* out) {
  out->clear();
  if (!suspect_.empty()) return Status::OK();  // a suspect travels alone
  size_t room = in_flight_.size() >= options_.window ? 0 : options_.window - in_flight_.size();
  max = std::min(max, room);
  const int64_t deadline = now_us + options_.ack_timeout.count() * 1000;
  auto is_suspect = [this](uint32_t attempt) { return attempt > options_.isolate_after; };
  // Takes `o`; returns false when the caller must stop taking (a suspect was met).
  auto take = [&](Outgoing o) -> bool {
    if (is_suspect(o.attempt)) {
      if (!in_flight_.empty() || !out->empty()) {
        unsent_.push_back(std::move(o));  // its turn comes when everything else has settled
        return false;
      }
      suspect_ = o.id;
    }
    in_flight_[o.id] = InFlight{o.attempt, deadline, now_us};
    out->push_back(std::move(o));
    return suspect_.empty();
  };
  // 1. Documents the caller could not send last time, and suspects waiting for their turn.
  while (!unsent_.empty() && out->size() < max) {
    Outgoing o = std::move(unsent_.back());
    unsent_.pop_back();
    if (!take(std::move(o))) return Status::OK();
  }
  // 2. Retries that are due.
  while (out->size() < max && !retry_at_.empty() && retry_at_.begin()->first <= now_us) {
    std::string id = retry_at_.begin()->second;
    retry_at_.erase(retry_at_.begin());
    auto it = retry_attempt_.find(id);
    if (it == retry_attempt_.end()) continue;  // acked meanwhile
    uint32_t attempt = it->second;
    retry_attempt_.erase(it);
    sqlite3_stmt* st = Prepare("SELECT payload FROM docs WHERE id = ? AND state < 2");
    if (!st) return Fail("prepare select payload");
    BindText(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) continue;  // done or dead meanwhile
    Outgoing o{id, Stamp(Column(st, 0), attempt, now_us), attempt};
    sqlite3_reset(st);
    ++redelivered_total_;
    if (!take(std::move(o))) return Status::OK();
  }
  // 3. The pending stream, in emission order, up to what is durable.
  if (out->size() < max && cursor_seq_ < committed_seq_) {
    sqlite3_stmt* st =
        Prepare("SELECT seq, id, attempt, payload FROM docs WHERE state < 2 AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?");
    if (!st) return Fail("prepare select pending");
    sqlite3_bind_int64(st, 1, cursor_seq_);
    sqlite3_bind_int64(st, 2, committed_seq_);
    sqlite3_bind_int64(st, 3, static_cast<int64_t>(max - out->size()));
    int rc;
    bool stopped = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      cursor_seq_ = sqlite3_column_int64(st, 0);
      std::string id = Column(st, 1);
      if (in_flight_.count(id) || retry_attempt_.count(id)) continue;
      uint32_t attempt = static_cast<uint32_t>(sqlite3_column_int64(st, 2)) + 1;
      if (attempt > 1) ++redelivered_total_;  // resumed after a restart
      if (!take(Outgoing{id, Stamp(Column(st, 3), attempt, now_us), attempt})) {
        stopped = true;
        break;
      }
    }
    sqlite3_reset(st);
    if (!stopped && rc != SQLITE_ROW && rc != SQLITE_DONE) return Fail("select pending");
    if (!stopped && out->size() < max) cursor_seq_ = std::max(cursor_seq_, committed_seq_);
  }
  return Status::OK();
}

void Ledger::Unsend(Outgoing doc) {
  Settle(doc.id);
  unsent_.push_back(std::move(doc));
}

void Ledger::Settle(const std::string& id) {
  in_flight_.erase(id);
  if (suspect_ == id) suspect_.clear();
}

uint64_t Ledger::pending() const {
  uint64_t busy = in_flight_.size() + retry_attempt_.size();
  return open_count_ > busy ? open_count_ - busy : 0;
}

void Ledger::Ack(const std::string& id) {
  int prev = -1;
  if (in_flight_.count(id)) {
    Settle(id);
    prev = kPending;
  } else if (retry_attempt_.erase(id)) {
    prev = kRetrying;
  } else {
    // Not in memory: an ack for a copy sent before a restart, or for a dead letter that was
    // committed after all. Rare, so a lookup is fine.
    sqlite3_stmt* st = Prepare("SELECT state FROM docs WHERE id = ?");
    if (!st) return;
    BindText(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) prev = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
  }
  if (prev < 0 || prev == kDone) return;
  if (!Begin().ok()) return;
  sqlite3_stmt* st = Prepare("UPDATE docs SET state = 2, payload = NULL WHERE id = ?");
  if (!st) return;
  BindText(st, 1, id);
  if (sqlite3_step(st) != SQLITE_DONE) return;
  if (prev == kDead) {
    sqlite3_stmt* del = Prepare("DELETE FROM dead_letters WHERE id = ?");
    if (del) {
      BindText(del, 1, id);
      sqlite3_step(del);
    }
    if (dead_total_ > 0) --dead_total_;
  } else if (open_count_ > 0) {
    --open_count_;
  }
  ++acked_total_;
  dirty_ = true;
}

void Ledger::Nack(const std::string& id, uint32_t attempt, const std::string& reason, bool permanent, const std::string& stage,
                  int64_t now_us) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;                           // not ours, or already settled
  if (attempt != 0 && attempt < it->second.attempt) return;     // an older copy failing late
  uint32_t tried = it->second.attempt;
  Settle(id);
  if (permanent || tried >= options_.max_attempts) {
    MarkDead(id, tried, permanent ? reason : reason + " (gave up after " + std::to_string(tried) + " attempts)", stage, now_us);
  } else {
    ScheduleRetry(id, tried + 1, reason, stage, now_us);
  }
}

void Ledger::ScheduleRetry(const std::string& id, uint32_t attempt, const std::string& reason, const std::string& stage,
                           int64_t now_us) {
  int64_t backoff_ms = options_.retry_backoff.count();
  for (uint32_t i = 2; i < attempt && backoff_ms < options_.max_retry_backoff.count(); ++i) backoff_ms *= 2;
  backoff_ms = std::min<int64_t>(backoff_ms, options_.max_retry_backoff.count());
  retry_attempt_[id] = attempt;
  retry_at_.emplace(now_us + backoff_ms * 1000, id);
  // Persist the attempt count so a poison document is dead-lettered even across restarts.
  if (!Begin().ok()) return;
  sqlite3_stmt* st = Prepare("UPDATE docs SET state = 1, attempt = ?, updated_us = ? WHERE id = ?");
  if (!st) return;
  sqlite3_bind_int64(st, 1, attempt - 1);
  sqlite3_bind_int64(st, 2, now_us);
  BindText(st, 3, id);
  sqlite3_step(st);
  dirty_ = true;
  (void)reason;
  (void)stage;
}

void Ledger::MarkDead(const std::string& id, uint32_t attempts, const std::string& reason, const std::string& stage,
                      int64_t now_us) {
  if (!Begin().ok()) return;
  sqlite3_stmt* ins = Prepare(
      "INSERT OR REPLACE INTO dead_letters(id, key, attempts, reason, stage, dead_us, payload) "
      "SELECT id, key, ?, ?, ?, ?, payload FROM docs WHERE id = ?");
  if (!ins) return;
  sqlite3_bind_int64(ins, 1, attempts);
  BindText(ins, 2, reason);
  BindText(ins, 3, stage);
  sqlite3_bind_int64(ins, 4, now_us);
  BindText(ins, 5, id);
  sqlite3_step(ins);
  sqlite3_stmt* up = Prepare("UPDATE docs SET state = 3, attempt = ?, payload = NULL, updated_us = ? WHERE id = ? AND state < 2");
  if (!up) return;
  sqlite3_bind_int64(up, 1, attempts);
  sqlite3_bind_int64(up, 2, now_us);
  BindText(up, 3, id);
  sqlite3_step(up);
  if (sqlite3_changes(db_) > 0) {
    ++dead_total_;
    if (open_count_ > 0) --open_count_;
  }
  dirty_ = true;
}

void Ledger::ExpireInFlight(int64_t now_us) {
  std::vector<std::pair<std::string, uint32_t>> expired;
  for (const auto& [id, f] : in_flight_)
    if (f.deadline_us <= now_us) expired.emplace_back(id, f.attempt);
  for (const auto& [id, attempt] : expired)
    Nack(id, attempt, "no ack within " + std::to_string(options_.ack_timeout.count() / 1000) + "s (lost in a crashed stage?)",
         false, "ledger", now_us);
}

size_t Ledger::ExpireSentBefore(int64_t lost_at_us, const std::string& why, int64_t now_us) {
  std::vector<std::pair<std::string, uint32_t>> lost;
  for (const auto& [id, f] : in_flight_)
    if (f.sent_us <= lost_at_us) lost.emplace_back(id, f.attempt);
  for (const auto& [id, attempt] : lost) Nack(id, attempt, why, false, "ledger", now_us);
  return lost.size();
}

int64_t Ledger::NextWakeUs() const {
  int64_t next = 0;
  if (!retry_at_.empty()) next = retry_at_.begin()->first;
  for (const auto& [id, f] : in_flight_)
    if (next == 0 || f.deadline_us < next) next = f.deadline_us;
  return next;
}

Status Ledger::ListDeadLetters(size_t limit, std::vector<DeadLetter>* out) {
  out->clear();
  sqlite3_stmt* st =
      Prepare("SELECT id, key, attempts, reason, stage, dead_us, payload FROM dead_letters ORDER BY dead_us DESC LIMIT ?");
  if (!st) return Fail("prepare list dead letters");
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(limit));
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    DeadLetter d;
    d.id = Column(st, 0);
    d.key = Column(st, 1);
    d.attempts = static_cast<uint32_t>(sqlite3_column_int64(st, 2));
    d.reason = Column(st, 3);
    d.stage = Column(st, 4);
    d.dead_us = sqlite3_column_int64(st, 5);
    d.payload = Column(st, 6);
    out->push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) return Fail("list dead letters");
  return Status::OK();
}

Status Ledger::Replay(const std::string& id, uint64_t* count) {
  SLUICE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  sqlite3_stmt* st = Prepare(
      id.empty() ? "UPDATE docs SET state = 0, attempt = 0, payload = (SELECT payload FROM dead_letters d WHERE d.id = docs.id) "
                   "WHERE state = 3 AND id IN (SELECT id FROM dead_letters)"
                 : "UPDATE docs SET state = 0, attempt = 0, payload = (SELECT payload FROM dead_letters d WHERE d.id = docs.id) "
                   "WHERE state = 3 AND id = ?");
  if (!st) return Fail("prepare replay");
  if (!id.empty()) BindText(st, 1, id);
  if (sqlite3_step(st) != SQLITE_DONE) return Fail("replay");
  *count = static_cast<uint64_t>(sqlite3_changes(db_));
  sqlite3_stmt* del = Prepare(id.empty() ? "DELETE FROM dead_letters" : "DELETE FROM dead_letters WHERE id = ?");
  if (!del) return Fail("prepare delete dead letters");
  if (!id.empty()) BindText(del, 1, id);
  if (sqlite3_step(del) != SQLITE_DONE) return Fail("delete dead letters");
  return Exec("COMMIT");
}

Status Ledger::CountStates(uint64_t* open, uint64_t* done, uint64_t* dead) {
  sqlite3_stmt* st = Prepare(
      "SELECT COALESCE(SUM(state < 2), 0), COALESCE(SUM(state = 2), 0), (SELECT COUNT(*) FROM dead_letters) FROM docs");
  if (!st || sqlite3_step(st) != SQLITE_ROW) return Fail("count states");
  *open = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
  *done = static_cast<uint64_t>(sqlite3_column_int64(st, 1));
  *dead = static_cast<uint64_t>(sqlite3_column_int64(st, 2));
  return Status::OK();
}

std::optional<std::string> Ledger::Get(const std::string& ns, const std::string& key) {
  sqlite3_stmt* st = Prepare("SELECT value FROM source_state WHERE ns = ? AND key = ?");
  if (!st) return std::nullopt;
  BindText(st, 1, ns);
  BindText(st, 2, key);
  if (sqlite3_step(st) != SQLITE_ROW) return std::nullopt;
  std::string v = Column(st, 0);
  sqlite3_reset(st);
  return v;
}

Status Ledger::Put(const std::string& ns, const std::string& key, const std::string& value) {
  SLUICE_RETURN_IF_ERROR(Begin());
  sqlite3_stmt* st = Prepare("INSERT OR REPLACE INTO source_state(ns, key, value) VALUES(?, ?, ?)");
  if (!st) return Fail("prepare state put");
  BindText(st, 1, ns);
  BindText(st, 2, key);
  BindBlob(st, 3, value);
  if (sqlite3_step(st) != SQLITE_DONE) return Fail("state put");
  dirty_ = true;
  return Status::OK();
}

Status Ledger::Delete(const std::string& ns, const std::string& key) {
  SLUICE_RETURN_IF_ERROR(Begin());
  sqlite3_stmt* st = Prepare("DELETE FROM source_state WHERE ns = ? AND key = ?");
  if (!st) return Fail("prepare state delete");
  BindText(st, 1, ns);
  BindText(st, 2, key);
  if (sqlite3_step(st) != SQLITE_DONE) return Fail("state delete");
  dirty_ = true;
  return Status::OK();
}

void Ledger::ForEach(const std::string& ns, const std::function<void(const std::string&, const std::string&)>& fn) {
  sqlite3_stmt* st = Prepare("SELECT key, value FROM source_state WHERE ns = ? ORDER BY key");
  if (!st) return;
  BindText(st, 1, ns);
  std::vector<std::pair<std::string, std::string>> rows;
  while (sqlite3_step(st) == SQLITE_ROW) rows.emplace_back(Column(st, 0), Column(st, 1));
  sqlite3_reset(st);
  for (const auto& [k, v] : rows) fn(k, v);
}

}  // namespace sluice
