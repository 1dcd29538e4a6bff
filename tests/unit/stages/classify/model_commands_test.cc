// `sluice train`, `sluice classify` and `sluice eval` as a user runs them: the real binary, real
// files, exit codes and messages.
#include <gtest/gtest.h>

#include "test_env.h"

namespace {

using namespace sluice::testing;

class ModelCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string data;
    const char* subjects[] = {"学生资助", "安全工作", "招生工作", "教师培训", "校园建设", "体育活动"};
    for (const char* s : subjects) {
      data += std::string("关于做好") + s + "的通知\t通知\n";
      data += std::string("关于开展") + s + "检查的通知\t通知\n";
      data += std::string(s) + "拟认定名单的公示\t公示\n";
      data += std::string(s) + "评审结果公示\t公示\n";
    }
    WriteFile(dir_.File("train.tsv"), data);
  }
  int Run(const std::vector<std::string>& args, std::string* out, const std::string& input = "") {
    std::vector<std::string> argv = {SluiceBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, out, std::chrono::seconds(60), input);
  }
  TempDir dir_;
};

TEST_F(ModelCommandsTest, TrainClassifyEval) {
  std::string out;
  ASSERT_EQ(Run({"train", "--axis", "doc_type", dir_.File("train.tsv"), "-o", dir_.File("m.bin"), "--folds", "2"}, &out), 0) << out;
  EXPECT_NE(out.find("cross-validated accuracy"), std::string::npos) << out;
  ASSERT_EQ(Run({"classify", "--model", dir_.File("m.bin")}, &out, "关于做好语言文字工作的通知\n体育活动名单公示\n"), 0) << out;
  EXPECT_EQ(out, "通知\n公示\n");
  ASSERT_EQ(Run({"classify", "--model", dir_.File("m.bin"), "--scores"}, &out, "关于做好语言文字工作的通知\n"), 0);
  EXPECT_NE(out.find("\t通知\n"), std::string::npos) << out;
  ASSERT_EQ(Run({"eval", "--model", dir_.File("m.bin"), dir_.File("train.tsv"), "--json"}, &out), 0) << out;
  EXPECT_NE(out.find("\"accuracy\":1.0"), std::string::npos) << out;
}

TEST_F(ModelCommandsTest, BadFilesAreNamedAndFailWithExitOne) {
  std::string out;
  EXPECT_EQ(Run({"classify", "--model", dir_.File("none.bin")}, &out, "x\n"), 1);
  EXPECT_NE(out.find(dir_.File("none.bin") + ": model file does not exist"), std::string::npos) << out;
  WriteFile(dir_.File("bad.tsv"), "有标签\t1\n没有标签\n");
  EXPECT_EQ(Run({"train", dir_.File("bad.tsv"), "-o", dir_.File("m.bin")}, &out), 1);
  EXPECT_NE(out.find(dir_.File("bad.tsv") + ":2: no label"), std::string::npos) << out;
  WriteFile(dir_.File("one.tsv"), "甲\t1\n乙\t1\n");
  EXPECT_EQ(Run({"train", dir_.File("one.tsv"), "-o", dir_.File("m.bin")}, &out), 1);
  EXPECT_NE(out.find("at least two different labels"), std::string::npos) << out;
  EXPECT_EQ(Run({"eval", "--model", dir_.File("train.tsv"), dir_.File("train.tsv")}, &out), 1);
  EXPECT_NE(out.find("not a sluice linear model"), std::string::npos) << out;
}

TEST_F(ModelCommandsTest, UsageErrorsExit64) {
  std::string out;
  EXPECT_EQ(Run({"train", dir_.File("train.tsv")}, &out), 64);  // no -o
  EXPECT_EQ(Run({"train", dir_.File("train.tsv"), "-o", dir_.File("m.bin"), "--ngrams", "3-1"}, &out), 64);
  EXPECT_NE(out.find("--ngrams"), std::string::npos) << out;
  EXPECT_EQ(Run({"train", dir_.File("train.tsv"), "-o", dir_.File("m.bin"), "-C", "lots"}, &out), 64);
  EXPECT_EQ(Run({"classify"}, &out, ""), 64);
  EXPECT_EQ(Run({"classify", "--model", "m.bin", "--plugin", "rules"}, &out, ""), 64);
}

TEST_F(ModelCommandsTest, ClassifyWithAPlugin) {
  std::string out;
  ASSERT_EQ(Run({"classify", "--plugin", "rules", "--config", "{axes: [doc_type]}"}, &out, "关于开展安全检查的通知\n"), 0) << out;
  EXPECT_EQ(out, "doc_type=通知\t0.90\n");
  EXPECT_EQ(Run({"classify", "--plugin", "rules", "--config", "{axes: [nope]}"}, &out, "x\n"), 1);
  EXPECT_NE(out.find("unknown axis 'nope'"), std::string::npos) << out;
}

}  // namespace
