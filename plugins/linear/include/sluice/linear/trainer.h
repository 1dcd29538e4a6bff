// Train: fits a LinearModel to labelled examples.
//
// The model is the sum of two one-vs-rest L2-regularised, squared-hinge linear SVMs over the
// same features (sublinear tf · idf, L2-normalised, see linear_model.h): a plain one, and one
// whose features are scaled per class by the naive-Bayes log-count ratio r_c (Wang & Manning's
// NB-SVM). Both are linear in x, so their sum folds into one weight row per feature
// (w = w_svm + r ∘ w_nbsvm) and prediction costs the same as a single model. Each SVM is solved
// in the dual by coordinate descent (Hsieh et al. 2008, as liblinear's L2R_L2LOSS_SVC_DUAL, bias
// as a regularised constant feature).
//
// C is chosen by stratified k-fold cross-validation over `c_values` on the training examples
// alone; the out-of-fold margins of the chosen C then fit one Platt sigmoid per class, which is
// what makes the model's scores calibrated probabilities. Deterministic for a given seed.
//
// Thread safety: Train is reentrant; it runs `threads` worker threads of its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sluice/linear/dataset.h"
#include "sluice/linear/linear_model.h"

namespace sluice::linear {

struct TrainOptions {
  FeatureOptions features;
  std::string axis = "topic";
  bool multi_label = false;              // also implied when any example has several labels
  float threshold = 0.5f;                // stored in the model for multi-label decisions
  std::vector<double> c_values = {0.5, 1, 2, 4};  // one value: no search
  int folds = 5;                         // cross-validation folds (≥ 2) for C and calibration
  bool nb_svm = true;                    // add the NB-weighted SVM
  double nb_alpha = 1.0;                 // Laplace smoothing of the NB counts
  double tolerance = 0.05;               // dual CD stopping tolerance (projected-gradient gap)
  int max_iterations = 1000;             // passes over the data per SVM
  uint32_t min_df = 1;                   // drop n-grams seen in fewer training documents
  uint64_t seed = 1;
  int threads = 1;
  std::function<void(const std::string&)> progress;  // one line per step, for the CLI
};

struct TrainReport {
  double c = 0;                          // the C that was chosen
  std::vector<std::pair<double, double>> cv_scores;  // (C, out-of-fold accuracy or micro-F1)
  double cv_accuracy = 0;                // of the chosen C
  size_t examples = 0;
  size_t features = 0;
  double seconds = 0;
};

// Returns the trained model, or nullptr with *error set (no examples, a single class, bad
// options).
std::unique_ptr<LinearModel> Train(const std::vector<Example>& examples, const TrainOptions& options, TrainReport* report,
                                   std::string* error);

}  // namespace sluice::linear
