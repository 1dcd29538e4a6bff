#include "metadata.h"

#include <libxml/uri.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "date_time.h"
#include "sluice/ascii.h"

namespace sluice::clean::internal {

namespace {

enum class Field { kSource, kIssuer, kDocNo, kIndex, kCategory, kPubDate, kPubDateOther, kTitle, kAuthor, kOther };

struct LabelDef {
  std::string_view label;
  Field field;
};

constexpr LabelDef kLabels[] = {
    {"来源", Field::kSource}, {"信息来源", Field::kSource}, {"来源于", Field::kSource}, {"文章来源", Field::kSource},
    {"稿件来源", Field::kSource}, {"新闻来源", Field::kSource}, {"内容来源", Field::kSource},
    {"出处", Field::kSource}, {"文章出处", Field::kSource}, {"稿源", Field::kSource}, {"供稿", Field::kSource},
    {"供稿单位", Field::kSource}, {"信息提供", Field::kSource}, {"发布者", Field::kSource},
    {"来源单位", Field::kSource}, {"信息来源单位", Field::kSource}, {"发稿单位", Field::kSource},
    {"供稿部门", Field::kSource}, {"发布部门", Field::kIssuer},
    {"发布机构", Field::kIssuer}, {"发文机构", Field::kIssuer}, {"发文机关", Field::kIssuer},
    {"发布单位", Field::kIssuer}, {"发文单位", Field::kIssuer}, {"制发机关", Field::kIssuer},
    {"发文字号", Field::kDocNo}, {"文号", Field::kDocNo}, {"发文号", Field::kDocNo}, {"文件编号", Field::kDocNo},
    {"文件字号", Field::kDocNo}, {"发文文号", Field::kDocNo},
    {"索引号", Field::kIndex}, {"信息索引", Field::kIndex}, {"索取号", Field::kIndex}, {"信息索引号", Field::kIndex},
    {"内容索引", Field::kIndex},
    {"信息类别", Field::kCategory}, {"主题分类", Field::kCategory}, {"信息分类", Field::kCategory},
    {"发布日期", Field::kPubDate}, {"发布时间", Field::kPubDate}, {"发表时间", Field::kPubDate},
    {"日期", Field::kPubDate}, {"时间", Field::kPubDate}, {"发稿时间", Field::kPubDate},
    {"公开日期", Field::kPubDateOther}, {"生成日期", Field::kPubDateOther}, {"成文日期", Field::kPubDateOther},
    {"印发日期", Field::kPubDateOther}, {"更新时间", Field::kPubDateOther}, {"上传时间", Field::kPubDateOther},
    {"发文日期", Field::kPubDateOther}, {"更新日期", Field::kPubDateOther},
    // When the page was entered into the CMS (ASP systems): no later than its publication.
    {"录入时间", Field::kPubDateOther}, {"录入日期", Field::kPubDateOther}, {"添加时间", Field::kPubDateOther},
    {"加入时间", Field::kPubDateOther},
    {"标题", Field::kTitle}, {"信息名称", Field::kTitle}, {"名称", Field::kTitle}, {"文件名称", Field::kTitle},
    {"作者", Field::kAuthor}, {"责任编辑", Field::kAuthor}, {"编辑", Field::kAuthor}, {"责编", Field::kAuthor},
    {"浏览次数", Field::kOther}, {"点击数", Field::kOther}, {"浏览", Field::kOther}, {"点击", Field::kOther},
    {"阅读", Field::kOther}, {"字号", Field::kOther}, {"字体", Field::kOther}, {"公开方式", Field::kOther},
    {"内容概述", Field::kOther}, {"主题词", Field::kOther}, {"关键词", Field::kOther}, {"有效性", Field::kOther},
    {"分享到", Field::kOther}, {"公开范围", Field::kOther}, {"公开时限", Field::kOther}, {"所属机构", Field::kOther},
    {"访问量", Field::kOther}, {"阅读量", Field::kOther}, {"阅读次数", Field::kOther},
    // Traditional characters (Hong Kong, Macao, Taiwan pages and their mirrors).
    {"來源", Field::kSource}, {"資料來源", Field::kSource}, {"資訊來源", Field::kSource}, {"信息來源", Field::kSource},
    {"文章來源", Field::kSource}, {"新聞來源", Field::kSource}, {"稿件來源", Field::kSource},
    {"發布機構", Field::kIssuer}, {"發佈機構", Field::kIssuer}, {"發文機關", Field::kIssuer}, {"發布單位", Field::kIssuer},
    {"發佈單位", Field::kIssuer}, {"發文字號", Field::kDocNo}, {"文號", Field::kDocNo}, {"索引號", Field::kIndex},
    {"發布日期", Field::kPubDate}, {"發佈日期", Field::kPubDate}, {"發布時間", Field::kPubDate},
    {"發佈時間", Field::kPubDate}, {"發表時間", Field::kPubDate}, {"時間", Field::kPubDate},
    {"更新時間", Field::kPubDateOther}, {"標題", Field::kTitle}, {"責任編輯", Field::kAuthor}, {"編輯", Field::kAuthor},
    {"瀏覽次數", Field::kOther}, {"點擊數", Field::kOther}, {"字體", Field::kOther}, {"字號", Field::kOther},
    // English pages of the same sites (compared in lower case).
    {"source", Field::kSource}, {"date", Field::kPubDate}, {"published", Field::kPubDate},
    {"publish date", Field::kPubDate}, {"release date", Field::kPubDate}, {"posted", Field::kPubDate},
    {"updated", Field::kPubDateOther}, {"author", Field::kAuthor}, {"editor", Field::kAuthor},
};

bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(a[k])) != std::tolower(static_cast<unsigned char>(b[k]))) return false;
  return true;
}

// True when `head` ends with `label`, ASCII letters compared in lower case (Source:, SOURCE:).
bool EndsWithLabel(std::string_view head, std::string_view label) {
  const size_t off = head.size() - label.size();
  for (size_t k = 0; k < label.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(head[off + k])) != static_cast<unsigned char>(label[k])) return false;
  return true;
}

bool IsHanCodePoint(uint32_t cp) { return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0x20000 && cp <= 0x2FFFF); }

// A run of text between big gaps (U+3000, tabs, line breaks, two or more blanks).
struct Segment {
  std::string_view text;
  int elem = -1;
  int owner = -1;
  bool in_link = false;
};

// The segments of the text runs of elements before `elem_limit` (all by default).
std::vector<Segment> BuildSegments(const HtmlDocument& doc, int elem_limit = -1) {
  std::vector<Segment> out;
  for (const TextRun& r : doc.runs()) {
    if (elem_limit >= 0 && r.elem >= elem_limit) break;
    std::string_view t = r.text;
    size_t i = 0, start = 0;
    int blanks = 0;
    size_t blank_start = 0;
    bool gap = false;
    auto emit = [&](size_t b, size_t e) {
      std::string_view piece = TrimBlanks(t.substr(b, e - b));
      if (!piece.empty()) out.push_back(Segment{piece, r.elem, r.owner, r.in_link});
    };
    while (i < t.size()) {
      size_t at = i;
      uint32_t cp = NextCodePoint(t, i);
      if (IsBlankCodePoint(cp)) {
        if (blanks == 0) {
          blank_start = at;
          gap = false;
        }
        ++blanks;
        if (cp == 0x3000 || cp == '\t' || cp == '\n' || cp == '\r') gap = true;
        continue;
      }
      // A lone character before the gap is half of a spaced-out label (标　　题：, 日　　期：).
      size_t lone = start;
      const bool spaced_label = blank_start > start && IsHanCodePoint(NextCodePoint(t, lone)) && lone == blank_start;
      if ((blanks >= 2 || gap) && !spaced_label) {
        emit(start, blank_start);
        start = at;
      }
      blanks = 0;
      gap = false;
    }
    emit(start, t.size());
  }
  return out;
}

struct Hit {
  Field field;
  std::string_view label;
  std::string value;
  int elem;
  int segment;
};

bool IsLabelBoundary(std::string_view prefix) {
  if (prefix.empty()) return true;
  unsigned char c = static_cast<unsigned char>(prefix.back());
  if (c < 0x80) return std::isdigit(c) || std::isspace(c) || c == '|' || c == ']' || c == ')' || c == ':' || c == '[';
  // Last code point of the prefix.
  size_t k = prefix.size() - 1;
  while (k > 0 && (static_cast<unsigned char>(prefix[k]) & 0xC0) == 0x80) --k;
  size_t j = k;
  uint32_t cp = NextCodePoint(prefix, j);
  // 【 opens a bracketed label: 【来源：…】.
  return IsBlankCodePoint(cp) || cp == 0x3011 /*】*/ || cp == 0x3010 /*【*/ || cp == 0xFF09 /*）*/ ||
         cp == 0x4E28 /*丨*/ || cp == 0xFF5C || cp == 0xFF1A /*：*/ || cp == 0x3001 || cp == 0xFF0C;
}

std::string CleanValue(Field field, std::string_view v) {
  v = TrimBlanks(v);
  // 】 closes a bracketed label: 【来源：市教育局】【字体：大 中 小】.
  for (std::string_view stop : {"|", "丨", "｜", "【", "】", "[", "\t"}) {
    size_t p = v.find(stop);
    if (p != std::string_view::npos) v = v.substr(0, p);
  }
  if (field != Field::kPubDate && field != Field::kPubDateOther && field != Field::kTitle) {
    // Names and numbers hold no blanks: a blank ends the value (来源：人民网 原创稿) — except
    // between two Latin letters, inside an English name (Source: Riverside Daily).
    size_t i = 0;
    while (i < v.size()) {
      size_t at = i;
      uint32_t cp = NextCodePoint(v, i);
      if (IsBlankCodePoint(cp)) {
        const bool latin_before = at > 0 && std::isalpha(static_cast<unsigned char>(v[at - 1]));
        const bool latin_after = i < v.size() && std::isalpha(static_cast<unsigned char>(v[i]));
        if (latin_before && latin_after && cp == ' ') continue;
        v = v.substr(0, at);
        break;
      }
    }
  }
  v = TrimBlanks(v);
  for (std::string_view tail : {"，", "。", "；", ",", ";", "、"})
    while (v.size() >= tail.size() && v.substr(v.size() - tail.size()) == tail) v = TrimBlanks(v.substr(0, v.size() - tail.size()));
  return std::string(v);
}

// Every "label：value" in the page, in document order.
std::vector<Hit> ScanLabels(const HtmlDocument& doc, const std::vector<Segment>& segments) {
  std::vector<Hit> hits;
  for (size_t s = 0; s < segments.size(); ++s) {
    std::string_view t = segments[s].text;
    if (t.size() > 600) continue;  // prose, not a label line
    // A table cell holding only a label, without a colon: <td><strong>发布机构</strong></td><td>…</td>.
    if (t.size() <= 30 && s + 1 < segments.size() && segments[s].owner >= 0) {
      Tag owner = doc.element(segments[s].owner).tag;
      if (owner == Tag::kTd || owner == Tag::kTh) {
        std::string key = StripBlanks(t);
        for (const LabelDef& def : kLabels) {
          if (key != def.label || def.field == Field::kOther) continue;
          const Segment& next = segments[s + 1];
          if (next.owner != segments[s].owner && next.elem - segments[s].elem <= 4)
            hits.push_back(Hit{def.field, def.label, CleanValue(def.field, next.text), segments[s].elem, static_cast<int>(s)});
          break;
        }
      }
    }
    struct Pos {
      size_t label_start, value_start;
      const LabelDef* def;
    };
    std::vector<Pos> found;
    for (size_t p = 0; p < t.size(); ++p) {
      size_t colon_len = 0;
      if (t[p] == ':') colon_len = 1;
      else if (t.compare(p, 3, "：") == 0) colon_len = 3;
      if (!colon_len) continue;
      std::string_view head = TrimBlanks(t.substr(0, p));
      // Labels may be spaced out: 索 引 号.
      const LabelDef* best = nullptr;
      size_t best_start = 0;
      for (const LabelDef& def : kLabels) {
        if (head.size() >= def.label.size() && EndsWithLabel(head, def.label)) {
          if (!best || def.label.size() > best->label.size()) {
            best = &def;
            best_start = head.size() - def.label.size();
          }
        }
      }
      if (!best && head.size() <= 40) {
        std::string squeezed = StripBlanks(head);
        for (const LabelDef& def : kLabels)
          if (squeezed == def.label && def.label.size() >= 6) {
            best = &def;
            best_start = 0;
          }
      }
      // Untrimmed: the blank in 作者：张三 来源：… is what separates the label from the value before it.
      if (best && IsLabelBoundary(head.substr(0, best_start)))
        found.push_back(Pos{best_start, p + colon_len, best});
      p += colon_len - 1;
    }
    for (size_t k = 0; k < found.size(); ++k) {
      size_t end = k + 1 < found.size() ? found[k + 1].label_start : t.size();
      std::string_view raw = end > found[k].value_start ? t.substr(found[k].value_start, end - found[k].value_start)
                                                        : std::string_view();
      std::string value = CleanValue(found[k].def->field, raw);
      if (value.empty() && k + 1 == found.size() && s + 1 < segments.size()) {
        // The value is in the next cell: <td>发文字号：</td><td>教财厅函〔2024〕6号</td>.
        const Segment& next = segments[s + 1];
        bool next_is_label = false;
        for (const LabelDef& def : kLabels) {
          std::string_view nt = next.text;
          size_t c = nt.find("：");
          if (c == std::string_view::npos) c = nt.find(':');
          if (c != std::string_view::npos && StripBlanks(nt.substr(0, c)) == def.label) next_is_label = true;
        }
        if (!next_is_label && next.elem - segments[s].elem <= 4) value = CleanValue(found[k].def->field, next.text);
      }
      hits.push_back(Hit{found[k].def->field, found[k].def->label, std::move(value), segments[s].elem, static_cast<int>(s)});
    }
  }
  return hits;
}

// Chooses a hit for `field`: the nearest above the body (the article's header, or the info table
// above it), else the first below the container; with no container, the first in the page.
const Hit* PickHit(const std::vector<Hit>& hits, Field field, int head_end, int body_end) {
  const Hit* before = nullptr;
  const Hit* after = nullptr;
  for (const Hit& h : hits) {
    if (h.field != field || h.value.empty()) continue;
    if (head_end < 0) return &h;
    if (h.elem < head_end) before = &h;
    else if (h.elem >= body_end && !after) after = &h;
  }
  return before ? before : after;
}

bool IsHan(uint32_t cp) { return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0x20000 && cp <= 0x2FFFF) || cp == 0x3007; }

struct DateCandidate {
  DateTime dt;
  std::string origin;
};

bool MetaDate(const HtmlDocument& doc, std::string_view name, std::vector<DateCandidate>* out) {
  std::string v = doc.Meta(name);
  DateTime dt;
  if (v.empty() || !FindDateTime(v, &dt)) return false;
  out->push_back(DateCandidate{dt, "meta:" + std::string(name)});
  return true;
}

std::string SiteNameFromTitle(const std::string& title) {
  // The last part of "标题 - 栏目 - 站点" / "标题_站点".
  for (std::string_view sep : {" - ", "_", "|", "－", "--", " — "}) {
    size_t p = title.rfind(sep);
    if (p != std::string::npos && p > 0) return std::string(TrimBlanks(std::string_view(title).substr(p + sep.size())));
  }
  return "";
}

// The <title> without site and column suffixes: its longest part.
std::string MainTitlePart(const std::string& title) {
  std::vector<std::string_view> parts{title};
  for (std::string_view sep : {" - ", "__", "_", " | ", "|", "－", "--", " — ", " —— "}) {
    std::vector<std::string_view> next;
    for (std::string_view p : parts) {
      size_t start = 0;
      while (true) {
        size_t q = p.find(sep, start);
        next.push_back(p.substr(start, q == std::string_view::npos ? std::string_view::npos : q - start));
        if (q == std::string_view::npos) break;
        start = q + sep.size();
      }
    }
    parts.swap(next);
  }
  std::string_view best;
  size_t best_chars = 0;
  for (std::string_view p : parts) {
    size_t c = static_cast<size_t>(CountText(p).chars);
    if (c > best_chars) {
      best = p;
      best_chars = c;
    }
  }
  return std::string(TrimBlanks(best));
}

std::string ElementText(const HtmlDocument& doc, int i) {
  std::string out;
  const Element& e = doc.element(i);
  for (int k = e.first_run; k < e.run_end; ++k) out.append(doc.runs()[static_cast<size_t>(k)].text);
  return CollapseSpaces(out);
}

// The string value of the first `key: '…'` / `"key": "…"` / `key = "…"` in a script.
std::string JsStringValue(std::string_view js, std::string_view key) {
  size_t from = 0;
  while (true) {
    size_t p = js.find(key, from);
    if (p == std::string_view::npos) return "";
    from = p + key.size();
    if (p > 0) {
      char before = js[p - 1];
      if (std::isalnum(static_cast<unsigned char>(before)) || before == '_' || before == '.' || before == '$') continue;
    }
    size_t k = p + key.size();
    if (k < js.size() && (js[k] == '"' || js[k] == '\'')) ++k;
    while (k < js.size() && (js[k] == ' ' || js[k] == '\t')) ++k;
    if (k >= js.size() || (js[k] != ':' && js[k] != '=')) continue;
    ++k;
    while (k < js.size() && (js[k] == ' ' || js[k] == '\t')) ++k;
    if (k >= js.size() || (js[k] != '"' && js[k] != '\'')) continue;
    char q = js[k];
    size_t end = js.find(q, k + 1);
    if (end == std::string_view::npos || end - k - 1 > 120) continue;
    std::string_view v = js.substr(k + 1, end - k - 1);
    if (v.find('\n') != std::string_view::npos || v.find('<') != std::string_view::npos) continue;
    if (!TrimBlanks(v).empty()) return std::string(TrimBlanks(v));
  }
}

bool HasHintToken(const HtmlDocument& doc, int i, std::initializer_list<std::string_view> wanted) {
  return doc.HasHintToken(i, wanted);
}

}  // namespace

bool IsFieldLabel(std::string_view s) {
  if (s.size() > 40) return false;
  std::string key = StripBlanks(s);
  for (const LabelDef& def : kLabels)
    if (key == def.label && def.field != Field::kOther) return true;
  return false;
}

bool IsDocumentNumber(std::string_view s) {
  s = TrimBlanks(s);
  if (s.size() < 8 || s.size() > 80) return false;
  // prefix 〔YYYY〕 N 号
  static const std::string_view kOpen[] = {"〔", "[", "［", "（", "(", "【", "〖"};
  static const std::string_view kClose[] = {"〕", "]", "］", "）", ")", "】", "〗"};
  for (size_t k = 0; k < std::size(kOpen); ++k) {
    size_t o = s.find(kOpen[k]);
    if (o == std::string_view::npos || o == 0) continue;
    size_t y = o + kOpen[k].size();
    if (y + 4 > s.size()) continue;
    bool digits = true;
    for (size_t d = 0; d < 4; ++d) digits = digits && std::isdigit(static_cast<unsigned char>(s[y + d]));
    if (!digits || (s[y] != '1' && s[y] != '2')) continue;
    size_t c = y + 4;
    if (s.compare(c, kClose[k].size(), kClose[k]) != 0) continue;
    std::string_view rest = s.substr(c + kClose[k].size());
    if (StartsWith(rest, "第")) rest = rest.substr(3);
    size_t n = 0;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    if (n == 0 || n > 6) continue;
    if (rest.substr(n) != "号") continue;
    // The prefix: Han characters, letters or digits only.
    std::string_view prefix = s.substr(0, o);
    size_t i = 0;
    bool ok = true;
    while (i < prefix.size()) {
      uint32_t cp = NextCodePoint(prefix, i);
      ok = ok && (IsHan(cp) || std::isalnum(static_cast<int>(cp < 0x80 ? cp : 0)));
    }
    if (ok) return true;
  }
  return false;
}

std::string ResolveHref(const std::string& base, const std::string& href) {
  std::string_view h = TrimBlanks(href);
  if (base.empty() || h.empty()) return std::string(h);
  std::string hs(h);
  xmlChar* r = xmlBuildURI(reinterpret_cast<const xmlChar*>(hs.c_str()), reinterpret_cast<const xmlChar*>(base.c_str()));
  if (!r) return hs;
  std::string out(reinterpret_cast<const char*>(r));
  xmlFree(r);
  return out;
}

std::string DetectLanguage(const std::string& text, const std::string& declared) {
  int han = 0, latin = 0, kana = 0, hangul = 0, trad = 0, simp = 0;
  // Characters that differ between the scripts and are frequent in notices.
  static const std::u32string kTrad = U"們這個來說時會國學對發與經為後過還實現體關開點當進際從動將應區級機員";
  static const std::u32string kSimp = U"们这个来说时会国学对发与经为后过还实现体关开点当进际从动将应区级机员";
  size_t i = 0;
  int seen = 0;
  while (i < text.size() && seen < 4000) {
    uint32_t cp = NextCodePoint(text, i);
    ++seen;
    if (IsHan(cp)) {
      ++han;
      if (kTrad.find(static_cast<char32_t>(cp)) != std::u32string::npos &&
          kSimp.find(static_cast<char32_t>(cp)) == std::u32string::npos)
        ++trad;
      else if (kSimp.find(static_cast<char32_t>(cp)) != std::u32string::npos &&
               kTrad.find(static_cast<char32_t>(cp)) == std::u32string::npos)
        ++simp;
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
      ++latin;
    } else if (cp >= 0x3040 && cp <= 0x30FF) {
      ++kana;
    } else if (cp >= 0xAC00 && cp <= 0xD7AF) {
      ++hangul;
    }
  }
  if (han + latin + kana + hangul == 0) return "";
  if (kana > 10 && kana * 5 > han) return "ja";
  if (hangul > han && hangul > latin) return "ko";
  if (han * 3 >= latin) return trad > simp ? "zh-Hant" : "zh-Hans";
  std::string d = AsciiLower(declared);
  if (!d.empty() && !StartsWith(d, "zh")) return std::string(TrimBlanks(declared));
  return "en";
}

namespace {

// True when `href` leads to a site's home page: /, ./, ../../index.html, http://host/ …
bool IsHomeHref(std::string_view href) {
  href = TrimBlanks(href);
  if (size_t scheme = href.find("://"); scheme != std::string_view::npos) {
    size_t slash = href.find('/', scheme + 3);
    href = slash == std::string_view::npos ? std::string_view() : href.substr(slash);
  }
  href = href.substr(0, href.find_first_of("?#"));
  while (StartsWith(href, "../") || StartsWith(href, "./") || StartsWith(href, "/"))
    href.remove_prefix(href[0] == '/' ? 1 : href.find('/') + 1);
  if (href.empty()) return true;
  for (std::string_view index : {"index.html", "index.htm", "index.shtml", "index.jsp", "index.asp", "index.aspx",
                                 "index.php", "default.htm", "default.html", "default.aspx", "default.asp", "main.htm"})
    if (href == index) return true;
  return false;
}

// A heading that is nothing but a link to the home page is the site's logo, even when the
// <title> is the bare site name and the heading matches it perfectly.
bool IsHomeLink(const HtmlDocument& doc, int i) {
  const Element& e = doc.element(i);
  if (e.flags & kInLink) {
    for (int k = i; k >= 0; k = doc.element(k).parent)
      if (doc.element(k).flags & kHref) {
        const char* href = HtmlDocument::Attr(doc.element(k).node, "href");
        return href && IsHomeHref(href);
      }
    return false;
  }
  for (int k = i + 1; k < e.end; ++k) {
    if (!(doc.element(k).flags & kHref)) continue;
    const char* href = HtmlDocument::Attr(doc.element(k).node, "href");
    return href && IsHomeHref(href) && StripBlanks(ElementText(doc, k)) == StripBlanks(ElementText(doc, i));
  }
  return false;
}

// Link texts that name no file: 下载, 点击下载, 附件下载 …
bool IsDownloadVerb(std::string_view v) {
  std::string key = StripBlanks(v);
  for (std::string_view verb : {"下载", "点击下载", "点此下载", "附件下载", "下载附件", "立即下载", "文件下载", "点击查看",
                                "查看", "点击打开", "download", "Download", "DOWNLOAD"})
    if (key == verb) return true;
  return false;
}

}  // namespace

TitleResult FindTitle(const HtmlDocument& doc, int body_start, const std::vector<Line>& lines,
                      const std::string& rule_title) {
  TitleResult r;
  if (!rule_title.empty()) {
    r.title = rule_title;
    r.origin = "rule";
  }
  std::string meta = doc.Meta("articletitle");
  if (r.title.empty() && !meta.empty()) {
    r.title = meta;
    r.origin = "meta:ArticleTitle";
  }
  if (r.title.empty() && body_start >= 0) {
    // A 政务公开 info grid above the text names the document (标题：… beside 发文字号：…), while
    // <title> is often only the column or the site: the grid is the publisher's own statement.
    bool named = false;  // a cheap look before the scan: most pages have no such label
    for (const TextRun& run : doc.runs()) {
      if (run.elem >= body_start) break;
      if (Contains(run.text, "题") || Contains(run.text, "題") || Contains(run.text, "名称")) {
        named = true;
        break;
      }
    }
    std::vector<Segment> above;
    if (named) above = BuildSegments(doc, body_start);
    bool grid = false;
    std::string labelled;
    for (const Hit& h : ScanLabels(doc, above)) {
      if (h.field == Field::kDocNo || h.field == Field::kIndex) grid = true;
      if (h.field == Field::kTitle && h.label != "名称" && CountText(h.value).chars >= 6) labelled = h.value;
    }
    if (grid && !labelled.empty()) {
      r.title = labelled;
      r.origin = "line:标题";
    }
  }
  const std::string page_title = doc.title();
  const std::string main_part = MainTitlePart(page_title);
  const std::string want = StripBlanks(main_part);

  // Headings and title-like elements above the text (or anywhere when there is no container).
  struct Cand {
    int elem;
    std::string text;
    double score;
  };
  std::vector<Cand> cands;
  const int limit = body_start >= 0 ? body_start : doc.size();
  for (int i = 0; i < limit; ++i) {
    const Element& e = doc.element(i);
    if (e.flags & kSkipped) continue;
    bool heading = e.flags & kHeading;
    bool titled = HasHintToken(doc, i, {"title", "tit", "headline", "biaoti", "bt", "articletitle", "arttitle",
                                         "newstitle", "article_title", "detail_title", "ttl"});
    if (!heading && !titled) continue;
    if (IsHomeLink(doc, i)) continue;
    std::string text = ElementText(doc, i);
    int chars = CountText(text).chars;
    if (chars < 4 || chars > 150) continue;
    std::string key = StripBlanks(text);
    double score = 0;
    if (!want.empty()) {
      if (key == want) score = 3;
      else if (Contains(want, key)) score = 2.0 * key.size() / want.size();
      else if (Contains(key, want)) score = 1.5;
      // A heading that matches only another part of <title> is the site or column name.
    }
    if (e.tag == Tag::kH1 && score > 0) score += 0.3;
    cands.push_back(Cand{i, text, score});
  }
  const Cand* best = nullptr;
  for (const Cand& c : cands)
    if (c.score >= 0.5 && (!best || c.score > best->score || (c.score == best->score && c.elem > best->elem))) best = &c;
  if (!best) {
    // No heading resembles <title> (a generic <title> such as 新闻动态--某某网): the heading right
    // above the text — not a link (a logo, a menu), not far away in the page's header.
    auto usable = [&](const Cand& c) {
      const Element& e = doc.element(c.elem);
      bool link = (e.flags & kInLink) || (e.link_chars > 0 && e.chars == 0);
      for (int k = c.elem; !link && k < e.end; ++k) link = (doc.element(k).flags & kHref) && doc.element(k).chars == 0 &&
                                                         k == c.elem + 1 && doc.element(k).end == e.end;
      return !link && (body_start < 0 || body_start - c.elem <= 40);
    };
    for (auto it = cands.rbegin(); it != cands.rend() && !best; ++it)
      if (doc.element(it->elem).tag == Tag::kH1 && usable(*it)) best = &*it;
    for (auto it = cands.rbegin(); it != cands.rend() && !best && body_start >= 0; ++it)
      if (usable(*it)) best = &*it;
  }
  if (best) r.element = best->elem;
  if (!r.title.empty()) {
    // Keep the origin, but remember where the title is shown.
    if (r.element < 0 || StripBlanks(doc.Meta("articletitle")) != StripBlanks(best->text)) {
      for (const Cand& c : cands)
        if (StripBlanks(c.text) == StripBlanks(r.title)) r.element = c.elem;
    }
    return r;
  }
  // A heading inside the container that spells <title> (possibly over several lines).
  if (!want.empty()) {
    const std::string full = StripBlanks(page_title);
    std::string acc, joined;
    for (size_t i = 0; i < lines.size() && i < 4; ++i) {
      acc += StripBlanks(lines[i].text);
      joined += std::string(TrimBlanks(lines[i].text));
      // The first line spells <title> up to a separator: 中华人民共和国监察法 | 中华人民共和国监察法-纪检.
      bool prefix = i == 0 && !best && CountText(acc).chars >= 4 && full.size() > acc.size() && StartsWith(full, acc) &&
                    std::string_view("-_|—–·").find(full[acc.size()]) != std::string_view::npos;
      if (prefix) {
        r.title = joined;
        r.origin = "container";
        r.element = lines[0].elem;
        return r;
      }
      if (acc == want) {
        if (!best || StripBlanks(best->text) != want) {
          r.title = joined;
          r.origin = "container";
          r.element = lines[0].elem;
          return r;
        }
        break;
      }
      if (!StartsWith(want, acc)) break;
    }
  }
  if (best) {
    r.title = best->text;
    r.origin = "heading:" + std::string(reinterpret_cast<const char*>(doc.element(best->elem).node->name));
    return r;
  }
  if (!main_part.empty()) {
    r.title = main_part;
    r.origin = "title";
  }
  return r;
}

void FindMetadata(const HtmlDocument& doc, int container, int body_start, int title_element, const std::string& url,
                  const FilterNotes& notes, Extraction* out) {
  auto origin = [&](const std::string& field, const std::string& where) { out->origins.emplace_back(field, where); };
  const int container_end = container >= 0 ? doc.element(container).end : -1;
  const int head_end = container >= 0 ? body_start : -1;
  const std::vector<Segment> segments = BuildSegments(doc);
  const std::vector<Hit> hits = ScanLabels(doc, segments);

  // Base URL for links.
  std::string base = url;
  if (!doc.base_href().empty()) base = ResolveHref(url, doc.base_href());

  // --- site facts ---
  out->site_name = doc.Meta("sitename");
  if (!out->site_name.empty()) origin("site_name", "meta:SiteName");
  if (out->site_name.empty() && !(out->site_name = doc.Meta("og:site_name")).empty()) origin("site_name", "meta:og:site_name");
  if (out->site_name.empty() && !(out->site_name = SiteNameFromTitle(doc.title())).empty()) origin("site_name", "title");
  std::string domain = doc.Meta("sitedomain");
  if (!domain.empty()) {
    out->site_domain = std::string(TrimBlanks(std::string_view(domain).substr(0, domain.find(','))));
    origin("site_domain", "meta:SiteDomain");
  } else if (size_t p = url.find("://"); p != std::string::npos) {
    size_t e = url.find_first_of("/?#", p + 3);
    out->site_domain = AsciiLower(url.substr(p + 3, e == std::string::npos ? std::string::npos : e - p - 3));
    if (size_t at = out->site_domain.rfind('@'); at != std::string::npos) out->site_domain.erase(0, at + 1);
    if (!out->site_domain.empty()) origin("site_domain", "url");
  }
  out->site_id_code = doc.Meta("siteidcode");
  if (!out->site_id_code.empty()) origin("site_id_code", "meta:SiteIDCode");
  if (out->site_id_code.empty()) {
    for (const Segment& s : segments) {
      size_t p = s.text.find("网站标识码");
      if (p == std::string_view::npos) continue;
      std::string_view rest = s.text.substr(p + std::string_view("网站标识码").size());
      rest = TrimBlanks(rest);
      if (StartsWith(rest, "：")) rest = rest.substr(3);
      if (StartsWith(rest, ":")) rest = rest.substr(1);
      rest = TrimBlanks(rest);
      size_t n = 0;
      while (n < rest.size() && std::isalnum(static_cast<unsigned char>(rest[n]))) ++n;
      if (n >= 6) {
        out->site_id_code = std::string(rest.substr(0, n));
        origin("site_id_code", "footer:网站标识码");
        break;
      }
    }
  }

  // --- canonical URL ---
  std::string canon = doc.canonical();
  std::string canon_origin = "link:canonical";
  if (canon.empty()) {
    canon = doc.Meta("url");
    canon_origin = "meta:Url";
  }
  if (canon.empty()) {
    canon = doc.Meta("og:url");
    canon_origin = "meta:og:url";
  }
  if (!canon.empty() && (StartsWith(canon, "http://") || StartsWith(canon, "https://") || StartsWith(canon, "/"))) {
    out->canonical_url = ResolveHref(base, canon);
    origin("canonical_url", canon_origin);
  }

  // --- header zone: between the title heading and the text ---
  int zone_begin = -1, zone_end = head_end >= 0 ? head_end : doc.size();
  if (title_element >= 0 && title_element < zone_end) zone_begin = title_element;

  // --- publish time ---
  std::vector<DateCandidate> dates;  // in priority order
  MetaDate(doc, "pubdate", &dates);
  if (const Hit* h = PickHit(hits, Field::kPubDate, head_end, container_end)) {
    DateTime dt;
    if (FindDateTime(h->value, &dt, true)) dates.push_back(DateCandidate{dt, "line:" + std::string(h->label)});
  }
  // An unlabelled date right under the title (2024-03-05 09:30 | 来源：…).
  int date_segment = -1;
  if (zone_begin >= 0) {
    for (size_t s = 0; s < segments.size(); ++s) {
      if (segments[s].elem < zone_begin || segments[s].in_link) continue;
      if (segments[s].elem >= zone_end) break;
      DateTime dt;
      if (CountText(segments[s].text).chars <= 40 && FindDateTime(segments[s].text, &dt, true)) {
        dates.push_back(DateCandidate{dt, "header"});
        date_segment = static_cast<int>(s);
        break;
      }
    }
  }
  for (std::string_view m : {"article:published_time", "publishdate", "publish_date", "og:release_date",
                             "datepublished", "weibo: article:create_at", "og:time", "ptime", "publishtime",
                             "firstpublishedtime", "dateupdate", "maketime", "datemodified", "article:modified_time"})
    MetaDate(doc, m, &dates);
  for (int i = 0; i < doc.size(); ++i) {
    const char* v = HtmlDocument::Attr(doc.element(i).node, "data-ptime");
    if (!v) v = HtmlDocument::Attr(doc.element(i).node, "data-publishtime");
    DateTime dt;
    if (v && FindDateTime(v, &dt)) {
      dates.push_back(DateCandidate{dt, "attr:data-ptime"});
      break;
    }
  }
  // HTML5 and schema.org markup: <time datetime="…"> (the text may be only 10月12日) or
  // itemprop=datePublished. Only in the article's header — from the box holding the title to the
  // end of the text: a news list before it and comments after it have times of their own.
  const int time_from =
      title_element >= 0 && doc.element(title_element).parent >= 0 ? doc.element(title_element).parent : 0;
  for (int i = time_from, limit = container >= 0 ? container_end : doc.size(); i < limit; ++i) {
    const Element& e = doc.element(i);
    if (e.flags & kSkipped) continue;
    const xmlNode* node = e.node;
    const char* itemprop = HtmlDocument::Attr(node, "itemprop");
    const bool published = itemprop && EqualsIgnoreCaseAscii(itemprop, "datePublished");
    const bool time = node->name && xmlStrcasecmp(node->name, BAD_CAST "time") == 0;
    if (!published && !time) continue;
    const char* v = HtmlDocument::Attr(node, "datetime");
    if (!v && published) v = HtmlDocument::Attr(node, "content");
    DateTime dt;
    if (v && FindDateTime(v, &dt) && dt.has_year) {
      dates.push_back(DateCandidate{dt, published ? "itemprop:datePublished" : "attr:time-datetime"});
      break;
    }
  }
  if (const Hit* h = PickHit(hits, Field::kPubDateOther, head_end, container_end)) {
    DateTime dt;
    if (FindDateTime(h->value, &dt)) dates.push_back(DateCandidate{dt, "line:" + std::string(h->label)});
  }
  {
    DateTime dt;
    if (DateFromUrl(url, &dt)) dates.push_back(DateCandidate{dt, "url"});
  }
  {
    // Last resort, the day under the signature: the notice was issued then, and a page that
    // prints no date elsewhere published it no earlier.
    std::string_view text = out->text;
    for (int n = 0; n < 3 && !text.empty(); ++n) {
      size_t nl = text.rfind('\n');
      std::string_view line = TrimBlanks(nl == std::string_view::npos ? text : text.substr(nl + 1));
      text = nl == std::string_view::npos ? std::string_view() : text.substr(0, nl);
      DateTime dt;
      if (line.empty() || CountText(line).chars > 20) continue;
      if (NumeralDateLine(line, &dt) || (IsDateLine(line) && FindDateTime(line, &dt) && dt.has_year)) {
        dates.push_back(DateCandidate{dt, "signature"});
        break;
      }
    }
  }
  const DateCandidate* chosen = nullptr;
  for (const DateCandidate& c : dates)
    if (c.dt.has_year) {
      chosen = &c;
      break;
    }
  if (chosen) {
    DateTime dt = chosen->dt;
    std::string from = chosen->origin;
    if (!dt.has_time()) {
      for (const DateCandidate& c : dates) {
        bool same = c.dt.has_year ? c.dt.SameDay(dt) : (c.dt.month == dt.month && c.dt.day == dt.day);
        if (same && c.dt.has_time()) {
          dt.hour = c.dt.hour;
          dt.minute = c.dt.minute;
          dt.second = c.dt.second;
          dt.offset_minutes = c.dt.offset_minutes;
          from += "+" + c.origin;
          break;
        }
      }
    }
    out->publish_time = FormatDateTime(dt);
    origin("publish_time", from);
  }

  // --- source / publisher ---
  auto plausible = [&](const std::string& v) {
    std::string_view t = TrimBlanks(v);
    int chars = CountText(t).chars;
    if (chars < 2 || chars > 40 || Contains(t, "http") || Contains(t, "：") || Contains(t, ":") ||
        StripBlanks(t) == StripBlanks(out->title))
      return false;
    // What a CMS prints when the editor left the field empty (DedeCMS: 来源:未知 作者:admin).
    const std::string lower = AsciiLower(StripBlanks(t));
    for (std::string_view placeholder : {"未知", "不详", "暂无", "佚名", "匿名", "admin", "管理员", "unknown", "null", "none"})
      if (lower == placeholder) return false;
    return true;
  };
  for (std::string_view name : {"contentsource", "source", "article:source"}) {
    std::string v = doc.Meta(name);
    std::string_view t = TrimBlanks(v);
    for (std::string_view l : {"来源：", "来源:"})
      if (StartsWith(t, l)) t = t.substr(l.size());
    std::string cleaned = CleanValue(Field::kSource, t);
    if (plausible(cleaned)) {
      out->publisher = cleaned;
      origin("publisher", "meta:" + std::string(name == "contentsource" ? "ContentSource" : name));
      break;
    }
  }
  if (out->publisher.empty())
    if (const Hit* h = PickHit(hits, Field::kSource, head_end, container_end); h && plausible(h->value)) {
      out->publisher = h->value;
      origin("publisher", "line:" + std::string(h->label));
    }
  if (out->publisher.empty() && plausible(notes.source)) {
    out->publisher = notes.source;
    origin("publisher", "container:来源");
  }
  if (out->publisher.empty())
    if (const Hit* h = PickHit(hits, Field::kIssuer, head_end, container_end); h && plausible(h->value)) {
      out->publisher = h->value;
      origin("publisher", "line:" + std::string(h->label));
    }
  if (out->publisher.empty()) {
    // An element named for it: <span class="a_source">, <a class="source">.
    for (int i = 0; i < (head_end >= 0 ? head_end : doc.size()) && out->publisher.empty(); ++i) {
      const Element& e = doc.element(i);
      if ((e.flags & kSkipped) || !HasHintToken(doc, i, {"source", "laiyuan", "ly", "from", "media"})) continue;
      std::string t = ElementText(doc, i);
      std::string_view v = TrimBlanks(t);
      for (std::string_view l : {"来源：", "来源:", "来源"})
        if (StartsWith(v, l)) v = TrimBlanks(v.substr(l.size()));
      std::string cleaned = CleanValue(Field::kSource, v);
      DateTime ignored;
      if (plausible(cleaned) && !FindDateTime(cleaned, &ignored)) {
        out->publisher = cleaned;
        origin("publisher", "class:source");
      }
    }
  }
  if (out->publisher.empty()) {
    // An inline article config: source: '补壹刀微信公号', "source":"新华网".
    for (std::string_view js : doc.scripts()) {
      std::string v = JsStringValue(js, "source");
      if (plausible(v)) {
        out->publisher = v;
        origin("publisher", "script:source");
        break;
      }
    }
  }
  if (out->publisher.empty() && date_segment >= 0) {
    // The outlet named beside the date in the header: after it (2019-09-26 10:56 证券时报网), or
    // before it between the title and the date (丰源市教育局　2034-07-08 09:15).
    const Segment& date = segments[static_cast<size_t>(date_segment)];
    auto outlet = [&](const Segment& s) {
      std::string_view t = s.text;
      int chars = CountText(t).chars;
      bool digits = std::any_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      return s.elem < zone_end && std::abs(s.elem - date.elem) <= 3 && chars >= 2 && chars <= 12 &&
             !digits && !Contains(t, "：") && !Contains(t, ":") && !IsFurniturePhrase(t);
    };
    const size_t d = static_cast<size_t>(date_segment);
    if (d + 1 < segments.size() && outlet(segments[d + 1])) {
      out->publisher = std::string(segments[d + 1].text);
      origin("publisher", "header");
    } else if (d > 0 && !segments[d - 1].in_link && segments[d - 1].elem >= doc.element(zone_begin).end &&
               outlet(segments[d - 1])) {
      out->publisher = std::string(segments[d - 1].text);
      origin("publisher", "header");
    }
  }

  // --- 发文字号, 索引号, 信息类别 ---
  if (const Hit* h = PickHit(hits, Field::kDocNo, head_end, container_end);
      h && (IsDocumentNumber(h->value) || (CountText(h->value).chars <= 30 && Contains(h->value, "号")))) {
    out->document_number = h->value;
    origin("document_number", "line:" + std::string(h->label));
  }
  if (out->document_number.empty()) {
    // A line that is nothing but a document number, above the text or at its very top.
    int limit = head_end >= 0 ? head_end : doc.size();
    const Segment* found = nullptr;
    for (const Segment& s : segments) {
      if (s.elem >= limit) break;
      if (IsDocumentNumber(s.text)) found = &s;
    }
    if (found) {
      out->document_number = std::string(TrimBlanks(found->text));
      origin("document_number", "line");
    }
  }
  if (const Hit* h = PickHit(hits, Field::kIndex, head_end, container_end)) {
    out->index_number = h->value;
    origin("index_number", "line:" + std::string(h->label));
  }
  {
    const Hit* h = nullptr;
    for (const Hit& x : hits)
      if (x.field == Field::kCategory && !x.value.empty() && (!h || x.label == "信息类别")) h = &x;
    if (h) {
      out->info_category = h->value;
      origin("info_category", "line:" + std::string(h->label));
    }
  }

  // --- column ---
  out->column = doc.Meta("columnname");
  if (!out->column.empty()) origin("column", "meta:ColumnName");
  if (out->column.empty()) {
    // The breadcrumb: 当前位置：首页 > 新闻 > 工作动态.
    int crumb = -1;
    for (const Segment& s : segments) {
      if (head_end >= 0 && s.elem >= head_end) break;
      std::string_view t = s.text;
      if (StartsWith(t, "当前位置") || StartsWith(t, "您现在的位置") || StartsWith(t, "您的位置") ||
          StartsWith(t, "所在位置") || StartsWith(t, "现在位置") || StartsWith(t, "位置：")) {
        crumb = s.owner;
      }
    }
    if (crumb < 0) {
      for (int i = 0; i < (head_end >= 0 ? head_end : doc.size()); ++i)
        if (!(doc.element(i).flags & kSkipped) &&
            HasHintToken(doc, i, {"breadcrumb", "crumb", "crumbs", "position", "location", "dqwz", "weizhi", "path"}))
          crumb = i;
    }
    if (crumb >= 0) {
      std::string last;
      const Element& c = doc.element(crumb);
      for (int i = crumb; i < c.end; ++i) {
        const Element& e = doc.element(i);
        if (!(e.flags & kHref) || (e.flags & kSkipped)) continue;
        std::string t = ElementText(doc, i);
        if (!t.empty() && t != "正文" && t != "详情" && t != "正文内容") last = t;
      }
      if (!last.empty()) {
        out->column = last;
        origin("column", "breadcrumb");
      }
    }
  }

  // --- attachments: file links in the article's region ---
  {
    auto is_file_link = [&](int i) {
      const Element& e = doc.element(i);
      if ((e.flags & kSkipped) || !(e.flags & kHref)) return false;
      std::string_view hv = TrimBlanks(HtmlDocument::Attr(e.node, "href"));
      return !AttachmentType(hv).empty();
    };
    auto holds_file_link = [&](int a) {
      for (int i = a; i < doc.element(a).end; ++i)
        if (is_file_link(i)) return true;
      return false;
    };
    auto page_level = [&](int a) { return doc.element(a).tag == Tag::kBody || doc.element(a).tag == Tag::kHtml; };
    int region = container;
    if (container >= 0 && title_element >= 0) {
      // The lowest ancestor of the container that also holds the title.
      int a = container;
      while (a >= 0 && !(title_element >= a && title_element < doc.element(a).end)) a = doc.element(a).parent;
      if (a >= 0 && !page_level(a)) region = a;
    }
    if (region == container && container >= 0 && doc.element(container).parent >= 0 &&
        !page_level(doc.element(container).parent))
      region = doc.element(container).parent;
    if (container < 0 && title_element >= 0) {
      // No text (an image-only notice): the box around the title that holds file links.
      for (int a = doc.element(title_element).parent; a >= 0 && !page_level(a); a = doc.element(a).parent)
        if (holds_file_link(a)) {
          region = a;
          break;
        }
    }
    // Ranges of elements to look through: the region, and when the region is the bare container
    // (a page with no wrapper around the article), the few siblings right after it.
    std::vector<std::pair<int, int>> ranges;
    if (region >= 0) ranges.emplace_back(region, doc.element(region).end);
    if (region >= 0 && region == container) {
      int k = doc.element(container).end, siblings = 0;
      const int parent = doc.element(container).parent;
      while (k < doc.size() && siblings < 5 && doc.element(k).parent == parent) {
        if (doc.element(k).chars > 200) break;  // more prose: another article or a comment
        ranges.emplace_back(k, doc.element(k).end);
        k = doc.element(k).end;
        ++siblings;
      }
    }
    for (const auto& [from, to] : ranges) {
      for (int i = from; i < to; ++i) {
        const Element& e = doc.element(i);
        if ((e.flags & kSkipped) || !(e.flags & kHref)) continue;
        std::string href = HtmlDocument::Attr(e.node, "href");
        std::string_view hv = TrimBlanks(href);
        if (hv.empty() || StartsWith(hv, "javascript") || StartsWith(hv, "#") || StartsWith(hv, "mailto:")) continue;
        std::string name = ElementText(doc, i);
        std::string type = AttachmentType(hv);
        std::string_view nv = TrimBlanks(name);
        if (type.empty() && !StartsWith(nv, "附件")) continue;
        if (type.empty()) type = AttachmentType(nv);
        // Strip 附件1： / 附件： / 附件1. prefixes.
        auto strip_label = [](std::string_view v) {
          if (!StartsWith(v, "附件")) return v;
          std::string_view rest = v.substr(6);
          size_t k = 0;
          while (k < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[k])) || rest[k] == ' ')) ++k;
          std::string_view after = rest.substr(k);
          for (std::string_view sep : {"：", ":", "、", ".", "．"})
            if (StartsWith(after, sep)) return TrimBlanks(after.substr(sep.size()));
          return v;
        };
        nv = strip_label(nv);
        // "附件：名单.xlsx <a>下载</a>", "附件2：<a>点击下载</a>（认定说明）": the link says only
        // what to do; the file's name is the text beside it in the same line.
        std::string beside;
        if (IsDownloadVerb(nv) && e.block >= 0) {
          const Element& b = doc.element(e.block);
          std::string before, after;
          for (int k = b.first_run; k < e.first_run; ++k) before.append(doc.runs()[static_cast<size_t>(k)].text);
          for (int k = e.run_end; k < b.run_end; ++k) after.append(doc.runs()[static_cast<size_t>(k)].text);
          beside = CollapseSpaces(before);
          std::string_view v = strip_label(TrimBlanks(beside));
          if (v.empty()) {
            beside = CollapseSpaces(after);
            v = TrimBlanks(beside);
            for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"}, {"(", ")"}, {"【", "】"}})
              if (StartsWith(v, open) && v.size() >= open.size() + close.size() &&
                  v.substr(v.size() - close.size()) == close)
                v = TrimBlanks(v.substr(open.size(), v.size() - open.size() - close.size()));
          }
          if (!v.empty() && CountText(v).chars <= 80) nv = v;
          // A download table (序号 | 附件名称 | 大小 | 下载): the name is another cell of the row —
          // the longest one that is more than a number or a size.
          const int row = b.parent;
          if (v.empty() && (b.tag == Tag::kTd || b.tag == Tag::kTh) && row >= 0 &&
              doc.element(row).tag == Tag::kTr) {
            std::string name;
            for (int c = row + 1; c < doc.element(row).end; c = doc.element(c).end) {
              if (c == e.block || (doc.element(c).tag != Tag::kTd && doc.element(c).tag != Tag::kTh)) continue;
              std::string cell = ElementText(doc, c);
              std::string_view cv = StripFileSize(TrimBlanks(cell));
              auto digit = [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '.'; };
              if (!std::all_of(cv.begin(), cv.end(), digit) && CountText(cv).chars > CountText(name).chars)
                name = std::string(cv);
            }
            if (!name.empty() && CountText(name).chars <= 80) {
              beside = std::move(name);
              nv = beside;
            }
          }
        }
        nv = StripFileSize(nv);
        AttachmentLink a;
        a.url = ResolveHref(base, std::string(hv));
        a.name = nv.empty() ? a.url.substr(a.url.find_last_of('/') + 1) : std::string(nv);
        a.type = type;
        bool dup = std::any_of(out->attachments.begin(), out->attachments.end(),
                               [&](const AttachmentLink& x) { return x.url == a.url; });
        if (!dup) out->attachments.push_back(std::move(a));
      }
    }
  }

  // --- everything else: meta tags and labelled rows ---
  for (const auto& [k, v] : doc.metas()) {
    if (v.empty() || v.size() > 400 || k == "viewport" || k == "content-type" || k == "x-ua-compatible") continue;
    out->metadata.emplace_back("meta:" + k, v);
  }
  for (const Hit& h : hits) {
    if (h.value.empty() || h.field == Field::kOther || (container >= 0 && h.elem >= container && h.elem < container_end))
      continue;
    std::string key = "label:" + std::string(h.label);
    bool dup = std::any_of(out->metadata.begin(), out->metadata.end(), [&](const auto& kv) { return kv.first == key; });
    if (!dup) out->metadata.emplace_back(key, h.value);
  }
}

}  // namespace sluice::clean::internal
