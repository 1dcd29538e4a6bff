// Registers the classify stage and its commands with the runtime.
#include "sluice/classify/classify_stage.h"
#include "sluice/classify/model_commands.h"
#include "sluice/registry.h"

namespace sluice {

void RegisterClassifyStage(Registry& registry) {
  registry.AddStage("classify", [](const StageContext& ctx, std::unique_ptr<Stage>* out) {
    std::unique_ptr<classify::ClassifyStage> stage;
    SLUICE_RETURN_IF_ERROR(classify::ClassifyStage::Create(ctx, &stage));
    *out = std::move(stage);
    return Status::OK();
  });
  registry.AddCommand("train", "train a linear classifier: sluice train --axis topic data.tsv -o model.bin",
                      classify::TrainCommand);
  registry.AddCommand("classify", "label lines from stdin: sluice classify --model model.bin", classify::ClassifyCommand);
  registry.AddCommand("eval", "accuracy and macro-F1 of a model: sluice eval --model model.bin test.tsv",
                      classify::EvalCommand);
  registry.AddCommand("plugin-host", "(internal) runs one classifier plugin for `isolation: process`",
                      classify::PluginHostCommand);
}

}  // namespace sluice
