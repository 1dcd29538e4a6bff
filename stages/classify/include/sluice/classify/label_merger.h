// LabelMerger: combines the labels several classifiers gave one document into one set per axis.
//
// Each axis has a policy:
//   first    the labels of the first classifier (in config order) that labelled the axis;
//   highest  the single label with the highest score (ties go to the earlier classifier);
//   union    every distinct value, each with its highest score and the classifier that gave it,
//            best first — for multi-label axes such as topic. 其他 ("none of the others") is
//            dropped from a union that has any other value.
// Labels scored below min_score are ignored; scores are clamped to [0, 1] (NaN → 0). An axis in
// `fallback` that ends with no label gets the fallback value (usually 其他) with score 0 and
// classifier "classify".
//
// Thread safety: immutable after construction; Merge may be called concurrently.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sluice/status.h"
#include "sluice/v1/document.pb.h"

namespace sluice::classify {

enum class MergePolicy { kFirst, kHighest, kUnion };

// Parses "first" | "highest" | "union". Returns InvalidArgument naming the bad value.
Status ParseMergePolicy(const std::string& text, MergePolicy* out);

class LabelMerger {
 public:
  struct Options {
    std::map<std::string, MergePolicy> policy;  // per axis
    MergePolicy default_policy = MergePolicy::kFirst;
    float min_score = 0;
    std::map<std::string, std::string> fallback;  // axis → value when nothing labelled it
  };

  // The defaults of the classify stage: topic is a union, every other axis takes the first.
  static Options DefaultOptions();

  explicit LabelMerger(Options options) : opt_(std::move(options)) {}

  // `sources[i]` holds the labels classifier i gave (in config order). Appends the merged labels
  // to `out`, axes in order of first appearance, then fallbacks in axis order. The labels that
  // are kept are moved out of `sources` (the stage reuses its buffers; nothing is copied).
  void Merge(std::vector<std::vector<v1::Label>>& sources, google::protobuf::RepeatedPtrField<v1::Label>* out) const;

  MergePolicy PolicyFor(const std::string& axis) const;

 private:
  Options opt_;
};

}  // namespace sluice::classify
