// The `rules` classifier plugin: labels issuer_level, region, doc_type and topic from a document's
// metadata with a RuleSet (see rule_set.h and data/rules.yaml).
//
//   - plugin: rules
//     config:
//       rules: rules.yaml        # default: the rules shipped with sluice (share/sluice/classify)
//       axes: [issuer_level, region, doc_type, topic]   # which axes to label (default all)
//       reload_check: 2s         # how often to look for changed rules; 0 disables
#include <dlfcn.h>

#include <sluice/plugin.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "sluice/linear/file_watch.h"
#include "sluice/rules/rule_set.h"

namespace {

using namespace sluice;
namespace fs = std::filesystem;

// The rules shipped next to this plugin: <plugin dir>/<relative data dir>/classify/rules.yaml,
// for the install tree, else the build tree's lib/sluice/plugins → share/sluice layout.
std::string ShippedRules() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&ShippedRules), &info) || !info.dli_fname) return "";
  fs::path dir = fs::path(info.dli_fname).parent_path();
  for (const char* rel : {SLUICE_RULES_DATA_REL, "../../../share/sluice"}) {
    fs::path p = (dir / rel / "classify" / "rules.yaml").lexically_normal();
    std::error_code ec;
    if (fs::exists(p, ec)) return p.string();
  }
  return "";
}

class RulesClassifier : public sdk::Classifier {
 public:
  explicit RulesClassifier(const sdk::Config& cfg) {
    path_ = cfg.Has("rules") ? cfg.Path("rules") : ShippedRules();
    if (path_.empty()) throw std::runtime_error("rules: no rules file given and the shipped rules.yaml was not found");
    for (const std::string& a : cfg.List("axes")) {
      if (a != "issuer_level" && a != "region" && a != "doc_type" && a != "topic")
        throw std::runtime_error("axes: unknown axis '" + a + "' (rules label issuer_level, region, doc_type, topic)");
      axes_.insert(a);
    }
    interval_ = linear::ParseReloadInterval(cfg.Get("reload_check", "2s"));
    std::string error;
    Load(&error);
    if (!rules_) throw std::runtime_error(error);
  }

  sdk::Result Classify(const sdk::Document& doc, std::vector<sdk::Label>& out) override {
    MaybeReload();
    rules::RuleInput in{doc.title, doc.column, doc.publisher, doc.document_number, doc.site_id_code, doc.site_name,
                        doc.site, doc.url, doc.text};
    labels_.clear();
    rules_->Classify(in, &labels_);
    for (auto& l : labels_)
      if (axes_.empty() || axes_.count(l.axis)) out.push_back({l.axis, l.value, l.score});
    return sdk::Result::Ok();
  }

 private:
  void Load(std::string* error) {
    auto fresh = rules::RuleSet::LoadFile(path_, error);
    if (!fresh) return;
    watches_.clear();
    for (const auto& f : fresh->files()) {
      watches_.emplace_back(f, interval_);
    }
    rules_ = std::move(fresh);
  }

  void MaybeReload() {
    bool changed = false;
    linear::FileStamp now;
    for (auto& w : watches_)
      if (w.Poll(&now)) {
        w.Accept(now);
        changed = true;
      }
    if (!changed) return;
    std::string error;
    auto before = rules_.get();
    Load(&error);
    if (rules_.get() == before) std::fprintf(stderr, "rules: keeping the previous rules: %s\n", error.c_str());
  }

  std::string path_;
  std::set<std::string> axes_;
  std::chrono::milliseconds interval_{2000};
  std::vector<linear::FileWatch> watches_;
  std::unique_ptr<rules::RuleSet> rules_;
  std::vector<rules::RuleLabel> labels_;
};

}  // namespace

SLUICE_PLUGIN(RulesClassifier, "rules", "1.0.0")
