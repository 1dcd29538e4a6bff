// Black-box: the supervisor restarting, draining and refusing bad configurations.
#include <signal.h>

#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(SupervisorTest, Kill9OfAMiddleWorkerLosesNothingAndDuplicatesNothingInTheSink) {
  PipelineHarness h;
  h.WritePipeline(
      "ledger: {ack_timeout: 2s, window: 500}\n"
      "supervisor: {restart_backoff: 100ms}\n"
      "source: {name: gen, kind: generate, config: {count: 30000, rate: 6000}}\n"
      "stages:\n"
      "  - {name: first, stage: {plugins}/passthrough.so}\n"
      "  - {name: middle, stage: {plugins}/passthrough.so, workers: 2}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_TRUE(WaitFor([&] { return h.DistinctDocs() > 3000; }, std::chrono::seconds(60))) << h.Log();
  std::vector<pid_t> victims = h.WorkerPids("middle");
  ASSERT_EQ(victims.size(), 2u) << h.Log();
  ASSERT_EQ(kill(victims[0], SIGKILL), 0);
  // The supervisor notices and starts a new worker.
  ASSERT_TRUE(WaitFor([&] {
    auto now = h.WorkerPids("middle");
    return now.size() == 2 && now[0] != victims[0] && now[1] != victims[0];
  }, std::chrono::seconds(20))) << h.Log();
  ASSERT_EQ(h.Wait(180), 0) << h.Log();
  std::string log = h.Log();
  EXPECT_NE(log.find("killed by signal 9 (SIGKILL"), std::string::npos) << log;
  EXPECT_NE(log.find("restarting stage middle/"), std::string::npos) << log;
  EXPECT_EQ(h.DistinctDocs(), 30000) << "every document reaches the sink (at least once)";
  EXPECT_GE(h.Deliveries(), 30000);
  EXPECT_EQ(h.SinkQuery("SELECT COUNT(*) FROM (SELECT id FROM docs GROUP BY id HAVING COUNT(*) > 1)"), 0);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 0);
}

TEST(SupervisorTest, GracefulDrainOnSigtermLosesNothingAndARestartResumes) {
  PipelineHarness h;
  const char* pipeline =
      "supervisor: {drain_timeout: 20s}\n"
      "source: {name: gen, kind: generate, config: {count: 6000}}\n"
      "stages:\n"
      "  - {name: slow, stage: {plugins}/faulty.so, config: {sleep_us: 1000}}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n";
  h.WritePipeline(pipeline);
  h.Start();
  ASSERT_TRUE(WaitFor([&] { return h.DistinctDocs() > 300; }, std::chrono::seconds(60))) << h.Log();
  h.run().Signal(SIGTERM);
  ASSERT_EQ(h.Wait(40), 0) << "drain must exit 0 within its deadline\n" << h.Log();
  int64_t stored = h.DistinctDocs();
  EXPECT_LT(stored, 6000) << "the test needs the drain to happen mid-run";
  EXPECT_EQ(h.Deliveries(), stored) << "a graceful drain redelivers nothing";
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM docs WHERE state = 2"), stored) << "every stored document was acked";
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM docs WHERE state = 2") + h.LedgerQuery("SELECT COUNT(*) FROM docs WHERE state < 2"),
            h.LedgerQuery("SELECT COUNT(*) FROM docs"))
      << "what was not stored is still pending in the ledger, not lost";
  std::string first_log = h.Log();
  EXPECT_NE(first_log.find("draining (SIGTERM)"), std::string::npos) << first_log;

  // Restart: the generator resumes from its cursor in the ledger and the run completes.
  h.Start();
  ASSERT_EQ(h.Wait(120), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 6000);
  EXPECT_EQ(h.Deliveries(), 6000);
}

TEST(SupervisorTest, ConfigTypoFailsFastNamingFileLineAndKey) {
  PipelineHarness h;
  std::string path = h.WritePipeline(
      "source: {name: gen, kind: generate}\n"
      "stages:\n"
      "  - name: sink\n"
      "    stage: {plugins}/sqlite_sink.so\n"
      "    workrs: 2\n");
  std::string out;
  int rc = RunCommand({SluiceBin(), "run", path}, &out, std::chrono::seconds(30));
  EXPECT_EQ(rc, 78) << out;
  EXPECT_NE(out.find(path + ":9:5: stages[0]: unknown key \"workrs\" (did you mean \"workers\"?)"), std::string::npos) << out;
}

TEST(SupervisorTest, StageConfigTypoStopsThePipelineWithTheStagesMessage) {
  PipelineHarness h;
  std::string path = h.WritePipeline(
      "source: {name: gen, kind: generate}\n"
      "stages:\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n"
      "  - {name: bad, stage: {plugins}/faulty.so, config: {slep_us: 5}}\n");
  (void)path;
  h.Start();
  EXPECT_EQ(h.Wait(60), 78) << h.Log();
  std::string log = h.Log();
  EXPECT_NE(log.find("unknown key \"slep_us\" (did you mean \"sleep_us\"?)"), std::string::npos) << log;
  EXPECT_NE(log.find("configuration error"), std::string::npos) << log;
}

TEST(SupervisorTest, MetricsEndpointAndTopShowTheRunningPipeline) {
  PipelineHarness h;
  h.WritePipeline(
      "source: {name: gen, kind: generate, config: {count: 200000, rate: 2000}}\n"
      "stages:\n"
      "  - {name: pass, stage: {plugins}/passthrough.so}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start({"--duration", "30s"});
  std::string out;
  std::string addr = "127.0.0.1:" + std::to_string(h.metrics_port());
  ASSERT_TRUE(WaitFor([&] {
    return RunCommand({SluiceBin(), "top", "--once", "--metrics", addr}, &out, std::chrono::seconds(5)) == 0 &&
           std::regex_search(out, std::regex("stored [1-9]"));
  }, std::chrono::seconds(25))) << out;
  EXPECT_NE(out.find("STAGE"), std::string::npos);
  EXPECT_NE(out.find("pass"), std::string::npos);
  ASSERT_EQ(RunCommand({"curl", "-sf", "http://" + addr + "/metrics"}, &out, std::chrono::seconds(5)), 0);
  EXPECT_NE(out.find("sluice_stage_docs_total{stage=\"sink\"}"), std::string::npos) << out;
  EXPECT_NE(out.find("sluice_stage_latency_seconds_bucket{stage=\"pass\",le="), std::string::npos) << out;
  EXPECT_NE(out.find("sluice_source_in_flight{stage=\"gen\"}"), std::string::npos) << out;
  // Let at least one stats interval be logged, then stop it early.
  ASSERT_TRUE(WaitFor([&] { return h.Log().find("stage=pass workers=1 docs=") != std::string::npos; }, std::chrono::seconds(20)));
  h.run().Signal(SIGTERM);
  EXPECT_EQ(h.Wait(60), 0) << h.Log();
  std::string log = h.Log();
  EXPECT_NE(log.find("draining (SIGTERM)"), std::string::npos);
  EXPECT_NE(log.find("stage=pass workers=1 docs="), std::string::npos) << log;
  EXPECT_NE(log.find("p99="), std::string::npos);
  EXPECT_NE(log.find("pipeline docs="), std::string::npos);
  EXPECT_NE(log.find("e2e_p99="), std::string::npos);
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

TEST(SupervisorTest, ChaosKill9OfAnyProcessAtAnyTimeLosesAndDuplicatesNothing) {
  PipelineHarness h;
  h.WritePipeline(
      "ledger: {ack_timeout: 3s, window: 300}\n"
      "supervisor: {restart_backoff: 50ms, max_restart_backoff: 200ms}\n"
      "source: {name: gen, kind: generate, config: {count: 20000, rate: 4000}}\n"
      "stages:\n"
      "  - {name: a, stage: {plugins}/passthrough.so, workers: 2}\n"
      "  - {name: b, stage: passthrough}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, batch_size: 64, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_TRUE(WaitFor([&] { return h.DistinctDocs() > 1000; }, std::chrono::seconds(60))) << h.Log();
  const char* victims[] = {"gen", "a", "sink", "b", "a", "gen", "sink", "a"};
  int kills = 0;
  for (const char* v : victims) {
    std::vector<pid_t> pids = h.WorkerPids(v);
    if (!pids.empty() && kill(pids[kills % pids.size()], SIGKILL) == 0) ++kills;
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
  }
  EXPECT_GE(kills, 6);
  ASSERT_EQ(h.Wait(240), 0) << h.Log();
  EXPECT_EQ(h.DistinctDocs(), 20000) << "nothing lost";
  EXPECT_GE(h.Deliveries(), 20000);
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM dead_letters"), 0) << "bystanders of crashes are never dead-lettered";
  EXPECT_EQ(h.LedgerQuery("SELECT COUNT(*) FROM docs"), 20000) << "the generator re-emitted nothing after its own crashes";
}

TEST(SupervisorTest, ASecondRunOnTheSameDataIsRefusedWhileTheFirstRuns) {
  PipelineHarness h;
  std::string cfg = h.WritePipeline(
      "source: {name: gen, kind: generate, config: {rate: 100}}\n"
      "stages:\n  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n");
  h.Start();
  ASSERT_TRUE(WaitFor([&] { return h.DistinctDocs() > 0; }, std::chrono::seconds(30))) << h.Log();
  std::string out;
  EXPECT_EQ(RunCommand({SluiceBin(), "run", cfg, "--duration", "1s"}, &out, std::chrono::seconds(30)), 1) << out;
  EXPECT_NE(out.find("are still using"), std::string::npos) << out;
  h.run().Signal(SIGTERM);
  EXPECT_EQ(h.Wait(60), 0);
}

}  // namespace
}  // namespace sluice::testing

#include "sluice/json.h"

namespace sluice::testing {
namespace {

TEST(SupervisorTest, JsonLogFormatGivesOneJsonObjectPerLineFromEveryProcess) {
  PipelineHarness h;
  h.WritePipeline(
      "source: {name: gen, kind: generate, config: {count: 300}}\n"
      "stages:\n  - {name: pass, stage: passthrough}\n"
      "  - {name: sink, stage: {plugins}/sqlite_sink.so, config: {db: {sink_db}}}\n",
      "log: {format: json, stats_interval: 1s}\n");
  // The harness header has its own log line; the later key would be a duplicate, so drop it.
  std::string cfg = h.dir() + "/pipeline.yaml";
  std::string text = ReadFile(cfg);
  size_t at = text.find("log: {level: info, stats_interval: 1s}\n");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, std::string("log: {level: info, stats_interval: 1s}\n").size());
  WriteFile(cfg, text);
  h.Start();
  ASSERT_EQ(h.Wait(60), 0) << h.Log();
  std::string log = h.Log();
  size_t lines = 0;
  std::set<std::string> loggers;
  for (size_t b = 0; b < log.size();) {
    size_t e = log.find('\n', b);
    if (e == std::string::npos) e = log.size();
    std::string line = log.substr(b, e - b);
    b = e + 1;
    if (line.empty()) continue;
    Json j;
    Status s = Json::Parse(line, &j);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << line;
    EXPECT_TRUE(j["msg"].is_string()) << line;
    loggers.insert(j["logger"].AsString());
    ++lines;
  }
  EXPECT_GT(lines, 10u);
  EXPECT_TRUE(loggers.count("supervisor")) << "supervisor lines";
  EXPECT_TRUE(loggers.count("pass/0")) << "worker lines";
  EXPECT_NE(log.find("pipeline docs=300"), std::string::npos);
}

}  // namespace
}  // namespace sluice::testing
