// Ledger: the durable record of every document a source worker has emitted, and the reason
// delivery is "at least once" end to end.
//
// A document is Add()ed (state pending), becomes durable at the next Commit(), is handed out by
// TakeReady() (in flight, with a deadline), and leaves the ledger's care on Ack() (done) or
// after too many attempts / a permanent Nack() (dead letter, with the reason and the payload,
// for `sluice dlq`). A document not acked within ack_timeout, or nacked as transient, is handed
// out again with attempt+1 after an exponential backoff. At most `window` documents are in
// flight, so a backlog of any size waits in the database, not in memory.
//
// Design note — poison documents and bystanders. A document that crashes a stage takes with it
// every other document inside that worker; they all come back with attempt+1. Counting those
// attempts naively would dead-letter innocent bystanders of a repeated crash. So a document that
// has failed `isolate_after` times is a *suspect*: it is sent alone — nothing else in flight
// while it is — and a crash during its turn can only be its own fault. Bystanders reach the
// isolation stage too, succeed alone and leave; the poison fails alone until max_attempts.
//
// Design note — what is written when. Add, SourceState writes, acks, retries and dead letters
// are batched into one SQLite transaction per Commit() (WAL, synchronous=NORMAL). A first
// delivery writes nothing: if the process dies, every document not yet acked is pending again
// after restart, and is sent once more — redelivery is what the store's idempotent upsert is
// for. Attempt counts are persisted from the second attempt on, so a poison document reaches the
// dead-letter table even across ledger restarts. A document id already known to the ledger is
// ignored by Add(), so a source that re-emits after a crash adds nothing twice.
//
// Thread safety: none. A Ledger belongs to its source process's io_context thread. Readers in
// other processes (`sluice dlq`) open the database read-only; WAL lets them run beside the writer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sluice/pipeline_spec.h"
#include "sluice/source.h"
#include "sluice/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sluice {

namespace v1 {
class Document;
}

class Ledger : public SourceState {
 public:
  struct Outgoing {
    std::string id;
    std::string bytes;  // serialized Document, stamped with ledger_id, attempt, emitted_us
    uint32_t attempt = 1;
  };

  struct DeadLetter {
    std::string id;
    std::string key;        // canonical URL (or the id when none)
    uint32_t attempts = 0;
    std::string reason;
    std::string stage;
    int64_t dead_us = 0;
    std::string payload;    // the serialized document as emitted
  };

  ~Ledger() override;

  // Opens (creating if needed) the ledger database at `path`. `ledger_id` is stamped into every
  // document sent, so acks find their way back. Returns IOError when the file cannot be opened or
  // is not a ledger database, Corruption when its schema is newer than this sluice.
  static Status Open(const std::string& path, const LedgerOptions& options, const std::string& ledger_id,
                     std::unique_ptr<Ledger>* out);
  // Opens an existing ledger read-only (for `sluice dlq`). Returns NotFound when absent.
  static Status OpenReadOnly(const std::string& path, std::unique_ptr<Ledger>* out);

  // Records a document for delivery (durable at the next Commit). Returns InvalidArgument
  // without an id, OK (and does nothing) for an id the ledger already knows, IOError on a
  // database error.
  Status Add(const v1::Document& doc);
  // Makes everything recorded so far durable. Returns IOError (e.g. disk full) — nothing of the
  // failed batch is sent, and it stays buffered for the next attempt.
  Status Commit();
  // True when there are uncommitted changes.
  bool dirty() const { return dirty_; }

  // Hands out up to `max` documents ready to send — due redeliveries first, then committed
  // pending documents in emission order — and marks them in flight, within the window.
  Status TakeReady(size_t max, int64_t now_us, std::vector<Outgoing>* out);
  // Puts back a document TakeReady handed out but the caller could not send; it goes out first
  // next time, with the same attempt.
  void Unsend(Outgoing doc);

  // Marks documents done. Unknown ids are ignored (a late ack for a redelivered copy).
  void Ack(const std::string& id);
  // Transient: retry after backoff (or dead letter after max attempts). Permanent: dead letter
  // now. A nack for an older attempt than the one in flight is ignored.
  void Nack(const std::string& id, uint32_t attempt, const std::string& reason, bool permanent, const std::string& stage,
            int64_t now_us);
  // Treats documents in flight past their deadline as transient failures.
  void ExpireInFlight(int64_t now_us);
  // A stage worker died at `lost_at_us`: documents sent before then may have died with it, so
  // they are treated as failed now instead of at their deadlines. Returns how many.
  size_t ExpireSentBefore(int64_t lost_at_us, const std::string& why, int64_t now_us);
  // Earliest time something becomes ready (a retry's backoff or an in-flight deadline), or 0.
  int64_t NextWakeUs() const;

  uint64_t pending() const;   // recorded, not yet sent (the backlog)
  uint64_t in_flight() const { return in_flight_.size(); }
  uint64_t waiting_retry() const { return retry_attempt_.size(); }
  uint64_t acked_total() const { return acked_total_; }
  uint64_t dead_total() const { return dead_total_; }
  uint64_t redelivered_total() const { return redelivered_total_; }
  // Nothing in flight and nothing waiting to be retried.
  bool Quiet() const { return in_flight_.empty() && retry_attempt_.empty(); }
  uint32_t window() const { return options_.window; }

  // Dead-letter table access (for `sluice dlq`).
  Status ListDeadLetters(size_t limit, std::vector<DeadLetter>* out);
  // Moves dead letters back to pending with attempt 0 (all when `id` is empty). Returns how many
  // through `count`. Needs a writable ledger (the source process must not be running).
  Status Replay(const std::string& id, uint64_t* count);
  // Counts by state, for `sluice dlq stats` and tests: pending(+retrying), done, dead.
  Status CountStates(uint64_t* open, uint64_t* done, uint64_t* dead);

  // SourceState.
  std::optional<std::string> Get(const std::string& ns, const std::string& key) override;
  Status Put(const std::string& ns, const std::string& key, const std::string& value) override;
  Status Delete(const std::string& ns, const std::string& key) override;
  void ForEach(const std::string& ns, const std::function<void(const std::string&, const std::string&)>& fn) override;

  const std::string& last_error() const { return last_error_; }

 private:
  struct InFlight {
    uint32_t attempt;
    int64_t deadline_us;
    int64_t sent_us;
  };
  Ledger() = default;
  Status Exec(const char* sql);
  Status Begin();
  sqlite3_stmt* Prepare(const char* sql);
  Status Fail(const char* what);
  void ScheduleRetry(const std::string& id, uint32_t attempt, const std::string& reason, const std::string& stage,
                     int64_t now_us);
  void MarkDead(const std::string& id, uint32_t attempts, const std::string& reason, const std::string& stage,
                int64_t now_us);
  std::string Stamp(std::string payload, uint32_t attempt, int64_t now_us) const;
  void Settle(const std::string& id);

  sqlite3* db_ = nullptr;
  bool read_only_ = false;
  bool in_txn_ = false;
  bool dirty_ = false;
  LedgerOptions options_;
  std::string ledger_id_;
  std::string last_error_;
  std::map<std::string, sqlite3_stmt*> stmts_;

  int64_t cursor_seq_ = 0;      // highest seq handed out from the pending stream
  int64_t committed_seq_ = 0;   // highest seq known durable
  int64_t added_seq_ = 0;       // highest seq added (possibly uncommitted)
  uint64_t open_count_ = 0;     // rows pending or retrying or in flight
  std::unordered_map<std::string, InFlight> in_flight_;
  std::unordered_map<std::string, uint32_t> retry_attempt_;  // id → attempt of the next try
  std::multimap<int64_t, std::string> retry_at_;              // due time → id
  std::vector<Outgoing> unsent_;
  std::string suspect_;  // id of the isolated suspect in flight, if any
  uint64_t acked_total_ = 0, dead_total_ = 0, redelivered_total_ = 0;
};

}  // namespace sluice
