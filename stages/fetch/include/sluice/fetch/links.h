// Link discovery on list and article pages (libxml2's HTML parser in recover mode).
//
// Government CMSes hide their links in three places, and ExtractLinks looks in all of them:
//   * ordinary <a href> anywhere in the page, <noscript> included (a <base href> is honoured);
//   * Hanweb's list component, whose items exist only as CDATA inside
//     <script type="text/xml"><datastore><recordset><record><![CDATA[<li><a …>]]>, parsed here
//     as HTML fragments;
//   * pager scripts: TRS/集约化 `createPageHTML(count, current, "index", "html")` (and the
//     six-argument 集约化 variant with a div id first and variables for the numbers), Hanweb's
//     `totalRecord`/`perpage` — reported as a page count, not as links.
// For each link it records the anchor text (or title attribute), the date printed beside it in
// the same list item, and whether it matched the optional Selector.
//
// Thread safety: functions are reentrant; a Selector is immutable after Parse.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice::fetch {

// A small CSS selector subset for picking list links: groups separated by ',', compound
// selectors `tag`, `.class`, `#id`, `[attr]`, `[attr=value]` (any combination, `*` for any tag)
// joined by descendant (space) or child (`>`) combinators, e.g. "ul.more-list li a",
// "#list > li > a", "div.list a[target=_blank]".
class Selector {
 public:
  Selector();
  ~Selector();
  Selector(const Selector&);
  Selector& operator=(const Selector&);
  // Returns InvalidArgument naming the offending part of `text`.
  static Status Parse(std::string_view text, Selector* out);
  bool empty() const;
  const std::string& text() const;
  // Matches a libxml2 element node (xmlNode*), passed as void* to keep libxml2 out of this header.
  bool Matches(const void* xml_element) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

struct Link {
  std::string url;        // absolute, as resolved (not canonicalised)
  std::string text;       // anchor text, whitespace collapsed; the title attribute when longer
  std::string date;       // date shown next to it in the same item (YYYY-MM-DD), or ""
  bool selected = false;  // matched the selector (false when no selector was given)
  bool in_datastore = false;
};

struct PageLinks {
  std::vector<Link> links;    // in document order, duplicates (same url) removed
  int page_count = 0;         // from a pager script; 0 when the page has none
  std::string page_name;      // "index" from createPageHTML(…, "index", "html"), or ""
  std::string page_ext;       // "html" / "shtml", or ""
  size_t visible_text_bytes = 0;  // text outside <script>/<style>, whitespace removed
};

// Extracts the links of `html` (UTF-8). `base_url` is the page's final URL. `selector` may be
// null. Returns OK (best effort on broken HTML) or InvalidArgument when the page cannot be parsed
// at all.
Status ExtractLinks(std::string_view html, const std::string& base_url, const Selector* selector, PageLinks* out);

// Lower-case file extension of a URL path ("pdf" for …/P020240305.PDF?x=1), "" when none.
std::string UrlExtension(const std::string& url);

}  // namespace sluice::fetch
