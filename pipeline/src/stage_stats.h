// StatsRecorder: the numbers one process reports about itself — documents, bytes, errors,
// retries, dead letters, busy time, latency histograms and stage-specific counters — and their
// snapshot as a v1::StageStats for the supervisor.
//
// All values are cumulative since the process started; the supervisor takes differences between
// snapshots, so a lost stats message (PUB drops when nobody listens) loses no information.
//
// Thread safety: none; owned and used by one runner thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "histogram.h"
#include "sluice/stage.h"

namespace sluice::v1 {
class StageStats;
}

namespace sluice {

class StatsRecorder : public Counters {
 public:
  StatsRecorder(std::string stage, uint32_t worker, bool is_source);

  void Add(const std::string& name, uint64_t delta = 1) override { counters_[name] += delta; }

  uint64_t docs_in = 0, docs_out = 0, bytes_in = 0, errors = 0, retries = 0, dead_letters = 0, blocked_sends = 0;
  double busy_s = 0;
  LatencyHistogram latency, e2e;
  // Source processes only.
  uint64_t pending = 0, in_flight = 0, acked = 0;

  void Snapshot(v1::StageStats* out) const;
  // One human line: "stage=clean worker=0 docs=… rate=…/s …" over the interval since `prev`.
  std::string Line(const v1::StageStats& prev, const v1::StageStats& now) const;

 private:
  std::string stage_;
  uint32_t worker_;
  bool is_source_;
  int64_t started_us_;
  std::map<std::string, uint64_t> counters_;
};

// Microseconds since the unix epoch (wall clock, for cross-process latencies).
int64_t NowMicros();
// Microseconds of a monotonic clock (for durations within a process).
int64_t MonoMicros();

// Formats a latency in µs as "850us", "1.9ms", "2.3s".
std::string FormatLatency(double micros);

}  // namespace sluice
