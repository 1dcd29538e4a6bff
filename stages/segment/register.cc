#include "sluice/registry.h"

namespace sluice {

void RegisterSegmentStage(Registry& registry) {}

}  // namespace sluice
