#include "sluice/linear/dataset.h"

#include <gtest/gtest.h>

#include "test_env.h"

namespace sluice::linear {
namespace {

TEST(DatasetTest, ReadsTsvThucnewsAndFastTextLines) {
  sluice::testing::TempDir dir;
  const std::string path = dir.File("d.tsv");
  sluice::testing::WriteFile(path,
                             "\xEF\xBB\xBF词汇阅读是关键 08年考研暑期英语复习全指南\t3\r\n"
                             "\n"
                             "带\t制表符的文本\t安全稳定, 基础教育\n"
                             "__label__通知 __label__招生 关于做好招生工作的通知\n");
  std::vector<Example> ex;
  std::string error;
  ASSERT_TRUE(ReadDataset(path, &ex, &error)) << error;
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].text, "词汇阅读是关键 08年考研暑期英语复习全指南");
  EXPECT_EQ(ex[0].labels, std::vector<std::string>{"3"});
  EXPECT_EQ(ex[1].text, "带\t制表符的文本");
  EXPECT_EQ(ex[1].labels, (std::vector<std::string>{"安全稳定", "基础教育"}));
  EXPECT_EQ(ex[1].line, 3u);
  EXPECT_EQ(ex[2].labels, (std::vector<std::string>{"通知", "招生"}));
  EXPECT_EQ(ex[2].text, "关于做好招生工作的通知");
}

TEST(DatasetTest, ErrorsNameFileAndLine) {
  sluice::testing::TempDir dir;
  const std::string path = dir.File("bad.tsv");
  sluice::testing::WriteFile(path, "好\t1\n没有标签的一行\n");
  std::vector<Example> ex;
  std::string error;
  EXPECT_FALSE(ReadDataset(path, &ex, &error));
  EXPECT_EQ(error, path + ":2: no label (expected text<TAB>label, or __label__name text)");
  EXPECT_FALSE(ReadDataset(dir.File("missing.tsv"), &ex, &error));
  EXPECT_NE(error.find("missing.tsv: cannot open"), std::string::npos);
  sluice::testing::WriteFile(path, "\n\n");
  EXPECT_FALSE(ReadDataset(path, &ex, &error));
  EXPECT_NE(error.find("no examples"), std::string::npos);
}

}  // namespace
}  // namespace sluice::linear
