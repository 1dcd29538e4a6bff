#include "sluice/linear/linear_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_env.h"

namespace sluice::linear {
namespace {

using sluice::testing::ReadFile;
using sluice::testing::TempDir;
using sluice::testing::WriteFile;

// A hand-made model: 通 votes for "通知", 示 for "公示".
ModelData TwoClassData() {
  ModelData d;
  d.features.char_min_n = d.features.char_max_n = 1;
  d.features.boundary_marks = false;
  d.axis = "doc_type";
  d.labels = {"通知", "公示"};
  d.bias = {0, 0};
  d.platt_a = {-4, -4};
  d.platt_b = {0, 0};
  std::vector<HashedFeature> f;
  TextFeatures(d.features).Extract("通示", {}, &f);
  uint64_t h_tong = 0, h_shi = 0;
  std::vector<HashedFeature> one;
  TextFeatures(d.features).Extract("通", {}, &one);
  h_tong = one[0].hash;
  TextFeatures(d.features).Extract("示", {}, &one);
  h_shi = one[0].hash;
  d.keys = {std::min(h_tong, h_shi), std::max(h_tong, h_shi)};
  d.idf = {1, 1};
  auto row = [&](uint64_t h) { return h == d.keys[0] ? 0 : 1; };
  d.weights.assign(4, -1);
  d.weights[row(h_tong) * 2 + 0] = 1;
  d.weights[row(h_shi) * 2 + 1] = 1;
  d.info = "{}";
  return d;
}

TEST(LinearModelTest, PredictsAndCalibrates) {
  std::string error;
  auto m = LinearModel::FromData(TwoClassData(), &error);
  ASSERT_TRUE(m) << error;
  Prediction p;
  m->Predict("关于…的通知", {}, &p);
  EXPECT_EQ(m->labels()[p.best], "通知");
  EXPECT_EQ(p.known_features, 1u);
  EXPECT_NEAR(p.margin[0], 1.0f, 1e-6);
  EXPECT_NEAR(p.probability[0], 1 / (1 + std::exp(-4.0f)), 1e-6);
  m->Predict("名单公示", {}, &p);
  EXPECT_EQ(m->labels()[p.best], "公示");
  m->Predict("毫无关系", {}, &p);
  EXPECT_EQ(p.known_features, 0u);
  EXPECT_EQ(m->Decide(p).size(), 1u);  // single-label: exactly one
}

TEST(LinearModelTest, SavesAndLoadsBitForBit) {
  TempDir dir;
  std::string error;
  auto m = LinearModel::FromData(TwoClassData(), &error);
  ASSERT_TRUE(m->Save(dir.File("m.bin"), &error)) << error;
  auto back = LinearModel::Load(dir.File("m.bin"), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->labels(), m->labels());
  EXPECT_EQ(back->axis(), "doc_type");
  EXPECT_EQ(back->data().weights, m->data().weights);
  EXPECT_EQ(back->data().keys, m->data().keys);
  EXPECT_EQ(back->data().features.boundary_marks, false);
  ASSERT_TRUE(back->Save(dir.File("again.bin"), &error));
  EXPECT_EQ(ReadFile(dir.File("m.bin")), ReadFile(dir.File("again.bin")));
}

TEST(LinearModelTest, BadFilesGiveClearErrorsNamingTheFile) {
  TempDir dir;
  std::string error;
  auto m = LinearModel::FromData(TwoClassData(), &error);
  const std::string good = dir.File("m.bin");
  ASSERT_TRUE(m->Save(good, &error));
  const std::string bytes = ReadFile(good);

  EXPECT_FALSE(LinearModel::Load(dir.File("missing.bin"), &error));
  EXPECT_EQ(error, dir.File("missing.bin") + ": model file does not exist");

  WriteFile(dir.File("text.bin"), "hello, I am not a model");
  EXPECT_FALSE(LinearModel::Load(dir.File("text.bin"), &error));
  EXPECT_NE(error.find("text.bin: not a sluice linear model"), std::string::npos) << error;

  std::string v2 = bytes;
  v2[8] = 2;
  WriteFile(dir.File("v2.bin"), v2);
  EXPECT_FALSE(LinearModel::Load(dir.File("v2.bin"), &error));
  EXPECT_NE(error.find("v2.bin: model format version 2, this sluice reads version 1"), std::string::npos) << error;

  for (size_t cut : {size_t(10), size_t(40), bytes.size() / 2, bytes.size() - 9, bytes.size() - 1}) {
    WriteFile(dir.File("cut.bin"), bytes.substr(0, cut));
    EXPECT_FALSE(LinearModel::Load(dir.File("cut.bin"), &error)) << cut;
    EXPECT_NE(error.find("cut.bin: "), std::string::npos) << error;
    EXPECT_TRUE(error.find("truncated") != std::string::npos || error.find("corrupt") != std::string::npos) << error;
  }

  std::string flipped = bytes;
  flipped[bytes.size() - 20] ^= 0x40;  // inside the weights
  WriteFile(dir.File("flip.bin"), flipped);
  EXPECT_FALSE(LinearModel::Load(dir.File("flip.bin"), &error));
  EXPECT_NE(error.find("checksum"), std::string::npos) << error;

  EXPECT_FALSE(LinearModel::Load(dir.path(), &error));
  EXPECT_NE(error.find("is a directory"), std::string::npos);
}

TEST(LinearModelTest, RejectsInconsistentParts) {
  std::string error;
  ModelData d = TwoClassData();
  d.weights.pop_back();
  EXPECT_FALSE(LinearModel::FromData(d, &error));
  EXPECT_NE(error.find("weight matrix"), std::string::npos);
  d = TwoClassData();
  std::swap(d.keys[0], d.keys[1]);
  EXPECT_FALSE(LinearModel::FromData(d, &error));
  d = TwoClassData();
  d.labels.clear();
  EXPECT_FALSE(LinearModel::FromData(d, &error));
}

}  // namespace
}  // namespace sluice::linear
