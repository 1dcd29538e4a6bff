// SqlSession: the few things the store needs from a database connection, over SQLite and
// PostgreSQL alike, so that the store's logic (upsert decisions, versions, labels, search,
// export) is written once.
//
// Statements are written with `?` placeholders; the PostgreSQL session numbers them ($1, $2 …).
// Every statement is prepared once per connection and cached by its text.
//
// Errors are classified where the driver's codes are known: the database's own trouble (full
// disk, read-only file, locks, lost connection, deadlock, serialization failure) is Transient
// with a message naming the cause; a value the database refuses for its size is Permanent; a
// malformed statement is InvalidArgument (a bug).
//
// Thread safety: one session per thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice::store::internal {

enum class Dialect { kSqlite, kPostgres };

// A statement parameter. Views must stay valid during the call.
struct SqlParam {
  enum class Type { kNull, kInt, kReal, kText, kBlob };
  Type type = Type::kNull;
  int64_t i = 0;
  double d = 0;
  std::string_view s;

  static SqlParam Null() { return SqlParam{}; }
  static SqlParam Int(int64_t v) { return SqlParam{Type::kInt, v, 0, {}}; }
  static SqlParam Real(double v) { return SqlParam{Type::kReal, 0, v, {}}; }
  static SqlParam Text(std::string_view v) { return SqlParam{Type::kText, 0, 0, v}; }
  static SqlParam Blob(std::string_view v) { return SqlParam{Type::kBlob, 0, 0, v}; }
};

// A result value. PostgreSQL hands every value over as text; the accessors convert.
struct SqlValue {
  enum class Kind { kNull, kInt, kReal, kText };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string s;

  bool null() const { return kind == Kind::kNull; }
  int64_t AsInt() const;
  double AsDouble() const;
  std::string AsText() const;
};
using SqlRow = std::vector<SqlValue>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual Dialect dialect() const = 0;

  // Runs one statement; fills `rows` (when not null) with every result row.
  virtual Status Exec(std::string_view sql, std::span<const SqlParam> params, std::vector<SqlRow>* rows) = 0;
  Status Exec(std::string_view sql, std::initializer_list<SqlParam> params = {}, std::vector<SqlRow>* rows = nullptr) {
    return Exec(sql, std::span<const SqlParam>(params.begin(), params.size()), rows);
  }
  // Like Exec, for statements whose best plan depends on the values (search): PostgreSQL plans
  // it afresh each time instead of settling on a generic plan for a prepared statement.
  virtual Status ExecPlanned(std::string_view sql, std::span<const SqlParam> params, std::vector<SqlRow>* rows) {
    return Exec(sql, params, rows);
  }
  Status ExecPlanned(std::string_view sql, std::initializer_list<SqlParam> params, std::vector<SqlRow>* rows) {
    return ExecPlanned(sql, std::span<const SqlParam>(params.begin(), params.size()), rows);
  }

  // Runs several statements without parameters (schema scripts).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Write transactions. Begin takes the write lock at once on SQLite (BEGIN IMMEDIATE), so a
  // busy database fails here, before anything is written.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // False when the database ended the transaction on its own (SQLite rolls back on some errors).
  virtual bool InTransaction() const = 0;

  // What the session connects to, safe for logs.
  virtual std::string Describe() const = 0;
};

}  // namespace sluice::store::internal
