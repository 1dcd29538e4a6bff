#include "extract_command.h"
#include "sluice/clean/clean_stage.h"
#include "sluice/registry.h"

namespace sluice {

void RegisterCleanStage(Registry& registry) {
  registry.AddStage("clean", [](const StageContext& ctx, std::unique_ptr<Stage>* out) {
    return clean::CleanStage::Create(ctx, out);
  });
  registry.AddCommand("extract", "extract text and metadata from HTML files (clean stage, no pipeline)",
                      clean::RunExtractCommand);
}

}  // namespace sluice
