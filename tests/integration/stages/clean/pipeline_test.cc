// The clean stage inside a pipeline run by `sluice run`: its config is validated by the runner,
// and documents it cannot use end in the ledger's dead-letter table with its reason. (The
// generator source emits text, not pages: with no `raw`, every document is a permanent
// "empty:" failure — the path a page without bytes takes in production.)
#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(CleanPipelineTest, DocumentsWithoutPageBytesAreDeadLetteredWithTheReason) {
  PipelineHarness h;
  h.WritePipeline(
      "ledger: {max_attempts: 2, retry_backoff: 100ms}\n"
      "source: {name: gen, kind: generate, config: {count: 40}}\n"
      "stages:\n"
      "  - {name: clean, stage: clean, workers: 2, config: {keep_raw: false, normalization: nfc,"
      " dedup: {path: simhash.db, max_distance: 3}}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_EQ(h.Wait(120), 0) << h.Log();
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 40) << h.Log();
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters WHERE reason LIKE '%empty: the document has no page bytes%'"),
            40);
  EXPECT_EQ(h.DistinctDocs(), 0);
}

TEST(CleanPipelineTest, ConfigTyposStopThePipelineWithFileAndLine) {
  PipelineHarness h;
  h.WritePipeline(
      "source: {name: gen, kind: generate, config: {count: 10}}\n"
      "stages:\n"
      "  - {name: clean, stage: clean, config: {keep_rwa: true}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  EXPECT_EQ(h.Wait(60), 78) << h.Log();
  const std::string log = h.Log();
  EXPECT_NE(log.find("keep_rwa"), std::string::npos) << log;
  EXPECT_NE(log.find("keep_raw"), std::string::npos) << log;  // did you mean …
}

}  // namespace
}  // namespace sluice::testing
