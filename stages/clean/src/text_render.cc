#include "text_render.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace sluice::clean::internal {

bool IsWideCodePoint(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

namespace {

// The file type named by the extension of `name` ("" when it names no document type).
std::string FileType(std::string_view name) {
  size_t slash = name.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  size_t dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot + 1 >= base.size() || base.size() - dot > 6) return "";
  std::string ext(base.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kTypes[] = {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps",
                                 "ofd", "zip", "rar", "7z", "txt", "csv", "rtf", "ceb", "tif", "tiff"};
  for (const char* t : kTypes)
    if (ext == t) return ext;
  return "";
}

}  // namespace

std::string AttachmentType(std::string_view href) {
  size_t cut = href.find_first_of("?#");
  std::string type = FileType(href.substr(0, cut));
  if (!type.empty() || cut == std::string_view::npos || href[cut] != '?') return type;
  // Download scripts (downfile.jsp?filename=…, download.aspx?file=…) name the file in the query.
  std::string_view query = href.substr(cut + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (size_t eq = param.find('='); eq != std::string_view::npos) {
      type = FileType(param.substr(eq + 1));
      if (!type.empty()) return type;
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return "";
}

namespace {

// Accumulates the text of one line (or one table cell) with whitespace collapsing.
class TextBuffer {
 public:
  void Append(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      size_t start = i;
      uint32_t cp = NextCodePoint(s, i);
      if (cp == 0x3000) {
        if (text_.empty()) continue;  // indentation
        FlushSpace(cp);
        text_.append(s.substr(start, i - start));
        last_ = cp;
        continue;
      }
      if (IsBlankCodePoint(cp)) {
        if (!text_.empty()) {
          space_ = true;
          if (cp == '\n' || cp == '\r') newline_ = true;
        }
        continue;
      }
      FlushSpace(cp);
      text_.append(s.substr(start, i - start));
      last_ = cp;
    }
  }
  // A soft break inside a table cell.
  void Space() {
    if (!text_.empty()) space_ = true;
  }
  bool empty() const { return text_.empty(); }
  size_t size() const { return text_.size(); }
  // The trimmed text; resets the buffer.
  std::string Take() {
    std::string out;
    out.swap(text_);
    // Trim trailing ideographic spaces (ASCII blanks are never appended at the end).
    while (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xE3\x80\x80") == 0) out.resize(out.size() - 3);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    space_ = newline_ = false;
    last_ = 0;
    return out;
  }

 private:
  void FlushSpace(uint32_t next) {
    if (space_ && !(newline_ && IsWideCodePoint(last_) && IsWideCodePoint(next))) text_ += ' ';
    space_ = newline_ = false;
  }
  std::string text_;
  bool space_ = false;
  bool newline_ = false;
  uint32_t last_ = 0;
};

class Renderer {
 public:
  Renderer(const HtmlDocument& doc, const std::vector<uint8_t>& drop, std::vector<Line>* lines)
      : doc_(doc), drop_(drop), lines_(lines) {}

  void Run(int root) {
    xmlNode* top = doc_.element(root).node;
    xmlNode* n = top;
    while (n) {
      bool descend = Enter(n);
      if (descend && n->children) {
        n = n->children;
        continue;
      }
      if (n->type == XML_ELEMENT_NODE && descend) Leave(n);
      while (n != top && !n->next) {
        n = n->parent;
        if (!n) return;
        Leave(n);
      }
      if (n == top) break;
      n = n->next;
    }
    EndLine();
  }

  int images() const { return images_; }

 private:
  struct Table {
    int idx;
    std::vector<std::string> cells;
    bool in_row = false;
    int cell_depth = 0;  // > 0 while inside a cell
    TextBuffer cell;
    Line row;
  };

  bool Enter(xmlNode* n) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (!n->content) return false;
      std::string_view text(reinterpret_cast<const char*>(n->content));
      int parent = HtmlDocument::IndexOf(n->parent);
      bool in_link = parent >= 0 && (doc_.element(parent).flags & kInLink);
      AddText(text, in_link, parent);
      return false;
    }
    if (n->type != XML_ELEMENT_NODE) return false;
    int idx = HtmlDocument::IndexOf(n);
    if (idx < 0) return false;
    const Element& e = doc_.element(idx);
    if ((e.flags & kSkipped) || (!drop_.empty() && drop_[static_cast<size_t>(idx)])) return false;
    switch (e.tag) {
      case Tag::kBr:
        if (InCell()) tables_.back().cell.Space();
        else EndLine();
        return false;
      case Tag::kHr:
        if (!InCell()) EndLine();
        return false;
      case Tag::kImg:
        ++images_;
        return false;
      case Tag::kTable:
        if (!InCell()) EndLine();
        if (IsDataTable(idx)) tables_.push_back(Table{idx, {}, false, 0, {}, {}});
        return true;
      case Tag::kTr:
        if (DataTable(idx)) {
          FinishRow();
          tables_.back().in_row = true;
          tables_.back().row.elem = idx;
          return true;
        }
        break;
      case Tag::kTd:
      case Tag::kTh:
        if (DataTable(idx)) {
          Table& t = tables_.back();
          if (!t.in_row) {
            t.in_row = true;
            t.row.elem = idx;
          }
          ++t.cell_depth;
          return true;
        }
        break;
      case Tag::kA:
        if (e.flags & kHref) {
          Line& l = Current();
          ++l.links;
          if (!InCell()) link_start_ = buffer_.size();
          if (const char* href = HtmlDocument::Attr(n, "href"); href && !AttachmentType(href).empty())
            l.attachment = true;
        }
        return true;
      default:
        break;
    }
    if ((e.flags & kBlock) && !InCell()) {
      EndLine();
      if (e.flags & kHeading) heading_ = true;
    } else if ((e.flags & kBlock) && InCell()) {
      tables_.back().cell.Space();
    }
    return true;
  }

  void Leave(xmlNode* n) {
    int idx = HtmlDocument::IndexOf(n);
    if (idx < 0) return;
    const Element& e = doc_.element(idx);
    switch (e.tag) {
      case Tag::kA:
        if ((e.flags & kHref) && !InCell() && link_start_ != std::string::npos) {
          link_end_ = buffer_.size();
          link_begin_ = link_start_;
        }
        break;
      case Tag::kTable:
        if (!tables_.empty() && tables_.back().idx == idx) {
          FinishRow();
          tables_.pop_back();
        }
        if (!InCell()) EndLine();
        return;
      case Tag::kTr:
        if (DataTable(idx)) {
          FinishRow();
          return;
        }
        break;
      case Tag::kTd:
      case Tag::kTh:
        if (DataTable(idx)) {
          Table& t = tables_.back();
          if (t.cell_depth > 0) --t.cell_depth;
          t.cells.push_back(t.cell.Take());
          return;
        }
        break;
      default:
        break;
    }
    if ((e.flags & kBlock) && !InCell()) {
      EndLine();
      if (e.flags & kHeading) heading_ = false;
    } else if ((e.flags & kBlock) && InCell()) {
      tables_.back().cell.Space();
    }
  }

  // A data table holds no tables and its cells hold at most a couple of paragraphs each (Word
  // exports put a <p> in every cell); a table whose cell holds a whole article is layout.
  bool IsDataTable(int table) const {
    const Element& t = doc_.element(table);
    if (t.flags & kContainsTable) return false;
    int cell = -1, cell_end = -1, blocks = 0;
    for (int i = table + 1; i < t.end; ++i) {
      const Element& e = doc_.element(i);
      if (e.tag == Tag::kTd || e.tag == Tag::kTh) {
        cell = i;
        cell_end = e.end;
        blocks = 0;
        continue;
      }
      if (cell >= 0 && i < cell_end && (e.flags & kBlock) && e.chars + e.link_chars > 0 && ++blocks >= 3) return false;
    }
    return true;
  }

  // Whether element `idx` (a tr/td/th) belongs to the innermost data table being rendered.
  bool DataTable(int idx) const {
    if (tables_.empty()) return false;
    int table = tables_.back().idx;
    return idx > table && idx < doc_.element(table).end;
  }
  bool InCell() const { return !tables_.empty() && tables_.back().cell_depth > 0; }

  Line& Current() {
    if (!tables_.empty() && tables_.back().in_row) return tables_.back().row;
    return line_;
  }

  void AddText(std::string_view text, bool in_link, int parent) {
    TextCounts tc = CountText(text);
    Line& l = Current();
    if (l.elem < 0) l.elem = parent;
    l.chars += tc.chars;
    if (in_link) l.link_chars += tc.chars;
    if (InCell()) {
      tables_.back().cell.Append(text);
    } else if (!tables_.empty() && tables_.back().in_row) {
      // Text between cells of a row (rare): treat as its own cell.
      tables_.back().cell.Append(text);
    } else {
      buffer_.Append(text);
    }
  }

  void FinishRow() {
    Table& t = tables_.back();
    if (!t.cell.empty()) t.cells.push_back(t.cell.Take());
    if (!t.in_row) return;
    while (!t.cells.empty() && t.cells.back().empty()) t.cells.pop_back();
    bool any = std::any_of(t.cells.begin(), t.cells.end(), [](const std::string& c) { return !c.empty(); });
    if (any) {
      std::string text;
      for (size_t i = 0; i < t.cells.size(); ++i) {
        if (i) text += '\t';
        text += t.cells[i];
      }
      t.row.text = std::move(text);
      t.row.table_row = true;
      lines_->push_back(std::move(t.row));
    }
    t.row = Line();
    t.cells.clear();
    t.in_row = false;
    t.cell_depth = 0;
  }

  void EndLine() {
    bool tail = link_end_ != std::string::npos && link_end_ == buffer_.size() && link_begin_ < link_end_;
    size_t tail_at = link_begin_;
    link_start_ = link_begin_ = link_end_ = std::string::npos;
    std::string text = buffer_.Take();
    if (tail && tail_at < text.size()) line_.tail_link = tail_at;
    if (!text.empty()) {
      line_.text = std::move(text);
      line_.heading = line_.heading || heading_;
      lines_->push_back(std::move(line_));
    }
    line_ = Line();
  }

  const HtmlDocument& doc_;
  const std::vector<uint8_t>& drop_;
  std::vector<Line>* lines_;
  std::vector<Table> tables_;
  TextBuffer buffer_;
  Line line_;
  bool heading_ = false;
  int images_ = 0;
  size_t link_start_ = std::string::npos, link_begin_ = std::string::npos, link_end_ = std::string::npos;
};

}  // namespace

void RenderLines(const HtmlDocument& doc, int root, const std::vector<uint8_t>& drop, std::vector<Line>* lines,
                 int* images) {
  if (root < 0 || root >= doc.size()) return;
  Renderer r(doc, drop, lines);
  r.Run(root);
  if (images) *images = r.images();
}

}  // namespace sluice::clean::internal
