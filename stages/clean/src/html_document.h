// HtmlDocument: one parsed page, flattened for extraction (internal to the clean stage).
//
// libxml2's HTML parser (recover mode) builds the tree; one iterative pre-order walk then numbers
// every element (the number is stored in xmlNode::_private, so finding a node's record is O(1)),
// records its parent, subtree end, nearest block-level ancestor and flags, and attributes every
// text node to that block ancestor with its character, link and punctuation counts. Everything
// the extractor needs — the main-content scorer, the renderer, the metadata scanners — reads these
// arrays instead of re-walking the tree, and nothing recurses, so a page nested 10,000 levels
// deep costs no stack.
//
// All top-level nodes are walked, not only the root element: some CMS pages (www.gov.cn) close
// </html> after the header and put the article in a second top-level <html>, which libxml2 keeps
// as siblings of the first.
//
// Thread safety: a document is used by one thread; distinct documents are independent.
#pragma once

#include <libxml/tree.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/status.h"

namespace sluice::clean::internal {

enum class Tag : uint8_t {
  kOther,
  kA, kAddress, kArticle, kAside, kB, kBase, kBlockquote, kBody, kBr, kButton, kCaption, kCenter,
  kDd, kDetails, kDiv, kDl, kDt, kEm, kFieldset, kFigcaption, kFigure, kFont, kFooter, kForm,
  kFrameset, kH1, kH2, kH3, kH4, kH5, kH6, kHead, kHeader, kHr, kHtml, kI, kIframe, kImg, kInput,
  kLabel, kLegend, kLi, kLink, kMain, kMenu, kMeta, kNav, kNoscript, kObject, kOl, kOption, kP,
  kPre, kScript, kSection, kSelect, kSpan, kStrong, kStyle, kSummary, kSvg, kTable, kTbody, kTd,
  kTemplate, kTextarea, kTfoot, kTh, kThead, kTitle, kTr, kU, kUl, kVideo, kAudio, kCanvas, kMap,
  kEmbed, kMath, kDialog,
};

enum ElementFlag : uint16_t {
  kSkipped = 1 << 0,        // never rendered: script, style, form controls, hidden, dropped by rule
  kBlock = 1 << 1,          // block-level: starts a new line
  kHref = 1 << 2,           // an <a> with an href
  kInLink = 1 << 3,         // inside an <a href> (or is one)
  kHeading = 1 << 4,        // h1 … h6
  kContainsTable = 1 << 5,  // a <table> somewhere below
  kHidden = 1 << 6,         // display:none / hidden attribute / class hide (subset of kSkipped)
  kHasImage = 1 << 7,       // an <img> somewhere below
};

struct Element {
  xmlNode* node = nullptr;
  int parent = -1;
  int end = 0;    // pre-order index one past the last descendant
  int block = -1;  // nearest block-level ancestor-or-self: the owner of this element's inline text
  uint32_t depth = 0;
  Tag tag = Tag::kOther;
  uint16_t flags = 0;
  // Text this element owns as a block (inline text whose nearest block ancestor it is).
  int chars = 0;       // non-whitespace code points outside links
  int link_chars = 0;  // non-whitespace code points inside links
  int punct = 0;       // sentence punctuation outside links (，。！？；、 and , . ! ? ; before a space)
  int links = 0;       // <a href> elements whose nearest block ancestor this is
  int first_run = 0;   // the text runs of the subtree are runs()[first_run, run_end)
  int run_end = 0;
};

// One text node in document order.
struct TextRun {
  int elem = -1;   // parent element
  int owner = -1;  // nearest block ancestor of the parent
  std::string_view text;  // points into the libxml2 node; valid while the document lives
  bool in_link = false;
};

struct TextCounts {
  int chars = 0;  // non-whitespace code points
  int punct = 0;  // sentence punctuation
};

// Counts the non-whitespace code points and sentence punctuation of UTF-8 text.
TextCounts CountText(std::string_view utf8);

// True for the code points the extractor treats as blank: ASCII whitespace, NBSP, U+1680,
// U+2000–U+200B, U+2028/2029, U+202F, U+205F, U+3000 and U+FEFF.
bool IsBlankCodePoint(uint32_t cp);

// Decodes the UTF-8 code point at `s[i]` (the input must be valid UTF-8) and advances `i`.
uint32_t NextCodePoint(std::string_view s, size_t& i);

// Calls f(code point, its UTF-8 bytes) for each code point of valid UTF-8 `s`.
template <typename F>
void ForEachCodePoint(std::string_view s, F&& f) {
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    f(cp, s.substr(start, i - start));
  }
}

// `s` with blank runs (ideographic spaces excepted) collapsed to one space and trimmed.
std::string CollapseSpaces(std::string_view s);

class HtmlDocument {
 public:
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;

  // Parses UTF-8 HTML (ill-formed UTF-8 is repaired to U+FFFD first, so libxml2 never falls back
  // to Latin-1 halfway through). Returns InvalidArgument when libxml2 produces no document.
  static Status Parse(std::string_view html, std::unique_ptr<HtmlDocument>* out);

  xmlDoc* doc() const { return doc_; }
  const std::vector<Element>& elements() const { return elements_; }
  const std::vector<TextRun>& runs() const { return runs_; }
  const Element& element(int i) const { return elements_[static_cast<size_t>(i)]; }
  int size() const { return static_cast<int>(elements_.size()); }

  // The pre-order index of an element node, or -1 (not an element, or inside a skipped subtree).
  static int IndexOf(const xmlNode* node);

  // An attribute's value without allocating (nullptr when absent or not a plain value).
  static const char* Attr(const xmlNode* node, const char* name);

  // Marks element `i` and its subtree as skipped (a site rule dropped it). Text counts of the
  // subtree stay in the arrays; callers re-run their aggregation afterwards.
  void Skip(int i);

  // Calls f(token) for each token of the class and id attributes of element `i`, lower-cased
  // and split on spaces, '-' and '_' ("article-con TRS_UEDITOR" → article con trs ueditor);
  // stops early when f returns true. Returns whether f did. Allocates nothing for the tokens of
  // up to 63 bytes that matter.
  template <typename F>
  bool ForEachHintToken(int i, F&& f) const {
    const xmlNode* n = element(i).node;
    for (const char* attr : {"class", "id"}) {
      const char* v = Attr(n, attr);
      if (!v) continue;
      char buf[64];
      size_t len = 0;
      for (const char* p = v;; ++p) {
        char c = *p;
        if (c == 0 || c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == '\r') {
          if (len > 0 && len < sizeof buf && f(std::string_view(buf, len))) return true;
          len = 0;
          if (c == 0) break;
        } else if (len < sizeof buf) {
          buf[len++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        } else {
          len = sizeof buf;  // too long to be a hint: skipped
        }
      }
    }
    return false;
  }

  // True when a class/id token of element `i` is one of `tokens` (lower-case).
  bool HasHintToken(int i, std::initializer_list<std::string_view> tokens) const {
    return ForEachHintToken(i, [&](std::string_view t) {
      for (std::string_view w : tokens)
        if (t == w) return true;
      return false;
    });
  }

  // <head> facts collected during the walk.
  // <meta> name/property/itemprop/http-equiv (lower-cased, trimmed) → content, in page order.
  const std::vector<std::pair<std::string, std::string>>& metas() const { return metas_; }
  // The first meta content for `name` (case-insensitive), or "".
  std::string Meta(std::string_view name) const;
  const std::string& title() const { return title_; }      // <title> text, whitespace-collapsed
  const std::string& lang() const { return lang_; }        // <html lang>
  const std::string& base_href() const { return base_href_; }
  const std::string& canonical() const { return canonical_; }  // <link rel=canonical href>
  // Text of every <script> element (for challenge detection and inline JS configs).
  const std::vector<std::string_view>& scripts() const { return scripts_; }
  // Whether <body> (all of them) holds any non-whitespace text outside scripts/styles.
  int body_chars() const { return body_chars_; }
  int body_elements() const { return body_elements_; }
  bool has_meta_refresh() const { return meta_refresh_; }

 private:
  HtmlDocument() = default;
  void Walk();

  xmlDoc* doc_ = nullptr;
  std::vector<Element> elements_;
  std::vector<TextRun> runs_;
  std::vector<std::pair<std::string, std::string>> metas_;
  std::vector<std::string_view> scripts_;
  std::string title_, lang_, base_href_, canonical_;
  int body_chars_ = 0;
  int body_elements_ = 0;
  bool meta_refresh_ = false;
};

}  // namespace sluice::clean::internal
