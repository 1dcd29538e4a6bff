// What is not the notice, even inside its container (internal to the clean stage).
//
// Two kinds of knowledge, both generic to Chinese government and news pages (no site is named):
//  * phrases that mark page furniture — footers (主办单位, 网站标识码, ICP备), navigation (当前位置,
//    上一篇/下一篇), tools (分享到, 打印, 关闭窗口, 字号) — used by the scorer to weigh blocks
//    against the article and by the line filter;
//  * line shapes that surround an article inside its container — editor and source credits
//    (责任编辑：, 来源：, 编辑|), promo links (点击进入…>>, 返回…首页), pagers (【1】【2】), attachment
//    link lines, the title repeated as the first line, WeChat account footers — which the line
//    filter removes.
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text_render.h"

namespace sluice::clean::internal {

// True when a short block of text is page furniture (footer, navigation, share/print tools).
bool IsFurniturePhrase(std::string_view text);

// `v` without the file size a download list prints after a name (（2.1MB）, (123KB), [56K]).
std::string_view StripFileSize(std::string_view v);

// True for a dated metadata line (发布日期：2024-03-05 来源：…): the article's header, not prose.
bool IsMetaLine(std::string_view text);

// What the line filter found while removing lines.
struct FilterNotes {
  std::string source;       // value of a 来源：… credit line dropped from the body
  std::string source_line;  // that line
  int dropped = 0;
};

// Removes boilerplate lines from the rendered container text (see above). `title` (may be empty)
// is the page's title: leading lines that spell it (ignoring whitespace) are dropped.
void FilterLines(std::vector<Line>* lines, const std::string& title, FilterNotes* notes);

// `s` without whitespace (any blank code point), for comparisons.
std::string StripBlanks(std::string_view s);

// True when `s` starts with `prefix`.
inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
inline bool Contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// If `text` starts with one of `labels` followed by a colon (： or :), or by '|', '丨' or '/',
// returns the rest after the separator (untrimmed) and sets *label; else returns nullopt-like
// false.
bool MatchLabel(std::string_view text, const std::vector<std::string_view>& labels, std::string_view* label,
                std::string_view* rest, bool allow_bar = false);

// Trims blanks (ASCII, NBSP, U+3000, …) from both ends.
std::string_view TrimBlanks(std::string_view s);

}  // namespace sluice::clean::internal
