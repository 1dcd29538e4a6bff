// Integration tests of stages/store/src/store_source.cc: `sluice run` with the `store` source
// re-emitting what a database holds through a classify stage into the same database — the way a
// user labels stored notices with a classifier added after they were fetched.
#include "sluice/store/store_source.h"

#include <gtest/gtest.h>

#include <regex>

#include "sluice/store/document_store.h"
#include "sluice/v1/document.pb.h"
#include "store_fixtures.h"
#include "test_env.h"

namespace sluice::store {
namespace {

int64_t Field(const std::string& line, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(" " + key + "=([0-9]+)"))) return -1;
  return std::stoll(m[1]);
}

// The summary line of `stage` from a run's log.
std::string SummaryLine(const std::string& log, const std::string& stage) {
  size_t at = log.find("summary of the whole run");
  if (at == std::string::npos) return "";
  std::smatch m;
  std::string tail = log.substr(at);
  if (!std::regex_search(tail, m, std::regex("stage=" + stage + " [^\\n]*"))) return "";
  return m[0];
}

class StoreSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("notices.db");
    StoreOptions o;
    o.path = db_;
    std::unique_ptr<DocumentStore> store;
    ASSERT_TRUE(DocumentStore::Open(o, &store).ok());
    // Stored before any classifier was configured: no labels.
    for (v1::Document d : testing::FixtureCorpus()) {
      d.clear_labels();
      UpsertResult r;
      ASSERT_TRUE(store->Upsert(d, &r).ok());
    }
    ASSERT_TRUE(store->Commit().ok());
    StoreStats stats;
    ASSERT_TRUE(store->Stats(7, &stats).ok());
    documents_ = stats.documents;
    ASSERT_GT(documents_, 3);
    ASSERT_EQ(stats.labels, 0);
    sluice::testing::WriteFile(dir_.File("relabel.yaml"),
                               "name: relabel\n"
                               "data_dir: " + dir_.File("relabel-data") + "\n"
                               "metrics: {listen: \"\"}\n"
                               "source: {name: stored, kind: store, config: {path: notices.db, batch: 2}}\n"
                               "stages:\n"
                               "  - name: classify\n"
                               "    config:\n"
                               "      classifiers: [{plugin: rules}]\n"
                               "      fallback: {doc_type: 其他, topic: 其他}\n"
                               "  - {name: store, config: {path: notices.db}}\n");
  }

  // Runs the relabel pipeline to its end; returns its log.
  std::string Run() {
    std::string out;
    int rc = sluice::testing::RunCommand({sluice::testing::SluiceBin(), "run", dir_.File("relabel.yaml")}, &out,
                                         std::chrono::seconds(120));
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("pipeline stopped (clean)"), std::string::npos) << out;
    return out;
  }

  sluice::testing::TempDir dir_;
  std::string db_;
  int64_t documents_ = 0;
};

TEST_F(StoreSourceTest, LabelsStoredDocumentsInPlaceWithoutNewVersions) {
  std::string log = Run();
  std::string source = SummaryLine(log, "stored");
  std::string store = SummaryLine(log, "store");
  EXPECT_EQ(Field(source, "replayed"), documents_) << source;
  EXPECT_EQ(Field(store, "relabeled"), documents_) << store;
  EXPECT_EQ(Field(store, "inserted"), -1) << "nothing new may be inserted: " << store;

  StoreOptions o;
  o.path = db_;
  o.read_only = true;
  std::unique_ptr<DocumentStore> reader;
  ASSERT_TRUE(DocumentStore::Open(o, &reader).ok());
  StoreStats stats;
  ASSERT_TRUE(reader->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, documents_);
  EXPECT_EQ(stats.versions, 0);
  int64_t checked = 0;
  ASSERT_TRUE(reader->Export(ExportFilter{}, [&](const StoredDocument& d) {
    EXPECT_EQ(d.version, 1) << d.canonical_url;
    bool doc_type = false;
    for (const auto& l : d.labels) doc_type |= l.axis == "doc_type";
    EXPECT_TRUE(doc_type) << d.canonical_url << " has no doc_type label";
    ++checked;
    return Status::OK();
  }).ok());
  EXPECT_EQ(checked, documents_);

  // A second run is a new run: every document again, and as the labels are the same now,
  // nothing is written.
  log = Run();
  source = SummaryLine(log, "stored");
  store = SummaryLine(log, "store");
  EXPECT_EQ(Field(source, "replayed"), documents_) << source;
  EXPECT_EQ(Field(store, "unchanged"), documents_) << store;
  EXPECT_EQ(Field(store, "relabeled"), -1) << store;
}

TEST(StoreSourceRoundTrip, RebuiltDocumentHasTheStoredContentHash) {
  sluice::testing::TempDir dir;
  StoreOptions o;
  o.path = dir.File("s.db");
  std::unique_ptr<DocumentStore> store;
  ASSERT_TRUE(DocumentStore::Open(o, &store).ok());
  for (v1::Document d : testing::FixtureCorpus()) {
    d.set_index_number("000014349/2026-00012");
    d.set_column("通知公告");
    (*d.mutable_metadata())["ColumnName"] = "通知公告";
    v1::Attachment* a = d.add_attachments();
    a->set_name("附件1：名额分配表.xlsx");
    a->set_url("https://jyt.example.gov.cn/a/P020260123.xlsx");
    a->set_type("xlsx");
    UpsertResult r;
    ASSERT_TRUE(store->Upsert(d, &r).ok());
  }
  ASSERT_TRUE(store->Commit().ok());
  int n = 0;
  ASSERT_TRUE(store->Export(ExportFilter{}, [&](const StoredDocument& s) {
    v1::Document rebuilt;
    DocumentFromStored(s, &rebuilt);
    EXPECT_EQ(StoreContentHash(rebuilt), s.content_hash) << s.canonical_url;
    ++n;
    return Status::OK();
  }).ok());
  EXPECT_GT(n, 0);
}

}  // namespace
}  // namespace sluice::store
