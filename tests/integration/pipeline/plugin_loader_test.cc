// Black-box: the loader refuses what is not a sluice plugin of this ABI, with a clear message.
#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

std::string RunWithStage(const std::string& stage) {
  PipelineHarness h;
  h.WritePipeline("source: {name: gen, kind: generate, config: {count: 10}}\n"
                  "stages:\n  - {name: x, stage: " + stage + "}\n");
  h.Start();
  int rc = h.Wait(60);
  EXPECT_EQ(rc, 78) << h.Log();
  return h.Log();
}

TEST(PluginLoaderTest, WrongAbiVersionIsRefused) {
  std::string log = RunWithStage("{plugins}/plugin_bad_abi.so");
  EXPECT_NE(log.find("plugin_bad_abi.so: plugin ABI version 999, this sluice speaks 1"), std::string::npos) << log;
}

TEST(PluginLoaderTest, ForeignMagicIsRefused) {
  std::string log = RunWithStage("{plugins}/plugin_bad_magic.so");
  EXPECT_NE(log.find("bad plugin magic 0xdeadbeef"), std::string::npos) << log;
}

TEST(PluginLoaderTest, MissingEntryPointIsRefused) {
  std::string log = RunWithStage("{plugins}/plugin_no_entry.so");
  EXPECT_NE(log.find("not a sluice plugin: it does not export sluice_plugin_v1()"), std::string::npos) << log;
}

TEST(PluginLoaderTest, ClassifierPluginIsNotAStage) {
  std::string log = RunWithStage("{plugins}/plugin_classifier.so");
  EXPECT_NE(log.find("is a classifier plugin; a stage needs a stage plugin"), std::string::npos) << log;
}

TEST(PluginLoaderTest, UnknownNameListsWhereItLooked) {
  std::string log = RunWithStage("no_such_plugin");
  EXPECT_NE(log.find("unknown stage 'no_such_plugin'"), std::string::npos) << log;
  EXPECT_NE(log.find("no_such_plugin.so"), std::string::npos) << log;
}

}  // namespace
}  // namespace sluice::testing
