// Config: a validating view of one YAML mapping in a sluice configuration file.
//
// Readers ask for the keys they understand with a default (GetString, GetInt, GetDuration …).
// Every key that is read is remembered; Finish() then reports every key that nobody read as a
// typo, with the file, line and column and the closest known key ("did you mean …"). Type errors
// ("workers: two") are collected the same way instead of being thrown, so one run reports every
// mistake in a file at once:
//
//   pipeline.yaml:14:5: stages[1].workers: expected an integer, got "two"
//   pipeline.yaml:17:5: stages[2]: unknown key "batchsize" (did you mean "batch_size"?)
//
// Children (Child, List) share the parent's error list and file name. Values that look like
// secrets (keys containing password, secret, token, dsn, key) are redacted by Dump().
//
// Thread safety: none. A Config is built and read on one thread during start-up; afterwards the
// values it returned are plain copies.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/status.h"

namespace YAML {
class Node;
}

namespace sluice {

class Config {
 public:
  // An empty mapping (every getter returns its default).
  Config();
  ~Config();
  Config(const Config&);
  Config& operator=(const Config&);

  // Parses a YAML file. Returns a Config whose status() carries a syntax error with file and line.
  static Config LoadFile(const std::string& path);
  // Parses YAML text; `name` stands in for the file name in error messages.
  static Config Parse(const std::string& text, const std::string& name = "<config>");

  // The first syntax error of the file, or OK. Reading from a Config that failed to parse
  // returns defaults.
  Status status() const;

  bool Has(const std::string& key) const;
  bool IsMap() const;
  // Keys of this mapping in file order.
  std::vector<std::string> Keys() const;

  std::string GetString(const std::string& key, const std::string& def = "") const;
  int64_t GetInt(const std::string& key, int64_t def = 0) const;
  double GetDouble(const std::string& key, double def = 0) const;
  bool GetBool(const std::string& key, bool def = false) const;
  // "250ms", "10s", "5m", "2h", "1d"; a bare number means seconds.
  std::chrono::milliseconds GetDuration(const std::string& key, std::chrono::milliseconds def) const;
  // "512", "64KB", "2MiB", "1GB" (KB = KiB = 1024 here); a bare number means bytes.
  int64_t GetBytes(const std::string& key, int64_t def) const;
  // A scalar or a sequence of scalars.
  std::vector<std::string> GetStringList(const std::string& key,
                                         const std::vector<std::string>& def = {}) const;
  // A mapping of scalars, e.g. headers or per-site overrides.
  std::map<std::string, std::string> GetStringMap(const std::string& key) const;
  // One of `allowed`; anything else is recorded as an error and `def` returned.
  std::string GetEnum(const std::string& key, const std::vector<std::string>& allowed,
                      const std::string& def) const;

  // A nested mapping (empty Config when absent; an error when present but not a mapping).
  Config Child(const std::string& key) const;
  // A sequence of mappings.
  std::vector<Config> List(const std::string& key) const;
  // A nested mapping validated on its own: its keys are checked by its own Finish(), not by its
  // parent's (e.g. a stage's `config:` section, which only the stage understands). Errors still
  // name the file and line.
  Config Section(const std::string& key) const;

  // Marks a key as understood without reading it (e.g. a section handed to another component
  // that validates it separately, or a key kept for compatibility).
  void Accept(const std::string& key) const;

  // Records an error about `key` (or this node when key is empty) with its file position.
  void AddError(const std::string& key, const std::string& message) const;

  // Checks this mapping and all children handed out so far for keys nobody read, then returns
  // all collected errors as one InvalidArgument status (one line per error), or OK.
  Status Finish() const;

  // "file:line:col: path" of a key, for messages.
  std::string Where(const std::string& key = "") const;
  // The dotted path of this node, e.g. "stages[1].config".
  const std::string& path() const;
  const std::string& file() const;

  // The YAML text of this node with secret-looking values replaced by "***".
  std::string Dump() const;

  // This node as YAML text (unredacted), for components that hand a subtree to a plugin.
  std::string ToYaml() const;
  // This node flattened to (key, scalar) pairs: map keys joined with '.', sequence items as
  // "[i]" — the form plugins receive in sluice_config. Marks every key of this node as read.
  std::vector<std::pair<std::string, std::string>> Flatten() const;

 private:
  struct Shared;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  explicit Config(std::unique_ptr<Impl> impl);
};

// Parses "250ms", "10s" … as Config::GetDuration does; nullopt when malformed.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);
// Parses "64MB" … as Config::GetBytes does; nullopt when malformed.
std::optional<int64_t> ParseBytes(const std::string& text);

}  // namespace sluice
