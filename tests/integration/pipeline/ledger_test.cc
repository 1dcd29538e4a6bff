// Black-box: dead letters. A poison document that crashes a stage every time, a plugin that
// throws, and one that rejects permanently all end in the ledger's dead-letter table; the run
// completes.
#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(LedgerDeliveryTest, PoisonDocumentThatCrashesAStageEndsInTheDeadLetterTable) {
  PipelineHarness h;
  // seq 777 crashes the worker every time it is seen; 3 attempts, then dead letter.
  h.WritePipeline(
      "ledger: {ack_timeout: 1500ms, max_attempts: 3, window: 200}\n"
      "supervisor: {restart_backoff: 100ms}\n"
      "source: {name: gen, kind: generate, config: {count: 3000}}\n"
      "stages:\n"
      "  - {name: poisoned, stage: {plugins}/faulty.so, config: {crash_every: 100000, crash_at: 777}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_EQ(h.Wait(180), 0) << h.Log();
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 1);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters WHERE id = 'gen-777' AND attempts = 3"), 1);
  EXPECT_EQ(h.DistinctDocs(), 2999);
  std::string log = h.Log();
  EXPECT_NE(log.find("killed by signal 6 (SIGABRT"), std::string::npos) << log;

  std::string out;
  ASSERT_EQ(RunCommand({SluiceBin(), "dlq", "--config", h.dir() + "/pipeline.yaml"}, &out), 0) << out;
  EXPECT_NE(out.find("gen-777"), std::string::npos) << out;
  EXPECT_NE(out.find("attempts=3"), std::string::npos) << out;
}

TEST(LedgerDeliveryTest, ThrowingAndRejectingPluginsCostOneDocumentEach) {
  PipelineHarness h;
  h.WritePipeline(
      "ledger: {max_attempts: 2, retry_backoff: 100ms}\n"
      "source: {name: gen, kind: generate, config: {count: 1000}}\n"
      "stages:\n"
      "  - {name: picky, stage: {plugins}/faulty.so, config: {throw_every: 1000, throw_at: 10, permanent_every: 1000, permanent_at: 20}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_EQ(h.Wait(120), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 998);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters WHERE id = 'gen-10' AND attempts = 2 AND reason LIKE "
                          "'%faulty plugin throws on seq 10%'"),
            1);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters WHERE id = 'gen-20' AND attempts = 1 AND reason LIKE "
                          "'%faulty plugin rejects seq 20%'"),
            1);
  // dlq replay puts them back (the pipeline is stopped).
  std::string out;
  ASSERT_EQ(RunCommand({SluiceBin(), "dlq", "--config", h.dir() + "/pipeline.yaml", "--replay-all"}, &out), 0) << out;
  EXPECT_NE(out.find("2 document(s) back to pending"), std::string::npos) << out;
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM docs WHERE state = 0"), 2);
}

}  // namespace
}  // namespace sluice::testing
