#include "sluice/classify/label_merger.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice::classify {
namespace {

v1::Label L(const std::string& axis, const std::string& value, float score, const std::string& by) {
  v1::Label l;
  l.set_axis(axis);
  l.set_value(value);
  l.set_score(score);
  l.set_classifier(by);
  return l;
}

std::vector<std::string> Merged(const LabelMerger& m, std::vector<std::vector<v1::Label>> sources, const std::string& axis,
                                std::vector<float>* scores = nullptr) {
  google::protobuf::RepeatedPtrField<v1::Label> out;
  m.Merge(sources, &out);
  std::vector<std::string> v;
  for (const auto& l : out)
    if (l.axis() == axis) {
      v.push_back(l.value() + "@" + l.classifier());
      if (scores) scores->push_back(l.score());
    }
  return v;
}

TEST(LabelMergerTest, FirstTakesAllLabelsOfTheFirstClassifierThatSpoke) {
  LabelMerger m(LabelMerger::DefaultOptions());
  std::vector<std::vector<v1::Label>> s = {{}, {L("doc_type", "通知", 0.4f, "rules")}, {L("doc_type", "公告", 0.9f, "linear")}};
  EXPECT_EQ(Merged(m, s, "doc_type"), std::vector<std::string>{"通知@rules"});
}

TEST(LabelMergerTest, HighestPrefersScoreThenOrder) {
  auto o = LabelMerger::DefaultOptions();
  o.policy["doc_type"] = MergePolicy::kHighest;
  LabelMerger m(o);
  EXPECT_EQ(Merged(m, {{L("doc_type", "通知", 0.4f, "a")}, {L("doc_type", "公告", 0.9f, "b")}}, "doc_type"),
            std::vector<std::string>{"公告@b"});
  EXPECT_EQ(Merged(m, {{L("doc_type", "通知", 0.9f, "a")}, {L("doc_type", "公告", 0.9f, "b")}}, "doc_type"),
            std::vector<std::string>{"通知@a"});
}

TEST(LabelMergerTest, UnionKeepsBestScorePerValueAndDropsOtherWhenSomethingElseIsThere) {
  LabelMerger m(LabelMerger::DefaultOptions());
  std::vector<float> scores;
  auto v = Merged(m,
                  {{L("topic", "基础教育", 0.5f, "a"), L("topic", "其他", 0.3f, "a")},
                   {L("topic", "基础教育", 0.8f, "b"), L("topic", "党建", 0.6f, "b")}},
                  "topic", &scores);
  EXPECT_EQ(v, (std::vector<std::string>{"基础教育@b", "党建@b"}));
  EXPECT_EQ(scores, (std::vector<float>{0.8f, 0.6f}));
  EXPECT_EQ(Merged(m, {{L("topic", "其他", 0.3f, "a")}}, "topic"), std::vector<std::string>{"其他@a"});
}

TEST(LabelMergerTest, ClampsScoresAppliesMinScoreAndFallback) {
  auto o = LabelMerger::DefaultOptions();
  o.min_score = 0.2f;
  o.fallback = {{"doc_type", "其他"}, {"topic", "其他"}};
  LabelMerger m(o);
  std::vector<float> scores;
  auto v = Merged(m, {{L("doc_type", "通知", 0.1f, "a"), L("topic", "党建", 7.0f, "a"), L("topic", "x", std::nanf(""), "a")}},
                  "topic", &scores);
  EXPECT_EQ(v, std::vector<std::string>{"党建@a"});
  EXPECT_EQ(scores, std::vector<float>{1.0f});
  EXPECT_EQ(Merged(m, {{L("doc_type", "通知", 0.1f, "a")}}, "doc_type"), std::vector<std::string>{"其他@classify"});
}

TEST(LabelMergerTest, ParsesPolicies) {
  MergePolicy p;
  EXPECT_TRUE(ParseMergePolicy("union", &p).ok());
  EXPECT_EQ(p, MergePolicy::kUnion);
  EXPECT_FALSE(ParseMergePolicy("best", &p).ok());
}

}  // namespace
}  // namespace sluice::classify
