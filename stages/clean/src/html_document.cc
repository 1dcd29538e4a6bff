#include "html_document.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "sluice/ascii.h"
#include "sluice/common/charset.h"

namespace sluice::clean::internal {

namespace {

const std::unordered_map<std::string_view, Tag>& TagTable() {
  static const auto* table = new std::unordered_map<std::string_view, Tag>{
      {"a", Tag::kA}, {"address", Tag::kAddress}, {"article", Tag::kArticle}, {"aside", Tag::kAside},
      {"b", Tag::kB}, {"base", Tag::kBase}, {"blockquote", Tag::kBlockquote}, {"body", Tag::kBody},
      {"br", Tag::kBr}, {"button", Tag::kButton}, {"caption", Tag::kCaption}, {"center", Tag::kCenter},
      {"dd", Tag::kDd}, {"details", Tag::kDetails}, {"div", Tag::kDiv}, {"dl", Tag::kDl},
      {"dt", Tag::kDt}, {"em", Tag::kEm}, {"fieldset", Tag::kFieldset}, {"figcaption", Tag::kFigcaption},
      {"figure", Tag::kFigure}, {"font", Tag::kFont}, {"footer", Tag::kFooter}, {"form", Tag::kForm},
      {"frameset", Tag::kFrameset}, {"h1", Tag::kH1}, {"h2", Tag::kH2}, {"h3", Tag::kH3},
      {"h4", Tag::kH4}, {"h5", Tag::kH5}, {"h6", Tag::kH6}, {"head", Tag::kHead},
      {"header", Tag::kHeader}, {"hr", Tag::kHr}, {"html", Tag::kHtml}, {"i", Tag::kI},
      {"iframe", Tag::kIframe}, {"img", Tag::kImg}, {"input", Tag::kInput}, {"label", Tag::kLabel},
      {"legend", Tag::kLegend}, {"li", Tag::kLi}, {"link", Tag::kLink}, {"main", Tag::kMain},
      {"menu", Tag::kMenu}, {"meta", Tag::kMeta}, {"nav", Tag::kNav}, {"noscript", Tag::kNoscript},
      {"object", Tag::kObject}, {"ol", Tag::kOl}, {"option", Tag::kOption}, {"p", Tag::kP},
      {"pre", Tag::kPre}, {"script", Tag::kScript}, {"section", Tag::kSection}, {"select", Tag::kSelect},
      {"span", Tag::kSpan}, {"strong", Tag::kStrong}, {"style", Tag::kStyle}, {"summary", Tag::kSummary},
      {"svg", Tag::kSvg}, {"table", Tag::kTable}, {"tbody", Tag::kTbody}, {"td", Tag::kTd},
      {"template", Tag::kTemplate}, {"textarea", Tag::kTextarea}, {"tfoot", Tag::kTfoot},
      {"th", Tag::kTh}, {"thead", Tag::kThead}, {"title", Tag::kTitle}, {"tr", Tag::kTr},
      {"u", Tag::kU}, {"ul", Tag::kUl}, {"video", Tag::kVideo}, {"audio", Tag::kAudio},
      {"canvas", Tag::kCanvas}, {"map", Tag::kMap}, {"embed", Tag::kEmbed}, {"math", Tag::kMath},
      {"dialog", Tag::kDialog},
  };
  return *table;
}

Tag LookupTag(const xmlChar* name) {
  if (!name) return Tag::kOther;
  const auto& table = TagTable();
  auto it = table.find(reinterpret_cast<const char*>(name));
  return it == table.end() ? Tag::kOther : it->second;
}

bool IsBlockTag(Tag t) {
  switch (t) {
    case Tag::kAddress: case Tag::kArticle: case Tag::kAside: case Tag::kBlockquote: case Tag::kBody:
    case Tag::kCaption: case Tag::kCenter: case Tag::kDd: case Tag::kDetails: case Tag::kDiv:
    case Tag::kDl: case Tag::kDt: case Tag::kFieldset: case Tag::kFigcaption: case Tag::kFigure:
    case Tag::kFooter: case Tag::kForm: case Tag::kFrameset: case Tag::kH1: case Tag::kH2:
    case Tag::kH3: case Tag::kH4: case Tag::kH5: case Tag::kH6: case Tag::kHeader: case Tag::kHr:
    case Tag::kHtml: case Tag::kLegend: case Tag::kLi: case Tag::kMain: case Tag::kMenu:
    case Tag::kNav: case Tag::kOl: case Tag::kP: case Tag::kPre: case Tag::kSection:
    case Tag::kSummary: case Tag::kTable: case Tag::kTbody: case Tag::kTd: case Tag::kTfoot:
    case Tag::kTh: case Tag::kThead: case Tag::kTr: case Tag::kUl: case Tag::kDialog:
      return true;
    default:
      return false;
  }
}

// Elements whose content is never article text.
bool IsSkippedTag(Tag t) {
  switch (t) {
    case Tag::kHead: case Tag::kScript: case Tag::kStyle: case Tag::kNoscript: case Tag::kTemplate:
    case Tag::kIframe: case Tag::kSvg: case Tag::kMath: case Tag::kObject: case Tag::kEmbed:
    case Tag::kCanvas: case Tag::kSelect: case Tag::kOption: case Tag::kTextarea: case Tag::kButton:
    case Tag::kInput: case Tag::kTitle: case Tag::kMeta: case Tag::kLink: case Tag::kBase:
    case Tag::kVideo: case Tag::kAudio: case Tag::kMap:
      return true;
    default:
      return false;
  }
}

bool IsHidden(const xmlNode* node) {
  if (HtmlDocument::Attr(node, "hidden")) return true;
  if (const char* style = HtmlDocument::Attr(node, "style")) {
    std::string s;
    for (const char* p = style; *p; ++p)
      if (!std::isspace(static_cast<unsigned char>(*p))) s += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    if (s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos) return true;
  }
  if (const char* cls = HtmlDocument::Attr(node, "class")) {
    std::string_view c(cls);
    size_t i = 0;
    while (i < c.size()) {
      while (i < c.size() && std::isspace(static_cast<unsigned char>(c[i]))) ++i;
      size_t j = i;
      while (j < c.size() && !std::isspace(static_cast<unsigned char>(c[j]))) ++j;
      std::string tok = AsciiLower(c.substr(i, j - i));
      if (tok == "hide" || tok == "hidden" || tok == "display-none" || tok == "d-none") return true;
      i = j;
    }
  }
  return false;
}

std::string NodeText(const xmlNode* node) {
  std::string out;
  for (const xmlNode* c = node->children; c; c = c->next)
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
      out += reinterpret_cast<const char*>(c->content);
  return out;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  ForEachCodePoint(s, [&](uint32_t cp, std::string_view bytes) {
    if (IsBlankCodePoint(cp) && cp != 0x3000) {
      space = !out.empty();
      return;
    }
    if (space) out += ' ';
    space = false;
    out.append(bytes);
  });
  return out;
}

bool IsBlankCodePoint(uint32_t cp) {
  if (cp <= 0x20) return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0;
  if (cp < 0xA0) return false;
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

uint32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  uint32_t cp = len == 4 ? (c & 0x07) : len == 3 ? (c & 0x0F) : len == 2 ? (c & 0x1F) : 0xFFFD;
  size_t j = i + 1;
  for (int k = 1; k < len && j < s.size(); ++k, ++j) cp = (cp << 6) | (static_cast<unsigned char>(s[j]) & 0x3F);
  i = std::min(s.size(), i + static_cast<size_t>(len));
  return cp;
}

TextCounts CountText(std::string_view s) {
  TextCounts tc;
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = NextCodePoint(s, i);
    if (IsBlankCodePoint(cp)) continue;
    ++tc.chars;
    switch (cp) {
      case 0xFF0C: case 0x3002: case 0xFF01: case 0xFF1F: case 0xFF1B: case 0x3001:
        ++tc.punct;
        break;
      case ',': case ';':
        if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) ++tc.punct;
        break;
      case '.': case '!': case '?':
        if (i >= s.size() || s[i] == ' ' || s[i] == '\n') ++tc.punct;
        break;
      default:
        break;
    }
  }
  return tc;
}

HtmlDocument::~HtmlDocument() {
  if (doc_) xmlFreeDoc(doc_);
}

Status HtmlDocument::Parse(std::string_view html, std::unique_ptr<HtmlDocument>* out) {
  InitLibxml();
  std::string repaired;
  if (!common::IsValidUtf8(html)) {
    repaired = common::SanitizeUtf8(html);
    html = repaired;
  }
  // Text in front of <!DOCTYPE> was not written by the page's author (a crawler's log line, a
  // proxy banner saved with the file); libxml2 would make it the first paragraph.
  if (size_t lt = html.find('<'); lt != std::string_view::npos && lt > 0 && html.size() - lt >= 9) {
    std::string_view tag = html.substr(lt, 9);
    bool doctype = tag[1] == '!' && (tag[2] == 'D' || tag[2] == 'd') && (tag[3] == 'O' || tag[3] == 'o');
    if (doctype) html.remove_prefix(lt);
  }
  if (html.size() > static_cast<size_t>(INT32_MAX)) return Status::InvalidArgument("page larger than 2 GB");
  // HUGE lifts libxml2's 256-level depth and 10 MB text-node limits, beyond which it silently
  // drops the rest of the page; callers bound the input size themselves. IGNORE_ENC: the input
  // is UTF-8 already, whatever its <meta charset> claims.
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                      HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD | XML_PARSE_HUGE;
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", options);
  if (!doc) return Status::InvalidArgument("libxml2 could not parse the page");
  std::unique_ptr<HtmlDocument> d(new HtmlDocument());
  d->doc_ = doc;
  d->Walk();
  *out = std::move(d);
  return Status::OK();
}

int HtmlDocument::IndexOf(const xmlNode* node) {
  if (!node || node->type != XML_ELEMENT_NODE || !node->_private) return -1;
  return static_cast<int>(reinterpret_cast<intptr_t>(node->_private)) - 1;
}

const char* HtmlDocument::Attr(const xmlNode* node, const char* name) {
  if (!node || node->type != XML_ELEMENT_NODE) return nullptr;
  for (const xmlAttr* a = node->properties; a; a = a->next) {
    // The HTML parser lower-cases attribute names; callers ask in lower case.
    if (!a->name || std::strcmp(reinterpret_cast<const char*>(a->name), name) != 0) continue;
    if (!a->children) return "";
    if (a->children->type == XML_TEXT_NODE && !a->children->next && a->children->content)
      return reinterpret_cast<const char*>(a->children->content);
    return "";
  }
  return nullptr;
}

std::string HtmlDocument::Meta(std::string_view name) const {
  std::string key = AsciiLower(name);
  for (const auto& [k, v] : metas_)
    if (k == key) return v;
  return "";
}

void HtmlDocument::Skip(int i) {
  Element& e = elements_[static_cast<size_t>(i)];
  for (int k = i; k < e.end; ++k) elements_[static_cast<size_t>(k)].flags |= kSkipped;
}

void HtmlDocument::Walk() {
  // Iterative pre-order walk over every top-level node. `open` holds the indices of the elements
  // whose subtree is being walked.
  std::vector<int> open;
  auto close = [&](xmlNode* n) {
    int idx = IndexOf(n);
    if (idx < 0) return;
    Element& e = elements_[static_cast<size_t>(idx)];
    e.end = static_cast<int>(elements_.size());
    e.run_end = static_cast<int>(runs_.size());
    if (e.parent >= 0) {
      Element& p = elements_[static_cast<size_t>(e.parent)];
      if (e.tag == Tag::kTable || (e.flags & kContainsTable)) p.flags |= kContainsTable;
      if (e.tag == Tag::kImg || (e.flags & kHasImage)) p.flags |= kHasImage;
    }
    if (!open.empty() && open.back() == idx) open.pop_back();
  };

  xmlNode* n = doc_->children;
  while (n) {
    bool descend = false;
    if (n->type == XML_ELEMENT_NODE) {
      int idx = static_cast<int>(elements_.size());
      Element e;
      e.node = n;
      e.first_run = static_cast<int>(runs_.size());
      e.parent = open.empty() ? -1 : open.back();
      const Element* parent = e.parent >= 0 ? &elements_[static_cast<size_t>(e.parent)] : nullptr;
      e.depth = parent ? parent->depth + 1 : 0;
      e.tag = LookupTag(n->name);
      uint16_t inherited = parent ? (parent->flags & (kSkipped | kInLink | kHidden)) : 0;
      e.flags = inherited;
      if (IsBlockTag(e.tag)) e.flags |= kBlock;
      if (e.tag >= Tag::kH1 && e.tag <= Tag::kH6) e.flags |= kHeading;
      if (IsSkippedTag(e.tag)) e.flags |= kSkipped;
      if (!(e.flags & kSkipped) && IsHidden(n)) e.flags |= kSkipped | kHidden;
      if (e.tag == Tag::kA && Attr(n, "href")) e.flags |= kHref | kInLink;
      e.block = (e.flags & kBlock) || !parent ? idx : parent->block;
      // `parent` points into elements_, which the push_back below may move.
      const bool in_head = parent && parent->tag == Tag::kHead;
      parent = nullptr;
      if ((e.flags & kHref) && !(e.flags & kSkipped) && e.block >= 0) elements_[static_cast<size_t>(e.block)].links++;
      n->_private = reinterpret_cast<void*>(static_cast<intptr_t>(idx + 1));
      elements_.push_back(e);

      switch (e.tag) {
        case Tag::kMeta: {
          const char* content = Attr(n, "content");
          const char* key = nullptr;
          for (const char* a : {"name", "property", "itemprop", "http-equiv"})
            if ((key = Attr(n, a)) != nullptr) break;
          if (key && content) {
            std::string k = AsciiLower(CollapseSpaces(key));
            if (k == "refresh") meta_refresh_ = true;
            metas_.emplace_back(std::move(k), CollapseSpaces(content));
          }
          break;
        }
        case Tag::kTitle:
          if (title_.empty()) title_ = CollapseSpaces(NodeText(n));
          break;
        case Tag::kHtml:
          if (const char* l = Attr(n, "lang"); l && lang_.empty()) lang_ = l;
          descend = true;
          break;
        case Tag::kBase:
          if (const char* h = Attr(n, "href"); h && base_href_.empty()) base_href_ = h;
          break;
        case Tag::kLink:
          if (const char* rel = Attr(n, "rel"); rel && AsciiLower(rel) == "canonical")
            if (const char* h = Attr(n, "href"); h && canonical_.empty()) canonical_ = h;
          break;
        case Tag::kScript:
          for (const xmlNode* c = n->children; c; c = c->next)
            if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
              scripts_.emplace_back(reinterpret_cast<const char*>(c->content));
          break;
        case Tag::kHead:
          descend = true;  // for <meta>, <title>, <base>, <link> and scripts
          break;
        default:
          descend = !(e.flags & kSkipped) || in_head;
          break;
      }
      if (!(e.flags & kSkipped) && e.tag != Tag::kHtml) ++body_elements_;
      if (descend && n->children) {
        open.push_back(idx);
        n = n->children;
        continue;
      }
    } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content && !open.empty()) {
      const Element& parent = elements_[static_cast<size_t>(open.back())];
      if (!(parent.flags & kSkipped)) {
        std::string_view text(reinterpret_cast<const char*>(n->content));
        TextCounts tc = CountText(text);
        if (tc.chars > 0) {
          int owner = parent.block >= 0 ? parent.block : open.back();
          bool in_link = parent.flags & kInLink;
          Element& o = elements_[static_cast<size_t>(owner)];
          if (in_link) {
            o.link_chars += tc.chars;
          } else {
            o.chars += tc.chars;
            o.punct += tc.punct;
          }
          body_chars_ += tc.chars;
          runs_.push_back(TextRun{open.back(), owner, text, in_link});
        }
      }
    }
    // Leave `n` (its subtree is done), then climb while there is no next sibling.
    if (n->type == XML_ELEMENT_NODE) close(n);
    while (n && !n->next) {
      n = n->parent;
      if (!n || n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
        n = nullptr;
        break;
      }
      close(n);
    }
    if (n) n = n->next;
  }
  // Elements still open (should not happen) end at the last element.
  for (int idx : open) {
    elements_[static_cast<size_t>(idx)].end = static_cast<int>(elements_.size());
    elements_[static_cast<size_t>(idx)].run_end = static_cast<int>(runs_.size());
  }
}

}  // namespace sluice::clean::internal
