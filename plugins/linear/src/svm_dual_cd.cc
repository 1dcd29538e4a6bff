#include "svm_dual_cd.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace sluice::linear::internal {

void SolveL2SvmDual(const SparseRows& x, const std::vector<uint32_t>& rows, const std::vector<int8_t>& y,
                    const float* scale, const DualCdOptions& opt, std::vector<float>* w_out, float* b_out) {
  const size_t l = rows.size();
  const double diag = 0.5 / opt.c;  // squared hinge: D_ii = 1/(2C), no upper bound on alpha
  std::vector<double> w(x.cols, 0.0);
  double b = 0;
  std::vector<double> alpha(l, 0.0), qd(l);
  std::vector<uint32_t> index(l);
  for (size_t k = 0; k < l; ++k) {
    const uint32_t r = rows[k];
    double q = diag + 1.0;  // + the bias feature
    for (uint32_t p = x.start[r]; p < x.start[r + 1]; ++p) {
      double v = x.val[p] * (scale ? scale[x.col[p]] : 1.0f);
      q += v * v;
    }
    qd[k] = q;
    index[k] = uint32_t(k);
  }
  std::mt19937_64 rng(opt.seed);
  const double inf = std::numeric_limits<double>::infinity();
  double pg_max_old = inf;  // no upper bound on alpha, so only the lower bound shrinks
  size_t active = l;
  for (int iter = 0; iter < opt.max_iterations; ++iter) {
    double pg_max = -inf, pg_min = inf;
    for (size_t i = 0; i < active; ++i) std::swap(index[i], index[i + rng() % (active - i)]);
    for (size_t s = 0; s < active; ++s) {
      const uint32_t k = index[s];
      const uint32_t r = rows[k];
      const int yi = y[r];
      double g = b;
      for (uint32_t p = x.start[r]; p < x.start[r + 1]; ++p)
        g += w[x.col[p]] * x.val[p] * (scale ? scale[x.col[p]] : 1.0f);
      g = g * yi - 1 + alpha[k] * diag;
      double pg = 0;
      if (alpha[k] == 0) {
        if (g > pg_max_old) {  // shrink: at the bound and likely to stay there
          --active;
          std::swap(index[s], index[active]);
          --s;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      pg_max = std::max(pg_max, pg);
      pg_min = std::min(pg_min, pg);
      if (std::fabs(pg) > 1e-12) {
        const double old = alpha[k];
        alpha[k] = std::max(old - g / qd[k], 0.0);
        const double d = (alpha[k] - old) * yi;
        for (uint32_t p = x.start[r]; p < x.start[r + 1]; ++p)
          w[x.col[p]] += d * x.val[p] * (scale ? scale[x.col[p]] : 1.0f);
        b += d;
      }
    }
    if (pg_max - pg_min <= opt.tolerance) {
      if (active == l) break;
      active = l;  // converged on the shrunk set: check everything once more
      pg_max_old = inf;
      continue;
    }
    pg_max_old = pg_max <= 0 ? inf : pg_max;
  }
  w_out->assign(w.begin(), w.end());
  *b_out = float(b);
}

void FitPlatt(const std::vector<float>& f, const std::vector<uint8_t>& positive, float* a_out, float* b_out) {
  const size_t n = f.size();
  double prior1 = 0;
  for (uint8_t p : positive) prior1 += p ? 1 : 0;
  const double prior0 = double(n) - prior1;
  const double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  std::vector<double> t(n);
  for (size_t i = 0; i < n; ++i) t[i] = positive[i] ? hi : lo;
  double a = 0, b = std::log((prior0 + 1) / (prior1 + 1));
  auto objective = [&](double aa, double bb) {
    double v = 0;
    for (size_t i = 0; i < n; ++i) {
      double z = f[i] * aa + bb;
      v += z >= 0 ? t[i] * z + std::log1p(std::exp(-z)) : (t[i] - 1) * z + std::log1p(std::exp(z));
    }
    return v;
  };
  double fval = objective(a, b);
  const double sigma = 1e-12;
  for (int it = 0; it < 100; ++it) {
    double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
    for (size_t i = 0; i < n; ++i) {
      double z = f[i] * a + b;
      double p, q;
      if (z >= 0) {
        double e = std::exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        double e = std::exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      double d2 = p * q, d1 = t[i] - p;
      h11 += f[i] * f[i] * d2;
      h22 += d2;
      h21 += f[i] * d2;
      g1 += f[i] * d1;
      g2 += d1;
    }
    if (std::fabs(g1) < 1e-5 && std::fabs(g2) < 1e-5) break;
    double det = h11 * h22 - h21 * h21;
    double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
    double gd = g1 * da + g2 * db;
    double step = 1;
    while (step >= 1e-10) {
      double na = a + step * da, nb = b + step * db;
      double nf = objective(na, nb);
      if (nf < fval + 1e-4 * step * gd) {
        a = na;
        b = nb;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;  // line search failed: keep the best so far
  }
  *a_out = float(a);
  *b_out = float(b);
}

}  // namespace sluice::linear::internal
