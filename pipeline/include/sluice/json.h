// Json: a small JSON value with a strict parser and a compact writer, for the CLI's --json and
// --jsonl output, the export format, /stats.json and configuration-like inputs (gold files in
// tests, JSON list feeds). Not a general-purpose library: numbers are doubles (integers up to 2^53
// round-trip exactly), object keys keep insertion order, and strings must be valid UTF-8.
//
// Thread safety: a Json is a value; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/status.h"

namespace sluice {

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::kBool), bool_(b) {}
  Json(int v) : type_(Type::kNumber), num_(v) {}
  Json(int64_t v) : type_(Type::kNumber), num_(static_cast<double>(v)) {}
  Json(uint64_t v) : type_(Type::kNumber), num_(static_cast<double>(v)) {}
  Json(uint32_t v) : type_(Type::kNumber), num_(v) {}
  Json(double v) : type_(Type::kNumber), num_(v) {}
  Json(const char* s) : type_(Type::kString), str_(s) {}
  Json(std::string s) : type_(Type::kString), str_(std::move(s)) {}
  Json(std::string_view s) : type_(Type::kString), str_(s) {}

  static Json Array() { Json j; j.type_ = Type::kArray; return j; }
  static Json Object() { Json j; j.type_ = Type::kObject; return j; }

  // Parses one JSON text. Returns InvalidArgument with the byte offset of the first error.
  static Status Parse(std::string_view text, Json* out);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Typed reads; a value of another type yields the fallback.
  bool AsBool(bool def = false) const { return type_ == Type::kBool ? bool_ : def; }
  double AsDouble(double def = 0) const { return type_ == Type::kNumber ? num_ : def; }
  int64_t AsInt(int64_t def = 0) const { return type_ == Type::kNumber ? static_cast<int64_t>(num_) : def; }
  const std::string& AsString() const;  // "" unless a string
  std::string AsString(const std::string& def) const { return type_ == Type::kString ? str_ : def; }

  // Arrays.
  size_t size() const;
  const Json& operator[](size_t i) const;
  Json& Push(Json v);
  const std::vector<Json>& items() const { return arr_; }

  // Objects. Get returns a null Json for a missing key; Set replaces or appends.
  bool Has(const std::string& key) const;
  const Json& Get(const std::string& key) const;
  const Json& operator[](const std::string& key) const { return Get(key); }
  Json& Set(const std::string& key, Json v);
  const std::vector<std::pair<std::string, Json>>& members() const { return obj_; }

  // Compact single-line JSON (non-ASCII kept as UTF-8), or indented with `indent` > 0.
  std::string Dump(int indent = 0) const;

 private:
  void DumpTo(std::string& out, int indent, int depth) const;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double num_ = 0;
  std::string str_;
  std::vector<Json> arr_;
  std::vector<std::pair<std::string, Json>> obj_;
};

// Appends `s` to `out` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD so the output
// is always valid JSON.
void JsonQuote(std::string_view s, std::string& out);

}  // namespace sluice
