// The runtime's own commands: run (supervisor), stage (one worker process), top, proxy, dlq.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <zmq.hpp>

#include "sluice/cli_args.h"
#include "sluice/ledger.h"
#include "process_runner.h"
#include "sluice/cli.h"
#include "sluice/json.h"
#include "sluice/log.h"
#include "sluice/pipeline_spec.h"
#include "sluice/registry.h"
#include "sluice/v1/document.pb.h"
#include "source_runner.h"
#include "stage_runner.h"
#include "stage_stats.h"
#include "supervisor.h"
#include "zmq_reactor.h"

namespace sluice {

void RegisterRuntimeComponents(Registry& registry);

namespace {

namespace fs = std::filesystem;

// Loads the pipeline named on the command line, or the built-in default (written next to the
// data so that worker processes can load the very same text).
Status LoadPipeline(const std::string& path, PipelineSpec* spec, std::string* config_path) {
  if (!path.empty()) {
    *config_path = fs::absolute(path).string();
    return PipelineSpec::Load(*config_path, spec);
  }
  const std::string& yaml = Registry::Global().default_pipeline();
  if (yaml.empty()) return Status::InvalidArgument("no pipeline file given and this build has no default pipeline");
  std::string cwd = fs::current_path().string();
  SLUICE_RETURN_IF_ERROR(PipelineSpec::Parse(yaml, "<default pipeline>", cwd, spec));
  std::error_code ec;
  fs::create_directories(spec->data_dir, ec);
  *config_path = spec->data_dir + "/default-pipeline.yaml";
  std::ofstream out(*config_path);
  out << "# The built-in default pipeline (`sluice run` without a file), written for its worker\n"
         "# processes. Copy it to start your own pipeline file.\n"
      << yaml;
  if (!out) return Status::IOError("cannot write " + *config_path);
  // Workers load it from the data directory, but relative paths in it mean the directory
  // `sluice run` was started in, as for the supervisor.
  return Status::OK();
}

int RunCommand(int argc, char** argv) {
  CLI::App app{"Run a pipeline: start and supervise all its processes. Without a file, runs the bundled demo."};
  std::string file, duration;
  app.add_option("pipeline", file, "pipeline YAML file (default: the bundled demo)");
  app.add_option("--duration", duration, "drain and stop after this long, e.g. 60s");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  SetupLogging();
  PipelineSpec spec;
  std::string config_path;
  Status s = LoadPipeline(file, &spec, &config_path);
  if (!s.ok()) {
    std::fprintf(stderr, "sluice run: %s\n", s.message().c_str());
    return kExitConfig;
  }
  SetupLogging(spec.log_level, spec.log_format);
  Supervisor::Options opts;
  opts.config_path = config_path;
  if (!duration.empty()) {
    auto d = ParseDuration(duration);
    if (!d) {
      std::fprintf(stderr, "sluice run: bad --duration '%s' (e.g. 30s, 5m)\n", duration.c_str());
      return 64;
    }
    opts.duration = *d;
  }
  if (file.empty()) {
    // Workers read the default from the data dir; relative paths must still mean the current
    // directory, so pass it on.
    setenv("SLUICE_BASE_DIR", fs::current_path().c_str(), 1);
  }
  Supervisor sup(spec, opts);
  return sup.Run();
}

int StageCommand(int argc, char** argv) {
  CLI::App app{"Run one worker process of a pipeline (normally started by `sluice run`)."};
  std::string name, config;
  uint32_t worker = 0;
  bool from_hostname = false;
  app.add_option("name", name, "stage or source name, as in the pipeline file")->required();
  app.add_option("--config", config, "pipeline YAML file")->required();
  app.add_option("--worker", worker, "worker index (0-based)");
  app.add_flag("--worker-from-hostname", from_hostname,
               "derive the worker index from the host name (replicas of a Kubernetes Deployment, whose input connects to a proxy)");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  if (from_hostname) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    worker = static_cast<uint32_t>(std::hash<std::string>{}(host) % 1000000);
  }
  SetupLogging();
  PipelineSpec spec;
  Status s = PipelineSpec::Load(config, &spec);
  if (s.ok()) {
    if (const char* base = std::getenv("SLUICE_BASE_DIR"); base && *base) spec.config_dir = base;
  }
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return kExitConfig;
  }
  SetupLogging(spec.log_level, spec.log_format);
  if (name == spec.source.name) {
    if (worker >= spec.source.workers) {
      spdlog::error("source {} has {} workers; --worker {} is out of range", name, spec.source.workers, worker);
      return kExitConfig;
    }
    SourceRunner runner(spec, worker);
    s = runner.Init();
    if (!s.ok()) {
      spdlog::error("{}", s.ToString());
      return s.IsInvalidArgument() ? kExitConfig : kExitTempFail;
    }
    return runner.RunLoop();
  }
  int index = spec.StageIndex(name);
  if (index < 0) {
    std::string names = spec.source.name;
    for (const auto& st : spec.stages) names += ", " + st.name;
    spdlog::error("{}: no stage or source named '{}' (it has: {})", config, name, names);
    return kExitConfig;
  }
  bool connects_to_proxy = !spec.stages[static_cast<size_t>(index)].input_override.GetStringList("connect").empty();
  if (worker >= spec.stages[static_cast<size_t>(index)].workers && !(from_hostname && connects_to_proxy)) {
    spdlog::error("stage {} has {} workers; --worker {} is out of range", name, spec.stages[static_cast<size_t>(index)].workers, worker);
    return kExitConfig;
  }
  StageRunner runner(spec, static_cast<size_t>(index), worker);
  s = runner.Init();
  if (!s.ok()) {
    spdlog::error("{}", s.ToString());
    return s.IsInvalidArgument() ? kExitConfig : kExitTempFail;
  }
  return runner.RunLoop();
}

// GET http://host:port/path with a short timeout; returns false with `err` on failure.
bool HttpGet(const std::string& host, int port, const std::string& path, std::string* body, std::string* err) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(2));
    stream.connect(resolver.resolve(host, std::to_string(port)));
    http::request<http::string_body> req{http::verb::get, path, 11};
    req.set(http::field::host, host);
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    if (res.result_int() != 200) {
      *err = "HTTP " + std::to_string(res.result_int());
      return false;
    }
    *body = res.body();
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

std::string Fit(const std::string& s, size_t w) { return s.size() > w ? s.substr(0, w - 1) + "~" : s; }

std::string RenderTop(const Json& j) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "sluice top — pipeline %s, up %.0fs\n\n", j["pipeline"].AsString().c_str(), j["uptime_s"].AsDouble());
  out += buf;
  std::snprintf(buf, sizeof buf, "%-12s %7s %10s %9s %8s %8s %8s %6s %6s %5s %7s %5s\n", "STAGE", "WORKERS", "DOCS", "RATE/s",
                "IN MB/s", "P50", "P99", "ERR", "RETRY", "DLQ", "QUEUE", "UTIL");
  out += buf;
  for (const auto& s : j["stages"].items()) {
    bool src = s["kind"].AsString() == "source";
    std::string workers = std::to_string(s["live_workers"].AsInt()) + "/" + std::to_string(s["workers"].AsInt());
    std::snprintf(buf, sizeof buf, "%-12s %7s %10lld %9.1f %8.2f %8s %8s %6lld %6lld %5lld %7s %4.0f%%\n",
                  Fit(s["name"].AsString(), 12).c_str(), workers.c_str(), static_cast<long long>(s["docs"].AsInt()),
                  s["rate"].AsDouble(), s["mb_in"].AsDouble(), src ? "-" : FormatLatency(s["p50_us"].AsDouble()).c_str(),
                  src ? "-" : FormatLatency(s["p99_us"].AsDouble()).c_str(), static_cast<long long>(s["errors"].AsInt()),
                  static_cast<long long>(s["retries"].AsInt()), static_cast<long long>(s["dlq"].AsInt()),
                  src ? ("p" + std::to_string(s["pending"].AsInt())).c_str() : std::to_string(s["queue"].AsInt()).c_str(),
                  src ? 0.0 : s["util"].AsDouble() * 100);
    out += buf;
  }
  const Json& p = j["summary"];
  std::snprintf(buf, sizeof buf, "\nstored %lld  rate %.1f/s  e2e p50 %s  p99 %s  bottleneck %s\n", static_cast<long long>(p["docs"].AsInt()),
                p["rate"].AsDouble(), FormatLatency(p["e2e_p50_us"].AsDouble()).c_str(), FormatLatency(p["e2e_p99_us"].AsDouble()).c_str(),
                p["bottleneck"].AsString().empty() ? "none" : p["bottleneck"].AsString().c_str());
  out += buf;
  return out;
}

int TopCommand(int argc, char** argv) {
  CLI::App app{"Live table of a running pipeline's throughput (reads its /stats.json)."};
  std::string address = "127.0.0.1:9464", config;
  bool once = false;
  double interval = 1.0;
  app.add_option("--metrics", address, "host:port of the pipeline's metrics endpoint");
  app.add_option("--config", config, "take the metrics address from this pipeline file");
  app.add_flag("--once", once, "print one table and exit (for scripts)");
  app.add_option("--interval", interval, "seconds between refreshes");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  if (!config.empty()) {
    PipelineSpec spec;
    Status s = PipelineSpec::Load(config, &spec);
    if (!s.ok()) {
      std::fprintf(stderr, "sluice top: %s\n", s.message().c_str());
      return kExitConfig;
    }
    address = spec.metrics_listen;
  }
  std::string host;
  int port = 0;
  if (Status s = ParseHostPort(address, &host, &port); !s.ok()) {
    std::fprintf(stderr, "sluice top: %s\n", s.message().c_str());
    return 64;
  }
  bool tty = isatty(STDOUT_FILENO);
  while (true) {
    std::string body, err;
    if (!HttpGet(host, port, "/stats.json", &body, &err)) {
      std::fprintf(stderr, "sluice top: cannot read http://%s:%d/stats.json: %s (is `sluice run` running?)\n", host.c_str(), port,
                   err.c_str());
      if (once) return 1;
    } else {
      Json j;
      Status s = Json::Parse(body, &j);
      if (!s.ok()) {
        std::fprintf(stderr, "sluice top: bad stats: %s\n", s.message().c_str());
        return 1;
      }
      std::string table = RenderTop(j);
      if (tty && !once) std::fputs("\x1b[H\x1b[2J", stdout);
      std::fputs(table.c_str(), stdout);
      std::fflush(stdout);
      if (once) return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(interval * 1000)));
  }
}

int ProxyCommand(int argc, char** argv) {
  CLI::App app{"A ZeroMQ streamer for one hop between stages on several hosts: binds a PULL front for "
               "upstream workers and a PUSH back for downstream workers (DESIGN.md §8)."};
  std::string front, back;
  int hwm = 200;
  app.add_option("--front", front, "endpoint upstream workers connect their output to, e.g. tcp://*:5550")->required();
  app.add_option("--back", back, "endpoint downstream workers connect their input to, e.g. tcp://*:5551")->required();
  app.add_option("--hwm", hwm, "high-water mark of each side");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  SetupLogging();
  zmq::context_t ctx(1);
  zmq::socket_t pull(ctx, zmq::socket_type::pull), push(ctx, zmq::socket_type::push);
  SocketOptions o;
  o.sndhwm = o.rcvhwm = hwm;
  ApplySocketOptions(pull, o);
  ApplySocketOptions(push, o);
  std::string err = Attach(pull, {front}, {});
  if (err.empty()) err = Attach(push, {back}, {});
  if (!err.empty()) {
    spdlog::error("proxy: {}", err);
    return kExitTempFail;
  }
  spdlog::info("proxy {} → {}", front, back);
  try {
    zmq::proxy(pull, push);
  } catch (const zmq::error_t& e) {
    if (e.num() != ETERM && e.num() != EINTR) {
      spdlog::error("proxy: {}", e.what());
      return 1;
    }
  }
  return 0;
}

int MetricsCommand(int argc, char** argv) {
  CLI::App app{"Collect the stats of a pipeline whose processes run elsewhere (Kubernetes, systemd) and serve "
               "/metrics and /stats.json, logging the same lines `sluice run` does."};
  std::string file;
  app.add_option("pipeline", file, "pipeline YAML file")->required();
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  SetupLogging();
  PipelineSpec spec;
  Status s = PipelineSpec::Load(file, &spec);
  if (!s.ok()) {
    std::fprintf(stderr, "sluice metrics: %s\n", s.message().c_str());
    return kExitConfig;
  }
  SetupLogging(spec.log_level, spec.log_format);
  Supervisor::Options opts;
  opts.observe_only = true;
  Supervisor sup(spec, opts);
  return sup.Run();
}

int CheckCommand(int argc, char** argv) {
  CLI::App app{"Validate a pipeline file and every stage's and the source's configuration, without running anything."};
  std::string file;
  app.add_option("pipeline", file, "pipeline YAML file (default: the bundled demo)");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  SetupLogging("warn");
  PipelineSpec spec;
  std::string config_path;
  Status s = file.empty() ? PipelineSpec::Parse(Registry::Global().default_pipeline(), "<default pipeline>", fs::current_path().string(), &spec)
                          : PipelineSpec::Load(file, &spec);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return kExitConfig;
  }
  // Stages may open files in the data directory when they start (indexes, databases); check in
  // a scratch one so that validating a configuration changes nothing.
  char scratch_tmpl[] = "/tmp/sluice-check-XXXXXX";
  const char* scratch = mkdtemp(scratch_tmpl);
  if (scratch) spec.data_dir = scratch;
  struct Cleanup {
    const char* dir;
    ~Cleanup() {
      std::error_code ec;
      if (dir) fs::remove_all(dir, ec);
    }
  } cleanup{scratch};
  int errors = 0;
  std::unique_ptr<Source> source;
  s = CreateSource(spec, 0, Logger("check"), &source);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    ++errors;
  }
  boost::asio::io_context io;
  for (size_t i = 0; i < spec.stages.size(); ++i) {
    StageContext ctx;
    std::unique_ptr<Stage> stage;
    StatsRecorder counters(spec.stages[i].name, 0, false);
    s = CreateStage(spec, i, 0, &io, Logger("check"), &counters, &ctx, &stage);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      ++errors;
    }
  }
  if (errors) return kExitConfig;
  std::printf("%s: ok (source %s, %zu stages)\n", spec.file.c_str(), spec.source.name.c_str(), spec.stages.size());
  return 0;
}

int DlqCommand(int argc, char** argv) {
  CLI::App app{"Inspect or replay the dead-letter tables of a pipeline's ledgers."};
  std::string config, replay;
  size_t limit = 50;
  bool json = false, all = false;
  app.add_option("--config", config, "pipeline YAML file (default: the bundled demo)");
  app.add_option("--limit", limit, "rows to list");
  app.add_flag("--json", json, "one JSON object per dead letter");
  app.add_option("--replay", replay, "move this dead letter back to pending (the pipeline must be stopped)");
  app.add_flag("--replay-all", all, "move every dead letter back to pending (the pipeline must be stopped)");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  PipelineSpec spec;
  std::string config_path;
  Status s = config.empty() ? PipelineSpec::Parse(Registry::Global().default_pipeline(), "<default pipeline>", fs::current_path().string(), &spec)
                            : PipelineSpec::Load(config, &spec);
  if (!s.ok()) {
    std::fprintf(stderr, "sluice dlq: %s\n", s.message().c_str());
    return kExitConfig;
  }
  int found = 0;
  for (uint32_t k = 0; k < spec.source.workers; ++k) {
    std::string path = spec.data_dir + "/ledger-" + spec.source.name + "-" + std::to_string(k) + ".db";
    std::unique_ptr<Ledger> ledger;
    s = Ledger::OpenReadOnly(path, &ledger);
    if (s.IsNotFound()) continue;
    if (!s.ok()) {
      std::fprintf(stderr, "sluice dlq: %s\n", s.ToString().c_str());
      return 1;
    }
    ++found;
    if (all || !replay.empty()) {
      uint64_t n = 0;
      s = ledger->Replay(all ? "" : replay, &n);
      if (!s.ok()) {
        std::fprintf(stderr, "sluice dlq: %s\n", s.ToString().c_str());
        return 1;
      }
      std::printf("%s: %llu document(s) back to pending\n", path.c_str(), static_cast<unsigned long long>(n));
      continue;
    }
    std::vector<Ledger::DeadLetter> rows;
    s = ledger->ListDeadLetters(limit, &rows);
    if (!s.ok()) {
      std::fprintf(stderr, "sluice dlq: %s\n", s.ToString().c_str());
      return 1;
    }
    for (const auto& d : rows) {
      if (json) {
        Json j = Json::Object();
        j.Set("ledger", k);
        j.Set("id", d.id);
        j.Set("url", d.key);
        j.Set("attempts", d.attempts);
        j.Set("stage", d.stage);
        j.Set("reason", d.reason);
        j.Set("dead_us", d.dead_us);
        std::printf("%s\n", j.Dump().c_str());
      } else {
        std::printf("%s  %s  attempts=%u stage=%s\n    %s\n", d.id.c_str(), d.key.c_str(), d.attempts, d.stage.c_str(),
                    d.reason.c_str());
      }
    }
  }
  if (!found) std::fprintf(stderr, "sluice dlq: no ledger database under %s\n", spec.data_dir.c_str());
  return 0;
}

}  // namespace

void RegisterRuntimeCommands(Registry& registry) {
  registry.AddCommand("run", "run a pipeline (default: the bundled demo) under the supervisor", RunCommand);
  registry.AddCommand("stage", "run one worker process of a pipeline (started by `run`)", StageCommand);
  registry.AddCommand("top", "live throughput table of a running pipeline", TopCommand);
  registry.AddCommand("proxy", "ZeroMQ streamer for a hop between hosts (Kubernetes)", ProxyCommand);
  registry.AddCommand("dlq", "list or replay dead letters", DlqCommand);
  registry.AddCommand("metrics", "collect stats and serve /metrics for processes run elsewhere (Kubernetes)", MetricsCommand);
  registry.AddCommand("check", "validate a pipeline file and every stage's configuration", CheckCommand);
  RegisterRuntimeComponents(registry);
}

}  // namespace sluice
