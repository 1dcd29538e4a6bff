// The quality bar of the linear classifier, measured as a user would: `sluice train` on
// THUCNews-title dev.txt, `sluice classify` on test.txt, scored by ../shared/tools/eval_cls.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "test_env.h"

namespace {

using namespace sluice::testing;

std::string Python() { return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

double JsonNumber(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\": ?([0-9.eE+-]+)"))) return -1;
  return std::stod(m[1]);
}

TEST(ThucnewsTest, LinearModelTrainedOnDevReaches0875OnTest) {
  const std::string shared = SharedDir();
  const std::string data = shared + "/data/cls/thucnews_title";
  if (shared.empty() || !std::filesystem::exists(data + "/dev.txt"))
    GTEST_SKIP() << "needs ../shared/data/cls/thucnews_title (evaluation data, not in the repo)";
  TempDir dir;
  std::string out;
  int rc = RunCommand({SluiceBin(), "train", "--axis", "news", data + "/dev.txt", "-o", dir.File("news.bin"), "--threads", "1"},
                      &out, std::chrono::seconds(240));
  ASSERT_EQ(rc, 0) << out;

  std::istringstream test(ReadFile(data + "/test.txt"));
  std::string line, titles;
  while (std::getline(test, line)) titles += line.substr(0, line.rfind('\t')) + "\n";
  std::string pred;
  rc = RunCommand({SluiceBin(), "classify", "--model", dir.File("news.bin")}, &pred, std::chrono::seconds(60), titles);
  ASSERT_EQ(rc, 0) << pred;
  WriteFile(dir.File("pred.txt"), pred);

  std::string json;
  rc = RunCommand({Python(), shared + "/tools/eval_cls.py", data + "/test.txt", dir.File("pred.txt"), "--json"}, &json);
  ASSERT_EQ(rc, 0) << json;
  const double accuracy = JsonNumber(json, "accuracy");
  std::printf("THUCNews-title test (trained on dev): accuracy %.4f, macro-F1 %.4f\n", accuracy, JsonNumber(json, "macro_F1"));
  EXPECT_GE(accuracy, 0.875) << json.substr(0, 300);

  // `sluice eval` computes the same numbers as eval_cls.py.
  std::string own;
  rc = RunCommand({SluiceBin(), "eval", "--model", dir.File("news.bin"), data + "/test.txt", "--json"}, &own);
  ASSERT_EQ(rc, 0) << own;
  EXPECT_NEAR(JsonNumber(own, "accuracy"), accuracy, 1e-6);
  EXPECT_NEAR(JsonNumber(own, "macro_F1"), JsonNumber(json, "macro_F1"), 1e-6);
}

}  // namespace
