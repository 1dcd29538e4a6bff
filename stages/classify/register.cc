// Registers the classify stage and its model commands with the runtime.
#include "sluice/classify/model_commands.h"
#include "sluice/registry.h"

namespace sluice {

void RegisterClassifyStage(Registry& registry) {
  registry.AddCommand("train", "train a linear classifier: sluice train --axis topic data.tsv -o model.bin",
                      classify::TrainCommand);
  registry.AddCommand("classify", "label lines from stdin: sluice classify --model model.bin", classify::ClassifyCommand);
  registry.AddCommand("eval", "accuracy and macro-F1 of a model: sluice eval --model model.bin test.tsv",
                      classify::EvalCommand);
}

}  // namespace sluice
