// Command-line parsing shared by every sluice command: CLI11, with sluice's exit codes rather
// than CLI11's own (105–115), so scripts see the same code from every command — 0 after --help,
// 64 (EX_USAGE, sysexits.h) for a usage error.
//
// Thread safety: called from main() (through the command), once.
#pragma once

#include <CLI/CLI.hpp>

namespace sluice {

constexpr int kExitUsage = 64;

// Parses argv into `app`. Returns -1 to go on, or the exit code to return now: 0 after --help
// (the help was printed), kExitUsage for a usage error (CLI11 printed it).
inline int ParseArgs(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  return -1;
}

}  // namespace sluice
