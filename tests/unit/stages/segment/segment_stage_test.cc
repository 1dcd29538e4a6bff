// Tests stages/segment/src/segment_stage.cc: config, Process, Reload and the file watch.
#include "sluice/segment/segment_stage.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice::segment {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WriteFile;

class MapCounters : public Counters {
 public:
  void Add(const std::string& name, uint64_t delta) override { values[name] += delta; }
  std::map<std::string, uint64_t> values;
};

class SegmentStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("base.txt"), "我 50000 r\n来到 3000 v\n北京 9000 ns\n大学 8000 n\n通知 500 n\n");
    WriteFile(dir_.File("lex.txt"), "# name: edu\n# version: 7\n双减\n");
    WriteFile(dir_.File("user.txt"), "清华\n");
  }

  StageContext Context(const std::string& extra_yaml) {
    StageContext ctx;
    ctx.stage_name = "segment";
    ctx.config_dir = dir_.path();
    ctx.config = Config::Parse("dict: base.txt\nlexicon: lex.txt\nuser_dicts: [user.txt]\nhmm: off\n"
                               "char_model_weight: 0\n" + extra_yaml,
                               "pipeline.yaml");
    ctx.counters = &counters_;
    ctx.io = &io_;
    return ctx;
  }

  std::unique_ptr<Stage> Create(const StageContext& ctx) {
    std::unique_ptr<Stage> stage;
    Status st = SegmentStage::Create(ctx, &stage);
    EXPECT_TRUE(st.ok()) << st.ToString();
    Status fin = ctx.config.Finish();
    EXPECT_TRUE(fin.ok()) << fin.ToString();
    return stage;
  }

  static std::string Words(const std::string& text, const google::protobuf::RepeatedPtrField<v1::Token>& tokens) {
    std::string out;
    for (const v1::Token& t : tokens) {
      if (!out.empty()) out += ' ';
      out += text.substr(t.begin(), t.end() - t.begin());
    }
    return out;
  }

  TempDir dir_;
  MapCounters counters_;
  boost::asio::io_context io_;
};

TEST_F(SegmentStageTest, FillsTokensTitleTokensAndVersion) {
  auto stage = Create(Context("watch_interval: 0\n"));
  v1::Document doc;
  doc.set_title("双减通知");
  doc.set_text("我来到北京清华大学。见http://a.cn 2024年");
  doc.add_tokens()->set_end(1);  // stale tokens are replaced
  ASSERT_TRUE(stage->Process(doc).ok());
  EXPECT_EQ(Words(doc.text(), doc.tokens()), "我 来到 北京 清华 大学 。 见 http://a.cn 2024年");
  EXPECT_EQ(doc.tokens(7).kind(), v1::TOKEN_URL);
  EXPECT_EQ(doc.tokens(8).kind(), v1::TOKEN_DATE);
  EXPECT_EQ(Words(doc.title(), doc.title_tokens()), "双减 通知");
  EXPECT_EQ(doc.lexicon_version().rfind("edu-7+", 0), 0u) << doc.lexicon_version();
  EXPECT_EQ(counters_.values["tokens"], 11u);
}

TEST_F(SegmentStageTest, TitleCanBeLeftAlone) {
  auto stage = Create(Context("watch_interval: 0\nsegment_title: false\n"));
  v1::Document doc;
  doc.set_title("双减通知");
  ASSERT_TRUE(stage->Process(doc).ok());
  EXPECT_EQ(doc.title_tokens_size(), 0);
  EXPECT_EQ(doc.tokens_size(), 0);
}

TEST_F(SegmentStageTest, OversizedTextIsPermanentWithAReason) {
  auto stage = Create(Context("watch_interval: 0\nmax_text_bytes: 16\n"));
  v1::Document doc;
  doc.set_text(std::string(17, 'a'));
  Status st = stage->Process(doc);
  EXPECT_TRUE(st.IsPermanent()) << st.ToString();
  EXPECT_NE(st.message().find("max_text_bytes"), std::string::npos) << st.message();
}

TEST_F(SegmentStageTest, ConfigErrorsAreReported) {
  StageContext ctx = Context("");
  ctx.config = Config::Parse("dict: base.txt\nlexicon: ''\nhmm: sometimes\nchar_model_weight: 0\nwatch_intervall: 1s\n",
                             "pipeline.yaml");
  std::unique_ptr<Stage> stage;
  ASSERT_TRUE(SegmentStage::Create(ctx, &stage).ok());
  Status st = ctx.config.Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("hmm"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("watch_intervall"), std::string::npos) << st.message();

  StageContext missing = Context("");
  missing.config = Config::Parse("dict: nowhere.txt\n", "pipeline.yaml");
  st = SegmentStage::Create(missing, &stage);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find("nowhere.txt"), std::string::npos) << st.message();
}

TEST_F(SegmentStageTest, ReloadPicksUpChangesAndKeepsOldOnFailure) {
  auto stage = Create(Context("watch_interval: 0\n"));
  v1::Document doc;
  doc.set_text("我来到北京大学");
  ASSERT_TRUE(stage->Process(doc).ok());
  const std::string before = doc.lexicon_version();
  EXPECT_EQ(Words(doc.text(), doc.tokens()), "我 来到 北京 大学");

  WriteFile(dir_.File("user.txt"), "清华\n北京大学 100000\n");
  ASSERT_TRUE(stage->Reload().ok());
  ASSERT_TRUE(stage->Process(doc).ok());
  EXPECT_EQ(Words(doc.text(), doc.tokens()), "我 来到 北京大学");
  EXPECT_NE(doc.lexicon_version(), before);
  const std::string after = doc.lexicon_version();

  WriteFile(dir_.File("user.txt"), "清华\nC919 broken line\n");
  Status st = stage->Reload();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("user.txt:2"), std::string::npos) << st.message();
  ASSERT_TRUE(stage->Process(doc).ok());
  EXPECT_EQ(Words(doc.text(), doc.tokens()), "我 来到 北京大学");  // still the last good one
  EXPECT_EQ(doc.lexicon_version(), after);
  EXPECT_EQ(counters_.values["reload_failed"], 1u);
}

TEST_F(SegmentStageTest, FileWatchReloadsAChangedDictionary) {
  auto stage = Create(Context("watch_interval: 20ms\n"));
  v1::Document doc;
  doc.set_text("我来到北京大学");
  ASSERT_TRUE(stage->Process(doc).ok());
  EXPECT_EQ(Words(doc.text(), doc.tokens()), "我 来到 北京 大学");
  io_.run_for(std::chrono::milliseconds(60));
  EXPECT_EQ(counters_.values["reloads"], 0u);  // nothing changed, nothing reloaded

  WriteFile(dir_.File("user.txt"), "清华\n北京大学 100000\n");
  for (int i = 0; i < 100 && counters_.values["reloads"] == 0; ++i) io_.run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(counters_.values["reloads"], 1u);
  ASSERT_TRUE(stage->Process(doc).ok());
  EXPECT_EQ(Words(doc.text(), doc.tokens()), "我 来到 北京大学");

  // Destroying the stage with the timer armed is safe.
  stage.reset();
  io_.run_for(std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace sluice::segment
