// Rendering a content container to lines of text (internal to the clean stage).
//
// Block elements (p, div, li, h1–h6, …) and <br> end a line; inline elements join. A data table
// (one with no table inside it) becomes one line per row with the cells joined by TAB, and block
// structure inside a cell collapses to spaces; a layout table (tables inside tables, the way
// Hanweb and VSB pages are built) is walked like nested divs. Whitespace runs collapse to one
// space; a run that held a line break between two wide (CJK) characters disappears, as CSS does
// for East Asian text. Ideographic spaces (U+3000) inside a line are kept, indentation is not.
//
// Each line remembers what the boilerplate filters need: its size, how much of it is link text,
// whether it links to an attachment, and whether it is a heading.
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "html_document.h"

namespace sluice::clean::internal {

struct Line {
  std::string text;
  int elem = -1;         // element that started the line
  int chars = 0;         // non-blank code points
  int link_chars = 0;    // of which inside links
  int links = 0;         // <a href> elements on the line
  bool attachment = false;  // links to a file (pdf, doc, …)
  bool heading = false;
  bool table_row = false;
  // Byte offset in `text` where a link that ends the line begins (npos when the line does not
  // end with a link): "…整顿仍将持续。返回腾讯网首页>>".
  size_t tail_link = std::string::npos;
};

// Renders the subtree of element `root`. Elements flagged kSkipped and elements with a non-zero
// entry in `drop` (indexed like doc.elements(); may be empty) are left out with their subtrees.
// `images` (optional) receives the number of <img> elements rendered past.
void RenderLines(const HtmlDocument& doc, int root, const std::vector<uint8_t>& drop,
                 std::vector<Line>* lines, int* images = nullptr);

// True for code points of the wide East Asian scripts (CJK ideographs, kana, hangul, full-width
// forms and CJK punctuation).
bool IsWideCodePoint(uint32_t cp);

// The lower-case file extension when `href` points at a document a notice attaches (pdf, doc,
// docx, xls, xlsx, ppt, pptx, wps, et, dps, ofd, zip, rar, 7z, txt, csv, rtf, ceb, tif), else "".
std::string AttachmentType(std::string_view href);

}  // namespace sluice::clean::internal
