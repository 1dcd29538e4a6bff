#include "sluice/registry.h"

namespace sluice {

void RegisterCleanStage(Registry& registry) {}

}  // namespace sluice
