#include "sluice/pipeline_spec.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxIpcPath = 100;  // sun_path is 108 bytes (without "ipc://"); leave some room

std::string Expand(std::string s, uint32_t worker) {
  const std::string token = "{worker}";
  for (size_t p; (p = s.find(token)) != std::string::npos;) s.replace(p, token.size(), std::to_string(worker));
  return s;
}

SocketPlan ReadSocketPlan(const Config& c, uint32_t worker) {
  SocketPlan p;
  for (auto& e : c.GetStringList("bind")) p.bind.push_back(Expand(e, worker));
  for (auto& e : c.GetStringList("connect")) p.connect.push_back(Expand(e, worker));
  if (c.Has("bind") && c.Has("connect")) c.AddError("", "give either bind or connect, not both");
  return p;
}

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 40) return false;
  for (unsigned char c : n)
    if (!(std::isalnum(c) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

Status PipelineSpec::Load(const std::string& path, PipelineSpec* out) {
  Config root = Config::LoadFile(path);
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return FromConfig(root, path, abs.parent_path().string(), out);
}

Status PipelineSpec::Parse(const std::string& yaml, const std::string& name, const std::string& dir, PipelineSpec* out) {
  return FromConfig(Config::Parse(yaml, name), name, dir, out);
}

Status PipelineSpec::FromConfig(const Config& root, const std::string& name, const std::string& dir, PipelineSpec* out) {
  SLUICE_RETURN_IF_ERROR(root.status());
  PipelineSpec s;
  s.file = name;
  s.config_dir = dir;
  s.name = root.GetString("name", "sluice");
  std::error_code ec;
  s.data_dir = fs::absolute(root.GetString("data_dir", "./sluice-data"), ec).lexically_normal().string();
  std::string run_dir = root.GetString("run_dir", "");
  s.run_dir = run_dir.empty() ? s.data_dir + "/run" : fs::absolute(run_dir, ec).lexically_normal().string();

  Config log = root.Child("log");
  s.log_level = log.GetEnum("level", {"trace", "debug", "info", "warn", "error", "off"}, "info");
  s.log_format = log.GetEnum("format", {"text", "json"}, "text");
  s.stats_interval = log.GetDuration("stats_interval", s.stats_interval);
  if (s.stats_interval.count() < 100) log.AddError("stats_interval", "must be at least 100ms");

  Config metrics = root.Child("metrics");
  s.metrics_listen = metrics.GetString("listen", s.metrics_listen);
  // Containers publish the endpoint on all interfaces without editing the pipeline file.
  if (const char* e = std::getenv("SLUICE_METRICS_LISTEN"); e && *e) s.metrics_listen = e;
  s.stats_bind = metrics.GetStringList("stats_bind");
  s.stats_connect = metrics.GetStringList("stats_connect");

  Config transport = root.Child("transport");
  s.transport = transport.GetEnum("kind", {"ipc", "tcp"}, "ipc");
  s.tcp_host = transport.GetString("host", s.tcp_host);
  s.base_port = static_cast<int>(transport.GetInt("base_port", s.base_port));
  s.hwm = static_cast<int>(transport.GetInt("hwm", s.hwm));
  s.max_message_bytes = transport.GetBytes("max_message", s.max_message_bytes);
  if (s.hwm < 1) transport.AddError("hwm", "must be at least 1");
  if (s.base_port < 1024 || s.base_port > 60000) transport.AddError("base_port", "must be between 1024 and 60000");

  Config ledger = root.Child("ledger");
  LedgerOptions& lo = s.ledger;
  lo.ack_timeout = ledger.GetDuration("ack_timeout", lo.ack_timeout);
  lo.max_attempts = static_cast<uint32_t>(ledger.GetInt("max_attempts", lo.max_attempts));
  lo.window = static_cast<uint32_t>(ledger.GetInt("window", lo.window));
  lo.isolate_after = static_cast<uint32_t>(ledger.GetInt("isolate_after", lo.isolate_after));
  lo.backlog_target = static_cast<uint64_t>(ledger.GetInt("backlog_target", static_cast<int64_t>(lo.backlog_target)));
  lo.retry_backoff = ledger.GetDuration("retry_backoff", lo.retry_backoff);
  lo.max_retry_backoff = ledger.GetDuration("max_retry_backoff", lo.max_retry_backoff);
  lo.commit_interval = ledger.GetDuration("commit_interval", lo.commit_interval);
  lo.ack_bind = ledger.GetStringList("ack_bind");
  lo.ack_connect = ledger.GetStringList("ack_connect");
  if (lo.max_attempts < 1) ledger.AddError("max_attempts", "must be at least 1");
  if (lo.window < 1) ledger.AddError("window", "must be at least 1");

  Config sup = root.Child("supervisor");
  s.drain_timeout = sup.GetDuration("drain_timeout", s.drain_timeout);
  s.restart_backoff = sup.GetDuration("restart_backoff", s.restart_backoff);
  s.max_restart_backoff = sup.GetDuration("max_restart_backoff", s.max_restart_backoff);

  std::set<std::string> names;
  for (const Config& svc : root.List("services")) {
    ServiceSpec sv;
    sv.name = svc.GetString("name");
    sv.args = svc.GetStringList("command");
    if (!ValidName(sv.name)) svc.AddError("name", "a service needs a name of letters, digits, '-' or '_'");
    if (sv.args.empty()) svc.AddError("command", "a service needs a command (a sluice command line)");
    if (!names.insert(sv.name).second) svc.AddError("name", "duplicate name '" + sv.name + "'");
    s.services.push_back(std::move(sv));
  }

  if (!root.Has("source")) root.AddError("", "missing key \"source\" (where documents come from)");
  Config src = root.Child("source");
  s.source.name = src.GetString("name", "");
  s.source.kind = src.GetString("kind", s.source.name);
  s.source.workers = static_cast<uint32_t>(src.GetInt("workers", 1));
  s.source.config = src.Section("config");
  s.source.output_override = src.Section("output");
  if (root.Has("source") && !ValidName(s.source.name)) src.AddError("name", "a source needs a name of letters, digits, '-' or '_'");
  if (s.source.workers < 1 || s.source.workers > 64) src.AddError("workers", "must be between 1 and 64");
  names.insert(s.source.name);

  if (!root.Has("stages")) root.AddError("", "missing key \"stages\" (at least one stage)");
  for (const Config& st : root.List("stages")) {
    StageSpec ss;
    ss.name = st.GetString("name");
    ss.kind = st.GetString("stage", ss.name);
    ss.workers = static_cast<uint32_t>(st.GetInt("workers", 1));
    ss.batch_size = static_cast<uint32_t>(st.GetInt("batch_size", ss.batch_size));
    ss.flush_interval = st.GetDuration("flush_interval", ss.flush_interval);
    ss.config = st.Section("config");
    ss.input_override = st.Section("input");
    ss.output_override = st.Section("output");
    if (!ValidName(ss.name)) st.AddError("name", "a stage needs a name of letters, digits, '-' or '_'");
    else if (!names.insert(ss.name).second) st.AddError("name", "duplicate name '" + ss.name + "'");
    if (ss.workers < 1 || ss.workers > 64) st.AddError("workers", "must be between 1 and 64");
    if (ss.batch_size < 1) st.AddError("batch_size", "must be at least 1");
    s.stages.push_back(std::move(ss));
  }
  if (root.Has("stages") && s.stages.empty()) root.AddError("stages", "needs at least one stage");

  // Socket overrides are validated here (their keys are ours, not the stage's).
  for (const auto& st : s.stages) {
    ReadSocketPlan(st.input_override, 0);
    ReadSocketPlan(st.output_override, 0);
    SLUICE_RETURN_IF_ERROR(st.input_override.Finish());
    SLUICE_RETURN_IF_ERROR(st.output_override.Finish());
  }
  ReadSocketPlan(s.source.output_override, 0);
  SLUICE_RETURN_IF_ERROR(s.source.output_override.Finish());

  SLUICE_RETURN_IF_ERROR(root.Finish());

  if (s.transport == "ipc") {
    size_t longest = 0;
    for (size_t i = 0; i < s.stages.size(); ++i)
      longest = std::max(longest, std::to_string(i).size() + 1 + s.stages[i].name.size() + 1 + 2 + 3);
    longest = std::max<size_t>(longest, 16);  // ack-NN.sock, stats.sock
    if (s.run_dir.size() + 1 + longest > kMaxIpcPath) {
      if (!run_dir.empty())
        return Status::InvalidArgument(name + ": run_dir '" + s.run_dir +
                                       "' is too long for ipc:// socket paths (limit ~100 bytes); choose a shorter one");
      // The default (under data_dir) is too deep: use a short directory derived from it.
      s.run_dir = "/tmp/sluice-run-" + std::to_string(std::hash<std::string>{}(s.data_dir) % 100000000);
    }
  }
  *out = std::move(s);
  return Status::OK();
}

int PipelineSpec::StageIndex(const std::string& n) const {
  for (size_t i = 0; i < stages.size(); ++i)
    if (stages[i].name == n) return static_cast<int>(i);
  return -1;
}

std::string PipelineSpec::Endpoint(const std::string& ipc_name, int port_offset) const {
  if (transport == "tcp") return "tcp://" + tcp_host + ":" + std::to_string(base_port + port_offset);
  return "ipc://" + run_dir + "/" + ipc_name;
}

// Ports: stats at base, acks at base+1…, stage inputs after them, 64 per stage.
int PipelineSpec::StagePortOffset(size_t index, uint32_t worker) const {
  return 1 + 64 + static_cast<int>(index) * 64 + static_cast<int>(worker);
}

SocketPlan PipelineSpec::StageInput(size_t index, uint32_t worker) const {
  const StageSpec& st = stages[index];
  SocketPlan p = ReadSocketPlan(st.input_override, worker);
  if (!p.bind.empty() || !p.connect.empty()) return p;
  p.bind.push_back(Endpoint(std::to_string(index) + "-" + st.name + "-" + std::to_string(worker) + ".in",
                            StagePortOffset(index, worker)));
  return p;
}

SocketPlan PipelineSpec::StageOutput(int index, uint32_t worker) const {
  const Config& override_cfg = index < 0 ? source.output_override : stages[static_cast<size_t>(index)].output_override;
  SocketPlan p = ReadSocketPlan(override_cfg, worker);
  if (!p.bind.empty() || !p.connect.empty()) return p;
  size_t next = static_cast<size_t>(index + 1);
  if (next >= stages.size()) return p;
  const StageSpec& down = stages[next];
  // Connect to every downstream worker's input — unless the downstream connects to a proxy, in
  // which case this side must reach the proxy's front through an explicit `output:`.
  for (uint32_t k = 0; k < down.workers; ++k) {
    SocketPlan in = StageInput(next, k);
    for (const auto& e : in.bind) {
      std::string ep = e;
      if (ep.rfind("tcp://*:", 0) == 0) ep = "tcp://" + tcp_host + ep.substr(7);
      if (ep.rfind("tcp://0.0.0.0:", 0) == 0) ep = "tcp://" + tcp_host + ep.substr(13);
      p.connect.push_back(ep);
    }
  }
  return p;
}

SocketPlan PipelineSpec::LedgerAck(uint32_t ledger_index) const {
  SocketPlan p;
  if (ledger_index < ledger.ack_bind.size()) p.bind.push_back(Expand(ledger.ack_bind[ledger_index], ledger_index));
  if (ledger_index < ledger.ack_connect.size()) p.connect.push_back(Expand(ledger.ack_connect[ledger_index], ledger_index));
  std::string def = Endpoint("ack-" + std::to_string(ledger_index) + ".sock", 1 + static_cast<int>(ledger_index));
  if (p.bind.empty()) p.bind.push_back(def);
  if (p.connect.empty()) p.connect.push_back(p.bind[0]);
  return p;
}

SocketPlan PipelineSpec::Stats() const {
  SocketPlan p{stats_bind, stats_connect};
  std::string def = Endpoint("stats.sock", 0);
  if (p.bind.empty()) p.bind.push_back(def);
  if (p.connect.empty()) p.connect.push_back(p.bind[0]);
  return p;
}

}  // namespace sluice
