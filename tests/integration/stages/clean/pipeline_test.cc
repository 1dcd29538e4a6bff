// The clean stage inside a pipeline run by `sluice run`: pages made by a test plugin
// (clean_page_maker) are extracted by two clean workers that share one simhash index, reposts are
// counted as duplicates, documents it cannot use end in the ledger's dead-letter table with its
// reason, and its config is validated by the runner.
#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(CleanPipelineTest, PagesAreExtractedByTwoWorkersSharingTheDuplicateIndex) {
  PipelineHarness h;
  h.WritePipeline(
      "ledger: {max_attempts: 3, retry_backoff: 100ms}\n"
      "source: {name: gen, kind: generate, config: {count: 60}}\n"
      "stages:\n"
      "  - {name: pages, stage: {plugins}/clean_page_maker.so, config: {repost_every: 5}}\n"
      "  - {name: clean, stage: clean, workers: 2}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_EQ(h.Wait(120), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 60) << h.Log();
  EXPECT_EQ(h.SinkQuery("SELECT COUNT(*) FROM docs WHERE title = '第' || substr(id, 5) || '号通知'"), 60);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 0);
  // 12 reposts (seq 0, 5, … 55): the first is the original, 11 are duplicates; 48 + 1 originals.
  const std::string index = h.data_dir() + "/clean-simhash.db";
  EXPECT_EQ(QueryInt(index, "SELECT COUNT(DISTINCT hash) FROM simhash"), 49);
  EXPECT_EQ(QueryInt(index, "SELECT COUNT(*) FROM simhash"), 60);
  EXPECT_NE(h.Log().find("duplicates=11"), std::string::npos) << h.Log();  // the stage's counter
}

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
