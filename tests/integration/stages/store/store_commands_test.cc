// Integration tests of stages/store/src/store_commands.cc: the real `sluice` binary ($SLUICE_BIN)
// searching, showing, exporting and counting a database filled with the fixture notices.
#include "sluice/store/store_commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "sluice/json.h"
#include "sluice/store/document_store.h"
#include "store_fixtures.h"
#include "test_env.h"

namespace sluice::store {
namespace {

using sluice::testing::RunCommand;
using sluice::testing::SluiceBin;

class StoreCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("sluice-data/sluice.db");
    StoreOptions o;
    o.path = db_;
    ASSERT_TRUE(DocumentStore::Open(o, &writer_).ok());
    corpus_ = testing::FixtureCorpus();
    for (const auto& d : corpus_) {
      UpsertResult r;
      ASSERT_TRUE(writer_->Upsert(d, &r).ok());
    }
    ASSERT_TRUE(writer_->Commit().ok());
  }

  int Sluice(std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), SluiceBin());
    return RunCommand(args, out, std::chrono::seconds(60), "", {{"NO_COLOR", "1"}});
  }

  static Json ParseJson(const std::string& text) {
    Json j;
    Status st = Json::Parse(text, &j);
    EXPECT_TRUE(st.ok()) << st.ToString() << "\n" << text;
    return j;
  }

  sluice::testing::TempDir dir_;
  std::string db_;
  std::unique_ptr<DocumentStore> writer_;
  std::vector<v1::Document> corpus_;
};

TEST_F(StoreCommandsTest, SearchPrintsRankedHitsWithMarkedSnippets) {
  std::string out;
  ASSERT_EQ(Sluice({"search", "教育强国", "--db", db_}, &out), 0) << out;
  EXPECT_NE(out.find(" 1. "), std::string::npos) << out;
  EXPECT_NE(out.find("关于加快建设[教育强国]的实施意见"), std::string::npos) << out;
  EXPECT_NE(out.find("全区教育工作会议召开"), std::string::npos) << out;
  EXPECT_NE(out.find("[教育强国]建设规划纲要解读"), std::string::npos) << out;
  EXPECT_EQ(out.find("体育强国"), std::string::npos) << out;
  EXPECT_NE(out.find("https://jyt.example.gov.cn/xwzx/2026/0120/b2.html"), std::string::npos);
  EXPECT_NE(out.find("加快建设[教育强国]"), std::string::npos) << "snippet of the 教育|强国 notice: " << out;
  EXPECT_EQ(out.find("\x1b["), std::string::npos) << "no colour codes when not a terminal";
}

TEST_F(StoreCommandsTest, MultiWordQueriesAsOneOrSeveralArguments) {
  std::string a, b;
  ASSERT_EQ(Sluice({"search", "教育强国", "建设", "--db", db_, "--json"}, &a), 0) << a;
  ASSERT_EQ(Sluice({"search", "教育强国 建设", "--db", db_, "--json"}, &b), 0) << b;
  Json ja = ParseJson(a);
  Json jb = ParseJson(b);
  EXPECT_EQ(ja["hits"].size(), 3u);
  EXPECT_EQ(ja["hits"].Dump(), jb["hits"].Dump());
  ASSERT_EQ(Sluice({"search", "双减 政策", "--db", db_, "--json"}, &a), 0) << a;
  ja = ParseJson(a);
  ASSERT_EQ(ja["hits"].size(), 1u);
  EXPECT_EQ(ja["hits"][0]["title"].AsString(), "全区教育工作会议召开");
}

TEST_F(StoreCommandsTest, JsonHitsCarryCodePointHighlights) {
  std::string out;
  ASSERT_EQ(Sluice({"search", "产教融合", "--db", db_, "--json"}, &out), 0) << out;
  Json j = ParseJson(out);
  ASSERT_EQ(j["hits"].size(), 2u);
  EXPECT_EQ(j["query"].AsString(), "产教融合");
  for (const Json& hit : j["hits"].items()) {
    EXPECT_GT(hit["id"].AsInt(), 0);
    EXPECT_FALSE(hit["url"].AsString().empty());
    const Json& hl = hit["highlights"];
    ASSERT_GE(hl.size(), 1u) << hit.Dump();
    // Offsets count code points: the marked span is four characters, 产教融合.
    EXPECT_EQ(hl[0][1].AsInt() - hl[0][0].AsInt(), 4);
    std::u32string chars;
    for (const char* p = hit["snippet"].AsString().c_str(); *p;) {
      unsigned char c = static_cast<unsigned char>(*p);
      int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      chars.push_back(c);
      p += len;
    }
    EXPECT_LE(static_cast<size_t>(hl[0][1].AsInt()), chars.size());
  }
}

TEST_F(StoreCommandsTest, SearchFilters) {
  std::string out;
  ASSERT_EQ(Sluice({"search", "教育强国", "--db", db_, "--site", "jyj.example.gov.cn", "--json"}, &out), 0);
  EXPECT_EQ(ParseJson(out)["hits"].size(), 1u);
  ASSERT_EQ(Sluice({"search", "双减", "--db", db_, "--type", "通知", "--json"}, &out), 0);
  EXPECT_EQ(ParseJson(out)["hits"].size(), 1u);
  ASSERT_EQ(Sluice({"search", "双减", "--db", db_, "--topic", "会议", "--json"}, &out), 0);
  EXPECT_EQ(ParseJson(out)["hits"].size(), 1u);
  ASSERT_EQ(Sluice({"search", "产教融合", "--db", db_, "--since", "2026-01-01", "--json"}, &out), 0);
  EXPECT_EQ(ParseJson(out)["hits"].size(), 1u);
  ASSERT_EQ(Sluice({"search", "教育", "--db", db_, "--limit", "2", "--json"}, &out), 0);
  EXPECT_EQ(ParseJson(out)["hits"].size(), 2u);
}

TEST_F(StoreCommandsTest, ExitCodesSayWhatHappened) {
  std::string out;
  EXPECT_EQ(Sluice({"search", "不存在的词语组合", "--db", db_}, &out), 1);
  EXPECT_NE(out.find("no results"), std::string::npos) << out;
  EXPECT_EQ(Sluice({"search", "教育", "--db", dir_.File("nowhere/sluice.db")}, &out), 2);
  EXPECT_NE(out.find("sluice run"), std::string::npos) << out;
  EXPECT_EQ(Sluice({"search", "--db", db_}, &out), 64) << out;
  EXPECT_EQ(Sluice({"search", "，。", "--db", db_}, &out), 64) << out;
  EXPECT_EQ(Sluice({"search", "--help"}, &out), 0);
  EXPECT_NE(out.find("--since"), std::string::npos);
}

TEST_F(StoreCommandsTest, FindsTheDemoDatabaseAndPipelineConfigs) {
  // Without --db: ./sluice-data/sluice.db, where the bundled demo writes.
  sluice::testing::ChildProcess p;
  ASSERT_TRUE(p.Start({SluiceBin(), "search", "双减", "--json"}, {{"NO_COLOR", "1"}}, "", dir_.path()));
  ASSERT_EQ(p.Wait(std::chrono::seconds(60)), 0) << p.Output();
  EXPECT_NE(p.Output().find("关于进一步做好双减工作的通知"), std::string::npos);

  // --config: the store stage's path, relative to the config file.
  sluice::testing::WriteFile(dir_.File("conf/pipeline.yaml"),
                             "stages:\n  - name: store\n    config:\n      path: ../sluice-data/sluice.db\n");
  std::string out;
  ASSERT_EQ(Sluice({"stats", "--config", dir_.File("conf/pipeline.yaml"), "--json"}, &out), 0) << out;
  EXPECT_EQ(ParseJson(out)["documents"].AsInt(), 8);
}

TEST_F(StoreCommandsTest, ShowPrintsEverythingAboutOneDocument) {
  StoredDocument d;
  ASSERT_TRUE(writer_->GetByUrl(corpus_[7].canonical_url(), &d).ok());
  std::string out;
  ASSERT_EQ(Sluice({"show", std::to_string(d.id), "--db", db_}, &out), 0) << out;
  EXPECT_NE(out.find("2026年高考报名工作通知"), std::string::npos) << out;
  EXPECT_NE(out.find("doc_type=通知"), std::string::npos) << out;
  EXPECT_NE(out.find("附件1：报名表.xlsx"), std::string::npos) << out;
  EXPECT_NE(out.find("2026年普通高校招生考试报名工作即将开始。"), std::string::npos) << out;
  ASSERT_EQ(Sluice({"show", corpus_[7].canonical_url(), "--db", db_, "--json"}, &out), 0) << out;
  Json j = ParseJson(out);
  EXPECT_EQ(j["schema"].AsString(), "sluice.export.v1");
  EXPECT_EQ(j["id"].AsInt(), d.id);
  EXPECT_TRUE(j["versions"].is_array());
  EXPECT_EQ(Sluice({"show", "999999", "--db", db_}, &out), 1);
}

TEST_F(StoreCommandsTest, ExportWritesOneDocumentPerLine) {
  std::string out;
  ASSERT_EQ(Sluice({"export", "--jsonl", "--db", db_}, &out), 0) << out;
  std::istringstream lines(out);
  std::string line;
  int64_t last_id = 0;
  int n = 0;
  while (std::getline(lines, line)) {
    Json j = ParseJson(line);
    EXPECT_EQ(j["schema"].AsString(), "sluice.export.v1");
    EXPECT_GT(j["id"].AsInt(), last_id);
    last_id = j["id"].AsInt();
    for (const char* field : {"canonical_url", "site", "title", "text", "content_hash", "first_seen", "labels", "attachments"}) {
      EXPECT_TRUE(j.Has(field)) << field;
    }
    ++n;
  }
  EXPECT_EQ(n, 8);
  ASSERT_EQ(Sluice({"export", "--jsonl", "--db", db_, "--site", "jyj.example.gov.cn", "-o", dir_.File("out.jsonl")}, &out), 0);
  std::string file = sluice::testing::ReadFile(dir_.File("out.jsonl"));
  EXPECT_EQ(std::count(file.begin(), file.end(), '\n'), 3);
  EXPECT_EQ(Sluice({"export", "--db", db_}, &out), 64) << "--jsonl is required: " << out;
}

TEST_F(StoreCommandsTest, StatsCountsPerSiteDayAndLabel) {
  std::string out;
  ASSERT_EQ(Sluice({"stats", "--db", db_}, &out), 0) << out;
  EXPECT_NE(out.find("documents 8"), std::string::npos) << out;
  EXPECT_NE(out.find("jyt.example.gov.cn"), std::string::npos);
  EXPECT_NE(out.find("doc_type=通知"), std::string::npos);
  ASSERT_EQ(Sluice({"stats", "--db", db_, "--json"}, &out), 0);
  Json j = ParseJson(out);
  EXPECT_EQ(j["per_site"]["jyt.example.gov.cn"].AsInt(), 5);
  EXPECT_EQ(j["per_label"]["doc_type=通知"].AsInt(), 3);
}

TEST_F(StoreCommandsTest, ReadersNeverWaitForTheWriter) {
  UpsertResult r;
  ASSERT_TRUE(writer_->Upsert(testing::MakeDoc("https://x.example.gov.cn/open.html", "进行中", "写|入|中|。"), &r).ok());
  auto started = std::chrono::steady_clock::now();
  std::string out;
  ASSERT_EQ(Sluice({"search", "双减", "--db", db_}, &out), 0) << out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ASSERT_TRUE(writer_->Commit().ok());
}

TEST_F(StoreCommandsTest, SearchesPostgresToo) {
  std::string why;
  std::string dsn = testing::FreshPostgresDatabase(&why);
  if (dsn.empty()) GTEST_SKIP() << "PostgreSQL cannot be started here: " << why;
  StoreOptions o;
  o.backend = Backend::kPostgres;
  o.dsn = dsn;
  std::unique_ptr<DocumentStore> pg;
  ASSERT_TRUE(DocumentStore::Open(o, &pg).ok());
  for (const auto& d : corpus_) {
    UpsertResult r;
    ASSERT_TRUE(pg->Upsert(d, &r).ok());
  }
  ASSERT_TRUE(pg->Commit().ok());
  std::string out;
  ASSERT_EQ(Sluice({"search", "教育强国 建设", "--dsn", dsn, "--json"}, &out), 0) << out;
  EXPECT_EQ(ParseJson(out)["hits"].size(), 3u);
  ASSERT_EQ(Sluice({"stats", "--dsn", dsn + " password=hunter2"}, &out), 0) << out;
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << "the password is never printed: " << out;
}

}  // namespace
}  // namespace sluice::store
