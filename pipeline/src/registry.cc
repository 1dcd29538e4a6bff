#include "sluice/registry.h"

namespace sluice {

Registry& Registry::Global() {
  static Registry registry;
  return registry;
}

void Registry::AddStage(const std::string& name, StageFactory factory) { stages_[name] = std::move(factory); }
void Registry::AddSource(const std::string& name, SourceFactory factory) { sources_[name] = std::move(factory); }
void Registry::AddCommand(const std::string& name, const std::string& summary, CommandFn run) {
  commands_[name] = CommandInfo{name, summary, std::move(run)};
}

const StageFactory* Registry::FindStage(const std::string& name) const {
  auto it = stages_.find(name);
  return it == stages_.end() ? nullptr : &it->second;
}
const SourceFactory* Registry::FindSource(const std::string& name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : &it->second;
}
const CommandInfo* Registry::FindCommand(const std::string& name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::StageNames() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : stages_) out.push_back(name);
  return out;
}
std::vector<std::string> Registry::SourceNames() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : sources_) out.push_back(name);
  return out;
}

static std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

std::string StageContext::ResolvePath(const std::string& path) const { return Resolve(config_dir, path); }
std::string SourceFactoryArgs::ResolvePath(const std::string& path) const { return Resolve(config_dir, path); }

}  // namespace sluice
