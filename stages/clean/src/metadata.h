// Metadata of a notice: title, publish time, source, 发文字号 and the rest (internal).
//
// Evidence is read from three places, each value keeping where it came from:
//  * <meta> tags, names compared case-insensitively (Hanweb writes contentSource, Maketime);
//  * labelled text — "发布日期：…", "来源：…", the 信息公开 tables (索引号 / 发布机构 / 文号 …) —
//    found anywhere a colon follows a known label, the value running to the next label or
//    separator, or sitting in the next cell when the label's own cell ends with the colon;
//  * the page's shape: the heading nearest above the text, the breadcrumb, the footer, the URL.
// Labelled values nearest above the article win over those further away or below it.
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <vector>

#include "boilerplate.h"
#include "html_document.h"
#include "sluice/clean/content_extractor.h"
#include "text_render.h"

namespace sluice::clean::internal {

struct TitleResult {
  std::string title;
  std::string origin;   // meta:ArticleTitle, heading:h1, title, container …
  int element = -1;     // the heading element, when the title was seen on the page
};

// Finds the title among the headings above `body_start` (the first prose element of the
// container; -1 when there is no container). `lines` are the container's rendered lines before
// filtering (a heading spread over the first lines is found there); `rule_title` is the text
// selected by a site rule (empty when none).
TitleResult FindTitle(const HtmlDocument& doc, int body_start, const std::vector<Line>& lines,
                      const std::string& rule_title);

// Fills everything but title and text: publish time, publisher, 发文字号, 索引号, 信息类别, column,
// site facts, attachments, canonical URL and the metadata map, with their origins. `container`
// and `body_start` as above (-1 when none); labelled values above body_start are the article's
// header, those inside the body are text. `url` is the page URL (may be empty), `title_element`
// the heading found by FindTitle (-1 when none).
void FindMetadata(const HtmlDocument& doc, int container, int body_start, int title_element, const std::string& url,
                  const FilterNotes& notes, Extraction* out);

// The language of `text` as BCP 47 (zh-Hans, zh-Hant, en, …), using `declared` (<html lang>)
// when the text is inconclusive; "" when there is no text.
std::string DetectLanguage(const std::string& text, const std::string& declared);

// Resolves `href` against `base` (RFC 3986); `href` unchanged when `base` is empty or either
// does not parse.
std::string ResolveHref(const std::string& base, const std::string& href);

// True when `s`, blanks removed, is one of the labels of the 信息公开 fields (索引号, 发布机构,
// 发文字号, 成文日期 …), the way an info table writes them in a cell of their own.
bool IsFieldLabel(std::string_view s);

// True when `s` (trimmed) is a whole 发文字号 such as 教财厅函〔2024〕6号 or 桂政发[2021]35号.
bool IsDocumentNumber(std::string_view s);

}  // namespace sluice::clean::internal
