#include "sluice/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace sluice {

namespace {

// Levenshtein distance, for "did you mean" suggestions on unknown keys.
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// A mapping key as text. YAML allows sequences and mappings as keys; sluice never uses them, so
// they come out as a placeholder that no reader asks for and Finish() reports with its line.
std::string KeyOf(const YAML::Node& key) {
  if (key.IsScalar()) return key.Scalar();
  return key.IsMap() ? "<a mapping used as a key>" : key.IsSequence() ? "<a sequence used as a key>" : "<null key>";
}

bool LooksSecret(const std::string& key) {
  std::string k = key;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* s : {"password", "passwd", "secret", "token", "dsn", "private_key", "secret_key", "credentials"})
    if (k.find(s) != std::string::npos) return true;
  return false;
}

void Redact(YAML::Node node) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->second.IsScalar() && LooksSecret(KeyOf(it->first)))
        it->second = "***";
      else
        Redact(it->second);
    }
  } else if (node.IsSequence()) {
    for (auto child : node) Redact(child);
  }
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

// Splits "250ms" into 250 and "ms": a non-negative finite number, then a unit (maybe empty).
static std::optional<std::pair<double, std::string>> SplitNumberAndUnit(const std::string& text) {
  std::string t = Trim(text);
  if (t.empty()) return std::nullopt;
  size_t pos = 0;
  double v;
  try {
    v = std::stod(t, &pos);
  } catch (...) {
    return std::nullopt;
  }
  if (v < 0 || !std::isfinite(v)) return std::nullopt;
  return std::make_pair(v, Trim(t.substr(pos)));
}

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  auto parsed = SplitNumberAndUnit(text);
  if (!parsed) return std::nullopt;
  const auto& [v, unit] = *parsed;
  double ms;
  if (unit.empty() || unit == "s" || unit == "sec") ms = v * 1000;
  else if (unit == "ms") ms = v;
  else if (unit == "us") ms = v / 1000;
  else if (unit == "m" || unit == "min") ms = v * 60000;
  else if (unit == "h") ms = v * 3600000;
  else if (unit == "d") ms = v * 86400000;
  else return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

std::optional<int64_t> ParseBytes(const std::string& text) {
  auto parsed = SplitNumberAndUnit(text);
  if (!parsed) return std::nullopt;
  double v = parsed->first;
  std::string unit = parsed->second;
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
  double mult;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB") mult = 1024.0;
  else if (unit == "M" || unit == "MB" || unit == "MIB") mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "GIB") mult = 1024.0 * 1024 * 1024;
  else return std::nullopt;
  return static_cast<int64_t>(std::llround(v * mult));
}

// State shared by a Config and all the children handed out from it.
struct Config::Shared {
  std::string file;
  std::vector<std::pair<std::string, std::string>> errors;  // (node path, message)
  Status parse_error;
};

struct Config::Impl {
  struct Node {
    YAML::Node yaml;
    std::string path;
    std::set<std::string> read;
  };
  std::shared_ptr<Shared> shared;
  std::shared_ptr<Node> node;
  // Every node handed out from the same root, so Finish() can check them all.
  std::shared_ptr<std::vector<std::shared_ptr<Node>>> registry;

  std::string Position(const YAML::Node& n) const {
    std::ostringstream out;
    out << shared->file;
    if (n.IsDefined() && n.Mark().line >= 0) out << ":" << n.Mark().line + 1 << ":" << n.Mark().column + 1;
    return out.str();
  }
  std::string KeyPath(const std::string& key) const {
    if (key.empty()) return node->path.empty() ? "(top level)" : node->path;
    return node->path.empty() ? key : node->path + "." + key;
  }
  YAML::Node Get(const std::string& key) const {
    node->read.insert(key);
    if (!node->yaml.IsMap()) return YAML::Node();
    return node->yaml[key];
  }
  void Error(const YAML::Node& at, const std::string& key, const std::string& msg) const {
    shared->errors.emplace_back(node->path, Position(at.IsDefined() ? at : node->yaml) + ": " + KeyPath(key) + ": " + msg);
  }
  std::optional<std::string> Scalar(const std::string& key, const char* expected) const {
    YAML::Node v = Get(key);
    if (!v.IsDefined() || v.IsNull()) return std::nullopt;
    if (!v.IsScalar()) {
      Error(v, key, std::string("expected ") + expected + ", got a " + (v.IsMap() ? "mapping" : "sequence"));
      return std::nullopt;
    }
    return v.Scalar();
  }
};

Config::Config() : impl_(std::make_unique<Impl>()) {
  impl_->shared = std::make_shared<Shared>();
  impl_->shared->file = "<config>";
  impl_->node = std::make_shared<Impl::Node>();
  impl_->node->yaml = YAML::Node(YAML::NodeType::Map);
  impl_->registry = std::make_shared<std::vector<std::shared_ptr<Impl::Node>>>();
  impl_->registry->push_back(impl_->node);
}
Config::~Config() = default;
Config::Config(const Config& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Config& Config::operator=(const Config& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Config::Config(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Config Config::Parse(const std::string& text, const std::string& name) {
  Config c;
  c.impl_->shared->file = name;
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull() || !root.IsDefined()) root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
      c.impl_->shared->parse_error = Status::InvalidArgument(name + ": expected a mapping at the top level");
    } else {
      c.impl_->node->yaml = root;
    }
  } catch (const YAML::Exception& e) {
    std::ostringstream out;
    out << name << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": YAML syntax error: " << e.msg;
    c.impl_->shared->parse_error = Status::InvalidArgument(out.str());
  }
  return c;
}

Config Config::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Config c;
    c.impl_->shared->file = path;
    c.impl_->shared->parse_error = Status::NotFound(path + ": cannot open config file");
    return c;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path);
}

Status Config::status() const { return impl_->shared->parse_error; }

bool Config::Has(const std::string& key) const {
  return impl_->node->yaml.IsMap() && impl_->node->yaml[key].IsDefined() && !impl_->node->yaml[key].IsNull();
}
bool Config::IsMap() const { return impl_->node->yaml.IsMap(); }

std::vector<std::string> Config::Keys() const {
  std::vector<std::string> out;
  if (!impl_->node->yaml.IsMap()) return out;
  for (auto it = impl_->node->yaml.begin(); it != impl_->node->yaml.end(); ++it) out.push_back(KeyOf(it->first));
  return out;
}

std::string Config::GetString(const std::string& key, const std::string& def) const {
  return impl_->Scalar(key, "a string").value_or(def);
}

int64_t Config::GetInt(const std::string& key, int64_t def) const {
  auto s = impl_->Scalar(key, "an integer");
  if (!s) return def;
  try {
    size_t pos = 0;
    long long v = std::stoll(*s, &pos, 0);
    if (pos == s->size()) return v;
  } catch (...) {
  }
  impl_->Error(impl_->Get(key), key, "expected an integer, got \"" + *s + "\"");
  return def;
}

double Config::GetDouble(const std::string& key, double def) const {
  auto s = impl_->Scalar(key, "a number");
  if (!s) return def;
  try {
    size_t pos = 0;
    double v = std::stod(*s, &pos);
    if (pos == s->size()) return v;
  } catch (...) {
  }
  impl_->Error(impl_->Get(key), key, "expected a number, got \"" + *s + "\"");
  return def;
}

bool Config::GetBool(const std::string& key, bool def) const {
  auto s = impl_->Scalar(key, "true or false");
  if (!s) return def;
  std::string v = *s;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  impl_->Error(impl_->Get(key), key, "expected true or false, got \"" + *s + "\"");
  return def;
}

std::chrono::milliseconds Config::GetDuration(const std::string& key, std::chrono::milliseconds def) const {
  auto s = impl_->Scalar(key, "a duration");
  if (!s) return def;
  auto d = ParseDuration(*s);
  if (!d) {
    impl_->Error(impl_->Get(key), key, "expected a duration such as 500ms, 10s or 5m, got \"" + *s + "\"");
    return def;
  }
  return *d;
}

int64_t Config::GetBytes(const std::string& key, int64_t def) const {
  auto s = impl_->Scalar(key, "a size");
  if (!s) return def;
  auto b = ParseBytes(*s);
  if (!b) {
    impl_->Error(impl_->Get(key), key, "expected a size such as 512KB or 64MB, got \"" + *s + "\"");
    return def;
  }
  return *b;
}

std::vector<std::string> Config::GetStringList(const std::string& key, const std::vector<std::string>& def) const {
  YAML::Node v = impl_->Get(key);
  if (!v.IsDefined() || v.IsNull()) return def;
  if (v.IsScalar()) return {v.Scalar()};
  if (!v.IsSequence()) {
    impl_->Error(v, key, "expected a list of strings, got a mapping");
    return def;
  }
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.IsScalar()) {
      impl_->Error(item, key, "expected a list of strings, found a nested structure");
      return def;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::map<std::string, std::string> Config::GetStringMap(const std::string& key) const {
  YAML::Node v = impl_->Get(key);
  std::map<std::string, std::string> out;
  if (!v.IsDefined() || v.IsNull()) return out;
  if (!v.IsMap()) {
    impl_->Error(v, key, "expected a mapping of strings");
    return out;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it->second.IsScalar()) {
      impl_->Error(it->second, key + "." + KeyOf(it->first), "expected a string");
      continue;
    }
    out[KeyOf(it->first)] = it->second.Scalar();
  }
  return out;
}

std::string Config::GetEnum(const std::string& key, const std::vector<std::string>& allowed,
                            const std::string& def) const {
  auto s = impl_->Scalar(key, "a string");
  if (!s) return def;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return *s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  impl_->Error(impl_->Get(key), key, "expected one of " + list + ", got \"" + *s + "\"");
  return def;
}

Config Config::Child(const std::string& key) const {
  auto impl = std::make_unique<Impl>(*impl_);
  impl->node = std::make_shared<Impl::Node>();
  impl->node->path = impl_->KeyPath(key);
  YAML::Node v = impl_->Get(key);
  if (v.IsDefined() && !v.IsNull() && !v.IsMap()) {
    impl_->Error(v, key, "expected a mapping");
    impl->node->yaml = YAML::Node(YAML::NodeType::Map);
  } else if (!v.IsDefined() || v.IsNull()) {
    impl->node->yaml = YAML::Node(YAML::NodeType::Map);
  } else {
    impl->node->yaml = v;
  }
  impl_->registry->push_back(impl->node);
  return Config(std::move(impl));
}

Config Config::Section(const std::string& key) const {
  Config c = Child(key);
  c.impl_->registry = std::make_shared<std::vector<std::shared_ptr<Impl::Node>>>();
  c.impl_->registry->push_back(c.impl_->node);
  auto shared = std::make_shared<Shared>();
  shared->file = impl_->shared->file;
  c.impl_->shared = shared;
  // Child() registered the node with the parent too; forget it there.
  auto& reg = *impl_->registry;
  reg.erase(std::remove(reg.begin(), reg.end(), c.impl_->node), reg.end());
  return c;
}

std::vector<Config> Config::List(const std::string& key) const {
  std::vector<Config> out;
  YAML::Node v = impl_->Get(key);
  if (!v.IsDefined() || v.IsNull()) return out;
  if (!v.IsSequence()) {
    impl_->Error(v, key, "expected a list");
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    auto impl = std::make_unique<Impl>(*impl_);
    impl->node = std::make_shared<Impl::Node>();
    impl->node->path = impl_->KeyPath(key) + "[" + std::to_string(i) + "]";
    if (!v[i].IsMap()) {
      impl_->Error(v[i], key + "[" + std::to_string(i) + "]", "expected a mapping");
      impl->node->yaml = YAML::Node(YAML::NodeType::Map);
    } else {
      impl->node->yaml = v[i];
    }
    impl_->registry->push_back(impl->node);
    out.push_back(Config(std::move(impl)));
  }
  return out;
}

void Config::Accept(const std::string& key) const { impl_->node->read.insert(key); }

void Config::AddError(const std::string& key, const std::string& message) const {
  YAML::Node at = key.empty() ? impl_->node->yaml : (impl_->node->yaml.IsMap() ? impl_->node->yaml[key] : YAML::Node());
  impl_->Error(at, key, message);
}

namespace {
// True when `path` is `root` or lies below it ("stages[1]" is below "stages", "a.b" below "a").
bool InSubtree(const std::string& path, const std::string& root) {
  if (root.empty() || path == root) return true;
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         (path[root.size()] == '.' || path[root.size()] == '[');
}
}  // namespace

Status Config::Finish() const {
  if (!impl_->shared->parse_error.ok()) return impl_->shared->parse_error;
  const std::string& root = impl_->node->path;
  std::vector<std::string> errors;
  for (const auto& [path, msg] : impl_->shared->errors)
    if (InSubtree(path, root)) errors.push_back(msg);
  for (const auto& node : *impl_->registry) {
    if (!node->yaml.IsMap() || !InSubtree(node->path, root)) continue;
    for (auto it = node->yaml.begin(); it != node->yaml.end(); ++it) {
      std::string key = KeyOf(it->first);
      if (node->read.count(key)) continue;
      std::string best;
      size_t best_d = 3;
      for (const auto& known : node->read) {
        size_t d = EditDistance(key, known);
        if (d < best_d) best_d = d, best = known;
      }
      std::ostringstream msg;
      msg << impl_->shared->file << ":" << it->first.Mark().line + 1 << ":" << it->first.Mark().column + 1 << ": "
          << (node->path.empty() ? "" : node->path + ": ") << "unknown key \"" << key << "\"";
      if (!best.empty()) msg << " (did you mean \"" << best << "\"?)";
      errors.push_back(msg.str());
    }
  }
  if (errors.empty()) return Status::OK();
  std::sort(errors.begin(), errors.end());
  errors.erase(std::unique(errors.begin(), errors.end()), errors.end());
  std::string all;
  for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
  return Status::InvalidArgument(all);
}

std::string Config::Where(const std::string& key) const {
  YAML::Node at = key.empty() ? impl_->node->yaml : (impl_->node->yaml.IsMap() ? impl_->node->yaml[key] : YAML::Node());
  return impl_->Position(at.IsDefined() ? at : impl_->node->yaml) + ": " + impl_->KeyPath(key);
}

const std::string& Config::path() const { return impl_->node->path; }
const std::string& Config::file() const { return impl_->shared->file; }

std::string Config::Dump() const {
  YAML::Node copy = YAML::Clone(impl_->node->yaml);
  Redact(copy);
  YAML::Emitter out;
  out << copy;
  return out.c_str();
}

std::string Config::ToYaml() const {
  if (!impl_->node->yaml.IsMap() || impl_->node->yaml.size() == 0) return "";
  YAML::Emitter out;
  out << impl_->node->yaml;
  return out.c_str();
}

namespace {
void FlattenInto(const YAML::Node& n, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (n.IsScalar()) {
    out.emplace_back(prefix, n.Scalar());
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = KeyOf(it->first);
      FlattenInto(it->second, prefix.empty() ? k : prefix + "." + k, out);
    }
  } else if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) FlattenInto(n[i], prefix + "[" + std::to_string(i) + "]", out);
  }
}
}  // namespace

std::vector<std::pair<std::string, std::string>> Config::Flatten() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!impl_->node->yaml.IsMap()) return out;
  for (auto it = impl_->node->yaml.begin(); it != impl_->node->yaml.end(); ++it) impl_->node->read.insert(KeyOf(it->first));
  FlattenInto(impl_->node->yaml, "", out);
  return out;
}

}  // namespace sluice
