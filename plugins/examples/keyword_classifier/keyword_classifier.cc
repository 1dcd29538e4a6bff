// A complete sluice classifier plugin: labels a document on one axis when its title or text
// contains one of the configured keywords.
//
//   config: {axis: topic, keywords: {双减: 民办与校外培训, 助学金: 学生资助}}
#include <sluice/plugin.hpp>

#include <stdexcept>

class KeywordClassifier : public sluice::sdk::Classifier {
 public:
  explicit KeywordClassifier(const sluice::sdk::Config& config) : axis_(config.Get("axis", "topic")) {
    for (const std::string& word : config.Keys("keywords")) keywords_.emplace_back(word, config.Get("keywords." + word));
    if (keywords_.empty()) throw std::runtime_error("keywords: give at least one, e.g. {双减: 民办与校外培训}");
  }

  sluice::sdk::Result Classify(const sluice::sdk::Document& doc, std::vector<sluice::sdk::Label>& out) override {
    for (const auto& [word, value] : keywords_) {
      if (doc.title.find(word) != std::string::npos)
        out.push_back({axis_, value, 0.9f});  // in the title: strong evidence
      else if (doc.text.find(word) != std::string::npos)
        out.push_back({axis_, value, 0.6f});
    }
    return sluice::sdk::Result::Ok();
  }

 private:
  std::string axis_;
  std::vector<std::pair<std::string, std::string>> keywords_;
};

SLUICE_PLUGIN(KeywordClassifier, "keyword", "1.0.0")
