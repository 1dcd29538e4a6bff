// The command-line front end shared by the `sluice` executable and test binaries.
//
// Thread safety: called once from main().
#pragma once

#include "sluice/registry.h"

namespace sluice {

// Registers the runtime's own commands: run, stage, top, proxy, dlq, version.
void RegisterRuntimeCommands(Registry& registry);

// Dispatches argv[1] to a registered command; prints usage for --help or an unknown command.
// Returns the process exit code (64 for a usage error).
int RunCli(Registry& registry, int argc, char** argv);

}  // namespace sluice
