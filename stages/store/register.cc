#include "sluice/registry.h"

namespace sluice {

void RegisterStoreStage(Registry& registry) {}

}  // namespace sluice
