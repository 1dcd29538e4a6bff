#include "sluice/linear/trainer.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::linear {
namespace {

// Synthetic "titles": each class has its own vocabulary of 2-character words plus shared noise.
std::vector<Example> Synthetic(size_t per_class, uint64_t seed, bool multi = false) {
  const std::vector<std::vector<std::string>> vocab = {
      {"招生", "录取", "考生", "高考", "志愿"}, {"资助", "助学", "贷款", "补助", "奖学"}, {"安全", "溺水", "消防", "应急", "防汛"}};
  const std::vector<std::string> labels = {"招生考试", "学生资助", "安全稳定"};
  const std::vector<std::string> noise = {"关于", "做好", "工作", "通知", "开展", "全市", "年度"};
  std::mt19937_64 rng(seed);
  std::vector<Example> out;
  for (size_t i = 0; i < per_class; ++i)
    for (size_t c = 0; c < labels.size(); ++c) {
      Example e;
      for (int k = 0; k < 5; ++k) {
        e.text += noise[rng() % noise.size()];
        if (k % 2 == 0) e.text += vocab[c][rng() % vocab[c].size()];
      }
      e.labels = {labels[c]};
      if (multi && c == 2 && i % 2 == 0) {
        e.text += vocab[1][rng() % 5];
        e.labels.push_back(labels[1]);
      }
      out.push_back(std::move(e));
    }
  return out;
}

TEST(TrainerTest, LearnsSeparableClassesWithCalibratedScores) {
  TrainOptions opt;
  opt.axis = "topic";
  TrainReport report;
  std::string error;
  auto model = Train(Synthetic(40, 1), opt, &report, &error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->labels(), (std::vector<std::string>{"学生资助", "安全稳定", "招生考试"}));  // byte order
  EXPECT_EQ(report.cv_scores.size(), opt.c_values.size());
  EXPECT_GT(report.cv_accuracy, 0.95);
  size_t right = 0;
  Prediction p;
  auto test = Synthetic(30, 2);
  for (const auto& e : test) {
    model->Predict(e.text, {}, &p);
    right += model->labels()[p.best] == e.labels[0];
    for (float s : p.probability) {
      EXPECT_GE(s, 0.0f);
      EXPECT_LE(s, 1.0f);
    }
    EXPECT_GT(p.probability[p.best], 0.5f);
  }
  EXPECT_GE(right, test.size() - 2);
}

TEST(TrainerTest, IsDeterministicForASeed) {
  TrainOptions opt;
  opt.c_values = {1};
  std::string error;
  auto a = Train(Synthetic(20, 1), opt, nullptr, &error);
  auto b = Train(Synthetic(20, 1), opt, nullptr, &error);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->data().weights, b->data().weights);
  EXPECT_EQ(a->data().platt_a, b->data().platt_a);
}

TEST(TrainerTest, MultiLabelExamplesMakeAMultiLabelModel) {
  TrainOptions opt;
  opt.c_values = {1};
  std::string error;
  auto model = Train(Synthetic(40, 4, true), opt, nullptr, &error);
  ASSERT_TRUE(model) << error;
  EXPECT_TRUE(model->multi_label());
  Prediction p;
  model->Predict("关于做好防汛安全工作和助学贷款工作的通知", {}, &p);
  auto decided = model->Decide(p);
  ASSERT_GE(decided.size(), 2u);
  std::vector<std::string> got;
  for (auto [c, s] : decided) got.push_back(model->labels()[c]);
  EXPECT_NE(std::find(got.begin(), got.end(), "安全稳定"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "学生资助"), got.end());
}

TEST(TrainerTest, WordNgramsFromSegmentedText) {
  TrainOptions opt;
  opt.c_values = {1};
  opt.features.word_min_n = 1;
  opt.features.word_max_n = 2;
  std::vector<Example> ex;
  for (const auto& e : Synthetic(20, 5)) {
    Example s = e;
    std::string spaced;
    for (size_t i = 0; i < e.text.size(); i += 6) spaced += e.text.substr(i, 6) + " ";  // 2-character words
    s.text = spaced;
    ex.push_back(s);
  }
  std::string error;
  auto with_words = Train(ex, opt, nullptr, &error);
  ASSERT_TRUE(with_words) << error;
  opt.features.word_min_n = opt.features.word_max_n = 0;
  auto chars_only = Train(ex, opt, nullptr, &error);
  EXPECT_GT(with_words->num_features(), chars_only->num_features());
  Prediction p;
  with_words->Predict("关于 做好 招生 工作", TextFeatures::SplitWords("关于 做好 招生 工作"), &p);
  EXPECT_EQ(with_words->labels()[p.best], "招生考试");
}

TEST(TrainerTest, RejectsUnusableInput) {
  std::string error;
  TrainOptions opt;
  EXPECT_FALSE(Train({}, opt, nullptr, &error));
  EXPECT_EQ(error, "no training examples");
  EXPECT_FALSE(Train({{"a", {"x"}}, {"b", {"x"}}}, opt, nullptr, &error));
  EXPECT_NE(error.find("at least two different labels"), std::string::npos);
  opt.c_values = {-1};
  EXPECT_FALSE(Train(Synthetic(5, 1), opt, nullptr, &error));
  opt.c_values = {1};
  opt.folds = 1;
  EXPECT_FALSE(Train(Synthetic(5, 1), opt, nullptr, &error));
}

}  // namespace
}  // namespace sluice::linear
