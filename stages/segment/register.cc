// Registers the `segment` stage and the `sluice segment` command with the runtime.
#include "sluice/registry.h"
#include "sluice/segment/segment_stage.h"

namespace sluice {

namespace segment {
int RunSegmentCommand(int argc, char** argv);
}  // namespace segment

void RegisterSegmentStage(Registry& registry) {
  registry.AddStage("segment", [](const StageContext& ctx, std::unique_ptr<Stage>* out) {
    return segment::SegmentStage::Create(ctx, out);
  });
  registry.AddCommand("segment", "segment stdin into words, one output line per input line (CWS format)",
                      segment::RunSegmentCommand);
}

}  // namespace sluice
