// `sluice stage segment` in a running pipeline (stages/segment/src/segment_stage.cc through the
// real runtime): documents flow through it, SIGHUP reloads the dictionaries, a broken file is
// refused while the stage keeps working.
#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(SegmentPipelineTest, SegmentsInAPipelineAndReloadsOnSighup) {
  if (!std::filesystem::exists("/usr/lib/python3/dist-packages/jieba/dict.txt")) {
    GTEST_SKIP() << "python3-jieba is not installed";
  }
  PipelineHarness h;
  WriteFile(h.dir() + "/user.txt", "生成文档\n");
  h.WritePipeline(
      "source: {name: gen, kind: generate, config: {count: 1000000, rate: 2000}}\n"
      "stages:\n"
      "  - {name: segment, stage: segment, config: {user_dicts: [user.txt], watch_interval: 0}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_TRUE(WaitFor([&] { return h.DistinctDocs() > 200; }, std::chrono::seconds(60))) << h.Log();
  std::vector<pid_t> pids = h.WorkerPids("segment");
  ASSERT_EQ(pids.size(), 1u) << h.Log();

  WriteFile(h.dir() + "/user.txt", "生成文档\n新增词语\n");
  ASSERT_EQ(kill(pids[0], SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return h.Log().find("segment: reloaded") != std::string::npos; }, std::chrono::seconds(20)))
      << h.Log();

  WriteFile(h.dir() + "/user.txt", "生成文档\nC919\n");
  ASSERT_EQ(kill(pids[0], SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return h.Log().find("reload failed, keeping lexicon") != std::string::npos; },
                      std::chrono::seconds(20)))
      << h.Log();
  const int64_t before = h.DistinctDocs();
  ASSERT_TRUE(WaitFor([&] { return h.DistinctDocs() > before + 200; }, std::chrono::seconds(30)))
      << "the stage keeps segmenting with the old dictionary\n" << h.Log();
  EXPECT_EQ(h.WorkerPids("segment"), pids) << "no restart was needed";

  h.run().Signal(SIGTERM);
  ASSERT_EQ(h.Wait(60), 0) << h.Log();
  const std::string log = h.Log();
  EXPECT_NE(log.find("user.txt:2"), std::string::npos) << log;
  EXPECT_NE(log.find("stage=segment workers=1"), std::string::npos) << log;
  EXPECT_NE(log.find("tokens="), std::string::npos) << log;
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 0);
}

}  // namespace
}  // namespace sluice::testing
