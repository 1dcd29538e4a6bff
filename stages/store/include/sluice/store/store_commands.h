// The store's commands: `sluice search`, `sluice show`, `sluice export`, `sluice stats`.
//
// Every command opens the database read-only (on SQLite it never blocks a running store stage)
// and finds it, in this order, from --dsn (PostgreSQL), --db PATH (SQLite), --config
// pipeline.yaml (the store stage's backend/path/dsn there, or <data_dir>/sluice.db), the
// environment variable SLUICE_DB, or ./sluice-data/sluice.db — where the bundled demo writes.
//
// Exit codes: 0 success; 1 nothing found (search without hits, show of an unknown id);
// 2 the database could not be opened or read; 64 bad usage.
//
// Thread safety: commands run on the main thread.
#pragma once

#include "sluice/registry.h"

namespace sluice::store {

void RegisterStoreCommands(Registry& registry);

int RunSearchCommand(int argc, char** argv);
int RunShowCommand(int argc, char** argv);
int RunExportCommand(int argc, char** argv);
int RunStatsCommand(int argc, char** argv);

}  // namespace sluice::store
