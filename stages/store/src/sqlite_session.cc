#include "sqlite_session.h"

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

namespace sluice::store::internal {

namespace {

class SqliteSession final : public SqlSession {
 public:
  SqliteSession(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteSession() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return path_; }

  Status Exec(std::string_view sql, std::span<const SqlParam> params, std::vector<SqlRow>* rows) override {
    sqlite3_stmt* stmt = nullptr;
    SLUICE_RETURN_IF_ERROR(Prepare(sql, &stmt));
    for (size_t k = 0; k < params.size(); ++k) {
      const SqlParam& p = params[k];
      int idx = static_cast<int>(k + 1);
      int rc = SQLITE_OK;
      switch (p.type) {
        case SqlParam::Type::kNull:
          rc = sqlite3_bind_null(stmt, idx);
          break;
        case SqlParam::Type::kInt:
          rc = sqlite3_bind_int64(stmt, idx, p.i);
          break;
        case SqlParam::Type::kReal:
          rc = sqlite3_bind_double(stmt, idx, p.d);
          break;
        case SqlParam::Type::kText:
          rc = sqlite3_bind_text64(stmt, idx, p.s.data(), p.s.size(), SQLITE_STATIC, SQLITE_UTF8);
          break;
        case SqlParam::Type::kBlob:
          rc = sqlite3_bind_blob64(stmt, idx, p.s.data(), p.s.size(), SQLITE_STATIC);
          break;
      }
      if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(stmt);
        return Error(rc, "binding a parameter");
      }
    }
    Status st;
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        if (rows) rows->push_back(ReadRow(stmt));
        continue;
      }
      if (rc != SQLITE_DONE) st = Error(rc, "running a statement");
      break;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return st;
  }

  Status ExecScript(std::string_view sql) override { return Run(sql, "running a schema script"); }

  Status Begin() override { return Run("BEGIN IMMEDIATE", "beginning a transaction"); }
  Status Commit() override {
    Status st = Run("COMMIT", "committing");
    if (!st.ok()) Rollback();
    return st;
  }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool InTransaction() const override { return !sqlite3_get_autocommit(db_); }

  // Turns a result code into a Status naming the cause in words an operator acts on.
  Status Error(int rc, std::string_view doing) const {
    int primary = rc & 0xFF;
    std::string detail = std::string(sqlite3_errmsg(db_));
    int sys = sqlite3_system_errno(db_);
    if (sys != 0 && (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN)) {
      detail += std::string(" (") + std::strerror(sys) + ")";
    }
    std::string where = " [" + std::string(doing) + " on " + path_ + "]";
    switch (primary) {
      case SQLITE_FULL:
        return Status::Transient("disk full: " + detail + where);
      case SQLITE_READONLY:
        return Status::Transient("database is read-only: " + detail + where);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Status::Transient("database is locked by another connection: " + detail + where);
      case SQLITE_IOERR:
        return Status::Transient("I/O error: " + detail + where);
      case SQLITE_CANTOPEN:
        return Status::Transient("cannot open the database file: " + detail + where);
      case SQLITE_NOMEM:
        return Status::Transient("out of memory: " + detail + where);
      case SQLITE_PROTOCOL:
      case SQLITE_INTERRUPT:
        return Status::Transient(detail + where);
      case SQLITE_TOOBIG:
        return Status::Permanent("value too large for SQLite: " + detail + where);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return Status::Corruption("database is corrupt or not a database: " + detail + where);
      default:
        return Status::InvalidArgument("SQLite error: " + detail + where);
    }
  }

  sqlite3* db() const { return db_; }

 private:
  Status Run(std::string_view sql, std::string_view doing) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error(rc, doing);
    return Status::OK();
  }

  Status Prepare(std::string_view sql, sqlite3_stmt** out) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) {
      *out = it->second;
      return Status::OK();
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "preparing " + std::string(sql.substr(0, 60)));
    statements_.emplace(std::string(sql), stmt);
    *out = stmt;
    return Status::OK();
  }

  static SqlRow ReadRow(sqlite3_stmt* stmt) {
    int n = sqlite3_column_count(stmt);
    SqlRow row(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      SqlValue& v = row[static_cast<size_t>(c)];
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          v.kind = SqlValue::Kind::kInt;
          v.i = sqlite3_column_int64(stmt, c);
          break;
        case SQLITE_FLOAT:
          v.kind = SqlValue::Kind::kReal;
          v.d = sqlite3_column_double(stmt, c);
          break;
        case SQLITE_NULL:
          break;
        default: {
          v.kind = SqlValue::Kind::kText;
          const void* data = sqlite3_column_blob(stmt, c);
          int len = sqlite3_column_bytes(stmt, c);
          if (data && len > 0) v.s.assign(static_cast<const char*>(data), static_cast<size_t>(len));
          break;
        }
      }
    }
    return row;
  }

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

Status OpenSqliteSession(const StoreOptions& options, std::unique_ptr<SqlSession>* session) {
  namespace fs = std::filesystem;
  if (options.path.empty()) return Status::InvalidArgument("no SQLite database path given");
  if (!sqlite3_compileoption_used("ENABLE_FTS5")) {
    return Status::InvalidArgument(std::string("this SQLite (") + sqlite3_libversion() +
                                   ") was built without FTS5, which the store needs for search");
  }
  std::error_code ec;
  if (options.read_only) {
    if (!fs::exists(options.path, ec)) return Status::NotFound("no database at " + options.path);
  } else {
    fs::path dir = fs::path(options.path).parent_path();
    if (!dir.empty() && !fs::exists(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) return Status::IOError("cannot create the directory " + dir.string() + ": " + ec.message());
    }
  }
  int flags = SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  auto s = std::make_unique<SqliteSession>(db, options.path);
  if (rc != SQLITE_OK) return s->Error(rc, "opening");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  // SQLite quietly opens a file it cannot write read-only; say so now rather than fail later
  // with a puzzling "unable to open database file" about the WAL.
  if (!options.read_only && sqlite3_db_readonly(db, "main") == 1) {
    struct statvfs vfs {};
    bool ro_fs = statvfs(options.path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
    return Status::Transient("database is read-only: cannot write " + options.path +
                             (ro_fs ? " (read-only file system)" : " (no write permission)"));
  }
  if (!options.read_only) {
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(s->Exec("PRAGMA journal_mode=WAL", {}, &rows));
    if (rows.empty() || rows[0].empty() || rows[0][0].AsText() != "wal") {
      return Status::IOError("cannot switch " + options.path + " to WAL mode (got journal_mode=" +
                             (rows.empty() || rows[0].empty() ? std::string("?") : rows[0][0].AsText()) + ")");
    }
    SLUICE_RETURN_IF_ERROR(s->ExecScript(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  }
  SLUICE_RETURN_IF_ERROR(s->ExecScript("PRAGMA foreign_keys=ON"));
  *session = std::move(s);
  return Status::OK();
}

}  // namespace sluice::store::internal
