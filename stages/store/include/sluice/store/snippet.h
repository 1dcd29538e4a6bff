// Snippets: the excerpt of a document shown under a search hit, with the query's terms marked.
//
// FTS5's snippet() and PostgreSQL's ts_headline work on the text they indexed, which for Chinese
// is the space-joined tokens, not what the page said; so the store cuts snippets itself from the
// stored text, the same way for both back ends: find the terms as typed (their runs when the
// whole term does not occur, e.g. "2024年 工作" typed with a space the text lacks), pick the
// window with the most distinct terms, collapse white space to single spaces, mark "…" where the
// text was cut. ASCII letters match case-insensitively.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/store/search_query.h"

namespace sluice::store {

struct Snippet {
  std::string text;                                   // the excerpt, UTF-8
  std::vector<std::pair<size_t, size_t>> highlights;  // [begin, end) byte ranges in `text`, ascending
};

// The strings to highlight for `query` in `text`: each term's surface, or its pieces when the
// surface does not occur in `text`.
std::vector<std::string> HighlightNeedles(const SearchQuery& query, std::string_view text);

// Cuts an excerpt of about `max_chars` characters from `text` around the needles. With no needle
// found, the excerpt is the beginning of the text.
Snippet MakeSnippet(std::string_view text, const std::vector<std::string>& needles, size_t max_chars);

// The snippet with every highlight wrapped in `open` … `close` (e.g. ANSI bold, or "[" "]").
std::string MarkSnippet(const Snippet& snippet, std::string_view open, std::string_view close);

// The highlights as code point offsets [begin, end) into snippet.text, for JSON consumers.
std::vector<std::pair<size_t, size_t>> HighlightCharOffsets(const Snippet& snippet);

}  // namespace sluice::store
