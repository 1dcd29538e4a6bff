#include "sluice/linear/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>
#include <thread>

#include "svm_dual_cd.h"

namespace sluice::linear {

namespace {

using internal::SparseRows;

// Numbers sort as numbers ("2" < "10"), then everything else as bytes — the order eval_cls.py
// prints classes in.
bool LabelLess(const std::string& a, const std::string& b) {
  auto numeric = [](const std::string& s) {
    return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  bool na = numeric(a), nb = numeric(b);
  if (na != nb) return na;
  if (na) return std::stol(a) < std::stol(b);
  return a < b;
}

// Runs fn(0) … fn(n-1) on `threads` threads.
template <class Fn>
void ParallelFor(int threads, size_t n, Fn fn) {
  if (threads <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads && size_t(t) < n; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  for (auto& th : pool) th.join();
}

// What one training set (a fold, or everything) contributes independent of C.
struct Prepared {
  std::vector<uint32_t> train;         // rows used for fitting
  std::vector<uint64_t> keys;          // vocabulary, ascending
  std::vector<float> idf;
  SparseRows x;                        // every example in this vocabulary, L2-normalised tf-idf
  std::vector<std::vector<float>> nb;  // per class: log-count ratio per feature (empty without NB)
};

struct Fitted {
  std::vector<float> weights;  // cols × K
  std::vector<float> bias;     // K
};

class TrainerImpl {
 public:
  TrainerImpl(const std::vector<Example>& ex, const TrainOptions& opt) : ex_(ex), opt_(opt), extractor_(opt.features) {}

  std::unique_ptr<LinearModel> Run(TrainReport* report, std::string* error);

 private:
  void Log(const std::string& s) {
    if (opt_.progress) opt_.progress(s);
  }
  Prepared Prepare(std::vector<uint32_t> train) const;
  Fitted Fit(const Prepared& p, double c) const;
  void Margins(const Prepared& p, const Fitted& f, uint32_t row, float* out) const;
  double Score(const std::vector<float>& margins) const;

  const std::vector<Example>& ex_;
  const TrainOptions& opt_;
  TextFeatures extractor_;
  std::vector<std::string> labels_;
  std::vector<std::vector<uint32_t>> y_;   // class ids per example
  std::vector<std::vector<int8_t>> sign_;  // per class: ±1 per example
  std::vector<std::vector<HashedFeature>> feats_;
  bool multi_ = false;
  size_t k_ = 0;
};

Prepared TrainerImpl::Prepare(std::vector<uint32_t> train) const {
  Prepared p;
  p.train = std::move(train);
  std::vector<uint64_t> all;
  for (uint32_t i : p.train)
    for (const HashedFeature& f : feats_[i]) all.push_back(f.hash);
  std::sort(all.begin(), all.end());
  std::vector<uint32_t> df;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    if (j - i >= opt_.min_df) {
      p.keys.push_back(all[i]);
      df.push_back(uint32_t(j - i));
    }
    i = j;
  }
  const double n = double(p.train.size());
  p.idf.resize(p.keys.size());
  for (size_t j = 0; j < p.keys.size(); ++j) p.idf[j] = float(std::log((1 + n) / (1 + df[j])) + 1);

  p.x.cols = uint32_t(p.keys.size());
  for (const auto& fs : feats_) {
    const size_t row_begin = p.x.col.size();
    double norm2 = 0;
    for (const HashedFeature& f : fs) {
      auto it = std::lower_bound(p.keys.begin(), p.keys.end(), f.hash);
      if (it == p.keys.end() || *it != f.hash) continue;
      uint32_t c = uint32_t(it - p.keys.begin());
      float v = (1.0f + std::log(float(f.count))) * p.idf[c];
      p.x.col.push_back(c);
      p.x.val.push_back(v);
      norm2 += double(v) * v;
    }
    if (norm2 > 0) {
      float inv = float(1 / std::sqrt(norm2));
      for (size_t q = row_begin; q < p.x.val.size(); ++q) p.x.val[q] *= inv;
    }
    p.x.start.push_back(uint32_t(p.x.col.size()));
  }

  if (opt_.nb_svm) {
    p.nb.resize(k_);
    for (size_t c = 0; c < k_; ++c) {
      std::vector<double> pos(p.keys.size(), opt_.nb_alpha), neg(p.keys.size(), opt_.nb_alpha);
      for (uint32_t r : p.train) {
        auto& target = sign_[c][r] > 0 ? pos : neg;
        for (uint32_t q = p.x.start[r]; q < p.x.start[r + 1]; ++q) target[p.x.col[q]] += 1;
      }
      double sp = std::accumulate(pos.begin(), pos.end(), 0.0), sn = std::accumulate(neg.begin(), neg.end(), 0.0);
      p.nb[c].resize(p.keys.size());
      for (size_t j = 0; j < p.keys.size(); ++j) p.nb[c][j] = float(std::log((pos[j] / sp) / (neg[j] / sn)));
    }
  }
  return p;
}

Fitted TrainerImpl::Fit(const Prepared& p, double c) const {
  Fitted f;
  const size_t cols = p.keys.size();
  f.weights.assign(cols * k_, 0.0f);
  f.bias.assign(k_, 0.0f);
  internal::DualCdOptions o;
  o.c = c;
  o.tolerance = opt_.tolerance;
  o.max_iterations = opt_.max_iterations;
  ParallelFor(opt_.threads, k_, [&](size_t cls) {
    std::vector<float> w;
    float b = 0;
    internal::DualCdOptions oc = o;
    oc.seed = opt_.seed * 1000003 + cls;
    internal::SolveL2SvmDual(p.x, p.train, sign_[cls], nullptr, oc, &w, &b);
    float bias = b;
    for (size_t j = 0; j < cols; ++j) f.weights[j * k_ + cls] = w[j];
    if (opt_.nb_svm) {
      internal::SolveL2SvmDual(p.x, p.train, sign_[cls], p.nb[cls].data(), oc, &w, &b);
      bias += b;
      for (size_t j = 0; j < cols; ++j) f.weights[j * k_ + cls] += p.nb[cls][j] * w[j];
    }
    f.bias[cls] = bias;
  });
  return f;
}

void TrainerImpl::Margins(const Prepared& p, const Fitted& f, uint32_t row, float* out) const {
  for (size_t c = 0; c < k_; ++c) out[c] = f.bias[c];
  for (uint32_t q = p.x.start[row]; q < p.x.start[row + 1]; ++q) {
    const float v = p.x.val[q];
    const float* w = f.weights.data() + size_t(p.x.col[q]) * k_;
    for (size_t c = 0; c < k_; ++c) out[c] += v * w[c];
  }
}

// Accuracy of the largest margin (single-label), or micro-F1 of "margin > 0, at least the best"
// (multi-label), over all examples' out-of-fold margins.
double TrainerImpl::Score(const std::vector<float>& m) const {
  const size_t n = ex_.size();
  if (!multi_) {
    size_t right = 0;
    for (size_t i = 0; i < n; ++i) {
      const float* r = m.data() + i * k_;
      size_t best = std::max_element(r, r + k_) - r;
      right += y_[i][0] == best;
    }
    return double(right) / n;
  }
  double tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* r = m.data() + i * k_;
    size_t best = std::max_element(r, r + k_) - r;
    for (size_t c = 0; c < k_; ++c) {
      bool pred = c == best || r[c] > 0;
      bool gold = std::find(y_[i].begin(), y_[i].end(), c) != y_[i].end();
      tp += pred && gold;
      fp += pred && !gold;
      fn += !pred && gold;
    }
  }
  return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
}

std::unique_ptr<LinearModel> TrainerImpl::Run(TrainReport* report, std::string* error) {
  const auto t0 = std::chrono::steady_clock::now();
  if (ex_.empty()) {
    *error = "no training examples";
    return nullptr;
  }
  if (opt_.c_values.empty() || std::any_of(opt_.c_values.begin(), opt_.c_values.end(), [](double c) { return !(c > 0); })) {
    *error = "C must be a positive number";
    return nullptr;
  }
  if (opt_.folds < 2) {
    *error = "calibration needs at least 2 cross-validation folds";
    return nullptr;
  }
  std::map<std::string, uint32_t> ids;
  for (const Example& e : ex_) {
    if (e.labels.empty()) {
      *error = "example at line " + std::to_string(e.line) + " has no label";
      return nullptr;
    }
    multi_ = multi_ || e.labels.size() > 1;
    for (const auto& l : e.labels) ids.emplace(l, 0);
  }
  multi_ = multi_ || opt_.multi_label;
  for (const auto& [l, _] : ids) labels_.push_back(l);
  std::sort(labels_.begin(), labels_.end(), LabelLess);
  for (uint32_t i = 0; i < labels_.size(); ++i) ids[labels_[i]] = i;
  k_ = labels_.size();
  if (k_ < 2) {
    *error = "training needs at least two different labels, the data has only \"" + labels_[0] + "\"";
    return nullptr;
  }
  const size_t n = ex_.size();
  y_.resize(n);
  sign_.assign(k_, std::vector<int8_t>(n, -1));
  feats_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& l : ex_[i].labels) {
      uint32_t c = ids[l];
      if (std::find(y_[i].begin(), y_[i].end(), c) == y_[i].end()) y_[i].push_back(c);
      sign_[c][i] = 1;
    }
    // Word features need words: training text is taken as segmented (space-separated).
    const bool words = opt_.features.word_min_n > 0;
    extractor_.Extract(ex_[i].text, words ? TextFeatures::SplitWords(ex_[i].text) : std::vector<std::string_view>{}, &feats_[i]);
  }
  Log("examples " + std::to_string(n) + ", labels " + std::to_string(k_) + (multi_ ? " (multi-label)" : ""));

  // Stratified folds: each class's examples (by first label) dealt round-robin after a shuffle.
  std::vector<uint32_t> fold(n);
  {
    std::vector<std::vector<uint32_t>> by_class(k_);
    for (uint32_t i = 0; i < n; ++i) by_class[y_[i][0]].push_back(i);
    std::mt19937_64 rng(opt_.seed);
    size_t next = 0;
    for (auto& members : by_class) {
      std::shuffle(members.begin(), members.end(), rng);
      for (uint32_t i : members) fold[i] = uint32_t(next++ % opt_.folds);
    }
  }
  std::vector<Prepared> folds;
  for (int f = 0; f < opt_.folds; ++f) {
    std::vector<uint32_t> train;
    for (uint32_t i = 0; i < n; ++i)
      if (fold[i] != uint32_t(f)) train.push_back(i);
    folds.push_back(Prepare(std::move(train)));
  }

  double best_c = opt_.c_values[0], best_score = -1;
  std::vector<float> best_margins;
  for (double c : opt_.c_values) {
    std::vector<float> margins(n * k_);
    for (int f = 0; f < opt_.folds; ++f) {
      Fitted fit = Fit(folds[f], c);
      for (uint32_t i = 0; i < n; ++i)
        if (fold[i] == uint32_t(f)) Margins(folds[f], fit, i, margins.data() + size_t(i) * k_);
    }
    double s = Score(margins);
    report->cv_scores.emplace_back(c, s);
    char line[128];
    std::snprintf(line, sizeof line, "C=%g: %d-fold %s %.4f", c, opt_.folds, multi_ ? "micro-F1" : "accuracy", s);
    Log(line);
    if (s > best_score + 1e-9) {
      best_score = s;
      best_c = c;
      best_margins = std::move(margins);
    }
  }
  folds.clear();

  ModelData d;
  d.features = opt_.features;
  d.axis = opt_.axis;
  d.multi_label = multi_;
  d.threshold = opt_.threshold;
  d.labels = labels_;
  d.platt_a.resize(k_);
  d.platt_b.resize(k_);
  ParallelFor(opt_.threads, k_, [&](size_t c) {
    std::vector<float> f(n);
    std::vector<uint8_t> pos(n);
    for (size_t i = 0; i < n; ++i) {
      f[i] = best_margins[i * k_ + c];
      pos[i] = sign_[c][i] > 0;
    }
    internal::FitPlatt(f, pos, &d.platt_a[c], &d.platt_b[c]);
  });

  std::vector<uint32_t> everything(n);
  std::iota(everything.begin(), everything.end(), 0);
  Prepared all = Prepare(std::move(everything));
  Fitted fit = Fit(all, best_c);
  d.keys = std::move(all.keys);
  d.idf = std::move(all.idf);
  d.weights = std::move(fit.weights);
  d.bias = std::move(fit.bias);

  report->c = best_c;
  report->cv_accuracy = best_score;
  report->examples = n;
  report->features = d.keys.size();
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char info[512];
  std::snprintf(info, sizeof info,
                "{\"trainer\":\"sluice train\",\"examples\":%zu,\"labels\":%zu,\"multi_label\":%s,\"c\":%g,\"folds\":%d,"
                "\"cv_%s\":%.4f,\"nb_svm\":%s,\"min_df\":%u,\"features\":%zu}",
                n, k_, multi_ ? "true" : "false", best_c, opt_.folds, multi_ ? "micro_f1" : "accuracy", best_score,
                opt_.nb_svm ? "true" : "false", opt_.min_df, d.keys.size());
  d.info = info;
  return LinearModel::FromData(std::move(d), error);
}

}  // namespace

std::unique_ptr<LinearModel> Train(const std::vector<Example>& examples, const TrainOptions& options, TrainReport* report,
                                   std::string* error) {
  TrainReport local;
  std::string err;
  TrainerImpl impl(examples, options);
  auto model = impl.Run(report ? report : &local, error ? error : &err);
  return model;
}

}  // namespace sluice::linear
