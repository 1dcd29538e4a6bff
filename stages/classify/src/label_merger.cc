#include "sluice/classify/label_merger.h"

#include <algorithm>
#include <cmath>

namespace sluice::classify {

namespace {

constexpr char kOther[] = "其他";

float Clamp(float s) {
  if (std::isnan(s) || s < 0) return 0;
  return s > 1 ? 1 : s;
}

}  // namespace

Status ParseMergePolicy(const std::string& text, MergePolicy* out) {
  if (text == "first") *out = MergePolicy::kFirst;
  else if (text == "highest") *out = MergePolicy::kHighest;
  else if (text == "union") *out = MergePolicy::kUnion;
  else return Status::InvalidArgument("merge policy '" + text + "': expected first, highest or union");
  return Status::OK();
}

LabelMerger::Options LabelMerger::DefaultOptions() {
  Options o;
  o.policy["topic"] = MergePolicy::kUnion;
  return o;
}

MergePolicy LabelMerger::PolicyFor(const std::string& axis) const {
  auto it = opt_.policy.find(axis);
  return it == opt_.policy.end() ? opt_.default_policy : it->second;
}

void LabelMerger::Merge(std::vector<std::vector<v1::Label>>& sources, google::protobuf::RepeatedPtrField<v1::Label>* out) const {
  std::vector<std::string> axes;
  for (const auto& src : sources)
    for (const auto& l : src)
      if (std::find(axes.begin(), axes.end(), l.axis()) == axes.end()) axes.push_back(l.axis());

  std::vector<std::string> labelled;
  for (const std::string& axis : axes) {
    std::vector<v1::Label> picked;
    const MergePolicy policy = PolicyFor(axis);
    for (auto& src : sources) {
      bool from_this = false;
      for (auto& l : src) {
        if (l.axis() != axis || l.value().empty() || Clamp(l.score()) < opt_.min_score) continue;
        v1::Label c = std::move(l);
        l.set_axis("");  // taken: a moved-from label must not match this axis again
        c.set_score(Clamp(c.score()));
        if (policy == MergePolicy::kHighest) {
          if (picked.empty()) picked.push_back(std::move(c));
          else if (c.score() > picked[0].score()) picked[0] = std::move(c);
        } else if (policy == MergePolicy::kUnion) {
          auto same = std::find_if(picked.begin(), picked.end(), [&](const v1::Label& p) { return p.value() == c.value(); });
          if (same == picked.end()) picked.push_back(std::move(c));
          else if (c.score() > same->score()) *same = std::move(c);
        } else {
          picked.push_back(std::move(c));
          from_this = true;
        }
      }
      if (policy == MergePolicy::kFirst && from_this) break;
    }
    if (policy == MergePolicy::kUnion) {
      if (picked.size() > 1)
        picked.erase(std::remove_if(picked.begin(), picked.end(), [](const v1::Label& p) { return p.value() == kOther; }),
                     picked.end());
      std::stable_sort(picked.begin(), picked.end(), [](const v1::Label& a, const v1::Label& b) { return a.score() > b.score(); });
    }
    if (!picked.empty()) labelled.push_back(axis);
    for (auto& l : picked) out->Add()->Swap(&l);
  }
  for (const auto& [axis, value] : opt_.fallback) {
    if (std::find(labelled.begin(), labelled.end(), axis) != labelled.end()) continue;
    v1::Label* l = out->Add();
    l->set_axis(axis);
    l->set_value(value);
    l->set_score(0);
    l->set_classifier("classify");
  }
}

}  // namespace sluice::classify
