#include "selector.h"

#include <libxml/xpath.h>

#include <cctype>
#include <vector>

namespace sluice::clean::internal {

namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

std::string Quote(std::string_view v) {
  const char q = v.find('\'') == std::string_view::npos ? '\'' : '"';
  std::string out;
  out.reserve(v.size() + 2);
  out.push_back(q);
  out.append(v);
  out.push_back(q);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Status XPathSyntax(const std::string& xpath, std::string_view original) {
  xmlXPathCompExprPtr comp = xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath.c_str()));
  if (!comp) return Status::InvalidArgument("selector \"" + std::string(original) + "\": invalid XPath");
  xmlXPathFreeCompExpr(comp);
  return Status::OK();
}

// One compound selector (no combinators) → an XPath step.
Status CompileCompound(std::string_view c, std::string_view original, std::string* step) {
  size_t i = 0;
  std::string tag = "*";
  std::string preds;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("selector \"" + std::string(original) + "\": " + why);
  };
  if (i < c.size() && (c[i] == '*' || IsIdentChar(c[i]))) {
    size_t j = i;
    if (c[i] == '*') ++j;
    else while (j < c.size() && IsIdentChar(c[j])) ++j;
    tag = std::string(c.substr(i, j - i));
    for (char& ch : tag) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    i = j;
  }
  while (i < c.size()) {
    char k = c[i];
    if (k == '#' || k == '.') {
      size_t j = i + 1;
      while (j < c.size() && IsIdentChar(c[j])) ++j;
      if (j == i + 1) return bad("empty name after '" + std::string(1, k) + "'");
      std::string name(c.substr(i + 1, j - i - 1));
      if (k == '#') preds += "[@id=" + Quote(name) + "]";
      else preds += "[contains(concat(' ',normalize-space(@class),' '),' " + name + " ')]";
      i = j;
    } else if (k == '[') {
      size_t close = c.find(']', i);
      if (close == std::string_view::npos) return bad("unclosed '['");
      std::string_view body = Trim(c.substr(i + 1, close - i - 1));
      size_t op = body.find_first_of("=~*^$|");
      if (op == std::string_view::npos) {
        if (body.empty()) return bad("empty []");
        preds += "[@" + std::string(body) + "]";
      } else {
        std::string attr(Trim(body.substr(0, op)));
        std::string oper;
        size_t v = op;
        if (body[op] == '=') {
          oper = "=";
          v = op + 1;
        } else if (op + 1 < body.size() && body[op + 1] == '=') {
          oper = std::string(1, body[op]) + "=";
          v = op + 2;
        } else {
          return bad("unknown attribute operator");
        }
        std::string_view val = Trim(body.substr(v));
        if (val.size() >= 2 && (val.front() == '"' || val.front() == '\'') && val.back() == val.front())
          val = val.substr(1, val.size() - 2);
        if (attr.empty()) return bad("attribute name missing");
        std::string a = "@" + attr;
        if (oper == "=") preds += "[" + a + "=" + Quote(val) + "]";
        else if (oper == "~=") preds += "[contains(concat(' ',normalize-space(" + a + "),' '),' " + std::string(val) + " ')]";
        else if (oper == "*=") preds += "[contains(" + a + "," + Quote(val) + ")]";
        else if (oper == "^=") preds += "[starts-with(" + a + "," + Quote(val) + ")]";
        else if (oper == "$=")
          preds += "[substring(" + a + ",string-length(" + a + ")-" + std::to_string(val.size()) + "+1)=" + Quote(val) + "]";
        else if (oper == "|=") preds += "[" + a + "=" + Quote(val) + " or starts-with(" + a + "," + Quote(std::string(val) + "-") + ")]";
        else return bad("unknown attribute operator");
      }
      i = close + 1;
    } else {
      return bad("unsupported syntax at '" + std::string(c.substr(i)) + "'");
    }
  }
  *step = tag + preds;
  return Status::OK();
}

}  // namespace

bool SimpleSelector(std::string_view selector, std::string* klass, std::string* id) {
  std::string_view s = Trim(selector);
  if (s.size() < 2 || (s[0] != '.' && s[0] != '#')) return false;
  for (size_t i = 1; i < s.size(); ++i)
    if (!IsIdentChar(s[i])) return false;
  if (s[0] == '.') *klass = std::string(s.substr(1));
  else *id = std::string(s.substr(1));
  return true;
}

Status CompileSelector(std::string_view selector, std::string* xpath) {
  std::string_view s = Trim(selector);
  if (s.empty()) return Status::InvalidArgument("empty selector");
  if (s[0] == '/' || s[0] == '(') {
    *xpath = std::string(s);
    return XPathSyntax(*xpath, selector);
  }
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string_view group = Trim(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (group.empty()) return Status::InvalidArgument("selector \"" + std::string(selector) + "\": empty group");
    std::string path = "//";
    size_t i = 0;
    bool first = true;
    while (i < group.size()) {
      // Combinator.
      bool child = false;
      while (i < group.size() && (std::isspace(static_cast<unsigned char>(group[i])) || group[i] == '>')) {
        if (group[i] == '>') child = true;
        ++i;
      }
      if (i >= group.size()) return Status::InvalidArgument("selector \"" + std::string(selector) + "\": dangling combinator");
      size_t j = i;
      int bracket = 0;
      while (j < group.size()) {
        char c = group[j];
        if (c == '[') ++bracket;
        if (c == ']') --bracket;
        if (bracket == 0 && (std::isspace(static_cast<unsigned char>(c)) || c == '>')) break;
        ++j;
      }
      std::string step;
      SLUICE_RETURN_IF_ERROR(CompileCompound(group.substr(i, j - i), selector, &step));
      if (!first) path += child ? "/" : "//";
      else if (child) return Status::InvalidArgument("selector \"" + std::string(selector) + "\": starts with '>'");
      path += step;
      first = false;
      i = j;
    }
    if (!out.empty()) out += " | ";
    out += path;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  *xpath = out;
  return XPathSyntax(*xpath, selector);
}

}  // namespace sluice::clean::internal
