// A classifier plugin that misbehaves on demand, for the classify stage's failure tests.
//
//   config: {mode: ok|throw|transient|permanent|crash|hang|refuse, trigger: "坏",
//            axis: doc_type, value: 通知, score: 0.7}
// It labels {axis, value, score}; when the document's title contains `trigger` (every document
// when trigger is empty) it does what `mode` says instead. mode: refuse makes create() fail.
#include <sluice/plugin.hpp>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace {

class FaultyClassifier : public sluice::sdk::Classifier {
 public:
  explicit FaultyClassifier(const sluice::sdk::Config& cfg)
      : mode_(cfg.Get("mode", "ok")), trigger_(cfg.Get("trigger")), axis_(cfg.Get("axis", "doc_type")),
        value_(cfg.Get("value", "通知")), score_(float(cfg.GetDouble("score", 0.7))) {
    if (mode_ == "refuse") throw std::runtime_error("refusing to start: mode is refuse");
  }

  sluice::sdk::Result Classify(const sluice::sdk::Document& doc, std::vector<sluice::sdk::Label>& out) override {
    const bool triggered = trigger_.empty() || doc.title.find(trigger_) != std::string::npos;
    if (triggered) {
      if (mode_ == "throw") throw std::runtime_error("faulty plugin threw on " + doc.title);
      if (mode_ == "transient") return sluice::sdk::Result::Transient("faulty: try later");
      if (mode_ == "permanent") return sluice::sdk::Result::Permanent("faulty: never");
      if (mode_ == "crash") std::raise(SIGSEGV);
      if (mode_ == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
    }
    out.push_back({axis_, value_, score_});
    return sluice::sdk::Result::Ok();
  }

 private:
  std::string mode_, trigger_, axis_, value_;
  float score_;
};

}  // namespace

SLUICE_PLUGIN(FaultyClassifier, "faulty", "0.0.1")
