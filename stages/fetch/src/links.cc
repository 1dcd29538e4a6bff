#include "sluice/fetch/links.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include "ascii.h"
#include "sluice/common/url.h"

namespace sluice::fetch {

namespace {

bool IsSpace(unsigned char c) { return IsAsciiSpace(c); }

// Collapses runs of ASCII whitespace and U+3000/U+00A0 to one space and trims.
std::string Collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool sp = IsSpace(c);
    if (!sp && c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      sp = true;
      ++i;
    } else if (!sp && c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               static_cast<unsigned char>(s[i + 2]) == 0x80) {
      sp = true;
      i += 2;
    }
    if (sp) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool HasAttr(const xmlNode* n, const char* name) { return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr; }

std::string NodeText(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  if (!c) return "";
  std::string s(reinterpret_cast<const char*>(c));
  xmlFree(c);
  return s;
}

const char* Name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

// The first date in `s`: 2024-06-03, 2024/6/3, 2024.06.03, 2024年6月3日 → "2024-06-03".
std::string FindDate(std::string_view s) {
  for (size_t i = 0; i + 8 <= s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) || (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1])))) continue;
    size_t j = i;
    auto digits = [&](size_t max, int* v) {
      size_t k = 0;
      *v = 0;
      while (j < s.size() && k < max && std::isdigit(static_cast<unsigned char>(s[j]))) {
        *v = *v * 10 + (s[j] - '0');
        ++j;
        ++k;
      }
      return k;
    };
    auto sep = [&](bool first) {
      if (j < s.size() && (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
        ++j;
        return true;
      }
      const char* cjk = first ? "年" : "月";
      if (s.substr(j, 3) == cjk) {
        j += 3;
        return true;
      }
      return false;
    };
    int y, m, d;
    if (digits(4, &y) != 4 || y < 1990 || y > 2100 || !sep(true)) continue;
    if (digits(2, &m) == 0 || m < 1 || m > 12 || !sep(false)) continue;
    if (digits(2, &d) == 0 || d < 1 || d > 31) continue;
    if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) continue;
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  return "";
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

htmlDocPtr ParseHtml(std::string_view html, const std::string& url) {
  InitLibxml();
  int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;
  return htmlReadMemory(html.data(), static_cast<int>(std::min<size_t>(html.size(), INT32_MAX)), url.c_str(), "UTF-8", opts);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Selector

struct Selector::Impl {
  struct Compound {
    std::string tag;  // "" = any
    std::string id;
    std::vector<std::string> classes;
    std::vector<std::pair<std::string, std::string>> attrs;  // value "\x01" = presence only
    bool child_of_next = false;  // combinator to the compound on the left is '>'
  };
  using Chain = std::vector<Compound>;  // left to right
  std::vector<Chain> groups;
  std::string text;

  static bool MatchCompound(const Compound& c, const xmlNode* n) {
    if (n->type != XML_ELEMENT_NODE) return false;
    if (!c.tag.empty() && AsciiLower(Name(n)) != c.tag) return false;
    if (!c.id.empty() && Attr(n, "id") != c.id) return false;
    if (!c.classes.empty()) {
      std::string cls = " " + Collapse(Attr(n, "class")) + " ";
      for (const auto& k : c.classes)
        if (cls.find(" " + k + " ") == std::string::npos) return false;
    }
    for (const auto& [name, value] : c.attrs) {
      if (value == "\x01") {
        if (!HasAttr(n, name.c_str())) return false;
      } else if (Attr(n, name.c_str()) != value) {
        return false;
      }
    }
    return true;
  }

  // Does chain[0..i] match with chain[i] at node n?
  static bool MatchAt(const Chain& chain, int i, const xmlNode* n) {
    if (!MatchCompound(chain[i], n)) return false;
    if (i == 0) return true;
    const xmlNode* p = n->parent;
    if (chain[i].child_of_next) return p && MatchAt(chain, i - 1, p);
    for (; p && p->type == XML_ELEMENT_NODE; p = p->parent)
      if (MatchAt(chain, i - 1, p)) return true;
    return false;
  }
};

Selector::Selector() = default;
Selector::~Selector() = default;
Selector::Selector(const Selector&) = default;
Selector& Selector::operator=(const Selector&) = default;

bool Selector::empty() const { return !impl_ || impl_->groups.empty(); }
const std::string& Selector::text() const {
  static const std::string kEmpty;
  return impl_ ? impl_->text : kEmpty;
}

Status Selector::Parse(std::string_view text, Selector* out) {
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  size_t i = 0;
  Impl::Chain chain;
  bool pending_child = false;
  auto ident = [&](size_t& k) {
    size_t b = k;
    while (k < text.size() && (std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '-' || text[k] == '_' ||
                               static_cast<unsigned char>(text[k]) >= 0x80))
      ++k;
    return std::string(text.substr(b, k - b));
  };
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("selector '" + std::string(text) + "': " + why + " at offset " + std::to_string(i));
  };
  while (i <= text.size()) {
    while (i < text.size() && IsSpace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size() || text[i] == ',') {
      if (chain.empty() || pending_child) return bad("empty selector");
      impl->groups.push_back(chain);
      chain.clear();
      if (i == text.size()) break;
      ++i;
      continue;
    }
    if (text[i] == '>') {
      if (chain.empty() || pending_child) return bad("misplaced '>'");
      pending_child = true;
      ++i;
      continue;
    }
    Impl::Compound c;
    c.child_of_next = pending_child;
    pending_child = false;
    bool any = false;
    if (text[i] == '*') {
      ++i;
      any = true;
    } else {
      c.tag = AsciiLower(ident(i));
      any = !c.tag.empty();
    }
    while (i < text.size()) {
      if (text[i] == '.') {
        ++i;
        std::string k = ident(i);
        if (k.empty()) return bad("empty class");
        c.classes.push_back(k);
      } else if (text[i] == '#') {
        ++i;
        c.id = ident(i);
        if (c.id.empty()) return bad("empty id");
      } else if (text[i] == '[') {
        size_t close = text.find(']', i);
        if (close == std::string_view::npos) return bad("unclosed '['");
        std::string inner(text.substr(i + 1, close - i - 1));
        size_t eq = inner.find('=');
        std::string name = AsciiLower(Collapse(inner.substr(0, eq)));
        std::string value = "\x01";
        if (eq != std::string::npos) {
          value = Collapse(inner.substr(eq + 1));
          if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        }
        if (name.empty()) return bad("empty attribute");
        c.attrs.emplace_back(name, value);
        i = close + 1;
      } else {
        break;
      }
      any = true;
    }
    if (!any) return bad("unexpected character '" + std::string(1, text[i]) + "'");
    if (i < text.size() && !IsSpace(static_cast<unsigned char>(text[i])) && text[i] != ',' && text[i] != '>')
      return bad("unexpected character '" + std::string(1, text[i]) + "'");
    chain.push_back(c);
  }
  if (impl->groups.empty()) return Status::InvalidArgument("empty selector");
  out->impl_ = impl;
  return Status::OK();
}

bool Selector::Matches(const void* element) const {
  if (!impl_) return false;
  const auto* n = static_cast<const xmlNode*>(element);
  for (const auto& chain : impl_->groups)
    if (Impl::MatchAt(chain, static_cast<int>(chain.size()) - 1, n)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Extraction

namespace {

struct Extractor {
  const Selector* selector;
  PageLinks* out;
  common::Url base;
  bool have_base = false;
  std::unordered_set<std::string> seen;
  std::vector<std::string> scripts;

  void AddAnchor(const xmlNode* a, bool datastore) {
    std::string href = Attr(a, "href");
    if (href.empty() || !have_base) return;
    common::Url u;
    if (!base.Resolve(href, &u).ok()) return;
    std::string url = u.ToString();
    size_t hash = url.find('#');
    if (hash != std::string::npos) url.resize(hash);
    if (!seen.insert(url).second) return;
    Link l;
    l.url = url;
    l.text = Collapse(NodeText(a));
    std::string title = Collapse(Attr(a, "title"));
    if (title.size() > l.text.size()) l.text = title;
    l.in_datastore = datastore;
    l.selected = selector && !selector->empty() && selector->Matches(a);
    // The date printed beside the link, in the same list item or table row.
    const xmlNode* p = a->parent;
    for (int depth = 0; p && p->type == XML_ELEMENT_NODE && depth < 3; ++depth, p = p->parent) {
      std::string name = AsciiLower(Name(p));
      if (name == "li" || name == "tr" || name == "dd" || name == "dl" || name == "p" || name == "div") {
        std::string item = NodeText(p);
        std::string anchor = NodeText(a);
        size_t at = item.find(anchor);
        if (!anchor.empty() && at != std::string::npos) item.erase(at, anchor.size());
        l.date = FindDate(item);
        break;
      }
    }
    out->links.push_back(std::move(l));
  }

  void Walk(xmlNode* root, bool datastore) {
    // Iterative: pages from the wild nest deep enough to matter.
    std::vector<std::pair<xmlNode*, int>> stack;  // node, inside script/style
    for (xmlNode* c = root; c; c = c->next) stack.emplace_back(c, 0);
    std::reverse(stack.begin(), stack.end());
    while (!stack.empty()) {
      auto [n, hidden] = stack.back();
      stack.pop_back();
      if (n->type == XML_ELEMENT_NODE) {
        std::string name = AsciiLower(Name(n));
        int h = hidden;
        if (name == "a" || name == "area") {
          AddAnchor(n, datastore);
        } else if (name == "base" && !datastore) {
          std::string href = Attr(n, "href");
          common::Url nb;
          if (!href.empty() && have_base && base.Resolve(href, &nb).ok()) base = nb;
        } else if (name == "script" || name == "style") {
          h = 1;
          if (name == "script") scripts.push_back(NodeText(n));
        }
        std::vector<xmlNode*> kids;
        for (xmlNode* c = n->children; c; c = c->next) kids.push_back(c);
        for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.emplace_back(*it, h);
      } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && !hidden && n->content) {
        for (const xmlChar* p = n->content; *p; ++p)
          if (!IsSpace(*p)) ++out->visible_text_bytes;
      }
    }
  }
};

// Finds `name = <int>` (var, let or plain assignment) in `script`; -1 when absent.
long FindAssignedInt(const std::string& script, const std::string& name) {
  size_t pos = 0;
  while ((pos = script.find(name, pos)) != std::string::npos) {
    bool word_start = pos == 0 || !(std::isalnum(static_cast<unsigned char>(script[pos - 1])) || script[pos - 1] == '_');
    size_t j = pos + name.size();
    pos = j;
    if (!word_start) continue;
    while (j < script.size() && IsSpace(static_cast<unsigned char>(script[j]))) ++j;
    if (j >= script.size() || script[j] != '=' || (j + 1 < script.size() && script[j + 1] == '=')) continue;
    ++j;
    while (j < script.size() && (IsSpace(static_cast<unsigned char>(script[j])) || script[j] == '"' || script[j] == '\'')) ++j;
    if (j < script.size() && std::isdigit(static_cast<unsigned char>(script[j]))) return std::atol(script.c_str() + j);
  }
  return -1;
}

void ScanPager(const std::string& script, PageLinks* out) {
  size_t pos = 0;
  while ((pos = script.find("createPageHTML(", pos)) != std::string::npos) {
    size_t start = pos;
    pos += 15;
    // Skip the definition `function createPageHTML(`.
    size_t k = start;
    while (k > 0 && IsSpace(static_cast<unsigned char>(script[k - 1]))) --k;
    if (k >= 8 && script.compare(k - 8, 8, "function") == 0) continue;
    size_t close = script.find(')', pos);
    if (close == std::string::npos) return;
    std::string args = script.substr(pos, close - pos);
    std::vector<std::string> parts;
    size_t b = 0;
    while (b <= args.size()) {
      size_t c = args.find(',', b);
      if (c == std::string::npos) c = args.size();
      parts.push_back(Collapse(args.substr(b, c - b)));
      b = c + 1;
    }
    std::vector<long> nums;
    std::vector<std::string> strs;
    for (const auto& p : parts) {
      if (p.empty()) continue;
      if (p.front() == '"' || p.front() == '\'') {
        if (!nums.empty()) strs.push_back(p.substr(1, p.size() >= 2 ? p.size() - 2 : 0));
      } else if (std::isdigit(static_cast<unsigned char>(p.front()))) {
        nums.push_back(std::atol(p.c_str()));
      } else {
        long v = FindAssignedInt(script, p);
        if (v >= 0) nums.push_back(v);
      }
    }
    if (!nums.empty() && nums[0] > 0) {
      out->page_count = static_cast<int>(std::min<long>(nums[0], 100000));
      if (strs.size() >= 2) {
        out->page_name = strs[0];
        out->page_ext = strs[1];
      }
      return;
    }
  }
  // Hanweb jpage: totalRecord / perpage.
  long total = FindAssignedInt(script, "totalRecord");
  long per = FindAssignedInt(script, "perpage");
  if (total >= 0 && per > 0) out->page_count = static_cast<int>(std::min<long>((total + per - 1) / per, 100000));
}

}  // namespace

Status ExtractLinks(std::string_view html, const std::string& base_url, const Selector* selector, PageLinks* out) {
  *out = PageLinks();
  Extractor ex{selector, out, {}, false, {}, {}};
  ex.have_base = common::Url::Parse(base_url, &ex.base).ok();
  htmlDocPtr doc = ParseHtml(html, base_url);
  if (!doc) return Status::InvalidArgument("unparseable HTML");
  ex.Walk(doc->children, false);
  xmlFreeDoc(doc);
  for (const auto& script : ex.scripts) {
    if (out->page_count == 0) ScanPager(script, out);
    // Hanweb datastore: each <record><![CDATA[ … ]]></record> is an HTML fragment.
    if (script.find("<datastore") == std::string::npos && script.find("<recordset") == std::string::npos) continue;
    size_t pos = 0;
    while ((pos = script.find("<![CDATA[", pos)) != std::string::npos) {
      pos += 9;
      size_t end = script.find("]]>", pos);
      if (end == std::string::npos) end = script.size();
      std::string fragment = "<html><body>" + script.substr(pos, end - pos) + "</body></html>";
      htmlDocPtr frag = ParseHtml(fragment, base_url);
      if (frag) {
        ex.Walk(frag->children, true);
        xmlFreeDoc(frag);
      }
      pos = end;
    }
  }
  return Status::OK();
}

std::string UrlExtension(const std::string& url) {
  size_t end = url.find_first_of("?#");
  if (end == std::string::npos) end = url.size();
  size_t slash = url.rfind('/', end);
  size_t dot = url.rfind('.', end);
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot + 1 >= end) return "";
  std::string ext = AsciiLower(url.substr(dot + 1, end - dot - 1));
  if (ext.size() > 8) return "";
  return ext;
}

}  // namespace sluice::fetch
