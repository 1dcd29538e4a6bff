// The linear plugin through the real ABI (PluginLibrary / PluginInstance), as the stage uses it.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "sluice/linear/trainer.h"
#include "sluice/plugin_loader.h"
#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice::linear {
namespace {

using sluice::testing::TempDir;

void Write(const std::string& path, const std::vector<std::pair<std::string, std::string>>& rows, const std::string& axis) {
  std::vector<Example> ex;
  for (int k = 0; k < 6; ++k)
    for (const auto& [text, label] : rows) ex.push_back({text + std::string(size_t(k), ' ') + std::to_string(k), {label}});
  TrainOptions opt;
  opt.axis = axis;
  opt.c_values = {1};
  opt.folds = 2;
  std::string error;
  auto m = Train(ex, opt, nullptr, &error);
  ASSERT_TRUE(m) << error;
  ASSERT_TRUE(m->Save(path, &error)) << error;
}

class LinearPluginTest : public ::testing::Test {
 protected:
  Status Create(const std::string& yaml) {
    std::shared_ptr<PluginLibrary> lib;
    SLUICE_RETURN_IF_ERROR(PluginLibrary::Open(LINEAR_PLUGIN, &lib));
    EXPECT_EQ(lib->kind(), SLUICE_KIND_CLASSIFIER);
    EXPECT_EQ(lib->name(), "linear");
    return lib->Create(Config::Parse(yaml, "p.yaml"), dir_.path(), dir_.path(), 0, &inst_);
  }
  std::string Label(const std::string& title) {
    v1::Document d;
    d.set_title(title);
    Status st = inst_->Process(d);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return d.labels_size() ? d.labels(0).axis() + "=" + d.labels(0).value() : "";
  }
  TempDir dir_;
  std::unique_ptr<PluginInstance> inst_;
};

TEST_F(LinearPluginTest, LabelsWithTheModelAxisAndMappedValues) {
  Write(dir_.File("m.bin"), {{"考研英语复习", "3"}, {"股市大盘下跌", "2"}}, "news");
  ASSERT_TRUE(Create("model: m.bin\nlabels: {'3': education}\n").ok());
  EXPECT_EQ(Label("考研英语"), "news=education");
  EXPECT_EQ(Label("大盘下跌"), "news=2");
  ASSERT_TRUE(Create("model: m.bin\naxis: topic\nmin_score: 1.01\n").ok());
  EXPECT_EQ(Label("考研英语"), "");  // every label below min_score
}

TEST_F(LinearPluginTest, MissingOrBadModelRefusesToStartNamingTheFile) {
  Status st = Create("model: nope.bin\n");
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find(dir_.File("nope.bin") + ": model file does not exist"), std::string::npos) << st.message();
  sluice::testing::WriteFile(dir_.File("junk.bin"), "SLUICELM\x07");
  st = Create("model: junk.bin\n");
  EXPECT_NE(st.message().find("junk.bin: truncated"), std::string::npos) << st.message();
  st = Create("{}");
  EXPECT_NE(st.message().find("'model' is required"), std::string::npos) << st.message();
  Write(dir_.File("m.bin"), {{"考研英语复习", "3"}, {"股市大盘下跌", "2"}}, "news");
  st = Create("model: m.bin\nthreshhold: 0.3\n");
  EXPECT_NE(st.message().find(R"(did you mean "threshold")"), std::string::npos) << st.message();
  st = Create("model: m.bin\nfields: [body]\n");
  EXPECT_NE(st.message().find("unknown document field 'body'"), std::string::npos) << st.message();
}

TEST_F(LinearPluginTest, ReloadsWhenTheModelFileChangesAndKeepsTheOldOneOnFailure) {
  const std::string path = dir_.File("m.bin");
  Write(path, {{"考研英语复习", "教育"}, {"股市大盘下跌", "股票"}}, "topic");
  ASSERT_TRUE(Create("model: m.bin\nreload_check: 10ms\n").ok());
  EXPECT_EQ(Label("考研英语"), "topic=教育");

  Write(path, {{"考研英语复习", "education"}, {"股市大盘下跌", "stocks"}}, "topic");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(Label("考研英语"), "topic=education");

  sluice::testing::WriteFile(path, "broken");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(Label("考研英语"), "topic=education");  // the old model keeps working
}

}  // namespace
}  // namespace sluice::linear
