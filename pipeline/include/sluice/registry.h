// Registry: the names under which built-in stages, sources and CLI commands are found.
//
// The runtime knows no stage by name. The `sluice` executable calls RegisterBuiltins (defined by
// stages/, linked in by the executable) once at start-up; each stage directory adds its stage,
// source and commands there. `sluice stage NAME` looks NAME up here first and otherwise treats it
// as a plugin (a path or a file in the plugin directory). Keeping the dependency this way round
// lets the runtime be built and tested without any stage (arrows: proto ← pipeline ← stages).
//
// Thread safety: filled during start-up on the main thread, read-only afterwards.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sluice/source.h"
#include "sluice/stage.h"

namespace sluice {

// A CLI command: receives its own arguments (argv[0] is the command name) and returns the
// process exit code.
using CommandFn = std::function<int(int argc, char** argv)>;

struct CommandInfo {
  std::string name;
  std::string summary;  // one line for `sluice --help`
  CommandFn run;
};

class Registry {
 public:
  static Registry& Global();

  void AddStage(const std::string& name, StageFactory factory);
  void AddSource(const std::string& name, SourceFactory factory);
  void AddCommand(const std::string& name, const std::string& summary, CommandFn run);

  // Returns nullptr when the name is unknown.
  const StageFactory* FindStage(const std::string& name) const;
  const SourceFactory* FindSource(const std::string& name) const;
  const CommandInfo* FindCommand(const std::string& name) const;

  // The pipeline `sluice run` runs when given no file: YAML text, set by the built-ins (the
  // bundled demo). Relative paths in it resolve against the current directory.
  void SetDefaultPipeline(std::string yaml) { default_pipeline_ = std::move(yaml); }
  const std::string& default_pipeline() const { return default_pipeline_; }

  std::vector<std::string> StageNames() const;
  std::vector<std::string> SourceNames() const;
  const std::map<std::string, CommandInfo>& commands() const { return commands_; }

 private:
  std::map<std::string, StageFactory> stages_;
  std::map<std::string, SourceFactory> sources_;
  std::map<std::string, CommandInfo> commands_;
  std::string default_pipeline_;
};

// Defined by stages/builtin.cc (or by a test binary): registers every built-in stage, source and
// command. Called once by main().
void RegisterBuiltins(Registry& registry);

}  // namespace sluice
