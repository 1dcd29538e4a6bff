// ContentExtractor: turns one HTML page into the notice it carries — clean text and metadata.
//
// The page is parsed with libxml2's HTML parser in recover mode. The main content is found in
// three ways, strongest first:
//   1. per-site rules from the configuration (XPath or simple CSS selectors to keep or drop);
//   2. known containers of Chinese government CMSes (.TRS_Editor, #zoom, #UCAP-CONTENT, …);
//   3. a general scorer for templates never seen before: every block of text is weighed by its
//      length, sentence punctuation and link density, boilerplate phrases (版权所有, 上一篇 …)
//      weigh against it, and the element whose subtree collects the most weight wins.
// Inside the chosen container, link lists, share/print bars, editor and source lines, pagers and
// attachment links are dropped; paragraphs, headings and list items become lines and table rows
// become TAB-joined cells. Text is kept as in the page (NFC, no width folding: the gold and the
// readers want the page's own punctuation), with whitespace collapsed.
//
// Metadata comes with the origin of each value (e.g. title ← "meta:ArticleTitle", publish_time ←
// "line:发布日期"): title, publish time (ISO 8601 with +08:00, or a bare date when the page gives
// only a day), source, 发文字号, 索引号, 信息类别, column, site name/domain/SiteIDCode, attachments
// and language. A 瑞数-style anti-bot stub (an empty body whose script sets a cookie and reloads)
// is reported as a challenge instead of an empty article.
//
// Thread safety: a ContentExtractor is immutable after Create; Extract may be called from any
// number of threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/status.h"

namespace sluice::clean {

// A file linked from the notice (附件).
struct AttachmentLink {
  std::string name;  // link text without the 附件N： prefix, e.g. 招聘岗位信息表.pdf
  std::string url;   // absolute URL
  std::string type;  // lower-case extension: pdf, doc, docx, xls, xlsx, zip, wps, ofd …
};

struct Extraction {
  bool challenge = false;        // an anti-bot stub, not a page
  std::string challenge_reason;  // why it looks like one
  std::string title;
  std::string text;              // one paragraph per line, table cells TAB-separated
  std::string publish_time;      // 2024-03-05T09:30:00+08:00, or 2024-03-05 when only the day is known
  std::string publisher;         // 来源 / 发布机构 / ContentSource
  std::string document_number;   // 发文字号, e.g. 教财厅函〔2024〕6号
  std::string index_number;      // 索引号 / 信息索引
  std::string info_category;     // 信息类别 / 主题分类
  std::string column;            // ColumnName or the breadcrumb's last item
  std::string site_name;
  std::string site_domain;
  std::string site_id_code;      // SiteIDCode / 网站标识码
  std::string language;          // BCP 47: zh-Hans, zh-Hant, en, … ("" when no text)
  std::string canonical_url;     // <link rel=canonical> / <meta name=Url>, resolved ("" if none)
  std::vector<AttachmentLink> attachments;
  std::vector<std::pair<std::string, std::string>> metadata;  // other facts: meta tags, info-table rows
  std::vector<std::pair<std::string, std::string>> origins;   // field → where its value came from
  std::string content_origin;    // how the text was found: rule:…, known:…, scorer, none
  int images = 0;                // <img> elements in the content container
};

// One per-site override. A rule applies when the page's host equals or ends with ".<host>" of
// one of `hosts` ("*" matches every page). Selectors are XPath when they start with '/' or '(',
// otherwise simple CSS: tag, #id, .class, [attr], [attr=value], [attr*=value], [attr^=value],
// descendant (space) and child (>) combinators, and comma-separated groups.
struct SiteRule {
  std::vector<std::string> hosts;
  std::vector<std::string> content;  // the main text is what these select (all matches, in order)
  std::vector<std::string> drop;     // removed before anything else looks at the page
  std::string title;                 // the title is the text of the first match
};

struct ExtractorOptions {
  bool known_containers = true;  // look for the known CMS containers first
  bool site_rules = true;        // apply `rules`
  // Extra container selectors tried before the built-in list (same syntax as SiteRule selectors).
  std::vector<std::string> extra_containers;
  std::vector<SiteRule> rules;
  // Unicode normalisation of the text and metadata: "nfc" (default; changes nothing visible),
  // "nfkc" (folds full-width forms and compatibility characters, e.g. （ → "("), or "none".
  std::string normalization = "nfc";
};

class ContentExtractor {
 public:
  // Compiles the selectors of `options`. Returns InvalidArgument naming the first selector that
  // does not compile, or an unknown normalisation.
  static Status Create(const ExtractorOptions& options, std::unique_ptr<ContentExtractor>* out);
  ~ContentExtractor();

  // Extracts the notice from UTF-8 `html` fetched from `url` (used to resolve links and to pick
  // the site rules; may be empty). Ill-formed UTF-8 is repaired, never fatal. Returns
  // InvalidArgument when the input is not HTML at all (binary data) or libxml2 yields no
  // document. A challenge stub is not an error: it returns OK with out->challenge set. An
  // article with no text (e.g. only images) returns OK with an empty text.
  Status Extract(std::string_view html, std::string_view url, Extraction* out) const;

  // The built-in list of known CMS containers, in the order they are tried.
  static const std::vector<std::string>& KnownContainers();

 private:
  struct Impl;
  explicit ContentExtractor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True when the first KB of `data` looks like binary data rather than text (NUL bytes or many
// control characters): such input is not a page.
bool LooksBinary(std::string_view data);

}  // namespace sluice::clean
