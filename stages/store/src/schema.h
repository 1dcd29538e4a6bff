// The store's schema and its migrations, for SQLite and PostgreSQL side by side.
//
// Migrations are an ordered list in schema.cc, one step per version, each with the SQL for both
// dialects so the two back ends never drift apart. A database records every step applied in its
// `schema_version` table; opening applies the missing steps in order, one transaction each
// (PostgreSQL workers starting together serialize on an advisory lock). Steps are never edited
// once released: a change is a new step.
//
// Thread safety: functions over one session, used by one thread.
#pragma once

#include "sql_session.h"

namespace sluice::store::internal {

// The newest schema version this build knows.
int LatestVersion();

// Brings the database to `target` (0 = latest), applying missing steps. Returns the version
// reached in `*version`. InvalidArgument when the database is newer than this build, or is not a
// sluice database (it has a `documents` table but no `schema_version`).
Status Migrate(SqlSession& session, int target, int* version);

// The version of a database opened read-only, which is never migrated: InvalidArgument unless it
// is exactly the latest (with a message saying what to do), NotFound-free otherwise.
Status CheckVersionReadOnly(SqlSession& session, int* version);

}  // namespace sluice::store::internal
