#include "sluice/cli.h"

namespace sluice {

void RegisterRuntimeCommands(Registry& registry) {}

}  // namespace sluice
