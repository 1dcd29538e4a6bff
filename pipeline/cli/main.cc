// The `sluice` executable: one binary for every role (supervisor, stage worker, CLI tools), so
// the supervisor can start workers as /proc/self/exe and a deployment ships a single file.
#include <cstdio>
#include <cstring>
#include <string>

#include "sluice/cli.h"
#include "sluice/registry.h"

int main(int argc, char** argv) {
  sluice::Registry& registry = sluice::Registry::Global();
  sluice::RegisterRuntimeCommands(registry);
  sluice::RegisterBuiltins(registry);
  return sluice::RunCli(registry, argc, argv);
}
