// Internal: the binary solvers behind Train (white-box tested in tests/unit/plugins/linear).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::linear::internal {

// Rows of a sparse matrix (compressed sparse rows). Values are floats: features are normalised
// tf-idf weights, so single precision loses nothing that matters and halves the memory traffic.
struct SparseRows {
  std::vector<uint32_t> start{0};  // row r spans [start[r], start[r+1])
  std::vector<uint32_t> col;
  std::vector<float> val;
  uint32_t cols = 0;
  size_t rows() const { return start.size() - 1; }
};

struct DualCdOptions {
  double c = 1.0;
  double tolerance = 0.05;
  int max_iterations = 1000;
  uint64_t seed = 1;
};

// Solves  min_w ½‖w‖² + C Σ_i max(0, 1 − y_i (w·(s∘x_i) + b))²  over the rows `rows` of `x`
// (a subset, so cross-validation folds need no copy), by dual coordinate descent with shrinking.
// `y` holds ±1 per row of x; `scale` (may be null) multiplies feature j by scale[j]. The bias b is
// a regularised weight of a constant feature 1. Returns w (x.cols values) and b.
void SolveL2SvmDual(const SparseRows& x, const std::vector<uint32_t>& rows, const std::vector<int8_t>& y,
                    const float* scale, const DualCdOptions& options, std::vector<float>* w, float* b);

// Fits P(y = 1 | f) = 1 / (1 + exp(A f + B)) to decision values and 0/1 targets by the Newton
// method of Lin, Lin & Weng (2007), with Platt's smoothed targets. Returns A, B.
void FitPlatt(const std::vector<float>& f, const std::vector<uint8_t>& positive, float* a, float* b);

}  // namespace sluice::linear::internal
