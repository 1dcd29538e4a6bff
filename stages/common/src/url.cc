#include "sluice/common/url.h"

#include <algorithm>
#include <cctype>

#include "sluice/ascii.h"

namespace sluice::common {

namespace {

bool IsUnreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Normalises percent-escapes: decodes escaped unreserved characters, upper-cases hex, encodes
// raw bytes that may not appear in a URL (spaces, non-ASCII, controls). `keep` lists reserved
// characters that stay literal in this component.
std::string NormalizeEscapes(std::string_view s, std::string_view keep) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && HexVal(s[i + 1]) >= 0 && HexVal(s[i + 2]) >= 0) {
      unsigned char v = static_cast<unsigned char>(HexVal(s[i + 1]) * 16 + HexVal(s[i + 2]));
      if (IsUnreserved(v)) {
        out.push_back(static_cast<char>(v));
      } else {
        out.push_back('%');
        out.push_back(kHex[v >> 4]);
        out.push_back(kHex[v & 15]);
      }
      i += 2;
    } else if (IsUnreserved(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool IsTrackingParam(const std::string& name, const std::vector<std::string>& extra) {
  static const char* kExact[] = {"spm", "from", "share", "share_from", "isappinstalled", "scene", "clicktime",
                                 "enterid", "fbclid", "gclid", "yclid", "msclkid", "_hsenc", "_hsmi", "mc_cid", "mc_eid"};
  std::string n = AsciiLower(name);
  if (n.rfind("utm_", 0) == 0) return true;
  for (const char* e : kExact)
    if (n == e) return true;
  for (const auto& x : extra) {
    if (!x.empty() && x.back() == '*') {
      if (n.rfind(AsciiLower(x.substr(0, x.size() - 1)), 0) == 0) return true;
    } else if (n == AsciiLower(x)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string> out;
  std::string in(path);
  bool absolute = !in.empty() && in[0] == '/';
  bool trailing = false;
  size_t i = absolute ? 1 : 0;
  while (i <= in.size()) {
    size_t j = in.find('/', i);
    if (j == std::string::npos) j = in.size();
    std::string seg = in.substr(i, j - i);
    bool last = j == in.size();
    if (seg == ".") {
      trailing = last;
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing = last;
    } else {
      out.push_back(seg);
      trailing = false;
    }
    i = j + 1;
  }
  std::string result = absolute ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) {
    if (k) result += "/";
    result += out[k];
  }
  if (trailing && (result.empty() || result.back() != '/')) result += "/";
  return result;
}

Status Url::Parse(std::string_view text_in, Url* out) {
  // Trim whitespace and control characters that pages leave around hrefs.
  size_t b = 0, e = text_in.size();
  while (b < e && static_cast<unsigned char>(text_in[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(text_in[e - 1]) <= 0x20) --e;
  std::string text(text_in.substr(b, e - b));
  // Browsers drop tabs and newlines inside URLs.
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }), text.end());
  std::replace(text.begin(), text.end(), '\\', '/');
  size_t colon = text.find("://");
  if (colon == std::string::npos) return Status::InvalidArgument("not an absolute URL: '" + text + "'");
  Url u;
  u.scheme_ = AsciiLower(text.substr(0, colon));
  if (u.scheme_ != "http" && u.scheme_ != "https") return Status::InvalidArgument("not an http(s) URL: '" + text + "'");
  size_t auth_start = colon + 3;
  size_t auth_end = text.find_first_of("/?#", auth_start);
  if (auth_end == std::string::npos) auth_end = text.size();
  std::string authority = text.substr(auth_start, auth_end - auth_start);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    u.userinfo_ = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  std::string host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("bad IPv6 host in '" + text + "'");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("bad authority in '" + text + "'");
      port = authority.substr(close + 2);
    }
  } else {
    size_t pc = authority.rfind(':');
    if (pc != std::string::npos) {
      host = authority.substr(0, pc);
      port = authority.substr(pc + 1);
    }
  }
  u.host_ = AsciiLower(host);
  while (!u.host_.empty() && u.host_.back() == '.') u.host_.pop_back();  // "example.com." is example.com
  if (u.host_.empty()) return Status::InvalidArgument("URL without host: '" + text + "'");
  for (unsigned char c : u.host_)
    if (c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '%' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`')
      return Status::InvalidArgument("bad character in host of '" + text + "'");
  int default_port = u.scheme_ == "https" ? 443 : 80;
  if (port.empty()) {
    u.port_ = default_port;
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
      return Status::InvalidArgument("bad port in '" + text + "'");
    u.port_ = std::stoi(port);
    if (u.port_ <= 0 || u.port_ > 65535) return Status::InvalidArgument("bad port in '" + text + "'");
    u.explicit_port_ = u.port_ != default_port;
  }
  std::string rest = text.substr(auth_end);
  size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    u.fragment_ = rest.substr(hash + 1);
    u.has_fragment_ = true;
    rest = rest.substr(0, hash);
  }
  size_t q = rest.find('?');
  if (q != std::string::npos) {
    u.query_ = rest.substr(q + 1);
    u.has_query_ = true;
    rest = rest.substr(0, q);
  }
  u.path_ = rest.empty() ? "/" : rest;
  *out = std::move(u);
  return Status::OK();
}

Status Url::Resolve(std::string_view ref_in, Url* out) const {
  std::string ref(ref_in);
  size_t b = 0, e = ref.size();
  while (b < e && static_cast<unsigned char>(ref[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(ref[e - 1]) <= 0x20) --e;
  ref = ref.substr(b, e - b);
  ref.erase(std::remove_if(ref.begin(), ref.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }), ref.end());
  std::replace(ref.begin(), ref.end(), '\\', '/');
  // A scheme ("javascript:", "mailto:", "http:") starts with a letter and precedes any '/', '?', '#'.
  size_t colon = ref.find(':');
  size_t first_delim = ref.find_first_of("/?#");
  if (colon != std::string::npos && colon > 0 && (first_delim == std::string::npos || colon < first_delim) &&
      std::isalpha(static_cast<unsigned char>(ref[0]))) {
    std::string scheme = AsciiLower(ref.substr(0, colon));
    if (scheme != "http" && scheme != "https") return Status::InvalidArgument("not an http(s) link: '" + ref + "'");
    if (ref.compare(colon + 1, 2, "//") == 0) return Parse(ref, out);
    ref = ref.substr(colon + 1);  // "http:foo" is relative to a base of the same scheme (RFC 3986 §5.2.2 note)
  }
  if (ref.rfind("//", 0) == 0) return Parse(scheme_ + ":" + ref, out);
  Url u = *this;
  u.fragment_.clear();
  u.has_fragment_ = false;
  std::string frag;
  bool has_frag = false;
  size_t hash = ref.find('#');
  if (hash != std::string::npos) {
    frag = ref.substr(hash + 1);
    has_frag = true;
    ref = ref.substr(0, hash);
  }
  std::string query;
  bool has_query = false;
  size_t q = ref.find('?');
  if (q != std::string::npos) {
    query = ref.substr(q + 1);
    has_query = true;
    ref = ref.substr(0, q);
  }
  if (ref.empty()) {
    if (has_query) {
      u.query_ = query;
      u.has_query_ = true;
    }
  } else {
    if (ref[0] == '/') {
      u.path_ = RemoveDotSegments(ref);
    } else {
      std::string base_dir = path_.substr(0, path_.rfind('/') + 1);
      u.path_ = RemoveDotSegments(base_dir + ref);
    }
    if (u.path_.empty() || u.path_[0] != '/') u.path_ = "/" + u.path_;
    u.query_ = query;
    u.has_query_ = has_query;
  }
  u.fragment_ = frag;
  u.has_fragment_ = has_frag;
  *out = std::move(u);
  return Status::OK();
}

std::string Url::Authority() const {
  std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  return explicit_port_ ? h + ":" + std::to_string(port_) : h;
}

std::string Url::Origin() const { return scheme_ + "://" + Authority(); }

std::string Url::ToString() const {
  std::string s = scheme_ + "://";
  if (!userinfo_.empty()) s += userinfo_ + "@";
  s += Authority() + path_;
  if (has_query_) s += "?" + query_;
  if (has_fragment_) s += "#" + fragment_;
  return s;
}

std::string Url::Canonical(const std::vector<std::string>& extra_drop_params) const {
  std::string path = NormalizeEscapes(RemoveDotSegments(path_), "/:@!$&'()*+,;=");
  if (path.empty()) path = "/";
  std::string query;
  if (has_query_) {
    size_t i = 0;
    while (i <= query_.size()) {
      size_t j = query_.find('&', i);
      if (j == std::string::npos) j = query_.size();
      std::string param = query_.substr(i, j - i);
      if (!param.empty()) {
        std::string name = param.substr(0, param.find('='));
        if (!IsTrackingParam(name, extra_drop_params)) {
          if (!query.empty()) query += "&";
          query += NormalizeEscapes(param, "/:@!$'()*+,;=?");
        }
      }
      i = j + 1;
    }
  }
  std::string s = scheme_ + "://" + Authority() + path;
  if (!query.empty()) s += "?" + query;
  return s;
}

std::string ResolveUrl(std::string_view base, std::string_view reference) {
  Url b, r;
  if (!Url::Parse(base, &b).ok() || !b.Resolve(reference, &r).ok()) return "";
  return r.ToString();
}

std::string CanonicalUrl(std::string_view url) {
  Url u;
  if (!Url::Parse(url, &u).ok()) return "";
  return u.Canonical();
}

}  // namespace sluice::common
