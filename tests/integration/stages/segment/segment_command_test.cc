// Tests `sluice segment` (stages/segment/src/segment_command.cc) as a user runs it: the real
// binary reading stdin, and the SIGHAN-2005 PKU test scored by shared/tools/score_cws.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "sluice/json.h"
#include "test_env.h"

namespace sluice {
namespace {

using sluice::testing::RunCommand;
using sluice::testing::SluiceBin;
using sluice::testing::TempDir;

// Shell-quotes a path (our temporary paths hold no quote). Built with += only: GCC 12 warns
// falsely (-Wrestrict) about "'" + std::string.
std::string Q(const std::string& s) {
  std::string r(1, '\'');
  r += s;
  r += '\'';
  return r;
}

bool HaveJieba() { return std::filesystem::exists("/usr/lib/python3/dist-packages/jieba/dict.txt"); }

// Runs `sluice segment ARGS < in > out` through the shell; returns the exit code, stderr in *err.
int Segment(const TempDir& dir, const std::string& input, const std::string& args, std::string* out, std::string* err) {
  sluice::testing::WriteFile(dir.File("in.txt"), input);
  std::string cmd = Q(SluiceBin());
  cmd += " segment ";
  cmd += args;
  cmd += " < " + Q(dir.File("in.txt"));
  cmd += " > " + Q(dir.File("out.txt"));
  cmd += " 2> " + Q(dir.File("err.txt"));
  std::string ignored;
  const int rc = RunCommand({"sh", "-c", cmd}, &ignored);
  *out = sluice::testing::ReadFile(dir.File("out.txt"));
  *err = sluice::testing::ReadFile(dir.File("err.txt"));
  return rc;
}

TEST(SegmentCommandTest, OneOutputLinePerInputLine) {
  if (!HaveJieba()) GTEST_SKIP() << "python3-jieba is not installed";
  TempDir dir;
  std::string out, err;
  ASSERT_EQ(Segment(dir, "我来到北京清华大学\r\n\r\n落实双减政策\r\nlast line without newline", "", &out, &err), 0) << err;
  EXPECT_EQ(out, "我 来到 北京 清华大学\n\n落实 双减 政策\nlast line without newline\n");
}

TEST(SegmentCommandTest, OptionsAndBadInput) {
  if (!HaveJieba()) GTEST_SKIP() << "python3-jieba is not installed";
  TempDir dir;
  std::string out, err;
  sluice::testing::WriteFile(dir.File("user.txt"), "北京清华 100000\n");
  ASSERT_EQ(Segment(dir, "我来到北京清华大学\n", "--user-dict " + dir.File("user.txt") + " --no-hmm", &out, &err), 0) << err;
  EXPECT_EQ(out, "我 来到 北京清华 大学\n");

  ASSERT_EQ(Segment(dir, "中文\xFF\xFE好\x01\n", "--kinds", &out, &err), 0) << err;
  EXPECT_EQ(out, "中文/word 好/word\n");
  EXPECT_NE(err.find("skipped 2 bytes that are not UTF-8"), std::string::npos) << err;

  EXPECT_EQ(Segment(dir, "x\n", "--dict /nonexistent/dict.txt", &out, &err), 1);
  EXPECT_NE(err.find("/nonexistent/dict.txt"), std::string::npos) << err;
  EXPECT_NE(Segment(dir, "x\n", "--hmm sometimes", &out, &err), 0);
}

TEST(SegmentCommandTest, PkuF1AtLeast086) {
  const std::string shared = sluice::testing::SharedDir();
  const std::string pku = shared + "/data/cws/pku";
  if (shared.empty() || !std::filesystem::exists(pku + "/test.utf8")) {
    GTEST_SKIP() << "../shared/data/cws/pku is not here (evaluation data, not shipped)";
  }
  if (!HaveJieba()) GTEST_SKIP() << "python3-jieba is not installed";
  TempDir dir;
  std::string ignored;
  std::string seg = Q(SluiceBin());
  seg += " segment --stats < " + Q(pku + "/test.utf8");
  seg += " > " + Q(dir.File("out.txt"));
  ASSERT_EQ(RunCommand({"sh", "-c", seg}, &ignored), 0) << ignored;
  std::cerr << ignored;
  std::string json;
  ASSERT_EQ(RunCommand({"python3", shared + "/tools/score_cws.py", pku + "/gold.utf8", dir.File("out.txt"), "--train-words",
                        pku + "/training_words.utf8", "--json"},
                       &json),
            0)
      << json;
  Json result;
  ASSERT_TRUE(Json::Parse(json, &result).ok()) << json;
  const double f1 = result["F1"].AsDouble();
  std::cerr << "PKU: F1 " << f1 << " P " << result["P"].AsDouble() << " R " << result["R"].AsDouble() << " OOV-R "
            << result["oov_recall"].AsDouble() << "\n";
  EXPECT_GE(f1, 0.86);
  EXPECT_EQ(result["lines"].AsInt(), 1944);
  EXPECT_EQ(result["fallback_lines"].AsInt(), 0);  // every character kept
}

}  // namespace
}  // namespace sluice
