// Black-box: real `sluice run` processes moving documents through test stages over real sockets.
#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

std::string Chain(int count, const std::string& extra_stage = "") {
  return "source: {name: gen, kind: generate, config: {count: " + std::to_string(count) +
         ", payload_bytes: 200}}\n"
         "stages:\n"
         "  - {name: first, stage: {plugins}/passthrough.so, workers: 2}\n" +
         extra_stage +
         "  - {name: second, stage: {plugins}/passthrough.so}\n"
         "  - {name: sink, stage: {plugins}/sqlite_sink.so, batch_size: 512, config: {db: {sink_db}}}\n";
}

TEST(StageRunnerTest, ChainOverIpcMoves100kDocumentsExactlyOnce) {
  PipelineHarness h;
  h.WritePipeline(Chain(100000), "ledger: {window: 4000}\n");
  h.Start();
  ASSERT_EQ(h.Wait(240), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 100000);
  EXPECT_EQ(h.Deliveries(), 100000) << "no failure happened, so nothing may be delivered twice";
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM docs WHERE state = 2"), 100000);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 0);
  std::string log = h.Log();
  EXPECT_NE(log.find("stage=first workers=2 docs="), std::string::npos) << log;
  EXPECT_NE(log.find("pipeline docs=100000"), std::string::npos) << log;
}

TEST(StageRunnerTest, ChainOverTcpLoopbackMoves100kDocumentsExactlyOnce) {
  PipelineHarness h;
  int base = 20000 + (FreeTcpPort() % 20000);
  h.WritePipeline(Chain(100000), "transport: {kind: tcp, host: 127.0.0.1, base_port: " + std::to_string(base) + "}\nledger: {window: 4000}\n");
  h.Start();
  ASSERT_EQ(h.Wait(180), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 100000);
  EXPECT_EQ(h.Deliveries(), 100000);
}

TEST(StageRunnerTest, UnknownFieldsSurviveStagesThatDoNotKnowThem) {
  PipelineHarness h;
  h.WritePipeline(
      "source: {name: gen, kind: generate, config: {count: 500}}\n"
      "stages:\n"
      "  - {name: inject, stage: {plugins}/unknown_field.so, config: {mode: inject}}\n"
      "  - {name: middle, stage: {plugins}/passthrough.so}\n"
      "  - {name: verify, stage: {plugins}/unknown_field.so, config: {mode: verify}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_EQ(h.Wait(120), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 500) << h.Log();
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 0) << "verify rejected documents: the field was lost";
}

TEST(StageRunnerTest, ASlowStageSlowsItsUpstreamInsteadOfQueueing) {
  PipelineHarness h;
  // 2000 documents through a stage that needs 2 ms each, with small pipes and window.
  h.WritePipeline(
      "transport: {hwm: 10}\nledger: {window: 50}\n"
      "source: {name: gen, kind: generate, config: {count: 2000}}\n"
      "stages:\n"
      "  - {name: fast, stage: {plugins}/passthrough.so}\n"
      "  - {name: slow, stage: {plugins}/faulty.so, config: {sleep_us: 2000}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  // While it runs, the ledger never has more than the window in flight, and the backlog waits
  // in the ledger database.
  bool saw_backlog = false;
  WaitFor([&] {
    // Open = pending in the ledger plus in flight (at most the window of 50).
    if (h.LedgerQuery("SELECT COUNT(*) FROM docs WHERE state < 2") > 500) saw_backlog = true;
    return h.DistinctDocs() >= 2000 || !h.run().Running();
  }, std::chrono::seconds(60));
  ASSERT_EQ(h.Wait(60), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 2000);
  EXPECT_TRUE(saw_backlog) << "the backlog should have waited in the ledger, not in pipes";
  std::string log = h.Log();
  EXPECT_NE(log.find("bottleneck=slow"), std::string::npos) << log;
}

}  // namespace
}  // namespace sluice::testing
