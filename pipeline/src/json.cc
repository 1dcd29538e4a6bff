#include "sluice/json.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "sluice/utf8.h"

namespace sluice {

namespace {

const Json& NullJson() {
  static const Json kNull;
  return kNull;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status Run(Json* out) {
    SkipWs();
    if (!Value(out, 0)) return Status::InvalidArgument(error_ + " at byte " + std::to_string(pos_));
    SkipWs();
    if (pos_ != s_.size()) return Status::InvalidArgument("trailing characters at byte " + std::to_string(pos_));
    return Status::OK();
  }

 private:
  bool Fail(const char* why) {
    error_ = why;
    return false;
  }
  void SkipWs() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool Literal(const char* lit) {
    size_t n = std::strlen(lit);
    if (s_.compare(pos_, n, lit) != 0) return Fail("invalid literal");
    pos_ += n;
    return true;
  }
  bool Hex4(uint32_t& v) {
    if (pos_ + 4 > s_.size()) return Fail("truncated \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return Fail("bad hex digit in \\u escape");
    }
    return true;
  }
  bool String(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return Fail("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (c == '\\') {
        if (++pos_ >= s_.size()) return Fail("unterminated escape");
        char e = s_[pos_++];
        switch (e) {
          case '"': out.push_back('"'); break;
          case '\\': out.push_back('\\'); break;
          case '/': out.push_back('/'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'u': {
            uint32_t cp;
            if (!Hex4(cp)) return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              uint32_t lo;
              if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') return Fail("lone surrogate");
              pos_ += 2;
              if (!Hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return Fail("bad surrogate pair");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return Fail("lone surrogate");
            }
            AppendUtf8(cp, out);
            break;
          }
          default: return Fail("unknown escape");
        }
        continue;
      }
      size_t n = Utf8SequenceLength(s_, pos_);
      if (n == 0) return Fail("invalid UTF-8 in string");
      out.append(s_.substr(pos_, n));
      pos_ += n;
    }
  }
  bool Number(Json* out) {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' || s_[pos_] == 'e' ||
                                s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-'))
      ++pos_;
    std::string num(s_.substr(start, pos_ - start));
    char* end = nullptr;
    double v = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size()) return Fail("invalid number");
    *out = Json(v);
    return true;
  }
  bool Value(Json* out, int depth) {
    if (depth > 512) return Fail("nesting too deep");
    if (pos_ >= s_.size()) return Fail("unexpected end of input");
    char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      *out = Json::Object();
      SkipWs();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      while (true) {
        SkipWs();
        if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected object key");
        std::string key;
        if (!String(key)) return false;
        SkipWs();
        if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("expected ':'");
        ++pos_;
        SkipWs();
        Json v;
        if (!Value(&v, depth + 1)) return false;
        out->Set(key, std::move(v));
        SkipWs();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return true;
        }
        return Fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++pos_;
      *out = Json::Array();
      SkipWs();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      while (true) {
        SkipWs();
        Json v;
        if (!Value(&v, depth + 1)) return false;
        out->Push(std::move(v));
        SkipWs();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return true;
        }
        return Fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      std::string str;
      if (!String(str)) return false;
      *out = Json(std::move(str));
      return true;
    }
    if (c == 't') {
      if (!Literal("true")) return false;
      *out = Json(true);
      return true;
    }
    if (c == 'f') {
      if (!Literal("false")) return false;
      *out = Json(false);
      return true;
    }
    if (c == 'n') {
      if (!Literal("null")) return false;
      *out = Json();
      return true;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return Number(out);
    return Fail("unexpected character");
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

void JsonQuote(std::string_view s, std::string& out) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  out.push_back('"');
}

Status Json::Parse(std::string_view text, Json* out) { return Parser(text).Run(out); }

const std::string& Json::AsString() const {
  static const std::string kEmpty;
  return type_ == Type::kString ? str_ : kEmpty;
}

size_t Json::size() const {
  if (type_ == Type::kArray) return arr_.size();
  if (type_ == Type::kObject) return obj_.size();
  return 0;
}

const Json& Json::operator[](size_t i) const { return (type_ == Type::kArray && i < arr_.size()) ? arr_[i] : NullJson(); }

Json& Json::Push(Json v) {
  if (type_ != Type::kArray) *this = Array();
  arr_.push_back(std::move(v));
  return arr_.back();
}

bool Json::Has(const std::string& key) const {
  for (const auto& [k, v] : obj_)
    if (k == key) return true;
  return false;
}

const Json& Json::Get(const std::string& key) const {
  for (const auto& [k, v] : obj_)
    if (k == key) return v;
  return NullJson();
}

Json& Json::Set(const std::string& key, Json v) {
  if (type_ != Type::kObject) *this = Object();
  for (auto& [k, existing] : obj_)
    if (k == key) return existing = std::move(v);
  obj_.emplace_back(key, std::move(v));
  return obj_.back().second;
}

std::string Json::Dump(int indent) const {
  std::string out;
  DumpTo(out, indent, 0);
  return out;
}

void Json::DumpTo(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent <= 0) return;
    out.push_back('\n');
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (type_) {
    case Type::kNull: out += "null"; break;
    case Type::kBool: out += bool_ ? "true" : "false"; break;
    case Type::kNumber: {
      if (!std::isfinite(num_)) {
        out += "null";
      } else if (num_ == std::floor(num_) && std::fabs(num_) < 9.007199254740992e15) {
        out += std::to_string(static_cast<int64_t>(num_));
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", num_);
        // Prefer the shortest representation that round-trips.
        for (int prec = 6; prec <= 17; ++prec) {
          char b2[32];
          std::snprintf(b2, sizeof b2, "%.*g", prec, num_);
          if (std::strtod(b2, nullptr) == num_) {
            std::strcpy(buf, b2);
            break;
          }
        }
        out += buf;
      }
      break;
    }
    case Type::kString: JsonQuote(str_, out); break;
    case Type::kArray:
      out.push_back('[');
      for (size_t i = 0; i < arr_.size(); ++i) {
        if (i) out.push_back(',');
        newline(depth + 1);
        arr_[i].DumpTo(out, indent, depth + 1);
      }
      if (!arr_.empty()) newline(depth);
      out.push_back(']');
      break;
    case Type::kObject:
      out.push_back('{');
      for (size_t i = 0; i < obj_.size(); ++i) {
        if (i) out.push_back(',');
        newline(depth + 1);
        JsonQuote(obj_[i].first, out);
        out.push_back(':');
        if (indent > 0) out.push_back(' ');
        obj_[i].second.DumpTo(out, indent, depth + 1);
      }
      if (!obj_.empty()) newline(depth);
      out.push_back('}');
      break;
  }
}

}  // namespace sluice
