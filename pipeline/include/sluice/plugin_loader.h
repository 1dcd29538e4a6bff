// PluginLibrary and PluginInstance: the host side of the C ABI in <sluice/plugin.h>.
//
// PluginLibrary::Open loads a shared library, finds `sluice_plugin_v1`, and checks the
// descriptor's magic, ABI version and size before trusting any other field; every refusal names
// the file and the mismatch ("…/foo.so: ABI version 7, this sluice speaks 1"). Instances created
// from it translate between sluice::v1::Document and the serialized bytes of the ABI, so the rest
// of the runtime treats a plugin like any other Stage or classifier.
//
// Plugins are found by path, or by name in the plugin directories: $SLUICE_PLUGIN_PATH
// (colon-separated), then <exe>/../lib/sluice/plugins (the build tree and the install tree share
// that layout). "keyword" matches keyword.so, libkeyword.so and sluice_keyword.so.
//
// Thread safety: a PluginLibrary may be shared between threads (it is immutable once open; the
// library stays loaded while any instance lives). A PluginInstance is used by one thread at a
// time, as the ABI requires.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "sluice/plugin.h"
#include "sluice/stage.h"
#include "sluice/status.h"

namespace sluice {

class PluginInstance;

class PluginLibrary : public std::enable_shared_from_this<PluginLibrary> {
 public:
  ~PluginLibrary();

  // Opens `name_or_path`. Returns NotFound when no file matches (the message lists where it
  // looked), InvalidArgument for a library that is not a sluice plugin or speaks another ABI.
  static Status Open(const std::string& name_or_path, std::shared_ptr<PluginLibrary>* out);

  // Directories searched for plugins by name, in order.
  static std::vector<std::string> SearchPath();

  sluice_plugin_kind kind() const { return static_cast<sluice_plugin_kind>(desc_->kind); }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& path() const { return path_; }

  // Creates an instance with the plugin's `config:` section. Returns InvalidArgument with the
  // plugin's own reason when its create() refuses.
  Status Create(const Config& config, const std::string& config_dir, const std::string& data_dir,
                uint32_t worker, std::unique_ptr<PluginInstance>* out);

 private:
  friend class PluginInstance;
  PluginLibrary() = default;
  void* handle_ = nullptr;
  const sluice_plugin_desc_v1* desc_ = nullptr;
  std::string name_, version_, path_;
};

// One instance of a plugin. Process/Flush translate the plugin's sluice_result into Status:
// SLUICE_TRANSIENT → Transient, SLUICE_PERMANENT or an unknown code → Permanent, each with the
// plugin's last_error and its name.
class PluginInstance {
 public:
  ~PluginInstance();

  // Runs the plugin on `doc` and applies its output: a delta is merged, a replacement replaces
  // (keeping the runner's delivery fields id, ledger_id, attempt, emitted_us and trace). For a
  // classifier only the labels of the delta are taken, with `classifier` set to the plugin name
  // where the plugin left it empty. Returns the plugin's failure, or Permanent when its output
  // does not parse.
  Status Process(v1::Document& doc);
  // Same, on already serialized bytes of `doc` (avoids a second serialization when the caller
  // has them, as the classify stage does for several plugins in a row).
  Status ProcessSerialized(const std::string& bytes, v1::Document& doc);
  // Runs a stage plugin on serialized bytes and applies its output to them: a delta is checked
  // (it must parse as a Document) and appended — protobuf merges appended fields — and a
  // replacement replaces the buffer, keeping the runner's delivery fields and trace. Returns the
  // plugin's failure, or Permanent for output that does not parse.
  Status ProcessBytes(std::string& bytes);
  Status Flush();

  const PluginLibrary& library() const { return *lib_; }

 private:
  friend class PluginLibrary;
  PluginInstance() = default;
  // Applies the plugin's output (in scratch_) to `doc`.
  Status Apply(sluice_output_mode mode, v1::Document& doc);
  std::shared_ptr<PluginLibrary> lib_;
  void* instance_ = nullptr;
  std::string scratch_;
  // Reused for every classifier delta: parsing into a kept message recycles its label objects
  // instead of allocating a Document per call (a measurable share of the ABI's cost on titles).
  std::unique_ptr<v1::Document> delta_;
};

// A Stage that runs a SLUICE_KIND_STAGE plugin; used by `sluice stage <plugin>`.
Status MakePluginStage(const std::string& name_or_path, const StageContext& ctx, std::unique_ptr<Stage>* out);

}  // namespace sluice
