// MemorySourceContext: an in-memory SourceContext for testing sources without the ledger.
//
// A test double of the runtime's internal interface (not of anything a user runs): state in a
// std::map, emitted documents in a vector (a repeated id is ignored, as the ledger does),
// counters in a map, and an optional backlog switch to exercise backpressure.
#pragma once

#include <utility>  // before Boost.Asio: boost 1.74 awaitable.hpp uses std::exchange

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sluice/source.h"
#include "sluice/v1/document.pb.h"

namespace sluice::testing {

class MemoryState : public SourceState {
 public:
  std::optional<std::string> Get(const std::string& ns, const std::string& key) override {
    auto it = kv.find(ns + "\x1f" + key);
    if (it == kv.end()) return std::nullopt;
    return it->second;
  }
  Status Put(const std::string& ns, const std::string& key, const std::string& value) override {
    kv[ns + "\x1f" + key] = value;
    return Status::OK();
  }
  Status Delete(const std::string& ns, const std::string& key) override {
    kv.erase(ns + "\x1f" + key);
    return Status::OK();
  }
  void ForEach(const std::string& ns, const std::function<void(const std::string&, const std::string&)>& fn) override {
    std::string prefix = ns + "\x1f";
    for (auto it = kv.lower_bound(prefix); it != kv.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
      fn(it->first.substr(prefix.size()), it->second);
  }
  std::map<std::string, std::string> kv;
};

class MemoryCounters : public Counters {
 public:
  void Add(const std::string& name, uint64_t delta) override { values[name] += delta; }
  uint64_t Get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? 0 : it->second;
  }
  std::map<std::string, uint64_t> values;
};

class MemorySourceContext : public SourceContext {
 public:
  explicit MemorySourceContext(boost::asio::io_context& io, bool verbose = false) : io_(io) {
    if (verbose || std::getenv("SLUICE_TEST_VERBOSE")) {
      logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::stderr_sink_mt>());
      logger_->set_level(spdlog::level::debug);
    } else {
      logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    }
  }
  boost::asio::io_context& io() override { return io_; }
  Status Emit(v1::Document doc) override {
    if (doc.id().empty()) return Status::InvalidArgument("document without id");
    if (!keep_docs) {  // benchmarks: count, keep nothing (memory stays flat)
      ++emitted;
      emitted_bytes += doc.raw().size();
      return Status::OK();
    }
    if (!ids.insert(doc.id()).second) return Status::OK();
    ++emitted;
    emitted_bytes += doc.raw().size();
    docs.push_back(std::move(doc));
    return Status::OK();
  }
  SourceState& state() override { return state_; }
  bool Backlogged() const override { return backlogged; }
  void WhenReady(std::function<void()> on_ready) override { ready_callbacks.push_back(std::move(on_ready)); }
  // Clears the backlog and runs the waiting callbacks.
  void Release() {
    backlogged = false;
    auto cbs = std::move(ready_callbacks);
    ready_callbacks.clear();
    for (auto& cb : cbs) cb();
  }
  Counters& counters() override { return counters_; }
  spdlog::logger& log() override { return *logger_; }
  const std::string& ledger_id() const override { return ledger_id_; }
  uint32_t worker() const override { return worker_; }
  uint32_t workers() const override { return workers_; }
  const std::string& data_dir() const override { return data_dir_; }

  std::vector<v1::Document> docs;
  std::set<std::string> ids;
  bool keep_docs = true;
  uint64_t emitted = 0, emitted_bytes = 0;
  bool backlogged = false;
  std::vector<std::function<void()>> ready_callbacks;
  MemoryState state_;
  MemoryCounters counters_;
  uint32_t worker_ = 0, workers_ = 1;
  std::string data_dir_ = "/tmp";

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<spdlog::logger> logger_;
  std::string ledger_id_ = "test-ledger";
};

// Runs `io` until `cond` holds or `timeout` passes; returns whether it held.
inline bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace sluice::testing
