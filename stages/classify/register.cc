#include "sluice/registry.h"

namespace sluice {

void RegisterClassifyStage(Registry& registry) {}

}  // namespace sluice
