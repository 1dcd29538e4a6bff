// Tests stages/segment/src/segmenter.cc: tokens of every kind, offsets, bad input, windows,
// threads. Most tests use a small dictionary written here; those marked Jieba use the shipped
// python3-jieba resources and skip without them.
#include "sluice/segment/segmenter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "test_env.h"
#include "toy_hmm.h"

namespace sluice::segment {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WriteFile;

// Offsets valid, increasing, on UTF-8 boundaries, and no token holds white space.
void ExpectWellFormed(std::string_view text, const std::vector<Token>& tokens) {
  uint32_t prev = 0;
  auto continuation = [&](uint32_t at) { return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80; };
  for (const Token& t : tokens) {
    ASSERT_LT(t.begin, t.end);
    ASSERT_LE(t.end, text.size());
    ASSERT_GE(t.begin, prev);
    ASSERT_FALSE(continuation(t.begin)) << t.begin;
    ASSERT_FALSE(continuation(t.end)) << t.end;
    const std::string_view w = text.substr(t.begin, t.end - t.begin);
    ASSERT_EQ(w.find_first_of(" \t\r\n"), std::string_view::npos) << w;
    prev = t.end;
  }
}

class SegmenterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("base.txt"),
              "研究 5000 vn\n研究生 800 n\n生命 3000 n\n命 500 n\n的 100000 uj\n起源 900 n\n"
              "我 50000 r\n来到 3000 v\n北京 9000 ns\n清华大学 2000 nt\n清华 1000 nz\n大学 8000 n\n"
              "说 40000 v\n年 20000 m\n三十 800 m\n一 90000 m\n十二月 300 t\n人 60000 n\n"
              "年度 300 n\n十届 100 m\n批次 100 n\n");
    WriteFile(dir_.File("lex.txt"), "# name: t\n# version: 1\n十五五\n二十大\n");
    DictionaryOptions o;
    o.base_path = dir_.File("base.txt");
    o.lexicon_path = dir_.File("lex.txt");
    ASSERT_TRUE(Dictionary::Load(o, &dict_).ok());
    seg_ = std::make_unique<Segmenter>(dict_, nullptr, HmmMode::kOff);
  }

  std::string Seg(const std::string& text, bool kinds = false) const {
    std::vector<Token> tokens;
    size_t invalid = 0;
    EXPECT_TRUE(seg_->Segment(text, &tokens, &invalid).ok());
    ExpectWellFormed(text, tokens);
    std::string out;
    for (const Token& t : tokens) {
      if (!out.empty()) out += ' ';
      out += text.substr(t.begin, t.end - t.begin);
      if (kinds) out += std::string("/") + TokenKindName(t.kind);
    }
    return out;
  }

  TempDir dir_;
  std::shared_ptr<const Dictionary> dict_;
  std::unique_ptr<Segmenter> seg_;
};

TEST_F(SegmenterTest, MaximumProbabilityPath) {
  EXPECT_EQ(Seg("研究生命的起源"), "研究 生命 的 起源");
  EXPECT_EQ(Seg("我来到北京清华大学"), "我 来到 北京 清华 大学");  // organisation name split
  EXPECT_EQ(Seg(""), "");
}

TEST_F(SegmenterTest, NumbersAndDates) {
  EXPECT_EQ(Seg("增长3.5%，达１２．５万人", true), "增/word 长/word 3.5%/number ，/punct 达/word １２．５万/number 人/word");
  EXPECT_EQ(Seg("共1,000人和1,00人", true), "共/word 1,000/number 人/word 和/word 1/number ,/punct 00/number 人/word");
  EXPECT_EQ(Seg("2001年12月31日", true), "2001年/date 12月/date 31日/date");
  EXPECT_EQ(Seg("２００１年3年级", true), "２００１年/date 3/number 年/word 级/word");
  EXPECT_EQ(Seg("2024-05-01 2024/5/1 2024.05.01 08:30 8:30:15", true),
            "2024-05-01/date 2024/5/1/date 2024.05.01/date 08:30/date 8:30:15/date");
  EXPECT_EQ(Seg("二○○一年十二月三十一日", true), "二○○一年/date 十二月/date 三十一日/date");
  EXPECT_EQ(Seg("三十一人", true), "三十一/number 人/word");
  EXPECT_EQ(Seg("十五五规划和二十大", true), "十五五/word 规/word 划/word 和/word 二十大/word");
  EXPECT_EQ(Seg("5G和3D", true), "5G/latin 和/word 3D/latin");
  EXPECT_EQ(Seg("○", true), "○/other");
  // The year a report or award covers: 2024年度 is one date, in digits and in numerals.
  EXPECT_EQ(Seg("2024年度和二〇二四年度", true), "2024年度/date 和/word 二〇二四年度/date");
}

TEST_F(SegmenterTest, OrdinalsWithBatchTermAndPeriod) {
  EXPECT_EQ(Seg("第十二批和第三届"), "第十二批 和 第三届");
  EXPECT_EQ(Seg("二十届"), "二十届");              // 二 + 十届
  EXPECT_EQ(Seg("2026届和３届", true), "2026届/number 和/word ３届/number");
  EXPECT_EQ(Seg("第二批次"), "第 二 批次");         // 批次 is the word
  EXPECT_EQ(Seg("第二十大"), "第 二十大");          // lexicon words are not merged
  EXPECT_EQ(Seg("批和届"), "批 和 届");
}

TEST_F(SegmenterTest, LatinUrlsAndEmail) {
  EXPECT_EQ(Seg("见http://www.moe.gov.cn/jyb_xxgk/a.html。", true),
            "见/word http://www.moe.gov.cn/jyb_xxgk/a.html/url 。/punct");
  EXPECT_EQ(Seg("(www.example.org/x), 邮箱ab.c@moe.edu.cn或12345@qq.com.", true),
            "(/punct www.example.org/x/url )/punct ,/punct 邮/word 箱/word ab.c@moe.edu.cn/url 或/word "
            "12345@qq.com/url ./punct");
  EXPECT_EQ(Seg("COVID-19 don't U.S. ＡＢＣ", true), "COVID-19/latin don't/latin U.S/latin ./punct ＡＢＣ/latin");
}

TEST_F(SegmenterTest, OtherScriptsSymbolsAndEmoji) {
  EXPECT_EQ(Seg("ひらがなカタカナー한국어Ελλάδα", true), "ひらがな/other カタカナー/other 한국어/other Ελλάδα/other");
  // Emoji with skin tone, a ZWJ family, a flag, a keycap.
  const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  EXPECT_EQ(Seg("好👍🏽" + family + "🇨🇳1️⃣℃"), "好 👍🏽 " + family + " 🇨🇳 1️⃣ ℃");
  EXPECT_EQ(Seg("——……。。", true), "——/punct ……/punct 。/punct 。/punct");
  EXPECT_EQ(Seg("é́"), "é́");  // combining marks stay with their letter
}

TEST_F(SegmenterTest, SpacesControlsAndInvalidBytesBelongToNoToken) {
  EXPECT_EQ(Seg("我\t来到\r\n北京\x01\x7f\xE2\x80\x8B人\xEF\xBB\xBF"), "我 来到 北京 人");
  std::vector<Token> tokens;
  size_t invalid = 0;
  const std::string bad = "我\xFF\xFE来到\xE4\xB8北京\xC0\xAF";
  ASSERT_TRUE(seg_->Segment(bad, &tokens, &invalid).ok());
  ExpectWellFormed(bad, tokens);
  EXPECT_EQ(invalid, 6u);  // FF, FE, the truncated E4 B8, C0, AF
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(bad.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "来到");
}

TEST_F(SegmenterTest, LongRunsAreSegmentedInWindowsLikeShortOnes) {
  const std::string unit = "研究生命的起源";
  std::string text;
  for (int i = 0; i < 3000; ++i) text += unit;  // 21000 Han characters, no punctuation
  std::vector<Token> tokens;
  ASSERT_TRUE(seg_->Segment(text, &tokens).ok());
  ExpectWellFormed(text, tokens);
  ASSERT_EQ(tokens.size(), 4u * 3000);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const size_t unit_start = (i / 4) * unit.size();
    static const uint32_t kOffsets[] = {0, 6, 12, 15, 21};
    ASSERT_EQ(tokens[i].begin, unit_start + kOffsets[i % 4]) << i;
    ASSERT_EQ(tokens[i].end, unit_start + kOffsets[i % 4 + 1]) << i;
  }
}

TEST_F(SegmenterTest, FiftyMegabyteLineStreams) {
  const std::string unit = "研究生命的起源，COVID-19于2020年3.5%增长😀 http://a.cn/x?y=1 \xFF";
  std::string text;
  text.reserve(50u << 20);
  while (text.size() < (50u << 20)) text += unit;
  size_t count = 0;
  size_t invalid = 0;
  uint32_t prev = 0;
  bool ordered = true;
  Status st = seg_->Segment(
      text,
      [&](const Token& t) {
        ordered &= t.begin >= prev && t.end > t.begin && t.end <= text.size();
        prev = t.end;
        ++count;
      },
      &invalid);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(ordered);
  const size_t units = (text.size() + unit.size() - 1) / unit.size();
  EXPECT_EQ(invalid, units);
  EXPECT_EQ(count, units * 13);  // 研究 生命 的 起源 ， COVID-19 于 2020年 3.5% 增 长 😀 URL
}

TEST_F(SegmenterTest, ConcurrentCallsAgree) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "我来到北京清华大学，研究生命的起源。2001年12月31日";
  std::vector<Token> a, b;
  std::thread t1([&] { ASSERT_TRUE(seg_->Segment(text, &a).ok()); });
  std::thread t2([&] { ASSERT_TRUE(seg_->Segment(text, &b).ok()); });
  t1.join();
  t2.join();
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a.empty());
}

TEST_F(SegmenterTest, HmmFindsNamesAndSplitsThem) {
  // 王 begins, 小 continues, 明 ends, 甲 begins, 乙 ends; anything else stands alone.
  WriteToyHmm(dir_,
              "{'B': {'王': -0.1, '甲': -0.1}, 'M': {'小': -0.1}, 'E': {'明': -0.1, '乙': -0.1},"
              " 'S': {'说': -0.1, '王': -9, '小': -9, '明': -9, '甲': -9, '乙': -9}}");
  std::shared_ptr<const HmmModel> hmm;
  ASSERT_TRUE(HmmModel::Load(dir_.path(), &hmm).ok());
  Segmenter names(dict_, hmm, HmmMode::kNames);
  Segmenter all(dict_, hmm, HmmMode::kAll);
  Segmenter off(dict_, hmm, HmmMode::kOff);
  auto words = [](const Segmenter& s, const std::string& text) {
    std::vector<Token> tokens;
    EXPECT_TRUE(s.Segment(text, &tokens).ok());
    std::string out;
    for (const Token& t : tokens) {
      if (!out.empty()) out += ' ';
      out += text.substr(t.begin, t.end - t.begin);
    }
    return out;
  };
  EXPECT_EQ(words(names, "王小明说甲乙"), "王 小明 说 甲 乙");  // a name; 甲乙 is no name
  EXPECT_EQ(words(all, "王小明说甲乙"), "王 小明 说 甲乙");
  EXPECT_EQ(words(off, "王小明说甲乙"), "王 小 明 说 甲 乙");
  EXPECT_EQ(names.hmm_mode(), HmmMode::kNames);
  EXPECT_EQ(off.hmm_mode(), HmmMode::kOff);
}

TEST(SegmenterJiebaTest, ShippedResources) {
  if (!std::filesystem::exists(kDefaultDictPath)) GTEST_SKIP() << "python3-jieba is not installed";
  SegmenterOptions o;
  o.lexicon_path = "";
  std::unique_ptr<Segmenter> seg;
  Status st = Segmenter::Create(o, &seg);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(seg->dictionary().word_count(), 300000u);
  EXPECT_LT(seg->dictionary().MemoryBytes(), 100u << 20);
  EXPECT_EQ(seg->files().size(), 4u);  // dict.txt and the three HMM files
  auto words = [&](const std::string& text) {
    std::vector<Token> tokens;
    EXPECT_TRUE(seg->Segment(text, &tokens).ok());
    std::string out;
    for (const Token& t : tokens) {
      if (!out.empty()) out += ' ';
      out += text.substr(t.begin, t.end - t.begin);
    }
    return out;
  };
  EXPECT_EQ(words("这些学生会议论"), "这些 学生 会 议论");
  EXPECT_EQ(words("江泽民主席"), "江 泽民 主席");
  EXPECT_EQ(words("１９９８年，经济建设"), "１９９８年 ， 经济 建设");
  EXPECT_EQ(words("⼀些"), "⼀些");  // a Kangxi radical read as 一

  SegmenterOptions bad = o;
  bad.hmm_dir = "/nonexistent";
  st = Segmenter::Create(bad, &seg);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find("loading the HMM"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace sluice::segment
