// The rules plugin through the plugin ABI: shipped defaults, axes, typos and reloading.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "sluice/plugin_loader.h"
#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WriteFile;

class RulesPluginTest : public ::testing::Test {
 protected:
  Status Create(const std::string& yaml) {
    std::shared_ptr<PluginLibrary> lib;
    SLUICE_RETURN_IF_ERROR(PluginLibrary::Open(RULES_PLUGIN, &lib));
    return lib->Create(Config::Parse(yaml, "p.yaml"), dir_.path(), dir_.path(), 0, &inst_);
  }
  std::string Labels(const std::string& title) {
    v1::Document d;
    d.set_title(title);
    d.set_publisher("梧州市教育局");
    EXPECT_TRUE(inst_->Process(d).ok());
    std::string s;
    for (const auto& l : d.labels()) s += l.axis() + "=" + l.value() + ";";
    return s;
  }
  TempDir dir_;
  std::unique_ptr<PluginInstance> inst_;
};

TEST_F(RulesPluginTest, ShippedRulesLabelEveryAxis) {
  ASSERT_TRUE(Create("{}").ok());
  EXPECT_EQ(Labels("梧州市教育局关于做好2025年汛期学校安全工作的通知"),
            "issuer_level=city;region=450400;doc_type=通知;topic=安全稳定;");
  ASSERT_TRUE(Create("axes: [doc_type]\n").ok());
  EXPECT_EQ(Labels("关于拟表彰名单的公示"), "doc_type=公示;");
}

TEST_F(RulesPluginTest, TyposRefuseToStartWithFileAndLine) {
  WriteFile(dir_.File("gbt2260.tsv"), "450400\t梧州市\t梧州\n");
  WriteFile(dir_.File("rules.yaml"), "version: 1\ndoc_type:\n  rules:\n    - {value: 通知, titel_suffix: 通知}\n");
  Status st = Create("rules: rules.yaml\n");
  EXPECT_NE(st.message().find(dir_.File("rules.yaml") + ":4:19: doc_type.rules[0]: unknown key 'titel_suffix'"), std::string::npos)
      << st.message();
  st = Create("axis: [topic]\n");  // the shipped rules, and a typo in the plugin's own keys
  EXPECT_NE(st.message().find(R"(unknown key "axis" (did you mean "axes"?))"), std::string::npos) << st.message();
  st = Create("axes: [topics]\n");
  EXPECT_NE(st.message().find("unknown axis 'topics'"), std::string::npos) << st.message();
}

TEST_F(RulesPluginTest, ReloadsChangedRulesAndKeepsThemWhenTheEditIsBroken) {
  WriteFile(dir_.File("gbt2260.tsv"), "450400\t梧州市\t梧州\n");
  WriteFile(dir_.File("rules.yaml"), "version: 1\ndoc_type:\n  rules:\n    - {value: 通知, title_suffix: 通知}\n");
  ASSERT_TRUE(Create("rules: rules.yaml\nreload_check: 10ms\naxes: [doc_type]\n").ok());
  EXPECT_EQ(Labels("某某通知"), "doc_type=通知;");
  WriteFile(dir_.File("rules.yaml"), "version: 1\ndoc_type:\n  rules:\n    - {value: 公告, title_suffix: 通知}\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(Labels("某某通知"), "doc_type=公告;");
  WriteFile(dir_.File("rules.yaml"), "version: 1\ndoc_type:\n  rules:\n    - {value: 通知, title_sufix: 通知}\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(Labels("某某通知"), "doc_type=公告;");  // the broken edit is refused, the rules stay
}

}  // namespace
}  // namespace sluice
