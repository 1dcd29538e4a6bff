// PipelineMetrics: the supervisor's view of the whole pipeline, built from the StageStats every
// worker publishes: totals that survive worker restarts, per-interval rates and latency
// percentiles, queue depth between stages, end-to-end latency and the bottleneck stage. Renders
// them as log lines, Prometheus text (/metrics) and JSON (/stats.json, read by `sluice top`).
//
// Design note — restarts. Workers report cumulative counters since *their* start. When a
// worker's started_us changes, its last snapshot from the previous life is folded into a
// per-worker offset, so pipeline totals never go backwards. The queue depth between two stages
// is (upstream sent − downstream received); messages lost inside a crashed worker would inflate
// it forever, so the baseline of a hop is reset whenever a worker on either side restarts.
//
// Thread safety: none; the supervisor uses it from its io_context thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "histogram.h"
#include "sluice/json.h"
#include "sluice/pipeline_spec.h"
#include "sluice/v1/control.pb.h"

namespace sluice {

class PipelineMetrics {
 public:
  explicit PipelineMetrics(const PipelineSpec& spec);

  void Ingest(const v1::StageStats& s);
  void CountRestart(const std::string& stage) { ++restarts_[stage]; }

  // Closes the current interval: computes rates and percentiles since the previous call — or,
  // with `whole_run`, over the whole run (for the summary printed at exit).
  void Roll(int64_t now_us, bool whole_run = false);
  // One line per stage (source first) and one pipeline line, for the log.
  std::vector<std::string> LogLines() const;
  std::string Prometheus() const;
  Json ToJson() const;

  // Totals, for tests and the supervisor's exit summary.
  uint64_t StageDocsOut(const std::string& stage) const;

 private:
  struct Worker {
    v1::StageStats last;     // latest snapshot of the current life
    v1::StageStats offset;   // sums of previous lives (counters and histograms)
    bool seen = false;
  };
  struct Totals {
    uint64_t docs_in = 0, docs_out = 0, bytes_in = 0, errors = 0, retries = 0, dead = 0, blocked = 0;
    uint64_t pending = 0, in_flight = 0, acked = 0;
    double busy_s = 0;
    LatencyHistogram latency, e2e;
    std::map<std::string, uint64_t> counters;
    uint32_t live_workers = 0;
  };
  struct Interval {
    double secs = 0, rate = 0, mb_in = 0, p50 = 0, p99 = 0, util = 0, e2e_p50 = 0, e2e_p99 = 0;
    int64_t queue = 0;
  };

  Totals Sum(const std::string& stage) const;
  std::vector<std::string> StageOrder() const;

  const PipelineSpec& spec_;
  std::map<std::string, std::map<uint32_t, Worker>> workers_;
  std::map<std::string, uint64_t> restarts_;
  std::map<std::string, int64_t> queue_base_;  // per downstream stage
  std::map<std::string, Totals> prev_, cur_;
  std::map<std::string, Interval> interval_;
  int64_t prev_roll_us_ = 0;
  int64_t started_us_ = 0;
};

}  // namespace sluice
