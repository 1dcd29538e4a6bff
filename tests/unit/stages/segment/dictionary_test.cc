// Tests stages/segment/src/dictionary.cc: sources, merging, conventions, errors.
#include "sluice/segment/dictionary.h"

#include <gtest/gtest.h>

#include "test_env.h"

namespace sluice::segment {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WriteFile;

class DictionaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("base.txt"),
              "经济 5000 n\n建设 4000 vn\n经济建设 3000 n\n不知 800 v\n不觉 700 v\n不知不觉 600 i\n"
              "王小明 50 nr\n欧阳修文 20 nr\n北京大学 900 nt\n北京 9000 ns\n大学 8000 n\n"
              "考点 200 n\n各考点 30 l\n各 20000 r\nT恤 40 n\n删除 100 v\n");
    WriteFile(dir_.File("lexicon.txt"), "# name: edu\n# version: 2.1\n考点\n双减\n立德树人 500\n");
  }

  std::shared_ptr<const Dictionary> Load(DictionaryOptions o, Status* st = nullptr) {
    std::shared_ptr<const Dictionary> d;
    Status s = Dictionary::Load(o, &d);
    if (st) *st = s;
    else EXPECT_TRUE(s.ok()) << s.ToString();
    return d;
  }
  DictionaryOptions Options() const {
    DictionaryOptions o;
    o.base_path = dir_.File("base.txt");
    o.lexicon_path = dir_.File("lexicon.txt");
    o.split_bias = 0;
    return o;
  }

  TempDir dir_;
};

TEST_F(DictionaryTest, LoadsWordsAndLooksThemUp) {
  auto d = Load(Options());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->word_count(), 17u);  // 15 Han base words (T恤 skipped) + 双减 + 立德树人
  EXPECT_NE(d->Find("经济"), Dictionary::kNoNode);
  EXPECT_EQ(d->Find("经"), Dictionary::kNoNode);  // a prefix, not a word
  EXPECT_EQ(d->Find("T恤"), Dictionary::kNoNode);
  EXPECT_EQ(d->max_word_length(), 4u);
  EXPECT_EQ(d->lexicon_version(), "edu-2.1");
  EXPECT_GT(d->MemoryBytes(), 0u);
  EXPECT_GT(d->Score(d->Find("北京")), d->Score(d->Find("大学")));
  // Trie navigation agrees with Find.
  Dictionary::NodeId n = d->Root(U'经');
  n = d->Child(n, U'济');
  EXPECT_EQ(n, d->Find("经济"));
  EXPECT_EQ(d->Child(Dictionary::kNoNode, U'济'), Dictionary::kNoNode);
}

TEST_F(DictionaryTest, MarksPhrasesButNotIdiomsOrLexiconWords) {
  auto d = Load(Options());
  EXPECT_TRUE(d->Flags(d->Find("经济建设")) & kWordPhrase);   // 经济|建设
  EXPECT_FALSE(d->Flags(d->Find("不知不觉")) & kWordPhrase);  // four-character idiom
  EXPECT_TRUE(d->Flags(d->Find("北京大学")) & kWordPhrase);   // organisation name
  EXPECT_TRUE(d->Flags(d->Find("各考点")) & kWordLexiconCompound);  // wraps lexicon word 考点
  EXPECT_TRUE(d->Flags(d->Find("考点")) & kWordLexicon);
  EXPECT_FALSE(d->Flags(d->Find("考点")) & kWordPhrase);
  // The penalty is what the flag costs.
  DictionaryOptions o = Options();
  o.compound_penalty = 0;
  auto plain = Load(o);
  EXPECT_NEAR(plain->Score(plain->Find("经济建设")) - d->Score(d->Find("经济建设")), 5.0, 1e-4);
}

TEST_F(DictionaryTest, MarksPersonNamesForSplitting) {
  auto d = Load(Options());
  EXPECT_TRUE(d->Flags(d->Find("王小明")) & kWordNameSplit1);
  EXPECT_TRUE(d->Flags(d->Find("欧阳修文")) & kWordNameSplit2);
  DictionaryOptions o = Options();
  o.split_person_names = false;
  auto whole = Load(o);
  EXPECT_FALSE(whole->Flags(whole->Find("王小明")) & (kWordNameSplit1 | kWordNameSplit2));
}

TEST_F(DictionaryTest, LexiconWordsBeatTheirSplits) {
  auto d = Load(Options());
  const Dictionary::NodeId shuangjian = d->Find("双减");
  ASSERT_NE(shuangjian, Dictionary::kNoNode);
  // 双 and 减 are unknown characters here: the word must beat both of them together.
  EXPECT_GT(d->Score(shuangjian), d->UnknownCharScore(U'双') + d->UnknownCharScore(U'减'));
  // An explicit frequency is taken as given.
  EXPECT_LT(d->Score(d->Find("立德树人")), d->Score(d->Find("经济")));
}

TEST_F(DictionaryTest, UserDictionariesOverrideAndDelete) {
  WriteFile(dir_.File("user.txt"), "删除 0\n经济建设 100000\n新词\n");
  DictionaryOptions o = Options();
  o.user_paths = {dir_.File("user.txt")};
  auto d = Load(o);
  EXPECT_EQ(d->Find("删除"), Dictionary::kNoNode);
  EXPECT_NE(d->Find("新词"), Dictionary::kNoNode);
  const auto phrase = d->Find("经济建设");
  EXPECT_TRUE(d->Flags(phrase) & kWordLexicon);
  EXPECT_FALSE(d->Flags(phrase) & kWordPhrase);
  EXPECT_GT(d->Score(phrase), d->Score(d->Find("经济")));
}

TEST_F(DictionaryTest, FingerprintFollowsContentsAndOptions) {
  auto a = Load(Options());
  auto b = Load(Options());
  EXPECT_EQ(a->fingerprint(), b->fingerprint());
  DictionaryOptions o = Options();
  o.compound_penalty = 3;
  EXPECT_NE(Load(o)->fingerprint(), a->fingerprint());
  WriteFile(dir_.File("lexicon.txt"), "# version: 2.2\n考点\n");
  EXPECT_NE(Load(Options())->fingerprint(), a->fingerprint());
}

TEST_F(DictionaryTest, ErrorsNameTheFileAndLine) {
  Status st;
  DictionaryOptions o = Options();
  o.user_paths = {dir_.File("missing.txt")};
  EXPECT_EQ(Load(o, &st), nullptr);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find("missing.txt"), std::string::npos);

  WriteFile(dir_.File("bad_base.txt"), "经济 5000 n\n建设 many n\n");
  o = Options();
  o.base_path = dir_.File("bad_base.txt");
  Load(o, &st);
  EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("bad_base.txt:2"), std::string::npos) << st.message();

  WriteFile(dir_.File("latin_user.txt"), "新词\nC919\n");
  o = Options();
  o.user_paths = {dir_.File("latin_user.txt")};
  Load(o, &st);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("latin_user.txt:2"), std::string::npos) << st.message();

  WriteFile(dir_.File("bad_utf8.txt"), "\xE4\xB8 3\n");
  o = Options();
  o.user_paths = {dir_.File("bad_utf8.txt")};
  Load(o, &st);
  EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();

  DictionaryOptions empty;
  Load(empty, &st);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
}

TEST_F(DictionaryTest, FoldsWordsLikeText) {
  // A compatibility ideograph in a dictionary file is stored as its unified form.
  WriteFile(dir_.File("compat.txt"), "\xEF\xA4\x80\xE5\xAD\x90 10\n");  // U+F900 子
  DictionaryOptions o;
  o.lexicon_path = dir_.File("compat.txt");
  auto d = Load(o);
  EXPECT_NE(d->Find("豈子"), Dictionary::kNoNode);
}

}  // namespace
}  // namespace sluice::segment
