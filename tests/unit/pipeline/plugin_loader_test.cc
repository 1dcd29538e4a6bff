// Tests of PluginLibrary/PluginInstance (pipeline/src/plugin_loader.cc) with the test plugins
// under tests/support/stages, loaded in-process.
#include "sluice/plugin_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice {
namespace {

std::string PluginPath(const std::string& name) { return std::string(std::getenv("SLUICE_TEST_PLUGIN_DIR")) + "/" + name + ".so"; }

TEST(PluginLoaderTest, OpensByPathAndByNameOnTheSearchPath) {
  (void)testing::SluiceBin();  // makes sure the test environment (plugin path) is set up
  std::shared_ptr<PluginLibrary> lib;
  ASSERT_TRUE(PluginLibrary::Open(PluginPath("passthrough"), &lib).ok());
  EXPECT_EQ(lib->name(), "passthrough");
  EXPECT_EQ(lib->kind(), SLUICE_KIND_STAGE);
  std::shared_ptr<PluginLibrary> by_name;
  ASSERT_TRUE(PluginLibrary::Open("faulty", &by_name).ok());
  EXPECT_EQ(by_name->name(), "faulty");
  Status s = PluginLibrary::Open("definitely_missing", &by_name);
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_NE(s.message().find("definitely_missing.so"), std::string::npos);
}

TEST(PluginLoaderTest, RefusesForeignDescriptors) {
  std::shared_ptr<PluginLibrary> lib;
  EXPECT_NE(PluginLibrary::Open(PluginPath("plugin_bad_abi"), &lib).message().find("ABI version 999"), std::string::npos);
  EXPECT_NE(PluginLibrary::Open(PluginPath("plugin_bad_magic"), &lib).message().find("bad plugin magic"), std::string::npos);
  EXPECT_NE(PluginLibrary::Open(PluginPath("plugin_no_entry"), &lib).message().find("does not export"), std::string::npos);
}

TEST(PluginLoaderTest, ReplacementKeepsDeliveryFieldsAndUnknownFieldsSurviveDelta) {
  std::shared_ptr<PluginLibrary> lib;
  ASSERT_TRUE(PluginLibrary::Open(PluginPath("unknown_field"), &lib).ok());
  std::unique_ptr<PluginInstance> inject, verify;
  ASSERT_TRUE(lib->Create(Config::Parse("mode: inject"), "", "", 0, &inject).ok());
  ASSERT_TRUE(lib->Create(Config::Parse("mode: verify"), "", "", 0, &verify).ok());
  v1::Document d;
  d.set_id("x");
  d.set_ledger_id("1");
  d.set_attempt(2);
  ASSERT_TRUE(inject->Process(d).ok());
  EXPECT_EQ(d.id(), "x");
  EXPECT_EQ(d.attempt(), 2u);
  // Through a parse/serialise cycle of a stage that does not know field 999:
  std::string bytes;
  d.SerializeToString(&bytes);
  v1::Document again;
  ASSERT_TRUE(again.ParseFromString(bytes));
  EXPECT_TRUE(verify->Process(again).ok());
  v1::Document fresh;
  fresh.set_id("y");
  Status s = verify->Process(fresh);
  EXPECT_TRUE(s.IsPermanent());
  EXPECT_NE(s.message().find("unknown field 999 was lost"), std::string::npos);
}

TEST(PluginLoaderTest, SdkPluginRejectsConfigTyposAndExceptionsBecomeTransient) {
  std::shared_ptr<PluginLibrary> lib;
  ASSERT_TRUE(PluginLibrary::Open(PluginPath("faulty"), &lib).ok());
  std::unique_ptr<PluginInstance> inst;
  Status s = lib->Create(Config::Parse("slep_us: 3", "p.yaml"), "", "", 0, &inst);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("unknown key \"slep_us\" (did you mean \"sleep_us\"?)"), std::string::npos) << s.message();
  ASSERT_TRUE(lib->Create(Config::Parse("throw_every: 1\nthrow_at: 0"), "", "", 0, &inst).ok());
  v1::Document d;
  (*d.mutable_metadata())["seq"] = "5";
  s = inst->Process(d);
  EXPECT_TRUE(s.IsTransient()) << s.ToString();
  EXPECT_NE(s.message().find("plugin faulty: faulty plugin throws on seq 5"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace sluice
