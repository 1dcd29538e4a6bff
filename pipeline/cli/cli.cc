#include "sluice/cli.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "sluice/version.h"

namespace sluice {

namespace {

void Usage(const Registry& registry, FILE* out) {
  std::fprintf(out,
               "sluice %s — streaming ingestion of Chinese public-sector notices\n\n"
               "usage: sluice <command> [options]   (sluice <command> --help for its options)\n\ncommands:\n",
               kVersion);
  for (const auto& [name, info] : registry.commands()) std::fprintf(out, "  %-12s %s\n", name.c_str(), info.summary.c_str());
  std::fprintf(out, "\nWith no command, `sluice run` runs the bundled demo pipeline.\n");
}

}  // namespace

int RunCli(Registry& registry, int argc, char** argv) {
  if (argc < 2) {
    const CommandInfo* run = registry.FindCommand("run");
    if (!run) {
      Usage(registry, stderr);
      return 64;
    }
    char name[] = "run";
    char* args[] = {name, nullptr};
    return run->run(1, args);
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    Usage(registry, stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::printf("sluice %s\n", kVersion);
    return 0;
  }
  const CommandInfo* info = registry.FindCommand(cmd);
  if (!info) {
    std::fprintf(stderr, "sluice: unknown command '%s'\n\n", cmd.c_str());
    Usage(registry, stderr);
    return 64;
  }
  return info->run(argc - 1, argv + 1);
}

}  // namespace sluice
