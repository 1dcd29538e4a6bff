// Fuzz target: a rules file. Parsing must fail with file:line or give rules that classify any
// document without crashing. The first byte picks whether the input is the rules or a title run
// through the shipped rules.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "sluice/rules/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string kRules = std::string(SLUICE_SOURCE_DIR) + "/plugins/rules/data/rules.yaml";
  static std::unique_ptr<sluice::rules::RuleSet> shipped = [] {
    std::string error;
    auto r = sluice::rules::RuleSet::LoadFile(kRules, &error);
    if (!r) std::abort();
    return r;
  }();
  if (size == 0) return 0;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<sluice::rules::RuleLabel> out;
  if (data[0] % 2 == 0) {
    std::string error;
    auto rules = sluice::rules::RuleSet::Parse(input, kRules, &error);
    if (!rules) {
      if (error.rfind(kRules, 0) != 0 && error.find("gbt2260") == std::string::npos) std::abort();
      return 0;
    }
    rules->Classify({"关于做好招生工作的通知", "通知公告", "梧州市教育局", "梧教发〔2025〕1号", "4504000019", "", "", "", "正文"}, &out);
  } else {
    shipped->Classify({input, input, input, input, input, input, input, input, input}, &out);
  }
  for (const auto& l : out)
    if (!(l.score >= 0 && l.score <= 1) || l.value.empty()) std::abort();
  return 0;
}
