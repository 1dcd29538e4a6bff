// White-box tests of the Ledger (pipeline/src/ledger.cc) through its public header.
#include "sluice/ledger.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice {
namespace {

using testing::TempDir;

v1::Document Doc(const std::string& id) {
  v1::Document d;
  d.set_id(id);
  d.set_canonical_url("http://x.cn/" + id);
  d.set_text("正文 " + id);
  return d;
}

LedgerOptions Options() {
  LedgerOptions o;
  o.window = 3;
  o.max_attempts = 3;
  o.isolate_after = 2;
  o.ack_timeout = std::chrono::milliseconds(1000);
  o.retry_backoff = std::chrono::milliseconds(100);
  return o;
}

std::vector<std::string> Ids(const std::vector<Ledger::Outgoing>& out) {
  std::vector<std::string> ids;
  for (const auto& o : out) ids.push_back(o.id);
  return ids;
}

TEST(LedgerTest, SendsOnlyWhatIsDurableInOrderWithinTheWindow) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  for (const char* id : {"a", "b", "c", "d"}) ASSERT_TRUE(l->Add(Doc(id)).ok());
  std::vector<Ledger::Outgoing> out;
  ASSERT_TRUE(l->TakeReady(10, 1000, &out).ok());
  EXPECT_TRUE(out.empty()) << "nothing is sent before it is committed";
  ASSERT_TRUE(l->Commit().ok());
  ASSERT_TRUE(l->TakeReady(10, 1000, &out).ok());
  EXPECT_EQ(Ids(out), (std::vector<std::string>{"a", "b", "c"}));  // window 3
  EXPECT_EQ(l->in_flight(), 3u);
  EXPECT_EQ(l->pending(), 1u);
  v1::Document stamped;
  ASSERT_TRUE(stamped.ParseFromString(out[0].bytes));
  EXPECT_EQ(stamped.ledger_id(), "0");
  EXPECT_EQ(stamped.attempt(), 1u);
  EXPECT_EQ(stamped.emitted_us(), 1000);
  EXPECT_EQ(stamped.text(), "正文 a");
  l->Ack("a");
  ASSERT_TRUE(l->TakeReady(10, 2000, &out).ok());
  EXPECT_EQ(Ids(out), (std::vector<std::string>{"d"}));
}

TEST(LedgerTest, DuplicateIdsAreIgnored) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  ASSERT_TRUE(l->Add(Doc("a")).ok());
  ASSERT_TRUE(l->Add(Doc("a")).ok());
  ASSERT_TRUE(l->Commit().ok());
  EXPECT_EQ(l->pending(), 1u);
  EXPECT_TRUE(l->Add(v1::Document()).IsInvalidArgument());
}

TEST(LedgerTest, TransientNackRetriesAfterBackoffThenDeadLetters) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  LedgerOptions o = Options();
  o.isolate_after = 10;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), o, "0", &l).ok());
  ASSERT_TRUE(l->Add(Doc("a")).ok());
  ASSERT_TRUE(l->Commit().ok());
  std::vector<Ledger::Outgoing> out;
  int64_t t = 1'000'000;
  for (uint32_t attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(l->TakeReady(10, t, &out).ok());
    ASSERT_EQ(out.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(out[0].attempt, attempt);
    l->Nack("a", attempt, "store busy", false, "store", t);
    ASSERT_TRUE(l->TakeReady(10, t + 1, &out).ok());
    EXPECT_TRUE(out.empty()) << "a retry waits for its backoff";
    t += 10'000'000;
  }
  EXPECT_EQ(l->dead_total(), 1u);
  ASSERT_TRUE(l->Commit().ok());
  std::vector<Ledger::DeadLetter> dead;
  ASSERT_TRUE(l->ListDeadLetters(10, &dead).ok());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 3u);
  EXPECT_NE(dead[0].reason.find("store busy (gave up after 3 attempts)"), std::string::npos) << dead[0].reason;
  v1::Document payload;
  ASSERT_TRUE(payload.ParseFromString(dead[0].payload));
  EXPECT_EQ(payload.id(), "a");
}

TEST(LedgerTest, PermanentNackDeadLettersAtOnceAndStaleNacksAreIgnored) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  ASSERT_TRUE(l->Add(Doc("a")).ok());
  ASSERT_TRUE(l->Commit().ok());
  std::vector<Ledger::Outgoing> out;
  ASSERT_TRUE(l->TakeReady(10, 0, &out).ok());
  l->Nack("zzz", 1, "not ours", true, "clean", 0);
  EXPECT_EQ(l->dead_total(), 0u);
  l->Nack("a", 1, "challenge page", true, "clean", 0);
  EXPECT_EQ(l->dead_total(), 1u);
  EXPECT_TRUE(l->Quiet());
}

TEST(LedgerTest, TimeoutRedeliversWithAttemptPlusOne) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  ASSERT_TRUE(l->Add(Doc("a")).ok());
  ASSERT_TRUE(l->Commit().ok());
  std::vector<Ledger::Outgoing> out;
  ASSERT_TRUE(l->TakeReady(10, 0, &out).ok());
  l->ExpireInFlight(500'000);
  EXPECT_EQ(l->in_flight(), 1u) << "not yet";
  l->ExpireInFlight(1'000'001);
  EXPECT_EQ(l->in_flight(), 0u);
  EXPECT_EQ(l->waiting_retry(), 1u);
  ASSERT_TRUE(l->TakeReady(10, 2'000'000, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].attempt, 2u);
  // A late ack of the first copy settles it.
  l->Ack("a");
  EXPECT_TRUE(l->Quiet());
  EXPECT_EQ(l->acked_total(), 1u);
}

TEST(LedgerTest, SuspectsTravelAloneSoBystandersAreNotDeadLettered) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  LedgerOptions o = Options();
  o.window = 10;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), o, "0", &l).ok());
  for (const char* id : {"poison", "b1", "b2"}) ASSERT_TRUE(l->Add(Doc(id)).ok());
  ASSERT_TRUE(l->Commit().ok());
  std::vector<Ledger::Outgoing> out;
  int64_t t = 0;
  // Two crashes take everything in flight with them.
  for (int crash = 0; crash < 2; ++crash) {
    ASSERT_TRUE(l->TakeReady(10, t, &out).ok());
    ASSERT_EQ(out.size(), 3u) << "crash " << crash;
    t += 10;
    EXPECT_EQ(l->ExpireSentBefore(t, "worker died", t), 3u);
    t += 10'000'000;
  }
  // Now all three have failed twice: they are suspects and go out one at a time.
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(l->TakeReady(10, t, &out).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].attempt, 3u);
    std::vector<Ledger::Outgoing> more;
    ASSERT_TRUE(l->TakeReady(10, t, &more).ok());
    EXPECT_TRUE(more.empty()) << "nothing travels with a suspect";
    seen.insert(out[0].id);
    if (out[0].id == "poison") {
      l->ExpireSentBefore(t + 1, "worker died", t + 1);
    } else {
      l->Ack(out[0].id);
    }
    t += 10'000'000;
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(l->acked_total(), 2u);
  EXPECT_EQ(l->dead_total(), 1u);
  ASSERT_TRUE(l->Commit().ok());
  std::vector<Ledger::DeadLetter> dead;
  ASSERT_TRUE(l->ListDeadLetters(10, &dead).ok());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, "poison");
}

TEST(LedgerTest, ReopenResumesOpenDocumentsAndKeepsAttemptCounts) {
  TempDir dir;
  {
    std::unique_ptr<Ledger> l;
    ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
    for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(l->Add(Doc(id)).ok());
    ASSERT_TRUE(l->Put("cursor", "gen", "3").ok());
    ASSERT_TRUE(l->Commit().ok());
    std::vector<Ledger::Outgoing> out;
    ASSERT_TRUE(l->TakeReady(10, 0, &out).ok());
    l->Ack("a");
    l->Nack("b", 1, "busy", false, "store", 0);  // attempt 2 is persisted
    ASSERT_TRUE(l->Commit().ok());
    // The process dies here: "c" was in flight, unacked.
  }
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  EXPECT_EQ(l->pending(), 2u);
  EXPECT_EQ(l->Get("cursor", "gen").value_or(""), "3");
  std::vector<Ledger::Outgoing> out;
  ASSERT_TRUE(l->TakeReady(10, 0, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  std::map<std::string, uint32_t> attempts;
  for (const auto& o : out) attempts[o.id] = o.attempt;
  EXPECT_EQ(attempts["b"], 2u);
  EXPECT_EQ(attempts["c"], 1u);
  EXPECT_EQ(attempts.count("a"), 0u) << "acked documents are never resent";
  // Re-adding what it already knows (a source re-emitting after a crash) adds nothing.
  ASSERT_TRUE(l->Add(Doc("a")).ok());
  ASSERT_TRUE(l->Commit().ok());
  uint64_t open = 0, done = 0, dead = 0;
  ASSERT_TRUE(l->CountStates(&open, &done, &dead).ok());
  EXPECT_EQ(open, 2u);
  EXPECT_EQ(done, 1u);
}

TEST(LedgerTest, UncommittedWorkIsLostOnCrashButNothingWasSentFromIt) {
  TempDir dir;
  // A child process records a document and dies without committing, as under kill -9.
  pid_t pid = fork();
  if (pid == 0) {
    std::unique_ptr<Ledger> l;
    if (!Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok() || !l->Add(Doc("a")).ok()) _exit(1);
    std::vector<Ledger::Outgoing> out;
    if (!l->TakeReady(10, 0, &out).ok() || !out.empty()) _exit(2);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  EXPECT_EQ(l->pending(), 0u);
}

TEST(LedgerTest, SourceStateRoundTrips) {
  TempDir dir;
  std::unique_ptr<Ledger> l;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), Options(), "0", &l).ok());
  ASSERT_TRUE(l->Put("etag", "http://x/a", "\"abc\"").ok());
  ASSERT_TRUE(l->Put("etag", "http://x/b", "\"def\"").ok());
  ASSERT_TRUE(l->Put("seen", "http://x/a", "1").ok());
  EXPECT_EQ(l->Get("etag", "http://x/a").value_or(""), "\"abc\"");
  EXPECT_FALSE(l->Get("etag", "http://x/c"));
  std::vector<std::string> keys;
  l->ForEach("etag", [&](const std::string& k, const std::string&) { keys.push_back(k); });
  EXPECT_EQ(keys, (std::vector<std::string>{"http://x/a", "http://x/b"}));
  ASSERT_TRUE(l->Delete("etag", "http://x/a").ok());
  EXPECT_FALSE(l->Get("etag", "http://x/a"));
}

TEST(LedgerTest, RefusesANewerSchemaAndAFileThatIsNotALedger) {
  TempDir dir;
  testing::WriteFile(dir.File("junk.db"), "this is not sqlite");
  std::unique_ptr<Ledger> l;
  EXPECT_FALSE(Ledger::Open(dir.File("junk.db"), Options(), "0", &l).ok());
}

}  // namespace
}  // namespace sluice
