// The SQLite implementation of SqlSession: WAL, busy_timeout, one cached prepared statement per
// SQL text, SQLite result codes turned into Status with the cause named.
//
// Thread safety: one session per thread (the connection is opened without SQLite's mutex).
#pragma once

#include <memory>
#include <string>

#include "sql_session.h"
#include "sluice/store/document_store.h"

namespace sluice::store::internal {

// Opens `options.path`: read-write (creating the file and its directory) or read-only (the file
// must exist: NotFound otherwise). Writers switch the database to WAL.
Status OpenSqliteSession(const StoreOptions& options, std::unique_ptr<SqlSession>* session);

}  // namespace sluice::store::internal
