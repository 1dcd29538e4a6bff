// Source: where documents enter the pipeline — the crawler, WARC replay, a test generator.
//
// A source runs inside a source process, next to that process's Ledger. It hands documents to
// SourceContext::Emit; the ledger records each one durably before it is sent downstream and
// redelivers it until the last stage acknowledges it. A source therefore never retries
// delivery itself; it only decides *what* is new. To remember what it has seen (URLs, ETags,
// content hashes, cursors) it uses SourceState, which lives in the ledger's database and is
// committed in the same transaction as the documents emitted with it — after kill -9 a source
// neither forgets a document it emitted nor emits one twice.
//
// Thread safety: Start, Stop and every SourceContext call happen on the process's io_context
// thread. A source that does blocking work must do it elsewhere and post results back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sluice/config.h"
#include "sluice/stage.h"
#include "sluice/status.h"

namespace sluice {

// Durable key/value state of a source, namespaced ("seen", "etag", "cursor" …).
// Writes become durable with the next ledger commit, together with the documents emitted before
// them, so state and emitted documents can never disagree after a crash.
class SourceState {
 public:
  virtual ~SourceState() = default;
  // Returns the value, or nullopt when absent (or on a database error, which is logged).
  virtual std::optional<std::string> Get(const std::string& ns, const std::string& key) = 0;
  // Returns OK, or IOError when the database refuses the write.
  virtual Status Put(const std::string& ns, const std::string& key, const std::string& value) = 0;
  virtual Status Delete(const std::string& ns, const std::string& key) = 0;
  // Calls fn(key, value) for every key in a namespace, in key order.
  virtual void ForEach(const std::string& ns,
                       const std::function<void(const std::string&, const std::string&)>& fn) = 0;
};

class SourceContext {
 public:
  virtual ~SourceContext() = default;
  virtual boost::asio::io_context& io() = 0;

  // Hands one document to the ledger. `doc.id` must be set and stable for the same content (a
  // second Emit of a known id is ignored, which makes re-emission after a crash harmless).
  // Returns OK, InvalidArgument for a document without id, or IOError when the ledger cannot
  // record it (the source should retry later; nothing was recorded).
  virtual Status Emit(v1::Document doc) = 0;

  virtual SourceState& state() = 0;

  // True while the ledger holds more unsent documents than its backlog target: sources should
  // stop producing until `on_ready` runs. Bounded memory under any backlog depends on it.
  virtual bool Backlogged() const = 0;
  virtual void WhenReady(std::function<void()> on_ready) = 0;

  virtual Counters& counters() = 0;
  virtual spdlog::logger& log() = 0;

  virtual const std::string& ledger_id() const = 0;
  virtual uint32_t worker() const = 0;    // this source process's index
  virtual uint32_t workers() const = 0;   // how many source processes share the sites
  virtual const std::string& data_dir() const = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // Starts producing on ctx.io(). Returns an error when the source cannot start (bad config,
  // unreadable input); the process then exits with that error.
  virtual Status Start(SourceContext& ctx) = 0;
  // Stops intake: after Stop returns the source emits nothing more (pending work is dropped; it
  // is rediscovered on the next start). Called on drain.
  virtual void Stop() = 0;
  // True when a finite source (WARC replay, generator with a count) has emitted everything.
  virtual bool Finished() const { return false; }
};

// BacklogGate: how a producing loop waits for the ledger. The loop asks Parked() before each
// document; while the ledger is backlogged it returns true (the loop returns), and the first time
// it does so it arranges for `resume` to run once the ledger has room — one wake-up however often
// the loop asks meanwhile. `resume` never runs after the gate is destroyed, so a source that owns
// its gate may be deleted while parked.
//
// Thread safety: the io_context thread only, like everything a source does.
class BacklogGate {
 public:
  bool Parked(SourceContext& ctx, std::function<void()> resume) {
    if (!ctx.Backlogged()) return false;
    if (!waiting_) {
      waiting_ = true;
      ctx.WhenReady([this, alive = std::weak_ptr<bool>(alive_), resume = std::move(resume)] {
        if (alive.expired()) return;
        waiting_ = false;
        resume();
      });
    }
    return true;
  }

 private:
  bool waiting_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

struct SourceFactoryArgs {
  Config config;            // the source's `config:` section
  std::string config_dir;
  std::string data_dir;
  uint32_t worker = 0;
  uint32_t workers = 1;
  std::shared_ptr<spdlog::logger> log;
  std::string ResolvePath(const std::string& path) const;
};
using SourceFactory = std::function<Status(const SourceFactoryArgs&, std::unique_ptr<Source>*)>;

}  // namespace sluice
