#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "sluice/clean/simhash.h"

namespace sluice::clean {

namespace {

uint32_t BandKey(uint64_t hash, uint32_t band) {
  return band << 16 | static_cast<uint32_t>((hash >> (16 * band)) & 0xFFFF);
}

}  // namespace

MemorySimhashIndex::MemorySimhashIndex(int max_distance) : max_distance_(std::clamp(max_distance, 0, 3)) {}

Status MemorySimhashIndex::FindOrAdd(uint64_t hash, const std::string& url, std::string* original) {
  original->clear();
  size_t first = entries_.size();
  bool have_url = false;
  for (uint32_t band = 0; band < 4; ++band) {
    uint32_t key = BandKey(hash, band);
    auto range = bands_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      const Entry& e = entries_[it->second];
      if (HammingDistance(e.hash, hash) > max_distance_) continue;
      first = std::min(first, it->second);
      if (e.url == url && e.hash == hash) have_url = true;
    }
  }
  if (first < entries_.size() && entries_[first].url != url) *original = entries_[first].url;
  if (!have_url) {
    size_t idx = entries_.size();
    entries_.push_back(Entry{hash, url});
    for (uint32_t band = 0; band < 4; ++band)
      bands_.emplace(BandKey(hash, band), idx);
  }
  return Status::OK();
}

struct SqliteSimhashIndex::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* find = nullptr;
  sqlite3_stmt* insert = nullptr;
  int max_distance = 3;
  std::string path;

  ~Impl() {
    sqlite3_finalize(find);
    sqlite3_finalize(insert);
    if (db) sqlite3_close(db);
  }
  Status Error(const std::string& what) const {
    return Status::IOError("simhash index " + path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "?"));
  }
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      return Status::IOError("simhash index " + path + ": " + msg);
    }
    return Status::OK();
  }
};

SqliteSimhashIndex::SqliteSimhashIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteSimhashIndex::~SqliteSimhashIndex() = default;

Status SqliteSimhashIndex::Open(const std::string& path, int max_distance, std::unique_ptr<SqliteSimhashIndex>* out) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->max_distance = std::clamp(max_distance, 0, 3);
  if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    return impl->Error("open");
  sqlite3_busy_timeout(impl->db, 10000);
  SLUICE_RETURN_IF_ERROR(impl->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  SLUICE_RETURN_IF_ERROR(impl->Exec(
      "CREATE TABLE IF NOT EXISTS simhash ("
      "  id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, url TEXT NOT NULL,"
      "  b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL,"
      "  added_us INTEGER NOT NULL, UNIQUE (url, hash));"
      "CREATE INDEX IF NOT EXISTS simhash_b0 ON simhash(b0);"
      "CREATE INDEX IF NOT EXISTS simhash_b1 ON simhash(b1);"
      "CREATE INDEX IF NOT EXISTS simhash_b2 ON simhash(b2);"
      "CREATE INDEX IF NOT EXISTS simhash_b3 ON simhash(b3);"));
  if (sqlite3_prepare_v2(impl->db,
                         "SELECT id, hash, url FROM simhash WHERE b0 = ?1 OR b1 = ?2 OR b2 = ?3 OR b3 = ?4 ORDER BY id",
                         -1, &impl->find, nullptr) != SQLITE_OK)
    return impl->Error("prepare");
  if (sqlite3_prepare_v2(impl->db,
                         "INSERT OR IGNORE INTO simhash (hash, url, b0, b1, b2, b3, added_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         -1, &impl->insert, nullptr) != SQLITE_OK)
    return impl->Error("prepare");
  out->reset(new SqliteSimhashIndex(std::move(impl)));
  return Status::OK();
}

Status SqliteSimhashIndex::FindOrAdd(uint64_t hash, const std::string& url, std::string* original) {
  original->clear();
  Impl& d = *impl_;
  // IMMEDIATE: the lookup and the insert are one step for every worker sharing the file.
  if (sqlite3_exec(d.db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return Status::Transient("simhash index " + d.path + ": begin: " + sqlite3_errmsg(d.db));
  auto rollback = [&](Status s) {
    sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  sqlite3_reset(d.find);
  for (int b = 0; b < 4; ++b) sqlite3_bind_int64(d.find, b + 1, BandKey(hash, static_cast<uint32_t>(b)));
  std::string first_url;
  bool have = false, have_first = false;
  int rc;
  while ((rc = sqlite3_step(d.find)) == SQLITE_ROW) {
    uint64_t h = static_cast<uint64_t>(sqlite3_column_int64(d.find, 1));
    if (HammingDistance(h, hash) > d.max_distance) continue;
    const char* u = reinterpret_cast<const char*>(sqlite3_column_text(d.find, 2));
    std::string row_url = u ? u : "";
    if (!have_first) {
      first_url = row_url;
      have_first = true;
    }
    if (row_url == url && h == hash) have = true;
  }
  sqlite3_reset(d.find);
  if (rc != SQLITE_DONE) return rollback(d.Error("find"));
  if (have_first && first_url != url) *original = first_url;
  if (!have) {
    sqlite3_reset(d.insert);
    sqlite3_bind_int64(d.insert, 1, static_cast<int64_t>(hash));
    sqlite3_bind_text(d.insert, 2, url.data(), static_cast<int>(url.size()), SQLITE_TRANSIENT);
    for (int b = 0; b < 4; ++b) sqlite3_bind_int64(d.insert, b + 3, BandKey(hash, static_cast<uint32_t>(b)));
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    sqlite3_bind_int64(d.insert, 7, now);
    rc = sqlite3_step(d.insert);
    sqlite3_reset(d.insert);
    if (rc != SQLITE_DONE) return rollback(d.Error("insert"));
  }
  if (sqlite3_exec(d.db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return rollback(Status::Transient("simhash index " + d.path + ": commit: " + sqlite3_errmsg(d.db)));
  return Status::OK();
}

}  // namespace sluice::clean
