// Black-box tests of the classify stage: hosting plugins, merging, and every way a plugin can fail.
#include "sluice/classify/classify_stage.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <map>

#include "sluice/linear/trainer.h"
#include "test_env.h"

namespace sluice::classify {
namespace {

using sluice::testing::TempDir;

struct MapCounters : Counters {
  std::map<std::string, uint64_t> values;
  void Add(const std::string& name, uint64_t delta) override { values[name] += delta; }
};

class ClassifyStageTest : public ::testing::Test {
 protected:
  // Builds the stage from the `config:` section of a classify stage, written as YAML.
  Status Make(const std::string& yaml, std::unique_ptr<ClassifyStage>* out) {
    ctx_.stage_name = "classify";
    ctx_.config_dir = dir_.path();
    ctx_.data_dir = dir_.path();
    ctx_.counters = &counters_;
    ctx_.config = Config::Parse(yaml, "pipeline.yaml");
    return ClassifyStage::Create(ctx_, out);
  }

  static v1::Document Doc(const std::string& title) {
    v1::Document d;
    d.set_id("doc-1");
    d.set_title(title);
    return d;
  }

  static std::vector<std::string> Values(const v1::Document& d, const std::string& axis) {
    std::vector<std::string> v;
    for (const auto& l : d.labels())
      if (l.axis() == axis) v.push_back(l.value());
    return v;
  }

  TempDir dir_;
  StageContext ctx_;
  MapCounters counters_;
};

const std::string kFaulty = FAULTY_PLUGIN;

TEST_F(ClassifyStageTest, MergesPerAxisPolicies) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: doc_type, value: 通知, score: 0.6}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: doc_type, value: 公告, score: 0.9}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: topic, value: 基础教育, score: 0.8}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: topic, value: 安全稳定, score: 0.95}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: region, value: '450000', score: 0.5}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: region, value: '450400', score: 0.8}}\n"
                   "merge: {doc_type: first, region: highest}\n",
                   &stage).ok());
  EXPECT_EQ(stage->classifier_count(), 6u);
  v1::Document d = Doc("关于做好安全工作的通知");
  ASSERT_TRUE(stage->Process(d).ok());
  EXPECT_EQ(Values(d, "doc_type"), std::vector<std::string>{"通知"});
  EXPECT_EQ(Values(d, "topic"), (std::vector<std::string>{"安全稳定", "基础教育"}));  // union, best first
  EXPECT_EQ(Values(d, "region"), std::vector<std::string>{"450400"});
  for (const auto& l : d.labels()) {
    EXPECT_EQ(l.classifier(), "faulty");
    EXPECT_GE(l.score(), 0.0f);
    EXPECT_LE(l.score(), 1.0f);
  }
}

TEST_F(ClassifyStageTest, NamesClassifiersAndKeepsEarlierLabelsInTheMerge) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n"
                   "  - {plugin: " + kFaulty + ", name: second-opinion, config: {axis: doc_type, value: 公告}}\n",
                   &stage).ok());
  v1::Document d = Doc("标题");
  v1::Label* earlier = d.add_labels();
  earlier->set_axis("doc_type");
  earlier->set_value("公示");
  earlier->set_score(1);
  earlier->set_classifier("upstream");
  ASSERT_TRUE(stage->Process(d).ok());
  ASSERT_EQ(d.labels_size(), 1);
  EXPECT_EQ(d.labels(0).value(), "公示");  // first wins, and the earlier label came first

  v1::Document e = Doc("标题");
  ASSERT_TRUE(stage->Process(e).ok());
  ASSERT_EQ(e.labels_size(), 1);
  EXPECT_EQ(e.labels(0).classifier(), "faulty");  // the plugin names its labels, not the config
}

TEST_F(ClassifyStageTest, SerializedPathGivesTheSameDocumentAsTheParsedOne) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: topic, value: 基础教育, score: 0.8}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: topic, value: 安全稳定, score: 0.95}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: doc_type, value: 通知}}\n"
                   "fallback: {region: '000000'}\n",
                   &stage).ok());
  ASSERT_TRUE(stage->Serialized());
  for (bool with_earlier_label : {false, true}) {
    v1::Document parsed = Doc("关于做好安全工作的通知");
    parsed.set_text(std::string(2000, 'x'));
    (*parsed.mutable_metadata())["k"] = "v";
    if (with_earlier_label) {
      v1::Label* l = parsed.add_labels();
      l->set_axis("doc_type");
      l->set_value("公告");
      l->set_score(1);
      l->set_classifier("upstream");
    }
    std::string bytes;
    ASSERT_TRUE(parsed.SerializeToString(&bytes));
    ASSERT_TRUE(stage->Process(parsed).ok());
    ASSERT_TRUE(stage->ProcessSerialized(bytes).ok());
    v1::Document fast;
    ASSERT_TRUE(fast.ParseFromString(bytes));
    EXPECT_EQ(fast.SerializeAsString(), parsed.SerializeAsString()) << with_earlier_label;
    EXPECT_EQ(Values(fast, "topic"), (std::vector<std::string>{"安全稳定", "基础教育"}));
    EXPECT_EQ(Values(fast, "doc_type"), std::vector<std::string>{with_earlier_label ? "公告" : "通知"});
    EXPECT_EQ(Values(fast, "region"), std::vector<std::string>{"000000"});
  }
  EXPECT_EQ(counters_.values["labels_faulty"], 4u * 2 + 2 * 1);
}

TEST_F(ClassifyStageTest, SerializedPathReportsFailuresAndGarbage) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mode: permanent}}\n", &stage).ok());
  std::string bytes = Doc("x").SerializeAsString();
  const std::string before = bytes;
  Status st = stage->ProcessSerialized(bytes);
  EXPECT_TRUE(st.IsPermanent());
  EXPECT_EQ(bytes, before);  // a failed document is not changed
  std::string garbage = "\xff\xff\xff\xff";
  EXPECT_TRUE(stage->ProcessSerialized(garbage).IsPermanent());
}

TEST_F(ClassifyStageTest, ThrowingPluginNacksTheDocumentTransientAndStaysAlive) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mode: throw, trigger: 坏}}\n", &stage).ok());
  v1::Document bad = Doc("坏文档");
  Status st = stage->Process(bad);
  EXPECT_TRUE(st.IsTransient()) << st.ToString();
  EXPECT_NE(st.message().find("faulty plugin threw on 坏文档"), std::string::npos) << st.message();
  EXPECT_EQ(bad.labels_size(), 0);
  v1::Document good = Doc("好文档");
  EXPECT_TRUE(stage->Process(good).ok());
  EXPECT_EQ(good.labels_size(), 1);
}

TEST_F(ClassifyStageTest, PluginErrorsKeepTheirKind) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mode: permanent}}\n", &stage).ok());
  v1::Document d = Doc("x");
  Status st = stage->Process(d);
  EXPECT_TRUE(st.IsPermanent());
  EXPECT_NE(st.message().find("faulty: never"), std::string::npos);

  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mode: transient}}\n", &stage).ok());
  st = stage->Process(d);
  EXPECT_TRUE(st.IsTransient());
}

TEST_F(ClassifyStageTest, SkippedErrorsFallBackToOther) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n"
                   "  - {plugin: " + kFaulty + ", on_error: skip, config: {mode: throw, axis: doc_type}}\n"
                   "  - {plugin: " + kFaulty + ", config: {axis: topic, value: 党建}}\n"
                   "fallback: {doc_type: 其他}\n",
                   &stage).ok());
  v1::Document d = Doc("x");
  ASSERT_TRUE(stage->Process(d).ok());
  EXPECT_EQ(Values(d, "doc_type"), std::vector<std::string>{"其他"});
  EXPECT_EQ(Values(d, "topic"), std::vector<std::string>{"党建"});
  EXPECT_EQ(counters_.values["classifier_errors"], 1u);
}

TEST_F(ClassifyStageTest, BadConfigsNameTheFileAndPlugin) {
  std::unique_ptr<ClassifyStage> stage;
  Status st = Make("classifiers:\n  - {plugin: no_such_classifier}\n", &stage);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find("pipeline.yaml:2"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("no_such_classifier"), std::string::npos);

  st = Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mode: refuse}}\n", &stage);
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("refusing to start"), std::string::npos) << st.message();

  st = Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mdoe: throw}}\n", &stage);
  EXPECT_NE(st.message().find(R"(unknown key "mdoe" (did you mean "mode"?))"), std::string::npos) << st.message();

  st = Make("classifiers:\n  - plugin: " + kFaulty + "\n    on_eror: skip\n", &stage);
  EXPECT_NE(st.message().find("pipeline.yaml:3"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("on_eror"), std::string::npos) << st.message();

  st = Make("classifiers:\n  - {plugin: " + kFaulty + "}\nmerge: {topic: all}\n", &stage);
  EXPECT_NE(st.message().find("expected first, highest or union"), std::string::npos) << st.message();

  st = Make("merge: {topic: union}\n", &stage);
  EXPECT_NE(st.message().find("at least one classifier"), std::string::npos) << st.message();
}

// Under AddressSanitizer a SIGSEGV is caught and reported by ASan, which then exits with an
// error code instead of dying by the signal; both are the crash the tests want to see.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
bool CrashedWithSegv(int status) {
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGSEGV;
  return kAsan && WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3;
}

TEST_F(ClassifyStageTest, CrashingPluginKillsAnUnisolatedWorker) {
  // In process, a segfault takes the worker down (the supervisor restarts it and the ledger
  // redelivers); the test checks it is a real crash and not something swallowed.
  EXPECT_EXIT(
      {
        std::unique_ptr<ClassifyStage> stage;
        if (!Make("classifiers:\n  - {plugin: " + kFaulty + ", config: {mode: crash}}\n", &stage).ok()) std::exit(3);
        v1::Document d = Doc("x");
        (void)stage->Process(d);
        std::exit(0);
      },
      CrashedWithSegv, "");
}

TEST_F(ClassifyStageTest, IsolatedCrashCostsOneDocumentAndTheStageGoesOn) {
  // The isolated plugin runs in a child process; under ASan let it die by the signal itself.
  if (kAsan) setenv("ASAN_OPTIONS", "handle_segv=0", 1);
  std::unique_ptr<ClassifyStage> stage;
  Status st = Make("classifiers:\n  - {plugin: " + kFaulty + ", isolation: process, config: {mode: crash, trigger: 坏}}\n", &stage);
  ASSERT_TRUE(st.ok()) << st.ToString();
  v1::Document good = Doc("好");
  ASSERT_TRUE(stage->Process(good).ok());
  EXPECT_EQ(Values(good, "doc_type"), std::vector<std::string>{"通知"});
  v1::Document bad = Doc("坏");
  st = stage->Process(bad);
  EXPECT_TRUE(st.IsTransient()) << st.ToString();
  EXPECT_NE(st.message().find("signal 11"), std::string::npos) << st.message();
  v1::Document again = Doc("好");
  st = stage->Process(again);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Values(again, "doc_type"), std::vector<std::string>{"通知"});
}

TEST_F(ClassifyStageTest, IsolatedHangIsKilledAfterTheTimeout) {
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " + kFaulty + ", isolation: process, timeout: 300ms, config: {mode: hang, trigger: 慢}}\n",
                   &stage).ok());
  v1::Document slow = Doc("慢");
  Status st = stage->Process(slow);
  EXPECT_TRUE(st.IsTransient());
  EXPECT_NE(st.message().find("timeout"), std::string::npos) << st.message();
  v1::Document next = Doc("快");
  EXPECT_TRUE(stage->Process(next).ok());
}

TEST_F(ClassifyStageTest, IsolatedPluginErrorsKeepTheirKind) {
  std::unique_ptr<ClassifyStage> stage;
  Status made = Make("classifiers:\n  - {plugin: " + kFaulty + ", isolation: process, config: {mode: permanent}}\n", &stage);
  ASSERT_TRUE(made.ok()) << made.ToString();
  v1::Document d = Doc("x");
  Status st = stage->Process(d);
  EXPECT_TRUE(st.IsPermanent()) << st.ToString();
  EXPECT_NE(st.message().find("faulty: never"), std::string::npos);
  Status refused = Make("classifiers:\n  - {plugin: " + kFaulty + ", isolation: process, config: {mode: refuse}}\n", &stage);
  EXPECT_NE(refused.message().find("refusing to start"), std::string::npos) << refused.ToString();
}

// Trains a small model for the linear plugin: titles that end in 通知 vs 公示.
void WriteTinyModel(const std::string& path) {
  std::vector<linear::Example> ex;
  const char* subjects[] = {"学生资助", "安全工作", "招生工作", "教师培训", "校园建设", "体育活动", "语言文字", "督导检查"};
  for (const char* s : subjects) {
    ex.push_back({std::string("关于做好") + s + "的通知", {"通知"}});
    ex.push_back({std::string("关于开展") + s + "的通知", {"通知"}});
    ex.push_back({std::string(s) + "拟认定名单的公示", {"公示"}});
    ex.push_back({std::string(s) + "结果公示", {"公示"}});
  }
  linear::TrainOptions opt;
  opt.axis = "doc_type";
  opt.c_values = {1};
  opt.folds = 2;
  std::string error;
  auto model = linear::Train(ex, opt, nullptr, &error);
  ASSERT_TRUE(model) << error;
  ASSERT_TRUE(model->Save(path, &error)) << error;
}

TEST_F(ClassifyStageTest, LinearPluginAndReloadKeepsWorkingClassifiersOnFailure) {
  const std::string model = dir_.File("doc_type.bin");
  WriteTinyModel(model);
  std::unique_ptr<ClassifyStage> stage;
  Status st = Make("classifiers:\n  - {plugin: " LINEAR_PLUGIN ", config: {model: doc_type.bin}}\n", &stage);
  ASSERT_TRUE(st.ok()) << st.ToString();
  v1::Document d = Doc("关于做好语言文字工作的通知");
  ASSERT_TRUE(stage->Process(d).ok());
  EXPECT_EQ(Values(d, "doc_type"), std::vector<std::string>{"通知"});
  EXPECT_EQ(d.labels(0).classifier(), "linear");

  sluice::testing::WriteFile(model, "not a model");
  st = stage->Reload();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("doc_type.bin"), std::string::npos) << st.message();
  v1::Document e = Doc("教师培训名单公示");
  ASSERT_TRUE(stage->Process(e).ok());
  EXPECT_EQ(Values(e, "doc_type"), std::vector<std::string>{"公示"});
}

TEST_F(ClassifyStageTest, EmptyTextIsNackedOrLabelledOtherAsConfigured) {
  const std::string model = dir_.File("m.bin");
  WriteTinyModel(model);
  std::unique_ptr<ClassifyStage> stage;
  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " LINEAR_PLUGIN ", config: {model: m.bin}}\n", &stage).ok());
  v1::Document empty = Doc("");
  Status st = stage->Process(empty);
  EXPECT_TRUE(st.IsPermanent());
  EXPECT_NE(st.message().find("empty text"), std::string::npos) << st.message();

  ASSERT_TRUE(Make("classifiers:\n  - {plugin: " LINEAR_PLUGIN ", config: {model: m.bin, on_empty: other}}\n", &stage).ok());
  v1::Document also_empty = Doc("   ");
  ASSERT_TRUE(stage->Process(also_empty).ok());
  EXPECT_EQ(Values(also_empty, "doc_type"), std::vector<std::string>{"其他"});
}

}  // namespace
}  // namespace sluice::classify
