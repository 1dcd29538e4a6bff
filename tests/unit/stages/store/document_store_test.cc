// Black-box tests of DocumentStore (stages/store/src/document_store.cc) on both back ends:
// exactly-once upserts, versions, search on Chinese fixture notices, export, stats.
#include "sluice/store/document_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "sluice/store/export_format.h"
#include "sluice/store/snippet.h"
#include "store_fixtures.h"
#include "test_env.h"

namespace sluice::store {
namespace {

using testing::FixtureCorpus;
using testing::MakeDoc;

class DocumentStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      std::string why;
      dsn_ = testing::FreshPostgresDatabase(&why);
      if (dsn_.empty()) GTEST_SKIP() << "PostgreSQL cannot be started here: " << why;
    }
  }

  StoreOptions Options(bool read_only = false) const {
    StoreOptions o;
    o.backend = GetParam();
    o.path = dir_.File("data/sluice.db");
    o.dsn = dsn_;
    o.read_only = read_only;
    return o;
  }

  std::unique_ptr<DocumentStore> Open(bool read_only = false) const {
    std::unique_ptr<DocumentStore> store;
    Status st = DocumentStore::Open(Options(read_only), &store);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return store;
  }

  static UpsertResult Put(DocumentStore& store, const v1::Document& doc) {
    UpsertResult r;
    Status st = store.Upsert(doc, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }

  static void Commit(DocumentStore& store) {
    Status st = store.Commit();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  void LoadCorpus(DocumentStore& store) {
    corpus_ = FixtureCorpus();
    for (const auto& d : corpus_) Put(store, d);
    Commit(store);
  }

  // The corpus indexes of the documents a search returns, in rank order.
  std::vector<int> Search(DocumentStore& store, SearchRequest req) {
    SearchResult result;
    Status st = store.Search(req, &result);
    EXPECT_TRUE(st.ok()) << req.query << ": " << st.ToString();
    std::vector<int> out;
    for (const auto& hit : result.hits) {
      for (size_t i = 0; i < corpus_.size(); ++i) {
        if (corpus_[i].canonical_url() == hit.canonical_url) out.push_back(static_cast<int>(i));
      }
    }
    return out;
  }
  std::vector<int> Search(DocumentStore& store, const std::string& query) {
    SearchRequest req;
    req.query = query;
    return Search(store, req);
  }
  static std::set<int> AsSet(const std::vector<int>& v) { return std::set<int>(v.begin(), v.end()); }

  static std::string ExportAll(DocumentStore& store) {
    std::string out;
    ExportFilter f;
    f.with_versions = true;
    Status st = store.Export(f, [&](const StoredDocument& d) {
      out += ExportJson(d, true).Dump() + "\n";
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  sluice::testing::TempDir dir_;
  std::string dsn_;
  std::vector<v1::Document> corpus_;
};

TEST_P(DocumentStoreTest, RedeliveryChangesNothing) {
  auto store = Open();
  v1::Document doc = FixtureCorpus()[0];
  UpsertResult first = Put(*store, doc);
  EXPECT_EQ(first.outcome, UpsertResult::Outcome::kInserted);
  EXPECT_EQ(first.version, 1);
  Commit(*store);
  std::string before = ExportAll(*store);

  doc.set_attempt(2);
  for (int i = 0; i < 3; ++i) {
    UpsertResult again = Put(*store, doc);
    EXPECT_EQ(again.outcome, UpsertResult::Outcome::kUnchanged);
    EXPECT_TRUE(again.unchanged());
    EXPECT_EQ(again.doc_id, first.doc_id);
    EXPECT_EQ(again.version, 1);
  }
  Commit(*store);
  EXPECT_EQ(ExportAll(*store), before);
  StoreStats stats;
  ASSERT_TRUE(store->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, 1);
  EXPECT_EQ(stats.versions, 0);
  EXPECT_EQ(stats.labels, 2);
}

// A user adds or retrains a classifier and replays pages the store already has: the content is
// the same, so no version, but the labels must become the new ones — and stay when a document
// comes through a pipeline that labels nothing.
TEST_P(DocumentStoreTest, ReclassifiedRedeliveryReplacesLabelsWithoutNewVersion) {
  auto store = Open();
  v1::Document doc = FixtureCorpus()[0];  // doc_type=意见 0.9, topic=教育改革 0.9
  UpsertResult first = Put(*store, doc);
  Commit(*store);

  v1::Document relabeled = doc;
  relabeled.mutable_labels(0)->set_score(0.42f);
  testing::AddLabel(&relabeled, "topic", "教师队伍", 0.7f);
  UpsertResult r = Put(*store, relabeled);
  EXPECT_EQ(r.outcome, UpsertResult::Outcome::kRelabeled);
  EXPECT_TRUE(r.unchanged());
  EXPECT_EQ(r.doc_id, first.doc_id);
  EXPECT_EQ(r.version, 1);
  Commit(*store);
  auto labels_of = [&] {
    StoredDocument d;
    EXPECT_TRUE(store->GetById(first.doc_id, &d).ok());
    EXPECT_EQ(d.version, 1);
    std::map<std::string, double> out;
    for (const auto& l : d.labels) out[l.axis + "=" + l.value] = l.score;
    return out;
  };
  std::map<std::string, double> want = {{"doc_type=意见", 0.42}, {"topic=教育改革", 0.9}, {"topic=教师队伍", 0.7}};
  auto got = labels_of();
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [k, v] : want) EXPECT_NEAR(got[k], v, 1e-6) << k;

  // The same labels again (a plain redelivery): nothing to write.
  EXPECT_EQ(Put(*store, relabeled).outcome, UpsertResult::Outcome::kUnchanged);
  // No labels at all: the stored ones stay.
  v1::Document bare = doc;
  bare.clear_labels();
  EXPECT_EQ(Put(*store, bare).outcome, UpsertResult::Outcome::kUnchanged);
  Commit(*store);
  EXPECT_EQ(labels_of().size(), 3u);
  StoreStats stats;
  ASSERT_TRUE(store->Stats(7, &stats).ok());
  EXPECT_EQ(stats.versions, 0);
  EXPECT_EQ(stats.labels, 3);
}

TEST_P(DocumentStoreTest, RedeliveryInsideOneBatch) {
  auto store = Open();
  v1::Document doc = FixtureCorpus()[2];
  UpsertResult a = Put(*store, doc);
  UpsertResult b = Put(*store, doc);
  EXPECT_EQ(a.outcome, UpsertResult::Outcome::kInserted);
  EXPECT_EQ(b.outcome, UpsertResult::Outcome::kUnchanged);
  EXPECT_EQ(a.doc_id, b.doc_id);
  EXPECT_EQ(store->batch_size(), 2u);
  Commit(*store);
  EXPECT_EQ(store->batch_size(), 0u);
  StoreStats stats;
  ASSERT_TRUE(store->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, 1);
}

TEST_P(DocumentStoreTest, ChangedPageBecomesNewVersion) {
  auto store = Open();
  corpus_ = FixtureCorpus();
  v1::Document v1doc = MakeDoc("https://jyt.example.gov.cn/a.html", "关于开展读书月活动的通知", "开展|读书月|活动|。");
  v1doc.mutable_fetch()->set_fetched_at_us(1000);
  testing::AddLabel(&v1doc, "doc_type", "通知");
  UpsertResult r1 = Put(*store, v1doc);
  Commit(*store);

  v1::Document v2doc = MakeDoc("https://jyt.example.gov.cn/a.html", "关于推迟读书月活动的通知", "推迟|读书月|活动|。");
  v2doc.mutable_fetch()->set_fetched_at_us(2000);
  testing::AddLabel(&v2doc, "doc_type", "更正");
  v1::Attachment* att = v2doc.add_attachments();
  att->set_name("附件：日程.pdf");
  att->set_url("https://jyt.example.gov.cn/a.pdf");
  UpsertResult r2 = Put(*store, v2doc);
  EXPECT_EQ(r2.outcome, UpsertResult::Outcome::kNewVersion);
  EXPECT_EQ(r2.doc_id, r1.doc_id);
  EXPECT_EQ(r2.version, 2);
  Commit(*store);

  StoredDocument d;
  ASSERT_TRUE(store->GetByUrl("https://jyt.example.gov.cn/a.html", &d).ok());
  EXPECT_EQ(d.version, 2);
  EXPECT_EQ(d.text, "推迟读书月活动。");
  EXPECT_EQ(d.first_seen_us, 1000);
  EXPECT_EQ(d.version_seen_us, 2000);
  ASSERT_EQ(d.versions.size(), 1u);
  EXPECT_EQ(d.versions[0].version, 1);
  EXPECT_EQ(d.versions[0].text, "开展读书月活动。");
  EXPECT_EQ(d.versions[0].title, "关于开展读书月活动的通知");
  EXPECT_EQ(d.title, "关于推迟读书月活动的通知");
  ASSERT_EQ(d.labels.size(), 1u);
  EXPECT_EQ(d.labels[0].value, "更正");
  ASSERT_EQ(d.attachments.size(), 1u);

  // The index follows the content: the old text is no longer found, the new one is.
  SearchRequest req;
  req.query = "开展";
  SearchResult res;
  ASSERT_TRUE(store->Search(req, &res).ok());
  EXPECT_TRUE(res.hits.empty()) << res.engine_query;
  req.query = "推迟";
  ASSERT_TRUE(store->Search(req, &res).ok());
  ASSERT_EQ(res.hits.size(), 1u);
  EXPECT_EQ(res.hits[0].doc_id, r1.doc_id);

  // A third change keeps both previous versions, oldest first.
  v1::Document v3doc = MakeDoc("https://jyt.example.gov.cn/a.html", "关于取消读书月活动的通知", "取消|读书月|活动|。");
  v3doc.mutable_fetch()->set_fetched_at_us(3000);
  EXPECT_EQ(Put(*store, v3doc).version, 3);
  Commit(*store);
  ASSERT_TRUE(store->GetById(r1.doc_id, &d).ok());
  ASSERT_EQ(d.versions.size(), 2u);
  EXPECT_EQ(d.versions[1].version, 2);
  EXPECT_EQ(d.versions[1].text, "推迟读书月活动。");
  ASSERT_EQ(d.versions[1].attachments.size(), 1u);
  EXPECT_EQ(d.versions[1].attachments[0].name, "附件：日程.pdf");
  req.query = "推迟";
  ASSERT_TRUE(store->Search(req, &res).ok());
  EXPECT_TRUE(res.hits.empty());
}

TEST_P(DocumentStoreTest, ChangesInsideOneBatchKeepTheIndexRight) {
  auto store = Open();
  corpus_.clear();
  const std::string url = "https://jyt.example.gov.cn/same.html";
  for (int i = 0; i < 3; ++i) {
    v1::Document d = MakeDoc(url, "第" + std::to_string(i) + "稿", std::string(i == 0 ? "初稿" : i == 1 ? "二稿" : "定稿") + "|内容|。");
    d.mutable_fetch()->set_fetched_at_us(1000 * (i + 1));
    UpsertResult r = Put(*store, d);
    EXPECT_EQ(r.version, i + 1);
    Put(*store, d);  // and each one redelivered at once
  }
  Commit(*store);
  SearchRequest req;
  SearchResult res;
  for (const char* gone : {"初稿", "二稿"}) {
    req.query = gone;
    ASSERT_TRUE(store->Search(req, &res).ok());
    EXPECT_TRUE(res.hits.empty()) << gone;
  }
  req.query = "定稿 内容";
  ASSERT_TRUE(store->Search(req, &res).ok());
  ASSERT_EQ(res.hits.size(), 1u);
  StoredDocument d;
  ASSERT_TRUE(store->GetByUrl(url, &d).ok());
  EXPECT_EQ(d.version, 3);
  EXPECT_EQ(d.versions.size(), 2u);
}

TEST_P(DocumentStoreTest, LateCopyOfOldContentIsStale) {
  auto store = Open();
  v1::Document old_doc = MakeDoc("https://x.example.gov.cn/n.html", "旧标题", "旧|内容|。");
  old_doc.mutable_fetch()->set_fetched_at_us(1000);
  v1::Document new_doc = MakeDoc("https://x.example.gov.cn/n.html", "新标题", "新|内容|。");
  new_doc.mutable_fetch()->set_fetched_at_us(2000);
  Put(*store, old_doc);
  Put(*store, new_doc);
  Commit(*store);
  UpsertResult late = Put(*store, old_doc);  // the ledger redelivers the first copy after all
  EXPECT_EQ(late.outcome, UpsertResult::Outcome::kStale);
  EXPECT_TRUE(late.unchanged());
  EXPECT_EQ(late.version, 2);
  Commit(*store);
  StoredDocument d;
  ASSERT_TRUE(store->GetById(late.doc_id, &d).ok());
  EXPECT_EQ(d.title, "新标题");
  EXPECT_EQ(d.versions.size(), 1u);
  // The page really reverting later is a new version, not stale.
  old_doc.mutable_fetch()->set_fetched_at_us(3000);
  EXPECT_EQ(Put(*store, old_doc).outcome, UpsertResult::Outcome::kNewVersion);
  Commit(*store);
}

TEST_P(DocumentStoreTest, RecrawlOfUnchangedPageOnlyAdvancesLastSeen) {
  auto store = Open();
  v1::Document doc = MakeDoc("https://x.example.gov.cn/r.html", "标题", "内容|。");
  doc.mutable_fetch()->set_fetched_at_us(1000);
  Put(*store, doc);
  doc.mutable_fetch()->set_fetched_at_us(5000);
  EXPECT_EQ(Put(*store, doc).outcome, UpsertResult::Outcome::kUnchanged);
  doc.mutable_fetch()->set_fetched_at_us(3000);  // an older copy redelivered: no change
  EXPECT_EQ(Put(*store, doc).outcome, UpsertResult::Outcome::kUnchanged);
  Commit(*store);
  StoredDocument d;
  ASSERT_TRUE(store->GetByUrl("https://x.example.gov.cn/r.html", &d).ok());
  EXPECT_EQ(d.first_seen_us, 1000);
  EXPECT_EQ(d.last_seen_us, 5000);
  EXPECT_EQ(d.version, 1);
}

TEST_P(DocumentStoreTest, RollbackStoresNothing) {
  auto store = Open();
  v1::Document doc = FixtureCorpus()[1];
  Put(*store, doc);
  store->Rollback();
  StoreStats stats;
  ASSERT_TRUE(store->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, 0);
  EXPECT_EQ(Put(*store, doc).outcome, UpsertResult::Outcome::kInserted);
  Commit(*store);
}

TEST_P(DocumentStoreTest, DocumentWithoutUrlIsPermanentAndSparesTheBatch) {
  auto store = Open();
  Put(*store, FixtureCorpus()[0]);
  v1::Document bad;
  bad.set_title("无网址");
  UpsertResult r;
  Status st = store->Upsert(bad, &r);
  EXPECT_TRUE(st.IsPermanent()) << st.ToString();
  EXPECT_FALSE(st.IsTransient());
  Commit(*store);
  StoreStats stats;
  ASSERT_TRUE(store->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, 1);
}

TEST_P(DocumentStoreTest, BrokenBytesAndBadTokensAreStoredBestEffort) {
  auto store = Open();
  v1::Document doc = MakeDoc("https://x.example.gov.cn/b.html", "标题\xff", "坏|字节|");
  doc.set_text(doc.text() + std::string("\xc3\x28\0尾", 6));
  v1::Token* t = doc.add_tokens();  // out of range and not on a character boundary
  t->set_begin(1);
  t->set_end(100000);
  Put(*store, doc);
  Commit(*store);
  StoredDocument d;
  ASSERT_TRUE(store->GetByUrl("https://x.example.gov.cn/b.html", &d).ok());
  EXPECT_EQ(d.title, "标题\xEF\xBF\xBD");
  EXPECT_EQ(d.text.find('\0'), std::string::npos);
  corpus_ = {doc};
  EXPECT_EQ(Search(*store, "字节").size(), 1u);  // indexed by grams after its tokens were refused
}

TEST_P(DocumentStoreTest, ChineseSearchFindsWordsHoweverTheyWereSegmented) {
  auto store = Open();
  LoadCorpus(*store);
  // 0 has 教育强国 as one word, 1 as 教育|强国, 4 has no tokens at all; 3 (体育强国) must not match.
  std::vector<int> hits = Search(*store, "教育强国");
  EXPECT_EQ(AsSet(hits), (std::set<int>{0, 1, 4}));
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits.back(), 1) << "documents with the term in their title rank above text-only matches";
  EXPECT_EQ(AsSet(Search(*store, "教育强国 建设")), (std::set<int>{0, 1, 4}));
  EXPECT_EQ(AsSet(Search(*store, "建设 教育强国")), (std::set<int>{0, 1, 4}));
  EXPECT_EQ(AsSet(Search(*store, "体育强国")), (std::set<int>{3}));
  EXPECT_EQ(AsSet(Search(*store, "双减")), (std::set<int>{1, 2}));
  EXPECT_EQ(AsSet(Search(*store, "双减 政策")), (std::set<int>{1}));
  EXPECT_EQ(AsSet(Search(*store, "产教融合")), (std::set<int>{0, 6}));
  EXPECT_EQ(AsSet(Search(*store, "立德树人 产教融合")), (std::set<int>{0}));
  EXPECT_TRUE(Search(*store, "教育强国 双减 体育强国").empty());
}

TEST_P(DocumentStoreTest, SearchHandlesLatinDigitsAndFullWidth) {
  auto store = Open();
  LoadCorpus(*store);
  EXPECT_EQ(AsSet(Search(*store, "covid-19")), (std::set<int>{5}));
  EXPECT_EQ(AsSet(Search(*store, "COVID")), (std::set<int>{5}));
  EXPECT_EQ(AsSet(Search(*store, "ＣＯＶＩＤ")), (std::set<int>{5}));
  EXPECT_EQ(AsSet(Search(*store, "2026年")), (std::set<int>{7}));
  EXPECT_EQ(AsSet(Search(*store, "高考 报名")), (std::set<int>{7}));
  SearchResult res;
  SearchRequest req;
  req.query = "，。！";
  Status st = store->Search(req, &res);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
}

TEST_P(DocumentStoreTest, SearchFilters) {
  auto store = Open();
  LoadCorpus(*store);
  SearchRequest req;
  req.query = "教育强国";
  req.site = "jyj.example.gov.cn";
  EXPECT_EQ(AsSet(Search(*store, req)), (std::set<int>{4}));
  req = SearchRequest();
  req.query = "产教融合";
  req.since = "2026-01-01";
  EXPECT_EQ(AsSet(Search(*store, req)), (std::set<int>{0}));
  req = SearchRequest();
  req.query = "双减";
  req.doc_type = "通知";
  EXPECT_EQ(AsSet(Search(*store, req)), (std::set<int>{2}));
  req.doc_type.clear();
  req.topic = "会议";
  EXPECT_EQ(AsSet(Search(*store, req)), (std::set<int>{1}));
  req.topic = "没有这个主题";
  EXPECT_TRUE(Search(*store, req).empty());
  req = SearchRequest();
  req.query = "教育";
  req.limit = 2;
  EXPECT_EQ(Search(*store, req).size(), 2u);
}

TEST_P(DocumentStoreTest, HitsCarrySnippetsWithHighlights) {
  auto store = Open();
  LoadCorpus(*store);
  SearchRequest req;
  req.query = "教育强国 建设";
  SearchResult res;
  ASSERT_TRUE(store->Search(req, &res).ok());
  ASSERT_FALSE(res.hits.empty());
  for (const SearchHit& h : res.hits) {
    ASSERT_FALSE(h.highlights.empty()) << h.snippet;
    for (const auto& [b, e] : h.highlights) {
      // Adjacent hits merge: what is marked is made of the terms and nothing else.
      std::string marked = h.snippet.substr(b, e - b);
      std::string rest = marked;
      for (const std::string term : {"教育强国", "建设"}) {
        for (size_t p = rest.find(term); p != std::string::npos; p = rest.find(term)) rest.erase(p, term.size());
      }
      EXPECT_TRUE(rest.empty() && !marked.empty()) << marked;
    }
    EXPECT_FALSE(h.title_highlights.empty() && h.title.find("教育强国") != std::string::npos);
    EXPECT_FALSE(h.labels.empty());
  }
  // Segmented as 教育|强国 in the text, the snippet still shows and marks the phrase whole.
  auto it = std::find_if(res.hits.begin(), res.hits.end(),
                         [](const SearchHit& h) { return h.title == "全区教育工作会议召开"; });
  ASSERT_NE(it, res.hits.end());
  EXPECT_NE(MarkSnippet(Snippet{it->snippet, it->highlights}, "[", "]").find("[建设教育强国]"), std::string::npos)
      << it->snippet;
}

TEST_P(DocumentStoreTest, RankWindowBoundsVeryCommonQueries) {
  auto store = Open();
  std::vector<int64_t> ids;
  for (int i = 0; i < 30; ++i) {
    // Notices 3 and 25 carry the word in their title too.
    std::string title = (i == 3 || i == 25) ? "学校安全通知" : "通知" + std::to_string(i);
    v1::Document d = MakeDoc("https://x.example.gov.cn/" + std::to_string(i) + ".html", title, "关于|学校|工作|的|通知|。");
    ids.push_back(Put(*store, d).doc_id);
  }
  Commit(*store);
  SearchRequest req;
  req.query = "学校";
  req.rank_window = 10;
  req.limit = 5;
  SearchResult res;
  ASSERT_TRUE(store->Search(req, &res).ok());
  EXPECT_TRUE(res.windowed);
  ASSERT_EQ(res.hits.size(), 5u);
  // Within the window of the 10 newest matches: the title match first, then the newest others.
  EXPECT_EQ(res.hits[0].doc_id, ids[25]);
  EXPECT_GT(res.hits[0].score, 0);
  EXPECT_EQ(res.hits[1].doc_id, ids[29]);
  EXPECT_EQ(res.hits[2].doc_id, ids[28]);
  for (const auto& h : res.hits) EXPECT_GE(h.doc_id, ids[20]) << "outside the window";
  // Ranking everything instead: both title matches lead.
  req.rank_window = 0;
  req.limit = 30;
  ASSERT_TRUE(store->Search(req, &res).ok());
  EXPECT_FALSE(res.windowed);
  ASSERT_EQ(res.hits.size(), 30u);
  EXPECT_EQ((std::set<int64_t>{res.hits[0].doc_id, res.hits[1].doc_id}), (std::set<int64_t>{ids[3], ids[25]}));
}

TEST_P(DocumentStoreTest, ExportIsCompleteAndOrdered) {
  auto store = Open();
  LoadCorpus(*store);
  std::vector<StoredDocument> docs;
  ExportFilter f;
  ASSERT_TRUE(store->Export(f, [&](const StoredDocument& d) {
                     docs.push_back(d);
                     return Status::OK();
                   }).ok());
  ASSERT_EQ(docs.size(), corpus_.size());
  for (size_t i = 1; i < docs.size(); ++i) EXPECT_LT(docs[i - 1].id, docs[i].id);
  const StoredDocument& d7 = docs[7];
  EXPECT_EQ(d7.title, "2026年高考报名工作通知");
  ASSERT_EQ(d7.attachments.size(), 1u);
  EXPECT_EQ(d7.attachments[0].type, "xlsx");
  Json j = ExportJson(d7, false);
  EXPECT_EQ(j["schema"].AsString(), kExportSchema);
  EXPECT_EQ(j["publish_date"].AsString(), "2026-01-05");
  EXPECT_EQ(j["labels"][0]["value"].AsString(), "通知");
  EXPECT_FALSE(j.Has("versions"));
  f.site = "jyj.example.gov.cn";
  f.since = "2025-10-01";
  int n = 0;
  ASSERT_TRUE(store->Export(f, [&](const StoredDocument&) {
                     ++n;
                     return Status::OK();
                   }).ok());
  EXPECT_EQ(n, 2);  // 2 (2025-11-03) and 4 (2026-01-10)
}

TEST_P(DocumentStoreTest, StatsCountPerSiteDayAndLabel) {
  auto store = Open();
  LoadCorpus(*store);
  StoreStats s;
  ASSERT_TRUE(store->Stats(30, &s).ok());
  EXPECT_EQ(s.documents, 8);
  EXPECT_EQ(s.attachments, 1);
  ASSERT_FALSE(s.per_site.empty());
  EXPECT_EQ(s.per_site[0], (std::pair<std::string, int64_t>{"jyt.example.gov.cn", 5}));
  EXPECT_EQ(s.per_day[0].first, "2026-01-23");
  auto label = std::find_if(s.per_label.begin(), s.per_label.end(), [](const auto& p) { return p.first == "doc_type=通知"; });
  ASSERT_NE(label, s.per_label.end());
  EXPECT_EQ(label->second, 3);
  ASSERT_EQ(s.per_stored_day.size(), 1u);
  EXPECT_EQ(s.per_stored_day[0].second, 8);
}

TEST_P(DocumentStoreTest, ReadersSeeOnlyCommittedBatches) {
  auto writer = Open();
  LoadCorpus(*writer);
  Put(*writer, MakeDoc("https://x.example.gov.cn/pending.html", "未提交的通知", "未|提交|。"));
  auto reader = Open(/*read_only=*/true);
  ASSERT_TRUE(reader);
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(AsSet(Search(*reader, "双减")), (std::set<int>{1, 2}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << "the reader waited for the writer";
  SearchRequest req;
  req.query = "提交";
  SearchResult res;
  ASSERT_TRUE(reader->Search(req, &res).ok());
  EXPECT_TRUE(res.hits.empty());
  Commit(*writer);
  ASSERT_TRUE(reader->Search(req, &res).ok());
  EXPECT_EQ(res.hits.size(), 1u);
  UpsertResult r;
  EXPECT_FALSE(reader->Upsert(FixtureCorpus()[0], &r).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentStoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

// Several store workers on one PostgreSQL database, each receiving every version of the same
// pages in its own order and retrying failed batches as the runner does: every page must end as
// one row holding its newest content, its older contents as contiguous versions, none twice.
TEST(PostgresConcurrencyTest, WorkersUpsertingTheSameUrlsStayExactlyOnce) {
  std::string why;
  std::string dsn = testing::FreshPostgresDatabase(&why);
  if (dsn.empty()) GTEST_SKIP() << "PostgreSQL cannot be started here: " << why;
  constexpr int kUrls = 30;
  constexpr int kContents = 3;
  constexpr int kWorkers = 4;
  std::vector<v1::Document> all;
  for (int u = 0; u < kUrls; ++u) {
    for (int c = 0; c < kContents; ++c) {
      v1::Document d = MakeDoc("https://race.example.gov.cn/" + std::to_string(u) + ".html", "第" + std::to_string(c) + "版",
                               "内容|" + std::to_string(u) + "|版本|" + std::to_string(c) + "|。");
      d.mutable_fetch()->set_fetched_at_us(1000 * (c + 1));
      all.push_back(d);
    }
  }
  std::atomic<int> retries{0};
  std::atomic<int> failures{0};
  auto worker = [&](int w) {
    StoreOptions o;
    o.backend = Backend::kPostgres;
    o.dsn = dsn;
    std::unique_ptr<DocumentStore> store;
    for (int attempt = 0; !store && attempt < 50; ++attempt) {
      if (!DocumentStore::Open(o, &store).ok()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!store) {
      ++failures;
      return;
    }
    std::vector<v1::Document> mine = all;
    std::shuffle(mine.begin(), mine.end(), std::mt19937(static_cast<unsigned>(w)));
    for (size_t b = 0; b < mine.size(); b += 10) {
      bool done = false;
      for (int attempt = 0; attempt < 50 && !done; ++attempt) {
        Status st;
        for (size_t i = b; i < std::min(mine.size(), b + 10) && st.ok(); ++i) {
          UpsertResult r;
          st = store->Upsert(mine[i], &r);
        }
        Status commit = store->Commit();
        if (st.ok()) st = commit;
        done = st.ok();
        if (!done) {
          if (!st.IsTransient()) ADD_FAILURE() << st.ToString();
          ++retries;
        }
      }
      if (!done) ++failures;
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) threads.emplace_back(worker, w);
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);

  StoreOptions o;
  o.backend = Backend::kPostgres;
  o.dsn = dsn;
  std::unique_ptr<DocumentStore> store;
  ASSERT_TRUE(DocumentStore::Open(o, &store).ok());
  StoreStats stats;
  ASSERT_TRUE(store->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, kUrls);
  for (int u = 0; u < kUrls; ++u) {
    StoredDocument d;
    ASSERT_TRUE(store->GetByUrl("https://race.example.gov.cn/" + std::to_string(u) + ".html", &d).ok());
    EXPECT_EQ(d.title, "第" + std::to_string(kContents - 1) + "版") << "the newest content wins";
    ASSERT_EQ(d.versions.size(), static_cast<size_t>(d.version - 1));
    std::set<std::string> hashes{d.content_hash};
    for (size_t i = 0; i < d.versions.size(); ++i) {
      EXPECT_EQ(d.versions[i].version, static_cast<int64_t>(i + 1));
      EXPECT_TRUE(hashes.insert(d.versions[i].content_hash).second) << "a content stored twice";
      if (i > 0) {
        EXPECT_LT(d.versions[i - 1].first_seen_us, d.versions[i].first_seen_us);
      }
    }
  }
  RecordProperty("retried_batches", retries.load());
}

TEST(StoreContentHashTest, CoversStoredContentOnly) {
  v1::Document a = MakeDoc("https://x/a", "标题", "内容");
  v1::Document b = a;
  b.set_attempt(3);
  b.mutable_fetch()->set_fetched_at_us(42);
  testing::AddLabel(&b, "topic", "x");
  EXPECT_EQ(StoreContentHash(a), StoreContentHash(b));
  b.set_publisher("某某教育厅");
  EXPECT_NE(StoreContentHash(a), StoreContentHash(b));
  // Field boundaries count: moving a character between fields changes the hash.
  v1::Document c = a;
  c.set_title("标");
  c.set_text("题内容");
  EXPECT_NE(StoreContentHash(a), StoreContentHash(c));
  EXPECT_EQ(StoreContentHash(a).size(), 32u);
}

TEST(RedactDsnTest, HidesPasswords) {
  EXPECT_EQ(RedactDsn("host=db user=u password=s3cret dbname=x"), "host=db user=u password=*** dbname=x");
  EXPECT_EQ(RedactDsn("postgresql://u:s3cret@db:5432/x"), "postgresql://u:***@db:5432/x");
  EXPECT_EQ(RedactDsn("postgresql://db/x?password=s3cret&sslmode=require"), "postgresql://db/x?password=***&sslmode=require");
  EXPECT_EQ(RedactDsn("password='a b' host=db"), "password=*** host=db");
  EXPECT_EQ(RedactDsn("host=db"), "host=db");
}

}  // namespace
}  // namespace sluice::store
