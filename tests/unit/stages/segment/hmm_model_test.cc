// Tests stages/segment/src/hmm_model.cc: parsing jieba's finalseg files and Viterbi.
#include "sluice/segment/hmm_model.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_env.h"
#include "toy_hmm.h"

namespace sluice::segment {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WriteFile;

// A tiny model: 甲 begins words, 乙 ends them, 丙 stands alone (escapes and both quote styles).
void WriteToyModel(const TempDir& dir) {
  WriteToyHmm(dir,
              "{'B': {'\\u7532': -0.1, '乙': -9.0, '丙': -9.0},\n"
              " 'E': {'\\u4e59': -0.1, '甲': -9.0, '丙': -9.0},\n"
              " 'M': {'甲': -9.0},\n"
              " 'S': {'丙': -0.1, '甲': -9.0, \"乙\": -9.0}}");
}

TEST(HmmModelTest, ParsesAndCuts) {
  TempDir dir;
  WriteToyModel(dir);
  std::shared_ptr<const HmmModel> model;
  Status st = HmmModel::Load(dir.path(), &model);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(model->emission_count(), 3u);
  const std::u32string text = U"甲乙丙甲乙";
  std::vector<uint32_t> lengths;
  model->Cut(text.data(), text.size(), &lengths);
  EXPECT_EQ(lengths, (std::vector<uint32_t>{2, 1, 2}));
  lengths.clear();
  model->Cut(text.data(), 1, &lengths);
  EXPECT_EQ(lengths, (std::vector<uint32_t>{1}));
  // A word of the shape the model likes scores higher than the same characters apart.
  const std::u32string w = U"甲乙";
  EXPECT_GT(model->WordScore(w.data(), 2), model->WordScore(w.data(), 1) + model->WordScore(w.data() + 1, 1));
}

TEST(HmmModelTest, ReportsMissingAndBrokenFiles) {
  TempDir dir;
  std::shared_ptr<const HmmModel> model;
  Status st = HmmModel::Load(dir.path(), &model);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  WriteToyModel(dir);
  WriteFile(dir.File("prob_trans.py"), "P={'B': {'E': -0.5, 'M': }\n");
  st = HmmModel::Load(dir.path(), &model);
  EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("prob_trans.py"), std::string::npos) << st.message();
  WriteToyModel(dir);
  WriteFile(dir.File("prob_start.py"), "P={'B': -0.5}\n");
  st = HmmModel::Load(dir.path(), &model);
  EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
  EXPECT_EQ(model, nullptr);
}

TEST(HmmModelTest, LoadsJiebaFinalseg) {
  const std::string dir = "/usr/lib/python3/dist-packages/jieba/finalseg";
  if (!std::filesystem::exists(dir + "/prob_emit.py")) GTEST_SKIP() << "python3-jieba is not installed";
  std::shared_ptr<const HmmModel> model;
  Status st = HmmModel::Load(dir, &model);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(model->emission_count(), 5000u);
  // 论 ends words far more often than it stands alone; 会 often stands alone.
  const std::u32string lun = U"论";
  const std::u32string yilun = U"议论";
  EXPECT_GT(model->WordScore(yilun.data(), 2), model->WordScore(yilun.data(), 1) + model->WordScore(lun.data(), 1));
}

}  // namespace
}  // namespace sluice::segment
