// Runtime overhead benchmark (issue: runtime). Documents/s through a chain of three relay
// processes, measured side by side in one run, with the same driver and sink:
//
//   raw      three processes doing zmq PULL → protobuf parse → serialize → zmq PUSH, nothing else
//   runtime  three `sluice stage` processes hosting the built-in passthrough stage (stats,
//            trace spans, backpressure, the Asio/ZMQ_FD loop — everything a real stage gets)
//   plugin   the same with the passthrough *plugin*, i.e. through the C ABI and the SDK
//
// usage: build/bin/runtime_overhead_bench [--docs-small N] [--docs-large N] [--rounds R]
// Prints one line per variant and payload, and the runtime/raw ratio. Not a test: numbers vary
// with the machine; compare the ratios printed by one run.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "sluice/v1/document.pb.h"

namespace {

namespace fs = std::filesystem;

std::string SelfDir() { return fs::read_symlink("/proc/self/exe").parent_path().string(); }

// A raw relay: PULL (bind in) → parse → serialize → PUSH (connect out).
int Relay(const std::string& in, const std::string& out) {
  zmq::context_t ctx(1);
  zmq::socket_t pull(ctx, zmq::socket_type::pull), push(ctx, zmq::socket_type::push);
  pull.set(zmq::sockopt::rcvhwm, 200);
  push.set(zmq::sockopt::sndhwm, 200);
  push.set(zmq::sockopt::linger, 0);
  pull.bind(in);
  push.connect(out);
  sluice::v1::Document doc;
  std::string bytes;
  while (true) {
    zmq::message_t m;
    if (!pull.recv(m)) continue;
    if (m.size() == 0) break;  // end marker
    doc.ParseFromArray(m.data(), static_cast<int>(m.size()));
    bytes.clear();
    doc.SerializeToString(&bytes);
    push.send(zmq::buffer(bytes));
  }
  push.send(zmq::message_t(), zmq::send_flags::none);
  return 0;
}

struct Child {
  pid_t pid;
};

pid_t Spawn(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0 && !getenv("BENCH_VERBOSE")) dup2(devnull, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Sends `n` documents of `payload` bytes into `first` and waits for all of them at `sink`.
// Returns documents per second over the whole transfer.
double Drive(zmq::context_t& ctx, const std::string& first, const std::string& sink, size_t n, size_t payload) {
  zmq::socket_t push(ctx, zmq::socket_type::push), pull(ctx, zmq::socket_type::pull);
  push.set(zmq::sockopt::sndhwm, 200);
  push.set(zmq::sockopt::linger, 0);
  pull.set(zmq::sockopt::rcvhwm, 200);
  pull.bind(sink);
  push.connect(first);
  sluice::v1::Document doc;
  doc.set_ledger_id("0");
  doc.set_url("http://bench.local/doc");
  doc.set_title("基准测试文档");
  std::string body;
  while (body.size() < payload) body += "教育强国建设 benchmark payload ";
  body.resize(payload);
  while (!body.empty() && (static_cast<unsigned char>(body.back()) & 0xC0) == 0x80) body.pop_back();
  if (!body.empty() && static_cast<unsigned char>(body.back()) >= 0xC0) body.pop_back();
  doc.set_text(body);
  // Warm up: the chain is connected when one document makes it through.
  doc.set_id("warmup");
  std::string bytes;
  doc.SerializeToString(&bytes);
  for (int tries = 0;; ++tries) {
    push.send(zmq::buffer(bytes));
    zmq::message_t m;
    pull.set(zmq::sockopt::rcvtimeo, 200);
    if (pull.recv(m)) break;
    if (tries > 100) return 0;
  }
  pull.set(zmq::sockopt::rcvtimeo, -1);
  std::thread sender([&] {
    sluice::v1::Document d = doc;
    std::string b;
    for (size_t i = 0; i < n; ++i) {
      d.set_id("d" + std::to_string(i));
      b.clear();
      d.SerializeToString(&b);
      push.send(zmq::buffer(b));
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  size_t got = 0;
  while (got < n) {
    zmq::message_t m;
    if (pull.recv(m) && m.size() > 0) {
      sluice::v1::Document d;
      if (d.ParseFromArray(m.data(), static_cast<int>(m.size())) && d.id() != "warmup") ++got;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sender.join();
  return static_cast<double>(n) / secs;
}

double RunRaw(const std::string& dir, size_t n, size_t payload) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::vector<std::string> ep = {"ipc://" + dir + "/r0", "ipc://" + dir + "/r1", "ipc://" + dir + "/r2", "ipc://" + dir + "/sink"};
  std::vector<pid_t> kids;
  for (int i = 0; i < 3; ++i) kids.push_back(Spawn({self, "--relay", ep[static_cast<size_t>(i)], ep[static_cast<size_t>(i) + 1]}));
  zmq::context_t ctx(1);
  double rate = Drive(ctx, ep[0], ep[3], n, payload);
  for (pid_t k : kids) kill(k, SIGKILL), waitpid(k, nullptr, 0);
  return rate;
}

double RunSluice(const std::string& dir, const std::string& stage, size_t n, size_t payload) {
  std::string sluice = fs::canonical(SelfDir() + "/sluice").string();
  fs::create_directories(dir);
  std::string cfg = dir + "/bench.yaml";
  std::ofstream(cfg) << "name: bench\ndata_dir: " << dir << "/data\nrun_dir: " << dir << "/run\n"
                     << "metrics: {listen: \"\"}\nlog: {level: warn}\n"
                     << "source: {name: driver, kind: generate}\n"
                     << "stages:\n"
                     << "  - {name: p1, stage: " << stage << "}\n"
                     << "  - {name: p2, stage: " << stage << "}\n"
                     << "  - {name: p3, stage: " << stage << "}\n"
                     << "  - {name: sink, stage: passthrough}\n";
  fs::create_directories(dir + "/run");
  std::vector<pid_t> kids;
  for (const char* name : {"p1", "p2", "p3"}) kids.push_back(Spawn({sluice, "stage", name, "--config", cfg, "--worker", "0"}));
  zmq::context_t ctx(1);
  // The driver is the source (its PUSH connects to p1's input) and the sink (it binds the sink
  // stage's input, which p3 connects to).
  double rate = Drive(ctx, "ipc://" + dir + "/run/0-p1-0.in", "ipc://" + dir + "/run/3-sink-0.in", n, payload);
  for (pid_t k : kids) kill(k, SIGKILL), waitpid(k, nullptr, 0);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--relay") == 0) return Relay(argv[2], argv[3]);
  size_t small = 300000, large = 60000;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--docs-small")) small = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--docs-large")) large = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[i + 1]);
  }
  std::string plugin_dir = fs::canonical(SelfDir() + "/../tests/plugins").string();
  std::printf("runtime overhead: docs/s through 3 relay processes (best of %d rounds; same driver and sink)\n", rounds);
  for (auto [payload, n] : {std::pair<size_t, size_t>{200, small}, {10240, large}}) {
    double best[3] = {0, 0, 0};
    for (int r = 0; r < rounds; ++r) {
      char tmpl[] = "/tmp/sluice-bench-XXXXXX";
      std::string dir = mkdtemp(tmpl);
      best[0] = std::max(best[0], RunRaw(dir, n, payload));
      best[1] = std::max(best[1], RunSluice(dir + "/a", "passthrough", n, payload));
      best[2] = std::max(best[2], RunSluice(dir + "/b", plugin_dir + "/passthrough.so", n, payload));
      fs::remove_all(dir);
    }
    std::printf("payload %5zu B  raw %9.0f/s  runtime %9.0f/s (%.0f%% of raw)  plugin %9.0f/s (%.0f%% of raw)\n", payload, best[0],
                best[1], 100 * best[1] / best[0], best[2], 100 * best[2] / best[0]);
  }
  return 0;
}
