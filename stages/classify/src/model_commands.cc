#include "sluice/classify/model_commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "sluice/cli_args.h"
#include "sluice/linear/dataset.h"
#include "sluice/linear/linear_model.h"
#include "sluice/linear/trainer.h"
#include "sluice/plugin_loader.h"
#include "sluice/v1/document.pb.h"

namespace sluice::classify {

namespace {

using linear::Example;
using linear::LinearModel;

bool ParseRange(const std::string& s, uint8_t* lo, uint8_t* hi) {
  unsigned a = 0, b = 0;
  char dash = 0;
  std::istringstream in(s);
  if (!(in >> a)) return false;
  if (in >> dash) {
    if (dash != '-' || !(in >> b)) return false;
  } else {
    b = a;
  }
  if (a > b || b > 8) return false;
  *lo = uint8_t(a);
  *hi = uint8_t(b);
  return true;
}

std::unique_ptr<LinearModel> LoadOrComplain(const std::string& path, const char* cmd) {
  std::string error;
  auto model = LinearModel::Load(path, &error);
  if (!model) std::fprintf(stderr, "sluice %s: %s\n", cmd, error.c_str());
  return model;
}

// The words a model with word features gets from a line of text (space-separated, as trained).
std::vector<std::string_view> Words(const LinearModel& model, const std::string& text) {
  if (model.data().features.word_min_n == 0) return {};
  return linear::TextFeatures::SplitWords(text);
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += char(c);
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += char(c);
  }
  return out + "\"";
}

}  // namespace

int TrainCommand(int argc, char** argv) {
  CLI::App app{"Train a linear classifier (hashed character n-grams, NB-weighted SVMs, calibrated scores).\n"
               "DATA: lines of text<TAB>label (THUCNews format), labels joined by ',' for multi-label, "
               "or fastText lines (__label__x text).",
               "sluice train"};
  std::string data, output, axis = "topic", c_text = "auto", ngrams = "1-3", words = "0";
  linear::TrainOptions opt;
  bool no_nb = false, quiet = false, no_marks = false;
  app.add_option("data", data, "training data (TSV or fastText format)")->required();
  app.add_option("-o,--output", output, "model file to write")->required();
  app.add_option("--axis", axis, "axis the model labels: topic, doc_type, issuer_level, region, or your own")->capture_default_str();
  app.add_option("-C,--c", c_text, "SVM regularisation: a number, or 'auto' to choose from --c-grid by cross-validation")
      ->capture_default_str();
  std::vector<double> grid = opt.c_values;
  app.add_option("--c-grid", grid, "values of C tried by 'auto'")->delimiter(',')->capture_default_str();
  app.add_option("--folds", opt.folds, "cross-validation folds for C and for score calibration")->capture_default_str();
  app.add_option("--ngrams", ngrams, "character n-gram lengths, e.g. 1-3")->capture_default_str();
  app.add_option("--word-ngrams", words, "word n-gram lengths from the TSV text split on spaces (0 = none), e.g. 1-2")
      ->capture_default_str();
  app.add_flag("--no-nb", no_nb, "plain SVM only (no naive-Bayes weighted SVM)");
  app.add_flag("--no-boundary", no_marks, "no begin/end-of-text marks in the n-grams");
  app.add_option("--min-df", opt.min_df, "drop n-grams seen in fewer training examples")->capture_default_str();
  app.add_flag("--multi-label", opt.multi_label, "several labels per document (implied by a ',' in any label)");
  app.add_option("--threshold", opt.threshold, "multi-label: probability needed for each further label")->capture_default_str();
  app.add_option("--threads", opt.threads, "training threads")->capture_default_str();
  app.add_option("--seed", opt.seed, "shuffling seed (training is deterministic for a seed)")->capture_default_str();
  app.add_option("--max-chars", opt.features.max_chars, "characters of each text used")->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "print only errors");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;

  if (!ParseRange(ngrams, &opt.features.char_min_n, &opt.features.char_max_n) || opt.features.char_min_n == 0) {
    std::fprintf(stderr, "sluice train: --ngrams: expected a range such as 1-3, got '%s'\n", ngrams.c_str());
    return 64;
  }
  if (!ParseRange(words, &opt.features.word_min_n, &opt.features.word_max_n)) {
    std::fprintf(stderr, "sluice train: --word-ngrams: expected 0 or a range such as 1-2, got '%s'\n", words.c_str());
    return 64;
  }
  if (c_text == "auto") {
    opt.c_values = grid;
  } else {
    try {
      opt.c_values = {std::stod(c_text)};
    } catch (...) {
      std::fprintf(stderr, "sluice train: -C: expected a number or 'auto', got '%s'\n", c_text.c_str());
      return 64;
    }
  }
  opt.axis = axis;
  opt.nb_svm = !no_nb;
  opt.features.boundary_marks = !no_marks;
  if (opt.threads <= 0) opt.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  if (!quiet) opt.progress = [](const std::string& s) { std::fprintf(stderr, "sluice train: %s\n", s.c_str()); };
  if (opt.features.word_min_n > 0 && !quiet)
    std::fprintf(stderr, "sluice train: word n-grams come from the space-separated words of the text column\n");

  std::vector<Example> examples;
  std::string error;
  if (!linear::ReadDataset(data, &examples, &error)) {
    std::fprintf(stderr, "sluice train: %s\n", error.c_str());
    return 1;
  }
  linear::TrainReport report;
  std::unique_ptr<LinearModel> model;
  model = linear::Train(examples, opt, &report, &error);
  if (!model) {
    std::fprintf(stderr, "sluice train: %s: %s\n", data.c_str(), error.c_str());
    return 1;
  }
  if (!model->Save(output, &error)) {
    std::fprintf(stderr, "sluice train: %s\n", error.c_str());
    return 1;
  }
  if (!quiet)
    std::fprintf(stderr, "sluice train: wrote %s: %zu labels, %zu features, C=%g, cross-validated %s %.4f, %.1f s\n",
                 output.c_str(), model->labels().size(), model->num_features(), report.c,
                 model->multi_label() ? "micro-F1" : "accuracy", report.cv_accuracy, report.seconds);
  return 0;
}

namespace {

// `sluice classify --plugin P [--config YAML]`: each line becomes a document's title; prints its
// labels as axis=value<TAB>score, one document per line. Exit 1 if any line failed.
int ClassifyWithPlugin(const std::string& plugin, const std::string& config_text) {
  Config config = std::filesystem::exists(config_text) && !std::filesystem::is_directory(config_text)
                      ? Config::LoadFile(config_text)
                      : Config::Parse(config_text.empty() ? "{}" : config_text, "--config");
  Status st = config.status();
  std::shared_ptr<PluginLibrary> lib;
  if (st.ok()) st = PluginLibrary::Open(plugin, &lib);
  if (st.ok() && lib->kind() != SLUICE_KIND_CLASSIFIER) st = Status::InvalidArgument(lib->path() + " is not a classifier plugin");
  std::unique_ptr<PluginInstance> inst;
  const std::string dir = std::filesystem::current_path().string();
  if (st.ok()) st = lib->Create(config, dir, dir, 0, &inst);
  if (!st.ok()) {
    std::fprintf(stderr, "sluice classify: %s\n", st.message().c_str());
    return 1;
  }
  int rc = 0;
  std::string line;
  for (size_t n = 1; std::getline(std::cin, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    v1::Document d;
    d.set_id("stdin:" + std::to_string(n));
    d.set_title(line);
    st = inst->Process(d);
    if (!st.ok()) {
      std::fprintf(stderr, "sluice classify: line %zu: %s\n", n, st.ToString().c_str());
      rc = 1;
    }
    std::string out;
    for (const auto& l : d.labels()) {
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", l.score());
      out += (out.empty() ? "" : "\t") + l.axis() + "=" + l.value() + "\t" + score;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return rc;
}

}  // namespace

int ClassifyCommand(int argc, char** argv) {
  CLI::App app{"Label lines of text from stdin: one output line per input line.\n"
               "With --model, the label(s) of a linear model; with --plugin, the labels any classifier plugin gives a "
               "document whose title is the line (axis=value<TAB>score …).",
               "sluice classify"};
  std::string model_path, plugin, plugin_config;
  bool scores = false, tsv = false;
  float threshold = -1;
  auto* model_opt = app.add_option("-m,--model", model_path, "model written by `sluice train`");
  auto* plugin_opt = app.add_option("--plugin", plugin, "a classifier plugin (name or path) instead of a model");
  app.add_option("--config", plugin_config, "the plugin's config: YAML text or a YAML file");
  model_opt->excludes(plugin_opt);
  app.add_flag("--scores", scores, "print score<TAB>label (label last, as eval_cls.py reads it)");
  app.add_flag("--tsv", tsv, "input lines are text<TAB>label: classify the text before the last TAB");
  app.add_option("--threshold", threshold, "multi-label: probability for each further label (default: the model's)");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  if (!plugin.empty()) return ClassifyWithPlugin(plugin, plugin_config);
  if (model_path.empty()) {
    std::fprintf(stderr, "sluice classify: give --model model.bin (from `sluice train`) or --plugin NAME\n");
    return 64;
  }
  auto model = LoadOrComplain(model_path, "classify");
  if (!model) return 1;
  std::ios::sync_with_stdio(false);
  std::string line, out;
  linear::Prediction pred;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (tsv) {
      size_t tab = line.rfind('\t');
      if (tab != std::string::npos) line.resize(tab);
    }
    model->Predict(line, Words(*model, line), &pred);
    out.clear();
    auto decided = model->Decide(pred, threshold);
    if (scores) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4f\t", decided.empty() ? 0.0f : decided[0].second);
      out += buf;
    }
    for (size_t i = 0; i < decided.size(); ++i) {
      if (i) out += ',';
      out += model->labels()[decided[i].first];
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return std::ferror(stdout) ? 1 : 0;
}

int EvalCommand(int argc, char** argv) {
  CLI::App app{"Evaluate a linear model on labelled data: accuracy, macro-F1 and per-class precision/recall/F1.",
               "sluice eval"};
  std::string model_path, data, classes;
  bool json = false;
  app.add_option("-m,--model", model_path, "model written by `sluice train`")->required();
  app.add_option("data", data, "test data (same formats as `sluice train`)")->required();
  app.add_option("--classes", classes, "file naming label k on line k (for display)");
  app.add_flag("--json", json, "print one JSON object");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  auto model = LoadOrComplain(model_path, "eval");
  if (!model) return 1;
  std::vector<Example> examples;
  std::string error;
  if (!linear::ReadDataset(data, &examples, &error)) {
    std::fprintf(stderr, "sluice eval: %s\n", error.c_str());
    return 1;
  }
  std::map<std::string, std::string> names;
  if (!classes.empty()) {
    std::ifstream f(classes);
    if (!f) {
      std::fprintf(stderr, "sluice eval: %s: cannot open\n", classes.c_str());
      return 1;
    }
    std::string name;
    for (int k = 0; std::getline(f, name);)
      if (!name.empty()) names[std::to_string(k++)] = name;
  }

  // Per-class counts over label sets: for a single-label model this is exactly eval_cls.py.
  struct Counts {
    size_t tp = 0, predicted = 0, support = 0;
  };
  std::map<std::string, Counts> per;
  size_t exact = 0;
  linear::Prediction pred;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<std::string>> predicted(examples.size());
  for (size_t i = 0; i < examples.size(); ++i) {
    model->Predict(examples[i].text, Words(*model, examples[i].text), &pred);
    for (const auto& [c, p] : model->Decide(pred)) predicted[i].push_back(model->labels()[c]);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (size_t i = 0; i < examples.size(); ++i) {
    std::set<std::string> gold(examples[i].labels.begin(), examples[i].labels.end());
    std::set<std::string> got(predicted[i].begin(), predicted[i].end());
    exact += gold == got;
    for (const auto& g : gold) per[g].support++;
    for (const auto& p : got) {
      per[p].predicted++;
      per[p].tp += gold.count(p);
    }
  }
  double macro = 0;
  struct Row {
    std::string label;
    double p, r, f1;
    size_t support, predicted;
  };
  std::vector<Row> rows;
  std::vector<std::string> order;
  for (const auto& [l, _] : per) order.push_back(l);
  std::sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) {
    bool na = !a.empty() && a.size() < 10 && std::all_of(a.begin(), a.end(), ::isdigit);
    bool nb = !b.empty() && b.size() < 10 && std::all_of(b.begin(), b.end(), ::isdigit);
    if (na != nb) return na;
    return na ? std::stol(a) < std::stol(b) : a < b;
  });
  for (const auto& l : order) {
    const Counts& c = per[l];
    double p = c.predicted ? double(c.tp) / c.predicted : 0, r = c.support ? double(c.tp) / c.support : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    macro += f;
    rows.push_back({l, p, r, f, c.support, c.predicted});
  }
  macro /= rows.empty() ? 1 : rows.size();
  const double n = double(examples.size());
  const double accuracy = exact / n;
  if (json) {
    std::printf("{\"n\":%zu,\"accuracy\":%.6f,\"macro_F1\":%.6f,\"docs_per_s\":%.0f,\"model\":%s,\"per_class\":{",
                examples.size(), accuracy, macro, n / seconds, JsonString(model_path).c_str());
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      std::printf("%s%s:{\"P\":%.6f,\"R\":%.6f,\"F1\":%.6f,\"support\":%zu,\"predicted\":%zu%s%s}", i ? "," : "",
                  JsonString(r.label).c_str(), r.p, r.r, r.f1, r.support, r.predicted,
                  names.count(r.label) ? ",\"name\":" : "", names.count(r.label) ? JsonString(names[r.label]).c_str() : "");
    }
    std::printf("}}\n");
  } else {
    std::printf("n=%zu  accuracy=%.4f  macro-F1=%.4f  (%.0f docs/s)\n", examples.size(), accuracy, macro, n / seconds);
    std::printf("%-20s %7s %7s %7s %8s %6s\n", "label", "P", "R", "F1", "support", "pred");
    for (const Row& r : rows) {
      std::string shown = names.count(r.label) ? r.label + " " + names[r.label] : r.label;
      std::printf("%-20s %7.4f %7.4f %7.4f %8zu %6zu\n", shown.c_str(), r.p, r.r, r.f1, r.support, r.predicted);
    }
  }
  return 0;
}

}  // namespace sluice::classify
