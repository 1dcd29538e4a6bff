// The `sluice extract` command (see extract_command.cc for its usage).
#pragma once

namespace sluice::clean {

// Runs `sluice extract`; argv[0] is "extract". Returns the process exit code.
int RunExtractCommand(int argc, char** argv);

}  // namespace sluice::clean
