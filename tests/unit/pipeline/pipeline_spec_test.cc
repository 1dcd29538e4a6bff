// Tests of PipelineSpec (pipeline/src/pipeline_spec.cc): validation and the endpoint plan.
#include "sluice/pipeline_spec.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

Status Parse(const std::string& yaml, PipelineSpec* spec) { return PipelineSpec::Parse(yaml, "p.yaml", "/etc/sluice", spec); }

TEST(PipelineSpecTest, EndpointsFollowStableEndsBindWorkersConnect) {
  PipelineSpec s;
  ASSERT_TRUE(Parse("data_dir: /tmp/sl\nsource: {name: fetch, workers: 2}\n"
                    "stages: [{name: clean, workers: 3}, {name: store}]\n",
                    &s)
                  .ok());
  EXPECT_EQ(s.run_dir, "/tmp/sl/run");
  SocketPlan in = s.StageInput(0, 2);
  ASSERT_EQ(in.bind.size(), 1u);
  EXPECT_EQ(in.bind[0], "ipc:///tmp/sl/run/0-clean-2.in");
  SocketPlan out = s.StageOutput(-1, 1);
  EXPECT_EQ(out.connect.size(), 3u) << "every source worker reaches every clean worker";
  EXPECT_TRUE(s.StageOutput(1, 0).connect.empty()) << "the last stage has no output";
  EXPECT_EQ(s.LedgerAck(1).bind[0], "ipc:///tmp/sl/run/ack-1.sock");
  EXPECT_EQ(s.LedgerAck(1).connect[0], "ipc:///tmp/sl/run/ack-1.sock");
  EXPECT_EQ(s.config_dir, "/etc/sluice");
}

TEST(PipelineSpecTest, TcpAndProxyOverrides) {
  PipelineSpec s;
  ASSERT_TRUE(Parse("transport: {kind: tcp, base_port: 30000}\nsource: {name: g}\n"
                    "stages:\n  - {name: a, input: {connect: [\"tcp://hop1:5551\"]}}\n  - {name: b, workers: 2}\n",
                    &s)
                  .ok());
  EXPECT_EQ(s.StageInput(0, 0).connect[0], "tcp://hop1:5551");
  EXPECT_EQ(s.StageInput(1, 1).bind[0], "tcp://127.0.0.1:30130");
  EXPECT_EQ(s.Stats().bind[0], "tcp://127.0.0.1:30000");
}

TEST(PipelineSpecTest, ErrorsNameFileLineAndKey) {
  PipelineSpec s;
  Status st = Parse("source: {name: g}\nstages:\n  - {name: a, workers: 0}\n  - {name: a}\nledgr: {}\n", &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("p.yaml:3:24: stages[0].workers: must be between 1 and 64"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("stages[1].name: duplicate name 'a'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("p.yaml:5:1: unknown key \"ledgr\" (did you mean \"ledger\"?)"), std::string::npos) << st.message();
  EXPECT_FALSE(Parse("stages: [{name: a}]\n", &s).ok());
  EXPECT_FALSE(Parse("source: {name: g}\n", &s).ok());
}

TEST(PipelineSpecTest, StageConfigSectionsAreLeftToTheStage) {
  PipelineSpec s;
  ASSERT_TRUE(Parse("source: {name: g, config: {anything: 1}}\nstages: [{name: a, config: {whatever: [1, 2]}}]\n", &s).ok());
  EXPECT_EQ(s.stages[0].config.GetStringList("whatever").size(), 2u);
  s.stages[0].config.Accept("whatever");
  EXPECT_TRUE(s.stages[0].config.Finish().ok()) << s.stages[0].config.Finish().ToString();
  EXPECT_FALSE(s.source.config.Finish().ok()) << "unread keys are reported by the section itself";
}

TEST(PipelineSpecTest, RunDirsTooLongForIpcAreShortenedOrRefused) {
  PipelineSpec s;
  ASSERT_TRUE(Parse("data_dir: /tmp/" + std::string(120, 'd') + "\nsource: {name: g}\nstages: [{name: a}]\n", &s).ok());
  EXPECT_EQ(s.run_dir.rfind("/tmp/sluice-run-", 0), 0u) << s.run_dir;
  Status st = Parse("run_dir: /tmp/" + std::string(120, 'r') + "\nsource: {name: g}\nstages: [{name: a}]\n", &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("too long for ipc://"), std::string::npos);
}

}  // namespace
}  // namespace sluice
