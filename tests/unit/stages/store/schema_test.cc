// White-box tests of stages/store/src/schema.cc: migrations from an empty database and from
// every earlier version (a version-1 database with data is built here with the version-1
// columns), refusal of newer and foreign databases, on both back ends.
#include "schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "postgres_session.h"
#include "sluice/store/document_store.h"
#include "sluice/store/index_tokens.h"
#include "sqlite_session.h"
#include "store_fixtures.h"
#include "test_env.h"

namespace sluice::store::internal {
namespace {

class SchemaTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!FreshDatabase()) GTEST_SKIP() << "PostgreSQL cannot be started here: " << why_;
  }
  // Points Options() at a new, empty database.
  bool FreshDatabase() {
    path_ = dir_.File("sluice" + std::to_string(++databases_) + ".db");
    if (GetParam() == Backend::kPostgres) dsn_ = testing::FreshPostgresDatabase(&why_);
    return GetParam() == Backend::kSqlite || !dsn_.empty();
  }
  StoreOptions Options(bool read_only = false) const {
    StoreOptions o;
    o.backend = GetParam();
    o.path = path_;
    o.dsn = dsn_;
    o.read_only = read_only;
    return o;
  }
  std::unique_ptr<SqlSession> Session() const {
    std::unique_ptr<SqlSession> s;
    Status st = GetParam() == Backend::kSqlite ? OpenSqliteSession(Options(), &s) : OpenPostgresSession(Options(), &s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }
  static std::vector<int64_t> AppliedVersions(SqlSession& s) {
    std::vector<SqlRow> rows;
    EXPECT_TRUE(s.Exec("SELECT version FROM schema_version ORDER BY version", {}, &rows).ok());
    std::vector<int64_t> out;
    for (const auto& r : rows) out.push_back(r[0].AsInt());
    return out;
  }

  // A document as a version-1 store wrote it: only the version-1 columns, indexed by grams.
  void InsertVersion1Row(SqlSession& s) {
    const std::string title = "关于举办校园读书节的通知";
    const std::string text = "为营造书香校园氛围，决定举办第三届校园读书节。";
    std::vector<SqlRow> rows;
    ASSERT_TRUE(s.Begin().ok());
    std::string insert =
        "INSERT INTO documents (canonical_url, url, site, title, publish_time, publish_date, text, content_hash, "
        "version, first_seen_us, version_seen_us, last_seen_us) VALUES (?, ?, 'old.example.gov.cn', ?, "
        "'2024-04-01', '2024-04-01', ?, 'v1hash', 1, 1000, 1000, 1000) RETURNING id";
    std::vector<SqlParam> params{SqlParam::Text(url_), SqlParam::Text(url_), SqlParam::Text(title), SqlParam::Text(text)};
    ASSERT_TRUE(s.Exec(insert, params, &rows).ok());
    int64_t id = rows[0][0].AsInt();
    JoinedTokens tg, bg;
    GramTokens(title, tg);
    GramTokens(text, bg);
    if (s.dialect() == Dialect::kSqlite) {
      ASSERT_TRUE(s.Exec("INSERT INTO documents_fts (rowid, title_w, body_w, title_g, body_g) VALUES (?, '', '', ?, ?)",
                         {SqlParam::Int(id), SqlParam::Text(tg.text), SqlParam::Text(bg.text)})
                      .ok());
    } else {
      TokenVector all;
      GramTokens(title + "\n" + text, all);
      std::string tsv;
      for (size_t i = 0; i < all.tokens.size(); ++i) tsv += "'~" + all.tokens[i] + "':" + std::to_string(i + 1) + " ";
      ASSERT_TRUE(s.Exec("UPDATE documents SET tsv = CAST(? AS tsvector) WHERE id = ?", {SqlParam::Text(tsv), SqlParam::Int(id)})
                      .ok());
    }
    ASSERT_TRUE(s.Exec("INSERT INTO labels (doc_id, axis, value, score, classifier) VALUES (?, 'doc_type', '通知', 1, 'rules')",
                       {SqlParam::Int(id)})
                    .ok());
    ASSERT_TRUE(s.Commit().ok());
  }

  sluice::testing::TempDir dir_;
  int databases_ = 0;
  std::string path_;
  std::string dsn_;
  std::string why_;
  const std::string url_ = "https://old.example.gov.cn/2024/0401/dsj.html";
};

TEST_P(SchemaTest, UpgradesFromEmpty) {
  std::unique_ptr<DocumentStore> store;
  ASSERT_TRUE(DocumentStore::Open(Options(), &store).ok());
  EXPECT_EQ(store->schema_version(), LatestVersion());
  store.reset();
  auto s = Session();
  std::vector<int64_t> expected;
  for (int v = 1; v <= LatestVersion(); ++v) expected.push_back(v);
  EXPECT_EQ(AppliedVersions(*s), expected);
  // Opening again applies nothing twice.
  ASSERT_TRUE(DocumentStore::Open(Options(), &store).ok());
  EXPECT_EQ(AppliedVersions(*s), expected);
}

TEST_P(SchemaTest, UpgradesFromEveryEarlierVersionKeepingData) {
  for (int from = 1; from < LatestVersion(); ++from) {
    if (from > 1) {
      ASSERT_TRUE(FreshDatabase()) << why_;
    }
    auto s = Session();
    int version = 0;
    ASSERT_TRUE(Migrate(*s, from, &version).ok());
    ASSERT_EQ(version, from);
    InsertVersion1Row(*s);

    // A reader never migrates: it tells the operator what to do.
    std::unique_ptr<DocumentStore> store;
    Status st = DocumentStore::Open(Options(/*read_only=*/true), &store);
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_NE(st.message().find("start the store stage"), std::string::npos) << st.message();

    ASSERT_TRUE(DocumentStore::Open(Options(), &store).ok());
    EXPECT_EQ(store->schema_version(), LatestVersion());
    StoredDocument d;
    ASSERT_TRUE(store->GetByUrl(url_, &d).ok());
    EXPECT_EQ(d.title, "关于举办校园读书节的通知");
    EXPECT_EQ(d.info_category, "");  // a column added by version 2, defaulted
    ASSERT_EQ(d.labels.size(), 1u);

    SearchRequest req;
    req.query = "读书节";
    SearchResult res;
    ASSERT_TRUE(store->Search(req, &res).ok());
    ASSERT_EQ(res.hits.size(), 1u);

    // The old row versions cleanly: its index entries are replaced, not left behind.
    v1::Document changed = testing::MakeDoc(url_, "关于延期举办校园读书节的通知", "读书节|延期|举办|。", "old.example.gov.cn",
                                            "2024-04-02");
    UpsertResult r;
    ASSERT_TRUE(store->Upsert(changed, &r).ok());
    EXPECT_EQ(r.outcome, UpsertResult::Outcome::kNewVersion);
    ASSERT_TRUE(store->Commit().ok());
    req.query = "书香";
    ASSERT_TRUE(store->Search(req, &res).ok());
    EXPECT_TRUE(res.hits.empty());
    req.query = "延期";
    ASSERT_TRUE(store->Search(req, &res).ok());
    EXPECT_EQ(res.hits.size(), 1u);
    ASSERT_TRUE(store->GetByUrl(url_, &d).ok());
    ASSERT_EQ(d.versions.size(), 1u);
    EXPECT_EQ(d.versions[0].text, "为营造书香校园氛围，决定举办第三届校园读书节。");
  }
}

TEST_P(SchemaTest, RefusesADatabaseNewerThanThisBuild) {
  std::unique_ptr<DocumentStore> store;
  ASSERT_TRUE(DocumentStore::Open(Options(), &store).ok());
  store.reset();
  auto s = Session();
  ASSERT_TRUE(s->Exec("INSERT INTO schema_version (version, description, applied_at_us) VALUES (99, 'future', 0)").ok());
  for (bool read_only : {false, true}) {
    Status st = DocumentStore::Open(Options(read_only), &store);
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_NE(st.message().find("newer than this sluice"), std::string::npos) << st.message();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SchemaTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

// The terms of the contentless FTS5 index, per column: (term, column, documents, occurrences).
std::vector<std::string> IndexTerms(SqlSession& s, const std::string& table) {
  std::string vocab = "temp.vocab_" + table.substr(table.find('.') + 1);
  std::string schema = table.find('.') == std::string::npos ? "main" : table.substr(0, table.find('.'));
  EXPECT_TRUE(s.ExecScript("CREATE VIRTUAL TABLE IF NOT EXISTS " + vocab + " USING fts5vocab(" + schema + ", " +
                           table.substr(table.find('.') + 1) + ", 'col')")
                  .ok());
  std::vector<SqlRow> rows;
  EXPECT_TRUE(s.Exec("SELECT term, col, doc, cnt FROM " + vocab + " ORDER BY term, col", {}, &rows).ok());
  std::vector<std::string> out;
  for (const auto& r : rows) {
    out.push_back(r[0].AsText() + "/" + r[1].AsText() + "/" + r[2].AsText() + "/" + r[3].AsText());
  }
  return out;
}

// The index as it should be: every current row indexed afresh, the way index_tokens.h says.
void BuildFreshIndex(SqlSession& s) {
  ASSERT_TRUE(s.ExecScript("CREATE VIRTUAL TABLE temp.fresh USING fts5(title_w, body_w, title_g, body_g, content='', "
                           "tokenize='unicode61 remove_diacritics 0')")
                  .ok());
  std::vector<SqlRow> rows;
  ASSERT_TRUE(s.Exec("SELECT id, title, text, title_words, text_words FROM documents", {}, &rows).ok());
  for (const auto& r : rows) {
    std::string title = r[1].AsText(), text = r[2].AsText();
    std::vector<WordSpan> tw, bw;
    ASSERT_TRUE(DecodeWordSpans(r[3].AsText(), &tw) && DecodeWordSpans(r[4].AsText(), &bw));
    JoinedTokens title_w, body_w, title_g, body_g;
    if (!tw.empty()) WordTokens(title, tw, title_w);
    GramTokens(title, title_g);
    if (!bw.empty()) {
      WordTokens(text, bw, body_w);
    } else {
      GramTokens(text, body_g);
    }
    ASSERT_TRUE(s.Exec("INSERT INTO temp.fresh (rowid, title_w, body_w, title_g, body_g) VALUES (?, ?, ?, ?, ?)",
                       {SqlParam::Int(r[0].AsInt()), SqlParam::Text(title_w.text), SqlParam::Text(body_w.text),
                        SqlParam::Text(title_g.text), SqlParam::Text(body_g.text)})
                    .ok());
  }
}

// The contentless FTS5 index must stay exactly what indexing the current rows afresh gives,
// through inserts, redeliveries and versions in and across batches: a delete given other
// tokens than its row was indexed with would leave stale terms behind, found by searches.
TEST(SqliteSchemaTest, FullTextIndexMatchesTheRowsAfterVersions) {
  sluice::testing::TempDir dir;
  StoreOptions o;
  o.path = dir.File("sluice.db");
  std::unique_ptr<DocumentStore> store;
  ASSERT_TRUE(DocumentStore::Open(o, &store).ok());
  std::vector<v1::Document> docs = testing::FixtureCorpus();
  for (int round = 0; round < 3; ++round) {
    for (auto d : docs) {
      if (round > 0) {
        d.set_text(d.text() + "第" + std::to_string(round) + "次修订。");
        d.mutable_fetch()->set_fetched_at_us(d.fetch().fetched_at_us() + round);
      }
      UpsertResult r;
      ASSERT_TRUE(store->Upsert(d, &r).ok());
      ASSERT_TRUE(store->Upsert(d, &r).ok());
    }
    ASSERT_TRUE(store->Commit().ok());
  }
  store.reset();
  std::unique_ptr<SqlSession> s;
  ASSERT_TRUE(OpenSqliteSession(o, &s).ok());
  std::vector<SqlRow> rows;
  ASSERT_TRUE(s->Exec("SELECT COUNT(*) FROM versions", {}, &rows).ok());
  EXPECT_EQ(rows[0][0].AsInt(), static_cast<int64_t>(2 * docs.size()));
  BuildFreshIndex(*s);
  std::vector<std::string> stored = IndexTerms(*s, "documents_fts");
  EXPECT_FALSE(stored.empty());
  // The first notice's title came with title_tokens: its words are in the title words column.
  EXPECT_TRUE(std::any_of(stored.begin(), stored.end(),
                          [](const std::string& t) { return t.rfind("教育强国/title_w/", 0) == 0; }));
  EXPECT_EQ(stored, IndexTerms(*s, "temp.fresh"));

  // The check can fail: a delete with the wrong tokens leaves the index off.
  ASSERT_TRUE(s->Exec("INSERT INTO documents_fts (documents_fts, rowid, title_w, body_w, title_g, body_g) "
                      "VALUES ('delete', 1, '', '不对 的 词', '', '')")
                  .ok());
  EXPECT_NE(IndexTerms(*s, "documents_fts"), IndexTerms(*s, "temp.fresh"));
}

TEST(SqliteSchemaTest, RefusesAForeignDatabase) {
  sluice::testing::TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("other.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE documents (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  StoreOptions o;
  o.path = dir.File("other.db");
  std::unique_ptr<DocumentStore> store;
  Status st = DocumentStore::Open(o, &store);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("not a sluice database"), std::string::npos);
}

TEST(SqliteSchemaTest, ReaderNeedsAnExistingDatabase) {
  sluice::testing::TempDir dir;
  StoreOptions o;
  o.path = dir.File("missing/sluice.db");
  o.read_only = true;
  std::unique_ptr<DocumentStore> store;
  EXPECT_TRUE(DocumentStore::Open(o, &store).IsNotFound());
}

TEST(SqliteSchemaTest, UsesWalAndFts5) {
  sluice::testing::TempDir dir;
  StoreOptions o;
  o.path = dir.File("sluice.db");
  std::unique_ptr<DocumentStore> store;
  ASSERT_TRUE(DocumentStore::Open(o, &store).ok());
  std::unique_ptr<SqlSession> s;
  ASSERT_TRUE(OpenSqliteSession(o, &s).ok());
  std::vector<SqlRow> rows;
  ASSERT_TRUE(s->Exec("PRAGMA journal_mode", {}, &rows).ok());
  EXPECT_EQ(rows[0][0].AsText(), "wal");
  rows.clear();
  ASSERT_TRUE(s->Exec("PRAGMA compile_options", {}, &rows).ok());
  bool fts5 = false;
  for (const auto& r : rows) fts5 = fts5 || r[0].AsText() == "ENABLE_FTS5";
  EXPECT_TRUE(fts5);
}

}  // namespace
}  // namespace sluice::store::internal
