#include <gtest/gtest.h>

#include <thread>

#include "sluice/clean/simhash.h"
#include "test_env.h"

namespace sluice::clean {
namespace {

void Exercise(SimhashIndex& index) {
  const uint64_t a = 0x0123456789ABCDEFull;
  const uint64_t near = a ^ 0x8000000000000101ull;  // 3 bits away
  const uint64_t far = ~a;
  std::string original;
  ASSERT_TRUE(index.FindOrAdd(a, "http://a/1", &original).ok());
  EXPECT_EQ(original, "");
  ASSERT_TRUE(index.FindOrAdd(near, "http://b/2", &original).ok());
  EXPECT_EQ(original, "http://a/1");
  ASSERT_TRUE(index.FindOrAdd(far, "http://c/3", &original).ok());
  EXPECT_EQ(original, "");
  // The original seen again (a re-crawl) is not a duplicate; the copy still points to it.
  ASSERT_TRUE(index.FindOrAdd(a, "http://a/1", &original).ok());
  EXPECT_EQ(original, "");
  ASSERT_TRUE(index.FindOrAdd(near, "http://b/2", &original).ok());
  EXPECT_EQ(original, "http://a/1");
  // 4 bits is beyond the default distance.
  ASSERT_TRUE(index.FindOrAdd(a ^ 0xF, "http://d/4", &original).ok());
  EXPECT_EQ(original, "");
}

TEST(SimhashIndexTest, Memory) {
  MemorySimhashIndex index;
  Exercise(index);
}

TEST(SimhashIndexTest, SqliteSurvivesReopenAndIsSharedBetweenHandles) {
  testing::TempDir dir;
  const std::string path = dir.File("simhash.db");
  {
    std::unique_ptr<SqliteSimhashIndex> index;
    ASSERT_TRUE(SqliteSimhashIndex::Open(path, 3, &index).ok());
    Exercise(*index);
  }
  std::unique_ptr<SqliteSimhashIndex> one, two;
  ASSERT_TRUE(SqliteSimhashIndex::Open(path, 3, &one).ok());
  ASSERT_TRUE(SqliteSimhashIndex::Open(path, 3, &two).ok());
  std::string original;
  ASSERT_TRUE(two->FindOrAdd(0x0123456789ABCDEFull ^ 1, "http://e/5", &original).ok());
  EXPECT_EQ(original, "http://a/1");
  // Two workers racing on new content agree on one original.
  std::string r1, r2;
  std::thread t1([&] { ASSERT_TRUE(one->FindOrAdd(0x5555, "http://x/1", &r1).ok()); });
  std::thread t2([&] { ASSERT_TRUE(two->FindOrAdd(0x5555, "http://y/2", &r2).ok()); });
  t1.join();
  t2.join();
  EXPECT_TRUE((r1.empty() && r2 == "http://x/1") || (r2.empty() && r1 == "http://y/2")) << r1 << " / " << r2;
}

TEST(SimhashIndexTest, SqliteOpenFailsClearly) {
  std::unique_ptr<SqliteSimhashIndex> index;
  Status s = SqliteSimhashIndex::Open("/nonexistent-dir/x/simhash.db", 3, &index);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x/simhash.db"), std::string::npos);
}

}  // namespace
}  // namespace sluice::clean
