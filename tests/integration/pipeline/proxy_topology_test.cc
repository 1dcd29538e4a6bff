// Black-box: the topology the Kubernetes manifests use, on one host — every process started on
// its own (no supervisor), TCP everywhere, a `sluice proxy` streamer binding both sides of each
// hop, replicas connecting to it, acks to the ledger's own endpoint, `sluice metrics` collecting.
#include <signal.h>

#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(ProxyTopologyTest, ReplicasBehindProxiesDeliverEverythingOnce) {
  PipelineHarness h;
  // Every port from the kernel's ephemeral range, one by one: tests run in parallel.
  std::vector<int> ports;
  for (int k = 0; k < 10; ++k) ports.push_back(FreeTcpPort());
  auto port = [&ports](int k) { return std::to_string(ports[static_cast<size_t>(k)]); };
  std::string cfg = h.WritePipeline(
      "transport: {kind: tcp}\n"
      "metrics: {listen: \"127.0.0.1:" + port(9) + "\", stats_bind: [\"tcp://127.0.0.1:" + port(8) + "\"]}\n"
      "ledger: {ack_bind: [\"tcp://127.0.0.1:" + port(7) + "\"]}\n"
      "source:\n  name: gen\n  kind: generate\n  config: {count: 5000}\n"
      "  output: {connect: [\"tcp://127.0.0.1:" + port(0) + "\"]}\n"
      "stages:\n"
      "  - name: work\n    stage: {plugins}/passthrough.so\n    workers: 2\n"
      "    input: {connect: [\"tcp://127.0.0.1:" + port(1) + "\"]}\n"
      "    output: {connect: [\"tcp://127.0.0.1:" + port(2) + "\"]}\n"
      "  - name: sink\n    stage: {plugins}/sqlite_sink.so\n    config: {db: {sink_db}}\n"
      "    input: {connect: [\"tcp://127.0.0.1:" + port(3) + "\"]}\n",
      "");
  // The harness's header has a metrics line of its own; YAML forbids the duplicate key.
  std::string text = ReadFile(cfg);
  size_t m = text.find("metrics: {listen: 127.0.0.1:");
  text.erase(m, text.find('\n', m) - m + 1);
  WriteFile(cfg, text);

  std::string bin = SluiceBin();
  std::vector<std::unique_ptr<ChildProcess>> procs;
  auto start = [&](std::vector<std::string> args) {
    procs.push_back(std::make_unique<ChildProcess>());
    args.insert(args.begin(), bin);
    ASSERT_TRUE(procs.back()->Start(args, {}, h.dir() + "/proc" + std::to_string(procs.size()) + ".log"));
  };
  start({"metrics", cfg});
  start({"proxy", "--front", "tcp://127.0.0.1:" + port(0), "--back", "tcp://127.0.0.1:" + port(1)});
  start({"proxy", "--front", "tcp://127.0.0.1:" + port(2), "--back", "tcp://127.0.0.1:" + port(3)});
  start({"stage", "work", "--config", cfg, "--worker", "0"});
  start({"stage", "work", "--config", cfg, "--worker", "1"});
  start({"stage", "sink", "--config", cfg});
  start({"stage", "gen", "--config", cfg});
  ChildProcess& source = *procs.back();
  // A finite source exits 0 once everything it emitted is acked.
  ASSERT_EQ(source.Wait(std::chrono::seconds(120)), 0) << source.Output();
  EXPECT_EQ(h.DistinctDocs(), 5000);
  EXPECT_EQ(h.Deliveries(), 5000);
  // Both replicas did work, and the metrics collector saw them.
  std::string out;
  EXPECT_TRUE(WaitFor([&] {
    return RunCommand({bin, "top", "--once", "--metrics", "127.0.0.1:" + port(9)}, &out) == 0 && out.find("2/2") != std::string::npos;
  }, std::chrono::seconds(10))) << "both replicas of `work` report to the collector\n" << out;
  for (auto& pr : procs) pr->Signal(SIGTERM);
  for (auto& pr : procs) pr->Wait(std::chrono::seconds(10));
}

}  // namespace
}  // namespace sluice::testing
