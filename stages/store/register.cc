// The store stage, the store source (re-emits stored documents) and the commands (search, show,
// export, stats), registered with the runtime.
#include "sluice/registry.h"
#include "sluice/store/store_commands.h"
#include "sluice/store/store_source.h"
#include "sluice/store/store_stage.h"

namespace sluice {

void RegisterStoreStage(Registry& registry) {
  registry.AddStage("store", store::CreateStoreStage);
  registry.AddSource("store", [](const SourceFactoryArgs& args, std::unique_ptr<Source>* out) {
    store::StoreSourceOptions options;
    SLUICE_RETURN_IF_ERROR(store::StoreSourceOptions::FromConfig(args, &options));
    *out = std::make_unique<store::StoreSource>(std::move(options));
    return Status::OK();
  });
  store::RegisterStoreCommands(registry);
}

}  // namespace sluice
