#include "pipeline_metrics.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "stage_stats.h"

namespace sluice {

namespace {

void AddHistogram(v1::Histogram* into, const v1::Histogram& h) {
  LatencyHistogram a = LatencyHistogram::FromProto(*into);
  a.Merge(LatencyHistogram::FromProto(h));
  a.ToProto(into);
}

// Folds `s` (a worker's last snapshot of a previous life) into `into`.
void Accumulate(v1::StageStats* into, const v1::StageStats& s) {
  into->set_docs_in(into->docs_in() + s.docs_in());
  into->set_docs_out(into->docs_out() + s.docs_out());
  into->set_bytes_in(into->bytes_in() + s.bytes_in());
  into->set_errors(into->errors() + s.errors());
  into->set_retries(into->retries() + s.retries());
  into->set_dead_letters(into->dead_letters() + s.dead_letters());
  into->set_busy_s(into->busy_s() + s.busy_s());
  into->set_blocked_sends(into->blocked_sends() + s.blocked_sends());
  AddHistogram(into->mutable_latency(), s.latency());
  AddHistogram(into->mutable_e2e(), s.e2e());
  for (const auto& [k, v] : s.counters()) (*into->mutable_counters())[k] += v;
  // Ledger gauges and totals are read from the database by the next life, not accumulated.
}

// "8.1MB/s", "45.3KB/s": a demo-sized pipeline moves kilobytes, a production one megabytes.
std::string FormatThroughput(double bytes_per_s) {
  char buf[32];
  if (bytes_per_s >= 1e6) std::snprintf(buf, sizeof buf, "%.1fMB/s", bytes_per_s / 1e6);
  else std::snprintf(buf, sizeof buf, "%.1fKB/s", bytes_per_s / 1e3);
  return buf;
}

std::string FormatShare(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, share < 0.095 ? "%.1f%%" : "%.0f%%", share * 100);
  return buf;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

PipelineMetrics::PipelineMetrics(const PipelineSpec& spec) : spec_(spec), started_us_(NowMicros()) {}

std::vector<std::string> PipelineMetrics::StageOrder() const {
  std::vector<std::string> order{spec_.source.name};
  for (const auto& s : spec_.stages) order.push_back(s.name);
  return order;
}

void PipelineMetrics::Ingest(const v1::StageStats& s) {
  Worker& w = workers_[s.stage()][s.worker()];
  if (w.seen && s.started_us() != w.last.started_us()) {
    Accumulate(&w.offset, w.last);
    // Whatever the dead worker had queued is gone; restart the queue baselines around it.
    auto order = StageOrder();
    for (size_t i = 0; i < order.size(); ++i) {
      if (order[i] != s.stage()) continue;
      queue_base_[order[i]] = INT64_MIN;
      if (i + 1 < order.size()) queue_base_[order[i + 1]] = INT64_MIN;
    }
  }
  w.last = s;
  w.seen = true;
}

PipelineMetrics::Totals PipelineMetrics::Sum(const std::string& stage) const {
  Totals t;
  auto it = workers_.find(stage);
  if (it == workers_.end()) return t;
  int64_t now = NowMicros();
  for (const auto& [k, w] : it->second) {
    for (const v1::StageStats* s : {&w.offset, &w.last}) {
      t.docs_in += s->docs_in();
      t.docs_out += s->docs_out();
      t.bytes_in += s->bytes_in();
      t.errors += s->errors();
      t.retries += s->retries();
      t.dead += s->dead_letters();
      t.blocked += s->blocked_sends();
      t.busy_s += s->busy_s();
      t.latency.Merge(LatencyHistogram::FromProto(s->latency()));
      t.e2e.Merge(LatencyHistogram::FromProto(s->e2e()));
      for (const auto& [name, v] : s->counters()) t.counters[name] += v;
    }
    t.pending += w.last.pending();
    t.in_flight += w.last.in_flight();
    t.acked += w.last.acked();
    if (now - w.last.time_us() < 5'000'000) ++t.live_workers;
  }
  return t;
}

void PipelineMetrics::Roll(int64_t now_us, bool whole_run) {
  if (whole_run) {
    prev_.clear();
    prev_roll_us_ = 0;
  }
  double secs = prev_roll_us_ ? static_cast<double>(now_us - prev_roll_us_) / 1e6 : static_cast<double>(now_us - started_us_) / 1e6;
  secs = std::max(secs, 1e-3);
  auto order = StageOrder();
  cur_.clear();
  for (const auto& name : order) cur_[name] = Sum(name);
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& name = order[i];
    const Totals& c = cur_[name];
    const Totals& p = prev_[name];
    Interval iv;
    iv.secs = secs;
    iv.rate = static_cast<double>(c.docs_out - std::min(c.docs_out, p.docs_out)) / secs;
    iv.mb_in = static_cast<double>(c.bytes_in - std::min(c.bytes_in, p.bytes_in)) / secs / 1e6;
    LatencyHistogram lat = c.latency.Since(p.latency);
    iv.p50 = lat.Quantile(0.5);
    iv.p99 = lat.Quantile(0.99);
    LatencyHistogram e2e = c.e2e.Since(p.e2e);
    iv.e2e_p50 = e2e.Quantile(0.5);
    iv.e2e_p99 = e2e.Quantile(0.99);
    uint32_t workers = i == 0 ? spec_.source.workers : spec_.stages[i - 1].workers;
    iv.util = (c.busy_s - std::min(c.busy_s, p.busy_s)) / (secs * std::max<uint32_t>(workers, 1));
    if (i > 0) {
      int64_t diff = static_cast<int64_t>(cur_[order[i - 1]].docs_out) - static_cast<int64_t>(c.docs_in);
      int64_t& base = queue_base_[name];
      if (base == INT64_MIN) base = diff;
      iv.queue = std::max<int64_t>(0, diff - base);
      if (diff < base) base = diff;  // a restarted upstream re-counts from zero
    }
    interval_[name] = iv;
  }
  prev_ = cur_;
  prev_roll_us_ = now_us;
}

std::vector<std::string> PipelineMetrics::LogLines() const {
  std::vector<std::string> lines;
  auto order = StageOrder();
  char buf[640];
  std::string bottleneck;
  double worst = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& name = order[i];
    auto ct = cur_.find(name);
    auto it = interval_.find(name);
    if (ct == cur_.end() || it == interval_.end()) continue;
    const Totals& t = ct->second;
    const Interval& iv = it->second;
    uint32_t workers = i == 0 ? spec_.source.workers : spec_.stages[i - 1].workers;
    if (i == 0) {
      std::snprintf(buf, sizeof buf,
                    "stage=%s workers=%u emitted=%llu sent=%llu rate=%.1f/s pending=%llu in_flight=%llu acked=%llu errors=%llu "
                    "retries=%llu dlq=%llu",
                    name.c_str(), workers, static_cast<unsigned long long>(t.docs_in), static_cast<unsigned long long>(t.docs_out),
                    iv.rate, static_cast<unsigned long long>(t.pending), static_cast<unsigned long long>(t.in_flight),
                    static_cast<unsigned long long>(t.acked), static_cast<unsigned long long>(t.errors),
                    static_cast<unsigned long long>(t.retries), static_cast<unsigned long long>(t.dead));
    } else {
      std::snprintf(buf, sizeof buf,
                    "stage=%s workers=%u docs=%llu rate=%.1f/s in=%s p50=%s p99=%s errors=%llu retries=%llu dlq=%llu "
                    "queue=%lld util=%s",
                    name.c_str(), workers, static_cast<unsigned long long>(t.docs_out), iv.rate, FormatThroughput(iv.mb_in * 1e6).c_str(),
                    FormatLatency(iv.p50).c_str(), FormatLatency(iv.p99).c_str(), static_cast<unsigned long long>(t.errors),
                    static_cast<unsigned long long>(t.retries), static_cast<unsigned long long>(t.dead),
                    static_cast<long long>(iv.queue), FormatShare(iv.util).c_str());
      if (iv.util > worst) {
        worst = iv.util;
        bottleneck = name;
      }
    }
    std::string line = buf;
    for (const auto& [k, v] : t.counters) line += " " + k + "=" + std::to_string(v);
    auto r = restarts_.find(name);
    if (r != restarts_.end() && r->second) line += " restarts=" + std::to_string(r->second);
    lines.push_back(line);
  }
  if (!spec_.stages.empty()) {
    const std::string& last = spec_.stages.back().name;
    auto ct = cur_.find(last);
    auto it = interval_.find(last);
    auto src = cur_.find(spec_.source.name);
    if (ct != cur_.end() && it != interval_.end()) {
      uint64_t restarts = 0;
      for (const auto& [k, v] : restarts_) restarts += v;
      std::snprintf(buf, sizeof buf,
                    "pipeline docs=%llu rate=%.1f/s e2e_p50=%s e2e_p99=%s pending=%llu in_flight=%llu dlq=%llu restarts=%llu "
                    "bottleneck=%s",
                    static_cast<unsigned long long>(ct->second.docs_out), it->second.rate, FormatLatency(it->second.e2e_p50).c_str(),
                    FormatLatency(it->second.e2e_p99).c_str(),
                    static_cast<unsigned long long>(src != cur_.end() ? src->second.pending : 0),
                    static_cast<unsigned long long>(src != cur_.end() ? src->second.in_flight : 0),
                    static_cast<unsigned long long>(src != cur_.end() ? src->second.dead : 0),
                    static_cast<unsigned long long>(restarts),
                    worst > 0.05 ? (bottleneck + "(" + std::to_string(static_cast<int>(worst * 100 + 0.5)) + "% busy)").c_str()
                                 : "none(idle)");
      lines.push_back(buf);
    }
  }
  return lines;
}

uint64_t PipelineMetrics::StageDocsOut(const std::string& stage) const { return Sum(stage).docs_out; }

std::string PipelineMetrics::Prometheus() const {
  std::ostringstream o;
  auto order = StageOrder();
  std::map<std::string, Totals> now;
  for (const auto& n : order) now[n] = Sum(n);
  auto metric = [&o](const char* name, const char* type, const char* help) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  };
  auto per_stage = [&](const char* name, const char* type, const char* help, auto value) {
    metric(name, type, help);
    for (const auto& n : order) o << name << "{stage=\"" << Escape(n) << "\"} " << value(now[n]) << "\n";
  };
  per_stage("sluice_stage_docs_in_total", "counter", "Documents received by the stage (emitted, for the source).",
            [](const Totals& t) { return t.docs_in; });
  per_stage("sluice_stage_docs_total", "counter", "Documents forwarded by the stage (committed, for the last stage; sent, for the source).",
            [](const Totals& t) { return t.docs_out; });
  per_stage("sluice_stage_bytes_in_total", "counter", "Serialized bytes received.", [](const Totals& t) { return t.bytes_in; });
  per_stage("sluice_stage_errors_total", "counter", "Documents that failed in the stage.", [](const Totals& t) { return t.errors; });
  per_stage("sluice_stage_retries_total", "counter", "Transient nacks (redeliveries, for the source).",
            [](const Totals& t) { return t.retries; });
  per_stage("sluice_stage_dead_letters_total", "counter", "Permanent nacks (dead-letter rows, for the source).",
            [](const Totals& t) { return t.dead; });
  per_stage("sluice_stage_busy_seconds_total", "counter", "Time spent inside Process/Flush.",
            [](const Totals& t) { return t.busy_s; });
  per_stage("sluice_stage_blocked_sends_total", "counter", "Times the output was full (backpressure).",
            [](const Totals& t) { return t.blocked; });
  per_stage("sluice_stage_live_workers", "gauge", "Workers that reported in the last 5 s.",
            [](const Totals& t) { return t.live_workers; });
  metric("sluice_stage_queue_depth", "gauge", "Documents sent by the upstream and not yet received by the stage.");
  for (size_t i = 1; i < order.size(); ++i) {
    auto it = interval_.find(order[i]);
    o << "sluice_stage_queue_depth{stage=\"" << Escape(order[i]) << "\"} " << (it == interval_.end() ? 0 : it->second.queue) << "\n";
  }
  metric("sluice_source_pending", "gauge", "Documents recorded by the ledger and not yet sent (backlog).");
  o << "sluice_source_pending{stage=\"" << Escape(spec_.source.name) << "\"} " << now[spec_.source.name].pending << "\n";
  metric("sluice_source_in_flight", "gauge", "Documents sent and not yet acknowledged.");
  o << "sluice_source_in_flight{stage=\"" << Escape(spec_.source.name) << "\"} " << now[spec_.source.name].in_flight << "\n";
  metric("sluice_source_acked_total", "counter", "Documents acknowledged by the last stage.");
  o << "sluice_source_acked_total{stage=\"" << Escape(spec_.source.name) << "\"} " << now[spec_.source.name].acked << "\n";
  metric("sluice_stage_counter_total", "counter", "Stage-specific counters (challenge, duplicates, not_modified …).");
  for (const auto& n : order)
    for (const auto& [k, v] : now[n].counters)
      o << "sluice_stage_counter_total{stage=\"" << Escape(n) << "\",name=\"" << Escape(k) << "\"} " << v << "\n";
  metric("sluice_worker_restarts_total", "counter", "Worker processes restarted by the supervisor.");
  for (const auto& n : order) {
    auto r = restarts_.find(n);
    o << "sluice_worker_restarts_total{stage=\"" << Escape(n) << "\"} " << (r == restarts_.end() ? 0 : r->second) << "\n";
  }
  auto histogram = [&](const char* name, const char* help, const std::string& stage, const LatencyHistogram& h, bool header) {
    if (header) metric(name, "histogram", help);
    uint64_t cum = 0;
    int next = 0;
    // Buckets at powers of two (16 µs … ~2 min) keep the exposition small.
    for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
      cum += h.bucket(i);
      int64_t ub = LatencyHistogram::UpperBound(i);
      if (ub >= 16 && (ub & (ub - 1)) == 0 && ub <= (int64_t{1} << 27) && i >= next) {
        o << name << "_bucket{stage=\"" << Escape(stage) << "\",le=\"" << static_cast<double>(ub) / 1e6 << "\"} " << cum << "\n";
        next = i + 1;
      }
    }
    o << name << "_bucket{stage=\"" << Escape(stage) << "\",le=\"+Inf\"} " << h.count() << "\n";
    o << name << "_sum{stage=\"" << Escape(stage) << "\"} " << h.sum_us() / 1e6 << "\n";
    o << name << "_count{stage=\"" << Escape(stage) << "\"} " << h.count() << "\n";
  };
  bool first = true;
  for (const auto& s : spec_.stages) {
    histogram("sluice_stage_latency_seconds", "Per-document processing time in the stage.", s.name, now[s.name].latency, first);
    first = false;
  }
  if (!spec_.stages.empty())
    histogram("sluice_pipeline_e2e_latency_seconds", "Emitted by the ledger → committed by the last stage.", spec_.stages.back().name,
              now[spec_.stages.back().name].e2e, true);
  return o.str();
}

Json PipelineMetrics::ToJson() const {
  Json root = Json::Object();
  root.Set("pipeline", spec_.name);
  root.Set("time_us", NowMicros());
  root.Set("uptime_s", static_cast<double>(NowMicros() - started_us_) / 1e6);
  Json stages = Json::Array();
  auto order = StageOrder();
  std::string bottleneck;
  double worst = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& name = order[i];
    Totals t = Sum(name);
    auto it = interval_.find(name);
    Interval iv = it == interval_.end() ? Interval() : it->second;
    Json s = Json::Object();
    s.Set("name", name);
    s.Set("kind", i == 0 ? "source" : "stage");
    s.Set("workers", i == 0 ? spec_.source.workers : spec_.stages[i - 1].workers);
    s.Set("live_workers", t.live_workers);
    s.Set("docs_in", t.docs_in);
    s.Set("docs", t.docs_out);
    s.Set("rate", iv.rate);
    s.Set("mb_in", iv.mb_in);
    s.Set("p50_us", iv.p50);
    s.Set("p99_us", iv.p99);
    s.Set("errors", t.errors);
    s.Set("retries", t.retries);
    s.Set("dlq", t.dead);
    s.Set("queue", iv.queue);
    s.Set("util", iv.util);
    if (i == 0) {
      s.Set("pending", t.pending);
      s.Set("in_flight", t.in_flight);
      s.Set("acked", t.acked);
    }
    auto r = restarts_.find(name);
    s.Set("restarts", r == restarts_.end() ? uint64_t{0} : r->second);
    Json counters = Json::Object();
    for (const auto& [k, v] : t.counters) counters.Set(k, v);
    s.Set("counters", counters);
    if (i > 0 && iv.util > worst) worst = iv.util, bottleneck = name;
    stages.Push(s);
  }
  root.Set("stages", stages);
  if (!spec_.stages.empty()) {
    auto it = interval_.find(spec_.stages.back().name);
    Interval iv = it == interval_.end() ? Interval() : it->second;
    Json p = Json::Object();
    p.Set("docs", Sum(spec_.stages.back().name).docs_out);
    p.Set("rate", iv.rate);
    p.Set("e2e_p50_us", iv.e2e_p50);
    p.Set("e2e_p99_us", iv.e2e_p99);
    p.Set("bottleneck", worst > 0.05 ? bottleneck : "");
    p.Set("bottleneck_util", worst);
    root.Set("summary", p);
  }
  return root;
}

}  // namespace sluice
