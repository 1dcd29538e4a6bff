// sluice/plugin.hpp — header-only C++ SDK for sluice plugins.
//
// Write a classifier (or a stage) as an ordinary C++ class and let this header implement the C
// ABI of <sluice/plugin.h> for it:
//
//   #include <sluice/plugin.hpp>
//   class Shouting : public sluice::sdk::Classifier {
//    public:
//     explicit Shouting(const sluice::sdk::Config& cfg) : word_(cfg.Get("word", "通知")) {}
//     sluice::sdk::Result Classify(const sluice::sdk::Document& doc,
//                                  std::vector<sluice::sdk::Label>& out) override {
//       if (doc.title.find(word_) != std::string::npos) out.push_back({"doc_type", "通知", 0.9f});
//       return sluice::sdk::Result::Ok();
//     }
//    private:
//     std::string word_;
//   };
//   SLUICE_PLUGIN(Shouting, "shouting", "1.0.0")
//
// Build it with `find_package(Sluice)` and `sluice_add_plugin(shouting SOURCES shouting.cc)`.
//
// Design note — why the SDK decodes documents itself. Documents cross the ABI as serialized
// protobuf bytes. If a plugin decoded them with protobuf-generated classes it would register
// sluice/v1/document.proto in the process-wide descriptor pool a second time (the host already
// did) and protobuf aborts on the duplicate; it would also tie the plugin to the host's protobuf
// version. This header instead reads the fields a plugin needs straight from the wire format
// (about 150 lines below, no dependencies) and writes its answer as a *delta* that the host
// merges. A plugin built with this SDK links no protobuf at all.
//
// Thread safety: the host creates one instance per worker and calls it from one thread at a
// time; a plugin needs locks only for state shared between its instances (statics).
#ifndef SLUICE_PLUGIN_HPP_
#define SLUICE_PLUGIN_HPP_

#include <sluice/plugin.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::sdk {

// Outcome of Classify / Process / Flush. Ok forwards the document; Transient has it redelivered
// later; Permanent sends it to the dead-letter table with `message` as the reason. Throwing any
// std::exception from a plugin method is the same as returning Transient(e.what()).
struct Result {
  int code = SLUICE_OK;
  std::string message;
  static Result Ok() { return {}; }
  static Result Transient(std::string why) { return {SLUICE_TRANSIENT, std::move(why)}; }
  static Result Permanent(std::string why) { return {SLUICE_PERMANENT, std::move(why)}; }
  bool ok() const { return code == SLUICE_OK; }
};

// The plugin's configuration: its `config:` section, flattened (see sluice_config in plugin.h).
// Every key the plugin asks for is remembered; after the constructor returns, a key that was
// never asked for is a typo and the plugin refuses to start, naming it ("unknown key "slep_us"
// (did you mean "sleep_us"?)"). A plugin that takes free-form keys calls AcceptAll().
class Config {
 public:
  Config() = default;
  explicit Config(const sluice_config* c) {
    if (!c) return;
    if (c->yaml) yaml_.assign(c->yaml, c->yaml_len);
    for (size_t i = 0; i < c->count; ++i) values_.emplace(c->keys[i], c->values[i]);
    if (c->config_dir) config_dir_ = c->config_dir;
    if (c->data_dir) data_dir_ = c->data_dir;
    worker_ = c->worker;
  }
  bool Has(const std::string& key) const {
    read_.insert(key);
    if (values_.count(key)) return true;
    auto it = values_.lower_bound(key);
    return it != values_.end() && it->first.compare(0, key.size(), key) == 0 &&
           (it->first.size() > key.size() && (it->first[key.size()] == '.' || it->first[key.size()] == '['));
  }
  std::string Get(const std::string& key, const std::string& def = "") const {
    read_.insert(key);
    auto it = values_.find(key);
    return it == values_.end() ? def : it->second;
  }
  double GetDouble(const std::string& key, double def) const {
    read_.insert(key);
    auto it = values_.find(key);
    if (it == values_.end()) return def;
    try { return std::stod(it->second); } catch (...) { throw std::runtime_error("config key '" + key + "': not a number: " + it->second); }
  }
  // Items of a sequence: key[0], key[1] …
  std::vector<std::string> List(const std::string& key) const {
    read_.insert(key);
    std::vector<std::string> out;
    for (size_t i = 0;; ++i) {
      auto it = values_.find(key + "[" + std::to_string(i) + "]");
      if (it == values_.end()) break;
      out.push_back(it->second);
    }
    if (out.empty()) {
      auto it = values_.find(key);
      if (it != values_.end()) out.push_back(it->second);
    }
    return out;
  }
  // Direct child keys of a mapping, e.g. Keys("keywords") → {"双减", "招生"}.
  std::vector<std::string> Keys(const std::string& prefix = "") const {
    if (prefix.empty()) accept_all_ = true;  // the plugin walks everything itself
    read_.insert(prefix);
    std::vector<std::string> out;
    const std::string p = prefix.empty() ? "" : prefix + ".";
    for (auto it = values_.lower_bound(p); it != values_.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
      std::string rest = it->first.substr(p.size());
      rest = rest.substr(0, rest.find_first_of(".["));
      if (out.empty() || out.back() != rest) out.push_back(rest);
    }
    return out;
  }
  // Resolves a path from the config relative to the config file's directory.
  std::string Path(const std::string& key, const std::string& def = "") const {
    std::string v = Get(key, def);
    if (v.empty() || v[0] == '/' || config_dir_.empty()) return v;
    return config_dir_ + "/" + v;
  }
  // Accepts every key (for plugins that parse yaml() themselves or take free-form keys).
  void AcceptAll() const { accept_all_ = true; }

  // Keys present in the config that no accessor asked for (nor any parent of them).
  std::vector<std::string> Unread() const {
    std::vector<std::string> out;
    if (accept_all_) return out;
    for (const auto& [k, v] : values_) {
      bool covered = false;
      for (size_t i = 0; i <= k.size() && !covered; ++i)
        if (i == k.size() || k[i] == '.' || k[i] == '[') covered = read_.count(k.substr(0, i)) > 0;
      std::string top = k.substr(0, k.find_first_of(".["));
      if (!covered && (out.empty() || out.back() != top)) out.push_back(top);
    }
    return out;
  }
  // "unknown key "x" (did you mean "y"?)" for each unread key, or "" when all were read.
  std::string UnreadMessage() const {
    std::string msg;
    for (const auto& k : Unread()) {
      std::string best;
      size_t best_d = 3;
      for (const auto& known : read_) {
        size_t d = EditDistance(k, known);
        if (d < best_d) best_d = d, best = known;
      }
      if (!msg.empty()) msg += "; ";
      msg += "unknown key \"" + k + "\"";
      if (!best.empty()) msg += " (did you mean \"" + best + "\"?)";
    }
    return msg;
  }

  const std::string& yaml() const { return yaml_; }
  const std::string& data_dir() const { return data_dir_; }
  uint32_t worker() const { return worker_; }

 private:
  static size_t EditDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = std::min(std::min(prev[j] + 1, cur[j - 1] + 1), sub);
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  }
  std::map<std::string, std::string> values_;
  std::string yaml_, config_dir_, data_dir_;
  uint32_t worker_ = 0;
  mutable std::set<std::string> read_;
  mutable bool accept_all_ = false;
};

// Token kinds, as sluice.v1.TokenKind.
enum TokenKind : int { kWord = 0, kLatin = 1, kNumber = 2, kPunct = 3, kUrl = 4, kDate = 5, kOther = 6 };

struct Token {
  uint32_t begin = 0;  // byte offsets into Document::text, [begin, end)
  uint32_t end = 0;
  int kind = kWord;
};

struct Label {
  std::string axis;        // topic | doc_type | issuer_level | region | your own
  std::string value;
  float score = 1.0f;      // in [0, 1]
  std::string classifier;  // left empty, the host fills in the plugin's name

  Label() = default;
  Label(std::string axis_, std::string value_, float score_ = 1.0f, std::string classifier_ = "")
      : axis(std::move(axis_)), value(std::move(value_)), score(score_), classifier(std::move(classifier_)) {}
};

// The fields of a sluice.v1.Document a plugin usually needs, decoded from the wire.
struct Document {
  std::string id, source, site, url, canonical_url;
  uint32_t attempt = 0;
  std::string title, text, publish_time, publisher, document_number, index_number;
  std::string info_category, column, site_name, site_id_code, language;
  std::map<std::string, std::string> metadata;
  std::vector<Token> tokens;
  std::vector<Label> labels;

  // The words of the segmented text (empty before the segment stage).
  std::vector<std::string_view> Words() const {
    std::vector<std::string_view> out;
    out.reserve(tokens.size());
    for (const Token& t : tokens)
      if (t.end <= text.size() && t.begin < t.end) out.emplace_back(text.data() + t.begin, t.end - t.begin);
    return out;
  }
};

// What a stage plugin sets or adds; anything left empty is not touched.
struct Delta {
  std::map<std::string, std::string> strings;    // field name → new value: "title", "text", "publisher" …
  std::map<std::string, std::string> metadata;   // entries added to Document.metadata
  std::vector<Token> tokens;                     // appended
  std::vector<Label> labels;                     // appended
  bool empty() const { return strings.empty() && metadata.empty() && tokens.empty() && labels.empty(); }
};

namespace wire {

// Field numbers of sluice.v1.Document (see document.proto; they never change).
enum : uint32_t {
  kId = 1, kAttempt = 3, kSource = 5, kSite = 6, kUrl = 7, kCanonicalUrl = 8, kTitle = 14, kText = 15,
  kPublishTime = 16, kPublisher = 17, kDocumentNumber = 18, kIndexNumber = 19, kInfoCategory = 20,
  kColumn = 21, kSiteName = 22, kSiteIdCode = 23, kLanguage = 24, kMetadata = 26, kTokens = 30, kLabels = 32,
};

struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      uint8_t b = *p++;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Bytes(std::string_view& out) {
    uint64_t n;
    if (!Varint(n) || n > uint64_t(end - p)) return false;
    out = std::string_view(reinterpret_cast<const char*>(p), size_t(n));
    p += n;
    return true;
  }
  // Skips one field of wire type `wt` (for a group, everything up to its end tag: protobuf
  // accepts groups as unknown fields, so the SDK must too).
  bool Skip(uint32_t wt, int depth = 0) {
    uint64_t v;
    std::string_view s;
    switch (wt) {
      case 0: return Varint(v);
      case 1: if (end - p < 8) return false; p += 8; return true;
      case 2: return Bytes(s);
      case 3:
        while (depth < 64 && p < end) {
          uint64_t tag;
          if (!Varint(tag)) return false;
          if ((tag & 7) == 4) return true;
          if (!Skip(uint32_t(tag & 7), depth + 1)) return false;
        }
        return false;
      case 5: if (end - p < 4) return false; p += 4; return true;
      default: return false;
    }
  }
};

inline void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) { out.push_back(char(v | 0x80)); v >>= 7; }
  out.push_back(char(v));
}
inline void PutTag(std::string& out, uint32_t field, uint32_t wt) { PutVarint(out, (uint64_t(field) << 3) | wt); }
inline void PutBytes(std::string& out, uint32_t field, std::string_view s) {
  PutTag(out, field, 2);
  PutVarint(out, s.size());
  out.append(s.data(), s.size());
}

inline bool DecodeToken(std::string_view b, Token& t) {
  Reader r{reinterpret_cast<const uint8_t*>(b.data()), reinterpret_cast<const uint8_t*>(b.data()) + b.size()};
  while (r.p < r.end) {
    uint64_t tag, v;
    if (!r.Varint(tag)) return false;
    uint32_t f = uint32_t(tag >> 3), wt = uint32_t(tag & 7);
    if (wt == 0 && f >= 1 && f <= 3) {
      if (!r.Varint(v)) return false;
      if (f == 1) t.begin = uint32_t(v); else if (f == 2) t.end = uint32_t(v); else t.kind = int(v);
    } else if (!r.Skip(wt)) return false;
  }
  return true;
}

inline bool DecodeLabel(std::string_view b, Label& l) {
  Reader r{reinterpret_cast<const uint8_t*>(b.data()), reinterpret_cast<const uint8_t*>(b.data()) + b.size()};
  while (r.p < r.end) {
    uint64_t tag;
    if (!r.Varint(tag)) return false;
    uint32_t f = uint32_t(tag >> 3), wt = uint32_t(tag & 7);
    std::string_view s;
    if (wt == 2 && (f == 1 || f == 2 || f == 4)) {
      if (!r.Bytes(s)) return false;
      (f == 1 ? l.axis : f == 2 ? l.value : l.classifier).assign(s);
    } else if (wt == 5 && f == 3) {
      if (r.end - r.p < 4) return false;
      std::memcpy(&l.score, r.p, 4);  // little-endian hosts only (x86-64, aarch64)
      r.p += 4;
    } else if (!r.Skip(wt)) return false;
  }
  return true;
}

inline bool DecodeMapEntry(std::string_view b, std::map<std::string, std::string>& m) {
  Reader r{reinterpret_cast<const uint8_t*>(b.data()), reinterpret_cast<const uint8_t*>(b.data()) + b.size()};
  std::string_view k, v;
  while (r.p < r.end) {
    uint64_t tag;
    if (!r.Varint(tag)) return false;
    uint32_t f = uint32_t(tag >> 3), wt = uint32_t(tag & 7);
    if (wt == 2 && (f == 1 || f == 2)) {
      if (!r.Bytes(f == 1 ? k : v)) return false;
    } else if (!r.Skip(wt)) return false;
  }
  m[std::string(k)] = std::string(v);
  return true;
}

// Decodes the fields of Document listed above; returns false on malformed input.
inline bool Decode(const uint8_t* data, size_t size, Document& d) {
  Reader r{data, data + size};
  while (r.p < r.end) {
    uint64_t tag;
    if (!r.Varint(tag)) return false;
    uint32_t f = uint32_t(tag >> 3), wt = uint32_t(tag & 7);
    if (wt == 0 && f == kAttempt) {
      uint64_t v;
      if (!r.Varint(v)) return false;
      d.attempt = uint32_t(v);
      continue;
    }
    if (wt != 2) {
      if (!r.Skip(wt)) return false;
      continue;
    }
    std::string_view s;
    if (!r.Bytes(s)) return false;
    std::string* target = nullptr;
    switch (f) {
      case kId: target = &d.id; break;
      case kSource: target = &d.source; break;
      case kSite: target = &d.site; break;
      case kUrl: target = &d.url; break;
      case kCanonicalUrl: target = &d.canonical_url; break;
      case kTitle: target = &d.title; break;
      case kText: target = &d.text; break;
      case kPublishTime: target = &d.publish_time; break;
      case kPublisher: target = &d.publisher; break;
      case kDocumentNumber: target = &d.document_number; break;
      case kIndexNumber: target = &d.index_number; break;
      case kInfoCategory: target = &d.info_category; break;
      case kColumn: target = &d.column; break;
      case kSiteName: target = &d.site_name; break;
      case kSiteIdCode: target = &d.site_id_code; break;
      case kLanguage: target = &d.language; break;
      case kMetadata: if (!DecodeMapEntry(s, d.metadata)) return false; break;
      case kTokens: {
        Token t;
        if (!DecodeToken(s, t)) return false;
        d.tokens.push_back(t);
        break;
      }
      case kLabels: {
        Label l;
        if (!DecodeLabel(s, l)) return false;
        d.labels.push_back(std::move(l));
        break;
      }
      default: break;  // raw bytes, trace, fetch info …: not needed by plugins
    }
    if (target) target->assign(s);
  }
  return true;
}

inline void EncodeLabel(std::string& out, const Label& l, const char* plugin_name) {
  std::string m;
  PutBytes(m, 1, l.axis);
  PutBytes(m, 2, l.value);
  PutTag(m, 3, 5);
  char f[4];
  std::memcpy(f, &l.score, 4);
  m.append(f, 4);
  PutBytes(m, 4, l.classifier.empty() ? std::string_view(plugin_name) : std::string_view(l.classifier));
  PutBytes(out, kLabels, m);
}

inline void EncodeToken(std::string& out, const Token& t) {
  std::string m;
  PutTag(m, 1, 0); PutVarint(m, t.begin);
  PutTag(m, 2, 0); PutVarint(m, t.end);
  if (t.kind) { PutTag(m, 3, 0); PutVarint(m, uint64_t(t.kind)); }
  PutBytes(out, kTokens, m);
}

// Field number of a string field by name, 0 when unknown.
inline uint32_t StringField(const std::string& name) {
  static const std::pair<const char*, uint32_t> kFields[] = {
      {"title", kTitle}, {"text", kText}, {"publish_time", kPublishTime}, {"publisher", kPublisher},
      {"document_number", kDocumentNumber}, {"index_number", kIndexNumber}, {"info_category", kInfoCategory},
      {"column", kColumn}, {"site_name", kSiteName}, {"site_id_code", kSiteIdCode}, {"language", kLanguage}};
  for (const auto& [n, f] : kFields)
    if (name == n) return f;
  return 0;
}

}  // namespace wire

// Base of a classifier plugin. The constructor receives the config; throw from it to refuse to
// start (the message reaches the log with the plugin's name).
class Classifier {
 public:
  virtual ~Classifier() = default;
  // Appends zero or more labels for `doc` to `out`.
  virtual Result Classify(const Document& doc, std::vector<Label>& out) = 0;
};

// Base of a stage plugin.
class Stage {
 public:
  virtual ~Stage() = default;
  // Fills `out` with what to change; leaving it empty forwards the document unchanged.
  virtual Result Process(const Document& doc, Delta& out) = 0;
  // Commits anything buffered; see sluice_plugin_desc_v1::flush.
  virtual Result Flush() { return Result::Ok(); }
};

namespace detail {

struct Instance {
  void* object = nullptr;
  std::string error;
  std::string scratch;
};

inline void CopyError(const std::string& msg, char* error, size_t cap) {
  if (!error || cap == 0) return;
  size_t n = msg.size() < cap - 1 ? msg.size() : cap - 1;
  std::memcpy(error, msg.data(), n);
  error[n] = '\0';
}

template <class T>
struct Adapter {
  static const char* name;
  static void* Create(const sluice_config* cfg, char* error, size_t cap) {
    try {
      auto* inst = new Instance();
      try {
        Config config(cfg);
        inst->object = new T(config);
        std::string unread = config.UnreadMessage();
        if (!unread.empty()) {
          delete static_cast<T*>(inst->object);
          inst->object = nullptr;
          throw std::runtime_error(unread);
        }
      } catch (...) {
        delete inst;
        throw;
      }
      return inst;
    } catch (const std::exception& e) {
      CopyError(e.what(), error, cap);
    } catch (...) {
      CopyError("unknown exception in plugin constructor", error, cap);
    }
    return nullptr;
  }
  static int Finish(Instance* inst, Result r) {
    inst->error = std::move(r.message);
    return r.code;
  }
  static int Process(void* p, const uint8_t* data, size_t size, sluice_emit_fn emit, void* host) {
    auto* inst = static_cast<Instance*>(p);
    inst->error.clear();
    try {
      Document doc;
      if (!wire::Decode(data, size, doc)) return Finish(inst, Result::Permanent("malformed document bytes"));
      T* self = static_cast<T*>(inst->object);
      inst->scratch.clear();
      if constexpr (std::is_base_of_v<Classifier, T>) {
        std::vector<Label> labels;
        Result r = self->Classify(doc, labels);
        if (!r.ok()) return Finish(inst, std::move(r));
        for (const Label& l : labels) wire::EncodeLabel(inst->scratch, l, name);
      } else {
        Delta delta;
        Result r = self->Process(doc, delta);
        if (!r.ok()) return Finish(inst, std::move(r));
        for (const auto& [field, value] : delta.strings) {
          uint32_t f = wire::StringField(field);
          if (f == 0) return Finish(inst, Result::Permanent("plugin set unknown field '" + field + "'"));
          wire::PutBytes(inst->scratch, f, value);
        }
        for (const auto& [k, v] : delta.metadata) {
          std::string entry;
          wire::PutBytes(entry, 1, k);
          wire::PutBytes(entry, 2, v);
          wire::PutBytes(inst->scratch, wire::kMetadata, entry);
        }
        for (const Token& t : delta.tokens) wire::EncodeToken(inst->scratch, t);
        for (const Label& l : delta.labels) wire::EncodeLabel(inst->scratch, l, name);
      }
      if (!inst->scratch.empty())
        emit(host, reinterpret_cast<const uint8_t*>(inst->scratch.data()), inst->scratch.size(), SLUICE_OUTPUT_DELTA);
      return SLUICE_OK;
    } catch (const std::exception& e) {
      return Finish(inst, Result::Transient(e.what()));
    } catch (...) {
      return Finish(inst, Result::Transient("unknown exception"));
    }
  }
  static int Flush(void* p) {
    auto* inst = static_cast<Instance*>(p);
    inst->error.clear();
    if constexpr (std::is_base_of_v<Classifier, T>) {
      return SLUICE_OK;
    } else {
      try {
        return Finish(inst, static_cast<T*>(inst->object)->Flush());
      } catch (const std::exception& e) {
        return Finish(inst, Result::Transient(e.what()));
      } catch (...) {
        return Finish(inst, Result::Transient("unknown exception"));
      }
    }
  }
  static void Destroy(void* p) {
    auto* inst = static_cast<Instance*>(p);
    delete static_cast<T*>(inst->object);
    delete inst;
  }
  static const char* LastError(void* p) { return static_cast<Instance*>(p)->error.c_str(); }
};
template <class T>
const char* Adapter<T>::name = "";

}  // namespace detail
}  // namespace sluice::sdk

// Exports Class as this library's plugin. Class derives from sluice::sdk::Classifier or
// sluice::sdk::Stage and has a constructor taking `const sluice::sdk::Config&`.
#define SLUICE_PLUGIN(Class, NameLiteral, VersionLiteral)                                               \
  static_assert(std::is_base_of_v<::sluice::sdk::Classifier, Class> ||                                  \
                    std::is_base_of_v<::sluice::sdk::Stage, Class>,                                     \
                "SLUICE_PLUGIN: class must derive from sluice::sdk::Classifier or sluice::sdk::Stage"); \
  template <>                                                                                          \
  const char* ::sluice::sdk::detail::Adapter<Class>::name = NameLiteral;                               \
  extern "C" __attribute__((visibility("default"))) const sluice_plugin_desc_v1* sluice_plugin_v1(void) {   \
    using A = ::sluice::sdk::detail::Adapter<Class>;                                                   \
    static const ::sluice_plugin_desc_v1 descriptor = {                                                     \
        SLUICE_PLUGIN_MAGIC,                                                                           \
        sizeof(::sluice_plugin_desc_v1),                                                                    \
        SLUICE_PLUGIN_ABI_VERSION,                                                                     \
        std::is_base_of_v<::sluice::sdk::Classifier, Class> ? SLUICE_KIND_CLASSIFIER : SLUICE_KIND_STAGE, \
        NameLiteral,                                                                                   \
        VersionLiteral,                                                                                \
        &A::Create,                                                                                    \
        &A::Process,                                                                                   \
        &A::Flush,                                                                                     \
        &A::Destroy,                                                                                   \
        &A::LastError};                                                                                \
    return &descriptor;                                                                                \
  }

#endif  // SLUICE_PLUGIN_HPP_
