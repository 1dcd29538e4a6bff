#include "sluice/plugin_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "sluice/v1/document.pb.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

std::string ExecutableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

const char* KindName(uint32_t kind) {
  switch (kind) {
    case SLUICE_KIND_STAGE: return "stage";
    case SLUICE_KIND_CLASSIFIER: return "classifier";
    default: return "unknown";
  }
}

Status FromResult(int rc, const PluginLibrary& lib, const char* error) {
  std::string why = std::string("plugin ") + lib.name() + ": " + (error && *error ? error : "failed without a reason");
  if (rc == SLUICE_TRANSIENT) return Status::Transient(why);
  if (rc == SLUICE_PERMANENT) return Status::Permanent(why);
  return Status::Permanent(why + " (unknown result code " + std::to_string(rc) + ")");
}

struct EmitTarget {
  std::string* out;
  sluice_output_mode mode = SLUICE_OUTPUT_DELTA;
  bool called = false;
};

void EmitCallback(void* ctx, const uint8_t* data, size_t size, sluice_output_mode mode) {
  auto* t = static_cast<EmitTarget*>(ctx);
  t->out->assign(reinterpret_cast<const char*>(data), size);
  t->mode = mode;
  t->called = true;
}

}  // namespace

std::vector<std::string> PluginLibrary::SearchPath() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SLUICE_PLUGIN_PATH")) {
    std::string all = env;
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find(':', start);
      if (end == std::string::npos) end = all.size();
      if (end > start) dirs.push_back(all.substr(start, end - start));
      start = end + 1;
    }
  }
  std::string exe = ExecutableDir();
  if (!exe.empty()) {
    // The build tree puts plugins in lib/; an install may use a multiarch libdir
    // (lib/x86_64-linux-gnu with prefix /usr on Debian).
    for (const char* libdir : {"lib", SLUICE_INSTALL_LIBDIR}) {
      std::string d = (fs::path(exe) / ".." / libdir / "sluice" / "plugins").lexically_normal().string();
      if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
    }
  }
  return dirs;
}

PluginLibrary::~PluginLibrary() {
  // Deliberately not dlclose()d: a plugin may have registered atexit handlers or thread-locals
  // (the C++ runtime does); unloading them under a running process is a classic crash at exit.
}

Status PluginLibrary::Open(const std::string& name_or_path, std::shared_ptr<PluginLibrary>* out) {
  std::string path;
  if (name_or_path.find('/') != std::string::npos) {
    path = name_or_path;
    if (!fs::exists(path)) return Status::NotFound(path + ": plugin file does not exist");
  } else {
    std::vector<std::string> tried;
    for (const auto& dir : SearchPath()) {
      for (const std::string& file : {name_or_path + ".so", "lib" + name_or_path + ".so", "sluice_" + name_or_path + ".so", name_or_path}) {
        fs::path p = fs::path(dir) / file;
        tried.push_back(p.string());
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
          path = p.string();
          break;
        }
      }
      if (!path.empty()) break;
    }
    if (path.empty()) {
      std::string where;
      for (const auto& t : tried) where += "\n  " + t;
      return Status::NotFound("plugin '" + name_or_path + "' not found; looked for:" + where);
    }
  }

  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return Status::InvalidArgument(path + ": cannot load plugin: " + dlerror());
  dlerror();
  auto entry = reinterpret_cast<sluice_plugin_entry_fn>(dlsym(handle, SLUICE_PLUGIN_ENTRY));
  if (!entry) {
    dlclose(handle);
    return Status::InvalidArgument(path + ": not a sluice plugin: it does not export " SLUICE_PLUGIN_ENTRY "()");
  }
  const sluice_plugin_desc_v1* desc = entry();
  if (!desc) {
    dlclose(handle);
    return Status::InvalidArgument(path + ": " SLUICE_PLUGIN_ENTRY "() returned NULL");
  }
  if (desc->magic != SLUICE_PLUGIN_MAGIC) {
    char buf[16];
    snprintf(buf, sizeof buf, "0x%08x", desc->magic);
    dlclose(handle);
    return Status::InvalidArgument(path + ": bad plugin magic " + buf + " (expected 0x534c4345): not a sluice plugin descriptor");
  }
  if (desc->abi_version != SLUICE_PLUGIN_ABI_VERSION) {
    std::string msg = path + ": plugin ABI version " + std::to_string(desc->abi_version) + ", this sluice speaks " +
                      std::to_string(SLUICE_PLUGIN_ABI_VERSION) + "; rebuild the plugin against this sluice's <sluice/plugin.h>";
    dlclose(handle);
    return Status::InvalidArgument(msg);
  }
  if (desc->struct_size < sizeof(sluice_plugin_desc_v1)) {
    std::string msg = path + ": plugin descriptor is " + std::to_string(desc->struct_size) + " bytes, expected at least " +
                      std::to_string(sizeof(sluice_plugin_desc_v1));
    dlclose(handle);
    return Status::InvalidArgument(msg);
  }
  if (desc->kind != SLUICE_KIND_STAGE && desc->kind != SLUICE_KIND_CLASSIFIER) {
    dlclose(handle);
    return Status::InvalidArgument(path + ": unknown plugin kind " + std::to_string(desc->kind));
  }
  if (!desc->create || !desc->process || !desc->destroy || !desc->last_error) {
    dlclose(handle);
    return Status::InvalidArgument(path + ": plugin descriptor lacks create/process/destroy/last_error");
  }
  auto lib = std::shared_ptr<PluginLibrary>(new PluginLibrary());
  lib->handle_ = handle;
  lib->desc_ = desc;
  lib->name_ = desc->name ? desc->name : fs::path(path).stem().string();
  lib->version_ = desc->version ? desc->version : "";
  lib->path_ = path;
  *out = std::move(lib);
  return Status::OK();
}

Status PluginLibrary::Create(const Config& config, const std::string& config_dir, const std::string& data_dir,
                             uint32_t worker, std::unique_ptr<PluginInstance>* out) {
  std::string yaml = config.ToYaml();
  auto flat = config.Flatten();
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : flat) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  sluice_config cfg{};
  cfg.yaml = yaml.c_str();
  cfg.yaml_len = yaml.size();
  cfg.keys = keys.data();
  cfg.values = values.data();
  cfg.count = flat.size();
  cfg.config_dir = config_dir.c_str();
  cfg.data_dir = data_dir.c_str();
  cfg.worker = worker;
  char error[1024] = {0};
  void* inst = desc_->create(&cfg, error, sizeof error);
  if (!inst) {
    error[sizeof error - 1] = '\0';
    return Status::InvalidArgument(config.Where() + ": plugin " + name_ + " (" + path_ + ") refused its config: " +
                                   (error[0] ? error : "no reason given"));
  }
  auto pi = std::unique_ptr<PluginInstance>(new PluginInstance());
  pi->lib_ = shared_from_this();  // the instance keeps its library loaded
  pi->instance_ = inst;
  *out = std::move(pi);
  return Status::OK();
}

PluginInstance::~PluginInstance() {
  if (instance_) lib_->desc_->destroy(instance_);
}

Status PluginInstance::Process(v1::Document& doc) {
  std::string bytes;
  if (!doc.SerializeToString(&bytes)) return Status::Permanent("document does not serialize");
  return ProcessSerialized(bytes, doc);
}

Status PluginInstance::ProcessSerialized(const std::string& bytes, v1::Document& doc) {
  const sluice_plugin_desc_v1* d = lib_->desc_;
  EmitTarget target{&scratch_};
  int rc = d->process(instance_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &EmitCallback, &target);
  if (rc != SLUICE_OK) return FromResult(rc, *lib_, d->last_error(instance_));
  if (!target.called) return Status::OK();
  return Apply(target.mode, doc);
}

Status PluginInstance::Apply(sluice_output_mode mode, v1::Document& doc) {
  if (lib_->desc_->kind == SLUICE_KIND_CLASSIFIER) {
    if (!delta_) delta_ = std::make_unique<v1::Document>();
    if (!delta_->ParseFromString(scratch_))
      return Status::Permanent("plugin " + lib_->name() + ": output is not a serialized Document");
    for (auto& label : *delta_->mutable_labels()) {
      if (label.classifier().empty()) label.set_classifier(lib_->name());
      doc.add_labels()->Swap(&label);
    }
    return Status::OK();
  }
  if (mode == SLUICE_OUTPUT_REPLACE) {
    v1::Document replacement;
    if (!replacement.ParseFromString(scratch_))
      return Status::Permanent("plugin " + lib_->name() + ": replacement is not a serialized Document");
    replacement.set_id(doc.id());
    replacement.set_ledger_id(doc.ledger_id());
    replacement.set_attempt(doc.attempt());
    replacement.set_emitted_us(doc.emitted_us());
    *replacement.mutable_trace() = doc.trace();
    doc = std::move(replacement);
    return Status::OK();
  }
  if (!doc.MergeFromString(scratch_)) return Status::Permanent("plugin " + lib_->name() + ": delta is not a serialized Document");
  return Status::OK();
}

Status PluginInstance::ProcessBytes(std::string& bytes) {
  const sluice_plugin_desc_v1* d = lib_->desc_;
  EmitTarget target{&scratch_};
  int rc = d->process(instance_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &EmitCallback, &target);
  if (rc != SLUICE_OK) return FromResult(rc, *lib_, d->last_error(instance_));
  if (!target.called) return Status::OK();
  if (target.mode == SLUICE_OUTPUT_REPLACE) {
    v1::Document doc;
    if (!doc.ParseFromString(bytes)) return Status::Permanent("document does not parse");
    SLUICE_RETURN_IF_ERROR(Apply(target.mode, doc));
    bytes.clear();
    doc.SerializeToString(&bytes);
    return Status::OK();
  }
  // Check the delta before it can poison the document for every later stage (bad UTF-8 in a
  // string field, garbage bytes), then merge it by appending.
  v1::Document check;
  if (!check.ParseFromString(scratch_))
    return Status::Permanent("plugin " + lib_->name() + ": delta is not a valid serialized Document");
  bytes.append(scratch_);
  return Status::OK();
}

Status PluginInstance::Flush() {
  const sluice_plugin_desc_v1* d = lib_->desc_;
  if (!d->flush) return Status::OK();
  int rc = d->flush(instance_);
  if (rc != SLUICE_OK) return FromResult(rc, *lib_, d->last_error(instance_));
  return Status::OK();
}

namespace {

class PluginStage : public Stage {
 public:
  explicit PluginStage(std::unique_ptr<PluginInstance> inst) : inst_(std::move(inst)) {}
  Status Process(v1::Document& doc) override { return inst_->Process(doc); }
  bool Serialized() const override { return true; }
  Status ProcessSerialized(std::string& bytes) override { return inst_->ProcessBytes(bytes); }
  Status Flush() override { return inst_->Flush(); }

 private:
  std::unique_ptr<PluginInstance> inst_;
};

}  // namespace

Status MakePluginStage(const std::string& name_or_path, const StageContext& ctx, std::unique_ptr<Stage>* out) {
  std::shared_ptr<PluginLibrary> lib;
  SLUICE_RETURN_IF_ERROR(PluginLibrary::Open(name_or_path, &lib));
  if (lib->kind() != SLUICE_KIND_STAGE)
    return Status::InvalidArgument(lib->path() + ": plugin '" + lib->name() + "' is a " + KindName(lib->kind()) +
                                   " plugin; a stage needs a stage plugin (classifiers run inside the classify stage)");
  std::unique_ptr<PluginInstance> inst;
  SLUICE_RETURN_IF_ERROR(lib->Create(ctx.config, ctx.config_dir, ctx.data_dir, ctx.worker, &inst));
  *out = std::make_unique<PluginStage>(std::move(inst));
  return Status::OK();
}

}  // namespace sluice
