// Tests of stages/store/src/store_stage.cc: the Stage the runner drives — config, group commit,
// StoreInfo, and the database failing under it (full disk, read-only file system, a lock held
// by another writer) with nothing lost once it recovers.
#include "sluice/store/store_stage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "sluice/registry.h"
#include "store_fixtures.h"
#include "test_env.h"

namespace sluice {
void RegisterStoreStage(Registry& registry);
}

namespace sluice::store {
namespace {

namespace fs = std::filesystem;
using sluice::testing::RunCommand;
using sluice::testing::TempDir;

class TestCounters : public Counters {
 public:
  void Add(const std::string& name, uint64_t delta) override { counts[name] += delta; }
  std::map<std::string, uint64_t> counts;
};

StageContext Context(const std::string& yaml, const std::string& dir, TestCounters* counters, uint32_t workers = 1) {
  StageContext ctx;
  ctx.stage_name = "store";
  ctx.data_dir = dir;
  ctx.config_dir = dir;
  ctx.workers = workers;
  ctx.is_last = true;
  ctx.counters = counters;
  ctx.config = Config::Parse(yaml.empty() ? "{}" : yaml, "pipeline.yaml");
  return ctx;
}

// A reader of the SQLite file at `path`, as `sluice search` opens it.
std::unique_ptr<DocumentStore> Reader(const std::string& path) {
  StoreOptions ro;
  ro.path = path;
  ro.read_only = true;
  std::unique_ptr<DocumentStore> reader;
  Status st = DocumentStore::Open(ro, &reader);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return reader;
}

int64_t StoredDocuments(DocumentStore& reader) {
  StoreStats stats;
  EXPECT_TRUE(reader.Stats(7, &stats).ok());
  return stats.documents;
}

std::unique_ptr<Stage> MakeStage(const StageContext& ctx) {
  std::unique_ptr<Stage> stage;
  Status st = CreateStoreStage(ctx, &stage);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return stage;
}

// A notice of about `chars` Han characters, segmented into two-character words.
v1::Document BigDoc(int i, int chars) {
  std::mt19937 rng(static_cast<unsigned>(i));
  std::string segmented;
  for (int c = 0; c < chars; ++c) {
    char32_t cp = 0x4E00 + rng() % 0x5000;
    char buf[4] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                   static_cast<char>(0x80 | (cp & 0x3F)), 0};
    segmented += buf;
    if (c % 2 == 1) segmented += "|";
  }
  return testing::MakeDoc("https://big.example.gov.cn/" + std::to_string(i) + ".html", "通知" + std::to_string(i),
                          segmented);
}

// Mounts for a test and unmounts when it ends, whatever happens in between.
class TestMounts {
 public:
  ~TestMounts() {
    for (auto it = points_.rbegin(); it != points_.rend(); ++it) {
      std::string out;
      RunCommand({"umount", "-l", *it}, &out);
    }
  }
  bool Run(const std::vector<std::string>& argv, std::string* why) {
    std::string out;
    int rc = RunCommand(argv, &out);
    if (rc != 0) *why = out;
    return rc == 0;
  }
  bool Mount(const std::vector<std::string>& argv, const std::string& point, std::string* why) {
    if (!Run(argv, why)) return false;
    points_.push_back(point);
    return true;
  }

 private:
  std::vector<std::string> points_;
};

TEST(StoreStageTest, RegistersTheStageAndItsCommands) {
  Registry registry;
  RegisterStoreStage(registry);
  EXPECT_NE(registry.FindStage("store"), nullptr);
  for (const char* cmd : {"search", "show", "export", "stats"}) EXPECT_NE(registry.FindCommand(cmd), nullptr) << cmd;
}

TEST(StoreStageTest, ConfigDefaultsAndErrors) {
  TempDir dir;
  TestCounters counters;
  StoreStageConfig cfg;
  StageContext ctx = Context("", dir.path(), &counters);
  ASSERT_TRUE(ReadStoreStageConfig(ctx, &cfg).ok());
  EXPECT_EQ(cfg.store.path, dir.path() + "/sluice.db");
  EXPECT_EQ(cfg.max_batch_bytes, int64_t{64} << 20);
  EXPECT_TRUE(cfg.store.synchronous_full);
  EXPECT_TRUE(ctx.config.Finish().ok());

  ctx = Context("path: db/x.db\nmax_batch_bytes: 1MiB\nsynchronous: normal\nbusy_timeout: 250ms\n", dir.path(),
                &counters);
  ASSERT_TRUE(ReadStoreStageConfig(ctx, &cfg).ok());
  EXPECT_EQ(cfg.store.path, dir.path() + "/db/x.db");
  EXPECT_EQ(cfg.max_batch_bytes, 1 << 20);
  EXPECT_EQ(cfg.store.busy_timeout, std::chrono::milliseconds(250));
  EXPECT_FALSE(cfg.store.synchronous_full);

  ctx = Context("max_batch_bytes: 0\n", dir.path(), &counters);
  Status st = ReadStoreStageConfig(ctx, &cfg);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("pipeline.yaml:1"), std::string::npos) << st.message();

  ctx = Context("backend: postgres\n", dir.path(), &counters);
  st = ReadStoreStageConfig(ctx, &cfg);
  EXPECT_NE(st.message().find("dsn"), std::string::npos) << st.ToString();

  ctx = Context("backend: postgres\ndsn_env: SLUICE_TEST_UNSET_VARIABLE\n", dir.path(), &counters);
  st = ReadStoreStageConfig(ctx, &cfg);
  EXPECT_NE(st.message().find("SLUICE_TEST_UNSET_VARIABLE"), std::string::npos) << st.ToString();

  ctx = Context("", dir.path(), &counters, /*workers=*/2);
  st = ReadStoreStageConfig(ctx, &cfg);
  EXPECT_NE(st.message().find("one writer"), std::string::npos) << st.ToString();

  // Unknown keys are the runner's to report (Finish after the factory), with a suggestion.
  ctx = Context("max_batch_byte: 3\n", dir.path(), &counters);
  ASSERT_TRUE(ReadStoreStageConfig(ctx, &cfg).ok());
  st = ctx.config.Finish();
  EXPECT_NE(st.message().find("max_batch_bytes"), std::string::npos) << st.ToString();
  // Batch size and flush interval are the runner's stage-level keys, not the store's.
  ctx = Context("batch_size: 1000\n", dir.path(), &counters);
  ASSERT_TRUE(ReadStoreStageConfig(ctx, &cfg).ok());
  EXPECT_FALSE(ctx.config.Finish().ok());
}

TEST(StoreStageTest, GroupCommitAndStoreInfo) {
  TempDir dir;
  TestCounters counters;
  std::vector<v1::Document> docs = testing::FixtureCorpus();
  size_t three = 0;
  for (int i = 0; i < 3; ++i) three += docs[i].text().size() + docs[i].title().size();
  auto stage = MakeStage(Context("max_batch_bytes: " + std::to_string(three) + "\n", dir.path(), &counters));
  ASSERT_TRUE(stage);
  EXPECT_FALSE(stage->WantsFlush());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(stage->Process(docs[i]).ok());
  EXPECT_FALSE(stage->WantsFlush());
  ASSERT_TRUE(stage->Process(docs[2]).ok());
  EXPECT_TRUE(stage->WantsFlush());
  EXPECT_GT(docs[2].store().doc_id(), 0);
  EXPECT_EQ(docs[2].store().version(), 1);
  EXPECT_FALSE(docs[2].store().unchanged());

  // Until Flush, a reader sees nothing; after it, everything.
  auto reader = Reader(dir.path() + "/sluice.db");
  ASSERT_TRUE(reader);
  EXPECT_EQ(StoredDocuments(*reader), 0);
  ASSERT_TRUE(stage->Flush().ok());
  EXPECT_FALSE(stage->WantsFlush());
  EXPECT_EQ(StoredDocuments(*reader), 3);

  v1::Document again = testing::FixtureCorpus()[0];
  again.set_attempt(2);
  ASSERT_TRUE(stage->Process(again).ok());
  EXPECT_TRUE(again.store().unchanged());
  EXPECT_EQ(again.store().doc_id(), docs[0].store().doc_id());
  ASSERT_TRUE(stage->Flush().ok());
  EXPECT_EQ(counters.counts["inserted"], 3u);
  EXPECT_EQ(counters.counts["unchanged"], 1u);
  EXPECT_EQ(counters.counts["commits"], 2u);
  ASSERT_TRUE(stage->Flush().ok());  // nothing pending
  EXPECT_EQ(counters.counts["commits"], 2u);
}

TEST(StoreStageTest, UnflushedWorkIsRolledBackWhenTheStageGoes) {
  TempDir dir;
  {
    auto stage = MakeStage(Context("", dir.path(), nullptr));
    v1::Document doc = testing::FixtureCorpus()[0];
    ASSERT_TRUE(stage->Process(doc).ok());
  }  // never flushed, so never acked: the ledger will redeliver it
  auto reader = Reader(dir.path() + "/sluice.db");
  ASSERT_TRUE(reader);
  EXPECT_EQ(StoredDocuments(*reader), 0);
}

TEST(StoreStageTest, BusyDatabaseIsTransientAndPasses) {
  TempDir dir;
  TestCounters counters;
  auto stage = MakeStage(Context("busy_timeout: 100ms\n", dir.path(), &counters));
  StoreOptions o;
  o.path = dir.path() + "/sluice.db";
  std::unique_ptr<DocumentStore> other;
  ASSERT_TRUE(DocumentStore::Open(o, &other).ok());
  std::vector<v1::Document> docs = testing::FixtureCorpus();
  UpsertResult r;
  ASSERT_TRUE(other->Upsert(docs[1], &r).ok());  // holds the write lock until it commits
  Status st = stage->Process(docs[0]);
  EXPECT_TRUE(st.IsTransient()) << st.ToString();
  EXPECT_NE(st.message().find("locked"), std::string::npos) << st.message();
  EXPECT_TRUE(stage->Flush().ok()) << "nothing was written, so nothing to roll back";
  ASSERT_TRUE(other->Commit().ok());
  ASSERT_TRUE(stage->Process(docs[0]).ok());
  ASSERT_TRUE(stage->Flush().ok());
}

// Feeds `docs` through `stage` like the runner: Transient from Process nacks that document,
// an error from Flush nacks every document since the last good Flush. Returns the nacked ones
// (attempt+1) and appends the acked ones' URLs to `acked`; records the first error.
std::vector<v1::Document> Deliver(Stage& stage, std::vector<v1::Document> docs, std::multiset<std::string>* acked,
                                  std::string* first_error) {
  std::vector<v1::Document> nacked;
  std::vector<v1::Document> pending;
  auto flush = [&] {
    Status st = stage.Flush();
    if (st.ok()) {
      for (const auto& d : pending) acked->insert(d.canonical_url());
    } else {
      EXPECT_TRUE(st.IsTransient()) << st.ToString();
      if (first_error->empty()) *first_error = st.message();
      nacked.insert(nacked.end(), pending.begin(), pending.end());
    }
    pending.clear();
  };
  for (auto& d : docs) {
    Status st = stage.Process(d);
    if (st.ok()) {
      pending.push_back(d);
    } else {
      EXPECT_TRUE(st.IsTransient()) << st.ToString();
      if (first_error->empty()) *first_error = st.message();
      nacked.push_back(d);
    }
    if (stage.WantsFlush()) flush();
  }
  flush();
  for (auto& d : nacked) d.set_attempt(d.attempt() + 1);
  return nacked;
}

void ExpectAllStoredOnce(const std::string& path, const std::vector<v1::Document>& docs) {
  auto reader = Reader(path);
  ASSERT_TRUE(reader);
  StoreStats stats;
  ASSERT_TRUE(reader->Stats(7, &stats).ok());
  EXPECT_EQ(stats.documents, static_cast<int64_t>(docs.size()));
  EXPECT_EQ(stats.versions, 0);
  for (const auto& d : docs) {
    StoredDocument s;
    ASSERT_TRUE(reader->GetByUrl(d.canonical_url(), &s).ok()) << d.canonical_url();
    EXPECT_EQ(s.text, d.text());
    EXPECT_EQ(s.version, 1);
  }
}

TEST(StoreStageTest, FullDiskNacksAndRecoversWithNothingLost) {
  TempDir dir;
  std::string mnt = dir.File("small");
  fs::create_directories(mnt);
  TestMounts mounts;
  std::string why;
  if (!mounts.Mount({"mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", mnt}, mnt, &why)) {
    GTEST_SKIP() << "cannot mount a small tmpfs to fill up (needs root or CAP_SYS_ADMIN): " << why;
  }
  TestCounters counters;
  auto stage = MakeStage(Context("path: " + mnt + "/sluice.db\nmax_batch_bytes: 200KB\n", dir.path(), &counters));
  ASSERT_TRUE(stage);
  std::vector<v1::Document> docs;
  for (int i = 0; i < 120; ++i) docs.push_back(BigDoc(i, 8000));  // ~24 KB of text each, ~3 MB in all

  std::multiset<std::string> acked;
  std::string error;
  std::vector<v1::Document> retry = Deliver(*stage, docs, &acked, &error);
  ASSERT_FALSE(retry.empty()) << "the disk never filled up";
  EXPECT_NE(error.find("disk full"), std::string::npos) << error;
  EXPECT_GT(counters.counts["commit_failures"] + 0, 0u);

  // Space comes back; the ledger redelivers what was nacked; the same stage carries on.
  ASSERT_TRUE(mounts.Run({"mount", "-o", "remount,size=64m", mnt}, &why)) << why;
  for (int round = 0; round < 3 && !retry.empty(); ++round) retry = Deliver(*stage, retry, &acked, &error);
  EXPECT_TRUE(retry.empty());
  EXPECT_EQ(acked.size(), docs.size());
  for (const auto& d : docs) EXPECT_EQ(acked.count(d.canonical_url()), 1u) << d.canonical_url();
  stage.reset();
  ExpectAllStoredOnce(mnt + "/sluice.db", docs);
}

TEST(StoreStageTest, ReadOnlyDatabaseNacksAndRecovers) {
  TempDir dir;
  std::string ro_dir = dir.File("db");
  fs::create_directories(ro_dir);
  std::vector<v1::Document> docs = testing::FixtureCorpus();
  std::vector<v1::Document> first(docs.begin(), docs.begin() + 3);
  std::vector<v1::Document> rest(docs.begin() + 3, docs.end());
  std::multiset<std::string> acked;
  std::string error;
  {
    auto stage = MakeStage(Context("path: " + ro_dir + "/sluice.db\n", dir.path(), nullptr));
    EXPECT_TRUE(Deliver(*stage, first, &acked, &error).empty());
  }
  TestMounts mounts;
  std::string why;
  if (!mounts.Mount({"mount", "--bind", ro_dir, ro_dir}, ro_dir, &why) ||
      !mounts.Run({"mount", "-o", "remount,bind,ro", ro_dir}, &why)) {
    GTEST_SKIP() << "cannot make a read-only bind mount (needs root or CAP_SYS_ADMIN): " << why;
  }
  std::unique_ptr<Stage> stage;
  ASSERT_TRUE(CreateStoreStage(Context("path: " + ro_dir + "/sluice.db\n", dir.path(), nullptr), &stage).ok())
      << "a read-only database must not stop the stage from starting";
  std::vector<v1::Document> retry = Deliver(*stage, rest, &acked, &error);
  EXPECT_EQ(retry.size(), rest.size());
  EXPECT_TRUE(error.find("read-only") != std::string::npos || error.find("Read-only") != std::string::npos) << error;

  ASSERT_TRUE(mounts.Run({"mount", "-o", "remount,bind,rw", ro_dir}, &why)) << why;
  for (int round = 0; round < 5 && !retry.empty(); ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the stage retries opening once a second
    retry = Deliver(*stage, retry, &acked, &error);
  }
  EXPECT_TRUE(retry.empty());
  stage.reset();
  ExpectAllStoredOnce(ro_dir + "/sluice.db", docs);
}

}  // namespace
}  // namespace sluice::store

namespace sluice::store {
namespace {

// PostgreSQL goes away under a running store worker and comes back: documents meanwhile are
// nacked (Transient) quickly, none is lost or doubled, and the same stage carries on.
TEST(StoreStageTest, PostgresRestartNacksAndRecovers) {
  if (!PostgresBackendAvailable()) GTEST_SKIP() << "this build has no PostgreSQL back end";
  testing::PostgresCluster pg;
  std::string why;
  if (!pg.Start(&why)) GTEST_SKIP() << "PostgreSQL cannot be started here: " << why;
  ASSERT_TRUE(pg.CreateDatabase("restart", &why)) << why;
  TempDir dir;
  TestCounters counters;
  auto stage = MakeStage(Context("backend: postgres\ndsn: \"" + pg.Dsn("restart") + "\"\n", dir.path(), &counters));
  ASSERT_TRUE(stage);
  std::vector<v1::Document> docs = testing::FixtureCorpus();
  std::vector<v1::Document> first(docs.begin(), docs.begin() + 3);
  std::vector<v1::Document> rest(docs.begin() + 3, docs.end());
  std::multiset<std::string> acked;
  std::string error;
  EXPECT_TRUE(Deliver(*stage, first, &acked, &error).empty()) << error;

  ASSERT_TRUE(pg.StopServer());
  auto started = std::chrono::steady_clock::now();
  std::vector<v1::Document> retry = Deliver(*stage, rest, &acked, &error);
  EXPECT_EQ(retry.size(), rest.size());
  EXPECT_NE(error.find("PostgreSQL"), std::string::npos) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20)) << "documents waited for the database";

  ASSERT_TRUE(pg.StartServer(&why)) << why;
  for (int round = 0; round < 10 && !retry.empty(); ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the stage retries opening once a second
    retry = Deliver(*stage, retry, &acked, &error);
  }
  EXPECT_TRUE(retry.empty()) << error;
  for (const auto& d : docs) EXPECT_EQ(acked.count(d.canonical_url()), 1u) << d.canonical_url();
  StoreOptions o;
  o.backend = Backend::kPostgres;
  o.dsn = pg.Dsn("restart");
  o.read_only = true;
  std::unique_ptr<DocumentStore> reader;
  ASSERT_TRUE(DocumentStore::Open(o, &reader).ok());
  EXPECT_EQ(StoredDocuments(*reader), static_cast<int64_t>(docs.size()));
}

}  // namespace
}  // namespace sluice::store
