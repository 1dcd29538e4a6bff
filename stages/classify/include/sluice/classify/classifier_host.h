// ClassifierHost: one classifier plugin as the classify stage runs it — loaded into this process,
// or (isolation: process) inside a child process of its own.
//
// In process, a plugin that crashes takes the worker with it: the supervisor restarts the worker
// and the ledger redelivers the document, so a poison document costs one attempt per crash and
// ends in the dead-letter table after the ledger's attempt limit. Isolated, the stage survives:
// the crash (or a plugin that hangs past its timeout) fails that one document Transient, and the
// child is started again for the next one. Isolation costs a pipe round trip per document
// (see tests/bench/classify for the numbers).
//
// The child is `sluice plugin-host`, spoken to over its stdin/stdout:
//   stage → child  once: u32 length + the plugin's config as YAML; then per document:
//                  u32 length + serialized Document
//   child → stage  once: u8 0 + u32 0 (ready) or u8 2 + u32 length + reason; then per document:
//                  u8 sluice_result + u32 length + (labels as a serialized Document | reason)
//
// Thread safety: a host is used by one thread at a time (like the plugin instance it wraps).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "sluice/stage.h"
#include "sluice/status.h"
#include "sluice/v1/document.pb.h"

namespace sluice::classify {

struct ClassifierSpec {
  std::string plugin;                // name in the plugin directories, or a path
  std::string name;                  // for messages; defaults to the plugin's own name
  Config config;                     // the plugin's `config:` section
  bool isolated = false;             // run in a child process
  std::chrono::milliseconds timeout{10000};  // isolated only: longest a document may take
  std::string where;                 // file:line of the entry, for messages
};

class ClassifierHost {
 public:
  virtual ~ClassifierHost() = default;

  // Opens the plugin (checks that it is a classifier) and creates its instance, in process or in a
  // child. Returns NotFound / InvalidArgument naming the plugin and the config entry.
  static Status Open(const ClassifierSpec& spec, const StageContext& ctx, std::unique_ptr<ClassifierHost>* out);

  // Runs the classifier on a serialized document and appends its labels (classifier filled in).
  // Returns the plugin's failure as it reported it (Transient or Permanent), prefixed with the
  // classifier's name; an isolated plugin that crashed or timed out is Transient.
  virtual Status Classify(const std::string& document_bytes, std::vector<v1::Label>* labels) = 0;

  virtual const std::string& name() const = 0;
};

// The `sluice plugin-host` command: the child side of an isolated classifier (internal).
int PluginHostCommand(int argc, char** argv);

}  // namespace sluice::classify
