// The store stage and its commands (search, show, export, stats), registered with the runtime.
#include "sluice/registry.h"
#include "sluice/store/store_commands.h"
#include "sluice/store/store_stage.h"

namespace sluice {

void RegisterStoreStage(Registry& registry) {
  registry.AddStage("store", store::CreateStoreStage);
  store::RegisterStoreCommands(registry);
}

}  // namespace sluice
