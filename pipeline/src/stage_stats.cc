#include "stage_stats.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "sluice/v1/control.pb.h"

namespace sluice {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t MonoMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string FormatLatency(double us) {
  char buf[32];
  if (us < 1000) std::snprintf(buf, sizeof buf, "%.0fus", us);
  else if (us < 1e6) std::snprintf(buf, sizeof buf, "%.1fms", us / 1000);
  else std::snprintf(buf, sizeof buf, "%.2fs", us / 1e6);
  return buf;
}

StatsRecorder::StatsRecorder(std::string stage, uint32_t worker, bool is_source)
    : stage_(std::move(stage)), worker_(worker), is_source_(is_source), started_us_(NowMicros()) {}

void StatsRecorder::Snapshot(v1::StageStats* out) const {
  out->Clear();
  out->set_stage(stage_);
  out->set_worker(worker_);
  out->set_pid(static_cast<uint32_t>(getpid()));
  out->set_time_us(NowMicros());
  out->set_started_us(started_us_);
  out->set_docs_in(docs_in);
  out->set_docs_out(docs_out);
  out->set_bytes_in(bytes_in);
  out->set_errors(errors);
  out->set_retries(retries);
  out->set_dead_letters(dead_letters);
  out->set_busy_s(busy_s);
  latency.ToProto(out->mutable_latency());
  e2e.ToProto(out->mutable_e2e());
  for (const auto& [k, v] : counters_) (*out->mutable_counters())[k] = v;
  out->set_is_source(is_source_);
  out->set_pending(pending);
  out->set_in_flight(in_flight);
  out->set_acked(acked);
  out->set_blocked_sends(blocked_sends);
}

std::string StatsRecorder::Line(const v1::StageStats& prev, const v1::StageStats& now) const {
  double secs = std::max(1e-3, static_cast<double>(now.time_us() - prev.time_us()) / 1e6);
  if (prev.time_us() == 0) secs = std::max(1e-3, static_cast<double>(now.time_us() - now.started_us()) / 1e6);
  auto lat = LatencyHistogram::FromProto(now.latency()).Since(LatencyHistogram::FromProto(prev.latency()));
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "stage=%s worker=%u docs=%llu rate=%.1f/s in=%.2fMB/s p50=%s p99=%s errors=%llu retries=%llu dlq=%llu",
                now.stage().c_str(), now.worker(), static_cast<unsigned long long>(now.docs_out()),
                static_cast<double>(now.docs_out() - prev.docs_out()) / secs,
                static_cast<double>(now.bytes_in() - prev.bytes_in()) / secs / 1e6, FormatLatency(lat.Quantile(0.5)).c_str(),
                FormatLatency(lat.Quantile(0.99)).c_str(), static_cast<unsigned long long>(now.errors()),
                static_cast<unsigned long long>(now.retries()), static_cast<unsigned long long>(now.dead_letters()));
  std::string line = buf;
  if (is_source_) {
    std::snprintf(buf, sizeof buf, " pending=%llu in_flight=%llu acked=%llu", static_cast<unsigned long long>(now.pending()),
                  static_cast<unsigned long long>(now.in_flight()), static_cast<unsigned long long>(now.acked()));
    line += buf;
  }
  for (const auto& [k, v] : now.counters()) line += " " + k + "=" + std::to_string(v);
  return line;
}

}  // namespace sluice
