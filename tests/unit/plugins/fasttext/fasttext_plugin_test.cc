// The fasttext plugin through the plugin ABI, with a small supervised model trained here by
// libfasttext itself.
#include <gtest/gtest.h>

#include <fasttext/fasttext.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "sluice/plugin_loader.h"
#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice {
namespace {

using sluice::testing::ReadFile;
using sluice::testing::TempDir;
using sluice::testing::WriteFile;

// Character-split titles: 招 生 … → __label__招生, 资 助 … → __label__资助.
void TrainModel(const TempDir& dir, const std::string& out, const std::string& a = "招生", const std::string& b = "资助") {
  std::string data;
  const char* zs[] = {"关 于 做 好 招 生 工 作", "招 生 简 章 发 布", "高 校 招 生 录 取", "中 考 招 生 计 划"};
  const char* zz[] = {"学 生 资 助 政 策", "国 家 助 学 金 资 助", "资 助 工 作 通 知", "家 庭 困 难 学 生 资 助"};
  for (int rep = 0; rep < 20; ++rep)
    for (int i = 0; i < 4; ++i) data += "__label__" + a + " " + zs[i] + "\n__label__" + b + " " + zz[i] + "\n";
  WriteFile(dir.File("train.txt"), data);
  fasttext::Args args;
  args.input = dir.File("train.txt");
  args.output = out;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = 8;
  args.epoch = 20;
  args.minCount = 1;
  args.thread = 1;
  args.verbose = 0;
  args.lr = 0.5;
  args.bucket = 300;  // small and fast; quantization needs at least 256 input rows
  fasttext::FastText ft;
  ft.train(args);
  ft.saveModel(out);
  if (out.size() > 4 && out.compare(out.size() - 4, 4, ".ftz") == 0) {
    fasttext::Args q = args;
    q.qnorm = true;
    q.qout = false;  // two labels are too few rows to quantize
    q.dsub = 2;
    q.cutoff = 0;
    ft.quantize(q);
    ft.saveModel(out);
  }
}

class FastTextPluginTest : public ::testing::Test {
 protected:
  Status Create(const std::string& yaml) {
    std::shared_ptr<PluginLibrary> lib;
    SLUICE_RETURN_IF_ERROR(PluginLibrary::Open(FASTTEXT_PLUGIN, &lib));
    return lib->Create(Config::Parse(yaml, "p.yaml"), dir_.path(), dir_.path(), 0, &inst_);
  }
  std::string Label(const std::string& title) {
    v1::Document d;
    d.set_title(title);
    Status st = inst_->Process(d);
    if (!st.ok()) return st.ToString();
    std::string s;
    for (const auto& l : d.labels()) s += l.axis() + "=" + l.value() + ";";
    return s;
  }
  TempDir dir_;
  std::unique_ptr<PluginInstance> inst_;
};

TEST_F(FastTextPluginTest, LabelsWithAUsersModel) {
  TrainModel(dir_, dir_.File("m.bin"));
  ASSERT_TRUE(Create("model: m.bin\naxis: topic\nlabels: {招生: 招生考试, 资助: 学生资助}\n").ok());
  EXPECT_EQ(Label("2025年高校招生录取工作"), "topic=招生考试;");
  EXPECT_EQ(Label("学生资助政策"), "topic=学生资助;");
  EXPECT_NE(Label("").find("empty text"), std::string::npos);
}

TEST_F(FastTextPluginTest, LoadsQuantizedModelsAndRefusesTruncatedOnes) {
  TrainModel(dir_, dir_.File("m.ftz"));
  ASSERT_TRUE(Create("model: m.ftz\n").ok());
  EXPECT_EQ(Label("高校招生录取"), "topic=招生;");
  const std::string bytes = ReadFile(dir_.File("m.ftz"));
  for (size_t cut : {bytes.size() - 1, bytes.size() - 600, bytes.size() / 2}) {
    WriteFile(dir_.File("cut.ftz"), bytes.substr(0, cut));
    Status st = Create("model: cut.ftz\n");
    EXPECT_NE(st.message().find("cut.ftz: truncated"), std::string::npos) << cut << ": " << st.message();
  }
}

TEST_F(FastTextPluginTest, BadModelsNameTheFile) {
  Status st = Create("model: none.bin\n");
  EXPECT_NE(st.message().find(dir_.File("none.bin") + ": model file does not exist"), std::string::npos) << st.message();
  WriteFile(dir_.File("junk.bin"), "this is not a model at all");
  st = Create("model: junk.bin\n");
  EXPECT_NE(st.message().find("junk.bin: not a fastText model"), std::string::npos) << st.message();
  TrainModel(dir_, dir_.File("m.bin"));
  const std::string bytes = ReadFile(dir_.File("m.bin"));
  WriteFile(dir_.File("cut.bin"), bytes.substr(0, bytes.size() / 2));
  st = Create("model: cut.bin\n");
  EXPECT_NE(st.message().find("cut.bin: truncated"), std::string::npos) << st.message();
  st = Create("model: m.bin\ninput: bytes\n");
  EXPECT_NE(st.message().find("input: expected chars, words or raw"), std::string::npos) << st.message();
}

TEST_F(FastTextPluginTest, ReloadsAChangedModel) {
  TrainModel(dir_, dir_.File("m.bin"));
  ASSERT_TRUE(Create("model: m.bin\nreload_check: 10ms\n").ok());
  EXPECT_EQ(Label("高校招生录取"), "topic=招生;");
  TempDir other;
  TrainModel(other, other.File("m2.bin"), "enrol", "aid");
  std::filesystem::rename(other.File("m2.bin"), dir_.File("m.bin"));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(Label("高校招生录取"), "topic=enrol;");
}

}  // namespace
}  // namespace sluice

// Debian's libfasttext.so exports the fasttext CLI's main(); linked before gtest_main it would
// become this test's main. Our own main wins over both.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
