// White-box tests of the binary solvers behind Train.
#include "svm_dual_cd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace sluice::linear::internal {
namespace {

// Two Gaussian blobs in 2-D, as sparse rows.
SparseRows Blobs(size_t n, std::vector<int8_t>* y, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0, 0.3f);
  SparseRows x;
  x.cols = 2;
  for (size_t i = 0; i < n; ++i) {
    int8_t label = i % 2 ? 1 : -1;
    y->push_back(label);
    x.col.push_back(0);
    x.val.push_back(label + noise(rng));
    x.col.push_back(1);
    x.val.push_back(noise(rng));
    x.start.push_back(uint32_t(x.col.size()));
  }
  return x;
}

TEST(SvmDualCdTest, SeparatesSeparableData) {
  std::vector<int8_t> y;
  SparseRows x = Blobs(400, &y, 3);
  std::vector<uint32_t> rows(x.rows());
  for (uint32_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::vector<float> w;
  float b = 0;
  SolveL2SvmDual(x, rows, y, nullptr, DualCdOptions{}, &w, &b);
  size_t right = 0;
  for (uint32_t r = 0; r < x.rows(); ++r) {
    float m = b;
    for (uint32_t p = x.start[r]; p < x.start[r + 1]; ++p) m += w[x.col[p]] * x.val[p];
    right += (m > 0) == (y[r] > 0);
  }
  EXPECT_GE(right, 396u);
  EXPECT_GT(w[0], 5 * std::fabs(w[1]));  // the informative feature dominates
}

TEST(SvmDualCdTest, ScaleActsAsFeatureWeights) {
  std::vector<int8_t> y;
  SparseRows x = Blobs(200, &y, 5);
  std::vector<uint32_t> rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> w1, w2;
  float b1, b2;
  const float scale[2] = {2.0f, 2.0f};
  DualCdOptions o;
  o.tolerance = 1e-6;
  SolveL2SvmDual(x, rows, y, scale, o, &w1, &b1);
  // scale = 2 is exactly the problem whose features are doubled.
  for (uint32_t p = 0; p < x.val.size(); ++p) x.val[p] *= 2;
  SolveL2SvmDual(x, rows, y, nullptr, o, &w2, &b2);
  EXPECT_NEAR(w1[0], w2[0], 1e-3);
  EXPECT_NEAR(b1, b2, 1e-3);
}

TEST(SvmDualCdTest, PlattFitsAMonotoneCalibration) {
  std::mt19937 rng(1);
  std::vector<float> f;
  std::vector<uint8_t> pos;
  // P(y=1 | f) = sigmoid(2 f): sample labels from it and recover A ≈ -2, B ≈ 0.
  for (int i = 0; i < 20000; ++i) {
    float v = std::uniform_real_distribution<float>(-3, 3)(rng);
    f.push_back(v);
    pos.push_back(std::uniform_real_distribution<float>(0, 1)(rng) < 1 / (1 + std::exp(-2 * v)));
  }
  float a, b;
  FitPlatt(f, pos, &a, &b);
  EXPECT_NEAR(a, -2.0f, 0.15f);
  EXPECT_NEAR(b, 0.0f, 0.1f);
}

}  // namespace
}  // namespace sluice::linear::internal
