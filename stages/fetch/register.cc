#include "sluice/registry.h"

namespace sluice {

void RegisterFetchStage(Registry& registry) {}

}  // namespace sluice
