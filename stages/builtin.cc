// Registers every built-in stage, source and command with the runtime. Each stage directory
// defines one Register function next to its library; this file is the only place that knows
// them all.
#include "sluice/registry.h"

namespace sluice {

void RegisterFetchStage(Registry& registry);
void RegisterCleanStage(Registry& registry);
void RegisterSegmentStage(Registry& registry);
void RegisterClassifyStage(Registry& registry);
void RegisterStoreStage(Registry& registry);
extern const char kDemoPipelineYaml[];

void RegisterBuiltins(Registry& registry) {
  RegisterFetchStage(registry);
  RegisterCleanStage(registry);
  RegisterSegmentStage(registry);
  RegisterClassifyStage(registry);
  RegisterStoreStage(registry);
  registry.SetDefaultPipeline(kDemoPipelineYaml);
}

}  // namespace sluice
