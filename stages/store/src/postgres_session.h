// The PostgreSQL implementation of SqlSession (libpqxx 6.4): `?` placeholders numbered for
// libpq, one prepared statement per SQL text and connection, SQLSTATE classes turned into
// Status, and reconnection — a lost connection fails the statement that noticed (Transient) and
// the next Begin() connects again.
//
// Thread safety: one session per thread.
#pragma once

#include <memory>

#include "sql_session.h"
#include "sluice/store/document_store.h"

namespace sluice::store::internal {

// Connects to `options.dsn`. Transient when the server cannot be reached now; InvalidArgument
// for a malformed DSN.
Status OpenPostgresSession(const StoreOptions& options, std::unique_ptr<SqlSession>* session);

// True when this build has the PostgreSQL back end.
bool PostgresAvailable();

}  // namespace sluice::store::internal
