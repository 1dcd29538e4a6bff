// Test sink (the last stage): records every delivery and, idempotently, every distinct document
// in an SQLite file, committing in Flush — so the runner acks only what is durable. Tables:
//   deliveries(id)            one row per delivery (at least once)
//   docs(id PRIMARY KEY, ...)  one row per document (exactly once)
#include <sluice/plugin.hpp>
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <vector>

class SqliteSink : public sluice::sdk::Stage {
 public:
  explicit SqliteSink(const sluice::sdk::Config& c) {
    std::string path = c.Path("db");
    if (path.empty()) throw std::runtime_error("sqlite_sink: config key 'db' is required");
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("sqlite_sink: cannot open " + path);
    sqlite3_busy_timeout(db_, 10000);
    Exec("PRAGMA journal_mode=WAL");
    Exec("CREATE TABLE IF NOT EXISTS deliveries(id TEXT NOT NULL, attempt INTEGER)");
    Exec("CREATE TABLE IF NOT EXISTS docs(id TEXT PRIMARY KEY, title TEXT, text_bytes INTEGER)");
  }
  ~SqliteSink() override { sqlite3_close(db_); }

  sluice::sdk::Result Process(const sluice::sdk::Document& doc, sluice::sdk::Delta&) override {
    batch_.push_back({doc.id, doc.title, doc.text.size(), doc.attempt});
    return {};
  }

  sluice::sdk::Result Flush() override {
    if (batch_.empty()) return {};
    Exec("BEGIN IMMEDIATE");
    sqlite3_stmt *ins = nullptr, *del = nullptr;
    sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO docs(id, title, text_bytes) VALUES(?, ?, ?)", -1, &ins, nullptr);
    sqlite3_prepare_v2(db_, "INSERT INTO deliveries(id, attempt) VALUES(?, ?)", -1, &del, nullptr);
    for (const auto& r : batch_) {
      sqlite3_bind_text(ins, 1, r.id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 2, r.title.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(ins, 3, static_cast<sqlite3_int64>(r.bytes));
      sqlite3_step(ins);
      sqlite3_reset(ins);
      sqlite3_bind_text(del, 1, r.id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(del, 2, r.attempt);
      sqlite3_step(del);
      sqlite3_reset(del);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(del);
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::string err = sqlite3_errmsg(db_);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      batch_.clear();
      return sluice::sdk::Result::Transient("sqlite_sink commit: " + err);
    }
    batch_.clear();
    return {};
  }

 private:
  struct Row {
    std::string id, title;
    size_t bytes;
    uint32_t attempt;
  };
  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string("sqlite_sink: ") + sql + ": " + msg);
    }
  }
  sqlite3* db_ = nullptr;
  std::vector<Row> batch_;
};

SLUICE_PLUGIN(SqliteSink, "sqlite_sink", "1.0")
