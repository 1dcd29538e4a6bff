// Stage: what every built-in stage and every stage plugin implements.
//
// A stage sees one document at a time and changes it in place. It owns no sockets, no acks, no
// retries and no statistics: the runner (pipeline/src/stage_runner.cc) receives the document,
// calls Process, measures time and bytes, appends the trace span and forwards, nacks or — for the
// last stage of a pipeline — acks after Flush. Every stage, built-in or plugin, therefore gets the
// same throughput lines and the same delivery guarantees without writing a line for them.
//
// Thread safety: the runner calls a Stage from one thread only (its io_context thread); a stage
// needs no locking unless it starts threads of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sluice/config.h"
#include "sluice/status.h"

namespace boost::asio {
class io_context;
}
namespace spdlog {
class logger;
}
namespace sluice::v1 {
class Document;
}

namespace sluice {

// Named, monotonically increasing counters a stage reports next to the runner's own numbers
// (e.g. "challenge", "duplicates", "not_modified"). They appear in the stats line, in /metrics
// and in `sluice top`. Cheap enough to call per document.
class Counters {
 public:
  virtual ~Counters() = default;
  virtual void Add(const std::string& name, uint64_t delta = 1) = 0;
};

// What a stage gets from the runner when it is created.
struct StageContext {
  std::string stage_name;   // as in the pipeline config, e.g. "clean"
  uint32_t worker = 0;      // 0 … workers-1
  uint32_t workers = 1;
  std::string data_dir;     // the pipeline's data directory (created by the runtime)
  std::string config_dir;   // directory of the config file: relative paths in config resolve here
  Config config;            // the stage's own `config:` section (validated by the stage)
  bool is_last = false;     // the last stage acks after Flush; others forward
  boost::asio::io_context* io = nullptr;  // the process's loop, for the stage's own timers/watchers
  std::shared_ptr<spdlog::logger> log;
  Counters* counters = nullptr;

  // Resolves a path from the config relative to config_dir (absolute paths pass through).
  std::string ResolvePath(const std::string& path) const;
};

class Stage {
 public:
  virtual ~Stage() = default;

  // Processes one document in place.
  // Returns OK to forward it, Transient to have it redelivered later (attempt+1), Permanent (or
  // any other error) to send it to the dead-letter table. Exceptions are caught by the runner
  // and treated as Transient, so a stage that throws costs one attempt of one document.
  virtual Status Process(v1::Document& doc) = 0;

  // Commits whatever Process buffered (the store batches its writes here). Called on a timer,
  // when the runner's batch is full, and on drain. For the last stage, documents processed since
  // the previous Flush are acked only when Flush returns OK; on error they are nacked with it.
  virtual Status Flush() { return Status::OK(); }

  // True when Process has buffered enough that the runner should call Flush now.
  virtual bool WantsFlush() const { return false; }

  // Design note — serialized fast path. A stage that works on wire bytes anyway (a plugin
  // stage, whose ABI takes serialized documents) returns true here; the runner then hands it
  // the received bytes without parsing them and forwards what it returns, appending the trace
  // span on the wire. A plugin stage thus costs no parse/serialise round trip in the host.
  virtual bool Serialized() const { return false; }
  // Processes a serialized document in place. A stage may append bytes (appending serialized
  // fields to a message merges them into it) or replace the whole buffer. Same return contract
  // as Process.
  virtual Status ProcessSerialized(std::string& bytes) { return Status::Permanent("stage has no serialized path"); }

  // Re-reads the stage's files (dictionaries, models, rules) without restarting. Called by the
  // runner on SIGHUP; stages that also watch their files call it themselves. Returns an error
  // when the new files are unusable — the stage must then keep working with the old ones.
  virtual Status Reload() { return Status::OK(); }
};

using StageFactory = std::function<Status(const StageContext&, std::unique_ptr<Stage>*)>;

}  // namespace sluice
