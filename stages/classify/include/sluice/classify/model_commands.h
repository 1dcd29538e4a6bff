// The model commands of the classify stage: `sluice train`, `sluice classify`, `sluice eval`.
//
//   sluice train --axis topic data.tsv -o model.bin     fits a linear model (see plugins/linear)
//   sluice classify --model model.bin < lines.txt       one label (or labels) per input line
//   sluice eval --model model.bin test.tsv [--json]     accuracy, macro-F1, per-class table
//
// Each is a CommandFn (argv[0] = the command name) returning the process exit code: 0 on success,
// 1 when a file cannot be used (missing, unreadable, not a model — the message names it), 64 on a
// usage error. They print results on stdout and diagnostics on stderr.
#pragma once

namespace sluice::classify {

int TrainCommand(int argc, char** argv);
int ClassifyCommand(int argc, char** argv);
int EvalCommand(int argc, char** argv);

}  // namespace sluice::classify
