#include "main_content.h"

#include <libxml/xpath.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <string_view>
#include <unordered_map>

#include "boilerplate.h"
#include "date_time.h"
#include "metadata.h"
#include "text_render.h"

namespace sluice::clean::internal {

namespace {

// class/id tokens of page furniture. Strong hints damp the whole subtree (nothing inside a footer
// or a related-articles box is the article); weak ones only the element itself, because they
// also appear on wrappers (side-left, bottom-box) that may hold the article.
constexpr std::string_view kStrongHints[] = {
    "nav", "navbar", "menu", "footer", "foot", "sidebar", "comment", "comments", "share", "bdshare",
    "related", "relate", "recommend", "breadcrumb", "crumb", "crumbs", "copyright", "ad", "ads", "advert",
    "banner", "friendlink", "login", "disclaimer", "statement", "shengming", "fenxiang", "xgwz", "xglj",
    "xgxw", "xgyd", "tuijian", "tjyd", "tjxw", "dqwz", "zan", "dianzan", "qrcode", "ewm", "erweima",
    "promo", "promotion", "sponsor", "adv", "advertisement", "guanggao",
    // The unit's address and profile under every page (联系方式 boxes without their heading).
    "contact", "lxfs", "lianxi",
};
// Stems of strong hints that templates glue to other words in camelCase or without a
// separator (commentList, relatedNews, footerBox), which the token split cannot see.
constexpr std::string_view kStrongStems[] = {"comment", "pinglun", "related", "recommend", "copyright",
                                              "breadcrumb", "friendlink", "footer"};
constexpr std::string_view kWeakHints[] = {
    "side", "aside", "position", "location", "pager", "pagination", "hot", "rank", "search", "bottom",
    "links", "toolbar", "tools", "tool", "prenext", "prev", "next", "print", "fontsize", "top",
};

// Headings of related-link boxes: the box they head is furniture.
constexpr std::string_view kBoxHeads[] = {
    "推荐阅读", "相关阅读", "相关新闻", "相关链接", "相关文章", "相关报道", "热点推荐", "热门推荐", "延伸阅读",
    "猜你喜欢", "精彩推荐", "为你推荐", "热点新闻", "热门文章", "最新文章", "最新新闻", "今日推荐", "网友评论",
    "相关稿件", "更多新闻", "图片新闻", "热点排行", "阅读排行", "点击排行", "最新评论", "热门评论", "全部评论",
    "精彩评论", "读者评论", "发表评论", "我要评论",
    // A school's or a unit's profile in the side column of every article page.
    "学校简介", "学院简介", "单位简介", "本站简介", "关于我们", "联系我们", "联系方式", "友情链接",
};

// The heading of a box without its count: 网友评论（12） → 网友评论.
std::string_view WithoutCount(std::string_view key) {
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"}, {"(", ")"}}) {
    if (key.size() < close.size() || key.substr(key.size() - close.size()) != close) continue;
    size_t o = key.rfind(open);
    if (o == std::string_view::npos || o == 0) continue;
    std::string_view inner = key.substr(o + open.size(), key.size() - close.size() - o - open.size());
    bool digits = !inner.empty();
    for (char c : inner) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) return key.substr(0, o);
  }
  return key;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// 2: strong furniture hint, 1: weak, 0: none.
int NegativeHint(const HtmlDocument& doc, int i) {
  Tag t = doc.element(i).tag;
  if (t == Tag::kNav || t == Tag::kFooter) return 2;
  if (t == Tag::kAside) return 1;
  if (!HtmlDocument::Attr(doc.element(i).node, "class") && !HtmlDocument::Attr(doc.element(i).node, "id")) return 0;
  int hint = 0;
  doc.ForEachHintToken(i, [&](std::string_view tok) {
    for (std::string_view h : kStrongHints)
      if (tok == h) {
        hint = 2;
        return true;
      }
    for (std::string_view h : kStrongStems)
      // commentary is an opinion piece, an article in its own right.
      if (tok.size() > h.size() && tok.substr(0, h.size()) == h && tok.substr(0, 10) != "commentary") {
        hint = 2;
        return true;
      }
    for (std::string_view h : kWeakHints)
      if (tok == h) hint = 1;
    return false;
  });
  return hint;
}

// Calls f(token) for each whitespace-separated token of `s`.
template <typename F>
void ForEachToken(const char* s, F&& f) {
  if (!s) return;
  std::string_view v(s);
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    size_t j = i;
    while (j < v.size() && !std::isspace(static_cast<unsigned char>(v[j]))) ++j;
    if (j > i) f(v.substr(i, j - i));
    i = j;
  }
}

}  // namespace

SubtreeScores ScoreSubtrees(const HtmlDocument& doc) {
  const int n = doc.size();
  SubtreeScores s;
  s.score.assign(static_cast<size_t>(n), 0.0);
  s.own.assign(static_cast<size_t>(n), 0.0);
  s.chars.assign(static_cast<size_t>(n), 0);
  s.link_chars.assign(static_cast<size_t>(n), 0);
  s.links.assign(static_cast<size_t>(n), 0);

  // The text of short blocks, for the furniture phrases.
  std::unordered_map<int, std::string> short_text;
  for (const TextRun& r : doc.runs()) {
    const Element& o = doc.element(r.owner);
    if (o.chars + o.link_chars < 100) short_text[r.owner].append(r.text);
  }

  // Data tables — a 名单 or a schedule, rows of several cells, not label：value pairs — are
  // content even without sentence punctuation: a notice may be nothing but its table.
  std::vector<uint8_t> data_cell(static_cast<size_t>(n), 0);
  for (int t = 0; t < n; ++t) {
    const Element& table = doc.element(t);
    if (table.tag != Tag::kTable || (table.flags & (kContainsTable | kSkipped))) continue;
    int rows = 0, wide_rows = 0, cells = 0, label_cells = 0, in_row = 0;
    for (int i = t + 1; i <= table.end; ++i) {
      const bool row_end = i == table.end || doc.element(i).tag == Tag::kTr;
      if (row_end && i > t + 1) {
        ++rows;
        if (in_row >= 2) ++wide_rows;
        in_row = 0;
      }
      if (i == table.end) break;
      const Element& c = doc.element(i);
      if (c.tag != Tag::kTd && c.tag != Tag::kTh) continue;
      std::string text;
      for (int k = c.first_run; k < c.run_end; ++k) text.append(doc.runs()[static_cast<size_t>(k)].text);
      std::string_view v = TrimBlanks(text);
      if (v.empty()) continue;
      ++cells;
      ++in_row;
      size_t colon = std::min(v.find("："), v.find(':'));
      // The 信息公开 grid (索引号 | … | 发布机构 | …) often writes its labels in cells of their
      // own, without a colon: it is the notice's metadata, not a 名单.
      if ((colon != std::string_view::npos && colon <= 24) || IsFieldLabel(v)) ++label_cells;
    }
    if (rows < 3 || wide_rows * 10 < rows * 6 || cells < 6 || label_cells * 10 >= cells * 3) continue;
    for (int i = t; i < table.end; ++i) data_cell[static_cast<size_t>(i)] = 1;
  }

  // Links to attachments, per block: a line of them is neither text nor furniture.
  std::vector<int> file_links(static_cast<size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    const Element& e = doc.element(i);
    if (!(e.flags & kHref) || (e.flags & kSkipped) || e.block < 0) continue;
    if (!AttachmentType(HtmlDocument::Attr(e.node, "href")).empty()) ++file_links[static_cast<size_t>(e.block)];
  }

  // Furniture marks: strong hints and related-link boxes damp their whole subtree.
  const std::string page_title = StripBlanks(doc.title());
  s.headed_box.assign(static_cast<size_t>(n), 0);
  std::vector<uint8_t> hint(static_cast<size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    const Element& e = doc.element(i);
    if (e.flags & kSkipped) continue;
    int h = NegativeHint(doc, i);
    if (e.parent >= 0) {
      int ph = hint[static_cast<size_t>(e.parent)];
      if (ph >= 2) h = 3;                 // inside a strong hint
      else if (ph >= 1) h = std::max(h, 1);  // inside a weak one
    }
    hint[static_cast<size_t>(i)] = static_cast<uint8_t>(std::max<int>(hint[static_cast<size_t>(i)], h));
    if ((e.flags & kHeading) || (e.chars > 0 && e.chars <= 8)) {
      auto it = short_text.find(i);
      if (it != short_text.end()) {
        std::string stripped = StripBlanks(it->second);
        std::string_view key = WithoutCount(stripped);
        // Unless the box is what the page is about: <title>学校简介_某某小学</title>.
        const bool page_subject = StartsWith(page_title, key);
        for (std::string_view head : kBoxHeads)
          if (key == head && e.parent >= 0 && !page_subject) {
            // Mark the box: the heading's parent and everything below it.
            s.headed_box[static_cast<size_t>(e.parent)] = 1;
            const Element& box = doc.element(e.parent);
            for (int k = e.parent; k < box.end; ++k) hint[static_cast<size_t>(k)] = 3;
          }
      }
    }
  }

  for (int i = 0; i < n; ++i) {
    const Element& e = doc.element(i);
    if (e.flags & kSkipped) continue;
    s.chars[static_cast<size_t>(i)] = e.chars;
    s.link_chars[static_cast<size_t>(i)] = e.link_chars;
    s.links[static_cast<size_t>(i)] = e.links;
    const int total = e.chars + e.link_chars;
    if (total == 0) continue;
    const double ld = static_cast<double>(e.link_chars) / total;
    double w = 0;
    auto it = total < 100 ? short_text.find(i) : short_text.end();
    if (it != short_text.end() && IsFurniturePhrase(it->second)) {
      w = -2.0 * total;
    } else if (e.flags & kHeading) {
      w = 0;  // the title, section heads: they go with whichever container holds them
    } else if (e.links > 0 && file_links[static_cast<size_t>(i)] == e.links && e.chars <= 12) {
      w = 0;  // 附件1：… — attachment links (metadata, dropped from the text later)
    } else if (it != short_text.end() && (IsMetaLine(it->second) || (total <= 30 && IsDateLine(it->second)))) {
      w = 0;  // 发布日期：… 来源：… — the header of an article, not its text
    } else if (ld > 0.5) {
      w = -ld * total;
    } else if (e.chars >= 10 && e.punct >= 1) {
      w = e.chars * (1.0 - ld);
    } else if (e.chars >= 40) {
      w = 0.5 * e.chars * (1.0 - ld);
    } else if (data_cell[static_cast<size_t>(i)] && ld < 0.3) {
      w = 0.5 * e.chars;
    }
    // Inside a footer, a related box, …: the text counts for little, whoever holds it; inside
    // a side column or a tool bar, for less.
    if (w > 0 && hint[static_cast<size_t>(i)] >= 2) w *= 0.1;
    if (w > 0 && hint[static_cast<size_t>(i)] == 1) w *= 0.3;
    // Text straight in <body>/<html>, outside every element: stray bytes (a crawler's log line
    // before <!DOCTYPE>, a script's output), not an article, unless it is all the page has.
    if (w > 0 && (e.tag == Tag::kBody || e.tag == Tag::kHtml)) w *= 0.2;
    s.score[static_cast<size_t>(i)] = w;
    s.own[static_cast<size_t>(i)] = w;
  }
  // A subtree's score is the best prefix of its blocks in document order: the sum up to the
  // point where the remaining blocks add nothing. Trailing furniture then costs nothing — it
  // matters on malformed pages, where unclosed <p>/<font> tags put the rest of the page (pager,
  // footer) inside the article's last paragraph. P[k] sums the own weights of elements < k.
  std::vector<double> prefix(static_cast<size_t>(n) + 1, 0.0);
  for (int i = 0; i < n; ++i) prefix[static_cast<size_t>(i) + 1] = prefix[static_cast<size_t>(i)] + s.own[static_cast<size_t>(i)];
  std::vector<double> best(static_cast<size_t>(n));
  s.cut.assign(static_cast<size_t>(n), 0);
  s.negative.assign(static_cast<size_t>(n), 0.0);
  for (int i = 0; i < n; ++i) s.negative[static_cast<size_t>(i)] = std::min(0.0, s.own[static_cast<size_t>(i)]);
  for (int i = 0; i < n; ++i) {
    best[static_cast<size_t>(i)] = prefix[static_cast<size_t>(i) + 1];
    s.cut[static_cast<size_t>(i)] = i + 1;
  }
  // Children follow their parent in pre-order, so one backwards pass covers every subtree.
  for (int i = n - 1; i >= 0; --i) {
    const Element& e = doc.element(i);
    const size_t ii = static_cast<size_t>(i);
    s.score[ii] = best[ii] - prefix[ii];
    if (e.parent >= 0) {
      size_t p = static_cast<size_t>(e.parent);
      if (best[ii] > best[p]) {
        best[p] = best[ii];
        s.cut[p] = s.cut[ii];
      }
      s.chars[p] += s.chars[ii];
      s.negative[p] += s.negative[ii];
      s.link_chars[p] += s.link_chars[ii];
      s.links[p] += s.links[ii];
    }
  }
  return s;
}

int CutPoint(const HtmlDocument& doc, const SubtreeScores& scores, int i) {
  const int end = doc.element(i).end;
  int k = std::max(scores.cut[static_cast<size_t>(i)], i + 1);
  // Neutral blocks after the last weighty one (a closing signature, a date) still belong.
  while (k < end && scores.own[static_cast<size_t>(k)] >= 0 && NegativeHint(doc, k) == 0) ++k;
  return k;
}

int BestByScore(const HtmlDocument& doc, const SubtreeScores& scores) {
  double best = 0;
  for (int i = 0; i < doc.size(); ++i)
    if (!(doc.element(i).flags & kSkipped)) best = std::max(best, scores.score[static_cast<size_t>(i)]);
  if (best <= 0) return -1;
  // Among near-best subtrees, the smallest: wrappers that add only neutral lines lose.
  int pick = -1;
  int pick_size = 0;
  for (int i = 0; i < doc.size(); ++i) {
    const Element& e = doc.element(i);
    if (e.flags & kSkipped) continue;
    if (scores.score[static_cast<size_t>(i)] < 0.98 * best) continue;
    int size = e.end - i;
    if (pick < 0 || size < pick_size) {
      pick = i;
      pick_size = size;
    }
  }
  // A single paragraph or a table that is the whole notice (a 名单) keeps the lines around it —
  // the salutation, the note under it, the signature and date — when its box adds nothing that
  // weighs against it.
  const bool single_block = pick >= 0 && std::abs(scores.score[static_cast<size_t>(pick)] -
                                                  scores.own[static_cast<size_t>(pick)]) < 1e-9;
  if (pick >= 0 && (single_block || doc.element(pick).tag == Tag::kTable || doc.element(pick).tag == Tag::kTbody)) {
    int box = pick;
    while (doc.element(box).parent >= 0) {
      const int parent = doc.element(box).parent;
      const Element& p = doc.element(parent);
      const size_t pp = static_cast<size_t>(parent);
      if (p.tag == Tag::kBody || p.tag == Tag::kHtml || (p.flags & kSkipped) ||
          scores.negative[pp] < scores.negative[static_cast<size_t>(pick)] - 1e-9 ||
          scores.score[pp] < scores.score[static_cast<size_t>(pick)] - 1e-9)
        break;
      box = parent;
    }
    pick = box;
  }
  // Unclosed <p>/<font> tags nest each paragraph in the one before; climb back over paragraphs
  // whose own text (a salutation, a short first line) adds nothing to the score but is text.
  while (pick >= 0) {
    const Element& e = doc.element(pick);
    if (e.parent < 0) break;
    const Element& p = doc.element(e.parent);
    bool paragraph_like = p.tag == Tag::kP || p.tag == Tag::kFont || p.tag == Tag::kSpan || p.tag == Tag::kB ||
                          p.tag == Tag::kStrong;
    const size_t pp = static_cast<size_t>(e.parent);
    if (!paragraph_like || (p.flags & kSkipped) || scores.own[pp] < 0 ||
        scores.score[pp] < scores.score[static_cast<size_t>(pick)] - 1e-9)
      break;
    pick = e.parent;
  }
  return pick;
}

int FirstProse(const HtmlDocument& doc, const SubtreeScores& scores, int container) {
  if (container < 0) return -1;
  const int end = doc.element(container).end;
  for (int i = container; i < end; ++i)
    if (!(doc.element(i).flags & kSkipped) && scores.own[static_cast<size_t>(i)] > 0) return i;
  return end;
}

std::vector<int> EvaluateXPath(const HtmlDocument& doc, const std::string& xpath) {
  std::vector<int> out;
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc.doc());
  if (!ctx) return out;
  xmlXPathObjectPtr obj = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx);
  if (obj && obj->type == XPATH_NODESET && obj->nodesetval) {
    for (int k = 0; k < obj->nodesetval->nodeNr; ++k) {
      int idx = HtmlDocument::IndexOf(obj->nodesetval->nodeTab[k]);
      if (idx >= 0 && !(doc.element(idx).flags & kSkipped)) out.push_back(idx);
    }
  }
  if (obj) xmlXPathFreeObject(obj);
  xmlXPathFreeContext(ctx);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int FindKnownContainer(const HtmlDocument& doc, const SubtreeScores& scores,
                       const std::vector<ContainerSelector>& selectors, std::string* which) {
  if (selectors.empty()) return -1;
  std::vector<std::vector<int>> matches(selectors.size());
  bool simple = false;
  for (const ContainerSelector& sel : selectors) simple = simple || sel.xpath.empty();
  if (simple) {
    for (int i = 0; i < doc.size(); ++i) {
      const Element& e = doc.element(i);
      if (e.flags & kSkipped) continue;
      const char* cls = HtmlDocument::Attr(e.node, "class");
      const char* id = HtmlDocument::Attr(e.node, "id");
      if (!cls && !id) continue;
      for (size_t k = 0; k < selectors.size(); ++k) {
        const ContainerSelector& sel = selectors[k];
        bool hit = false;
        if (!sel.id.empty() && id) hit = EqualsIgnoreCase(id, sel.id);
        if (!hit && !sel.klass.empty() && cls)
          ForEachToken(cls, [&](std::string_view tok) { hit = hit || EqualsIgnoreCase(tok, sel.klass); });
        if (hit) matches[k].push_back(i);
      }
    }
  }
  for (size_t k = 0; k < selectors.size(); ++k)
    if (!selectors[k].xpath.empty()) matches[k] = EvaluateXPath(doc, selectors[k].xpath);

  for (size_t k = 0; k < selectors.size(); ++k) {
    int best = -1;
    int outer_end = -1;
    for (int i : matches[k]) {
      if (i < outer_end) continue;  // inside an earlier match
      outer_end = doc.element(i).end;
      const Element& e = doc.element(i);
      bool usable = scores.chars[static_cast<size_t>(i)] + scores.link_chars[static_cast<size_t>(i)] > 0 ||
                    (e.flags & kHasImage);
      if (!usable) continue;
      if (best < 0 || scores.score[static_cast<size_t>(i)] > scores.score[static_cast<size_t>(best)]) best = i;
    }
    if (best >= 0) {
      if (which) *which = selectors[k].text;
      return best;
    }
  }
  return -1;
}

// class/id tokens of an article's header line: its date, source, author.
constexpr std::string_view kMetaHints[] = {"byline", "date", "time", "pubtime", "pubdate", "publish", "author",
                                           "source", "meta", "info", "sj", "ly", "laiyuan", "fbsj", "dateline"};

void PruneContainer(const HtmlDocument& doc, const SubtreeScores& scores, int root, int head_end,
                    std::vector<uint8_t>* drop) {
  const Element& r = doc.element(root);
  const double root_score = std::max(1.0, scores.score[static_cast<size_t>(root)]);
  for (int j = root + 1; j < r.end;) {
    const Element& e = doc.element(j);
    if (e.flags & kSkipped) {
      j = e.end;
      continue;
    }
    const size_t js = static_cast<size_t>(j);
    const int total = scores.chars[js] + scores.link_chars[js];
    const double score = scores.score[js];
    bool cut = false;
    // A list of links (related articles, tag clouds, navigation inside the container).
    if (total >= 20 && scores.links[js] >= 3 && scores.link_chars[js] > 0.6 * total) cut = true;
    // A share/related/comment bar that holds little of the article. Text under a strong hint
    // is damped, not zeroed, so a long comment thread still adds a fair share to the wrapper
    // that holds it and the article: up to half of the root's score is still not the article.
    if (!cut) {
      const int h = scores.headed_box[js] ? 2 : NegativeHint(doc, j);
      if ((h == 1 && score < 0.2 * root_score) || (h == 2 && score < 0.5 * root_score)) cut = true;
    }
    // The article's own header line (date, source, byline) above its first paragraph.
    if (!cut && j < head_end && total > 0 && total < 80 && scores.own[js] <= 0) {
      cut = doc.ForEachHintToken(j, [&](std::string_view tok) {
        for (std::string_view h : kMetaHints)
          if (tok == h) return true;
        return false;
      });
    }
    // A media teaser: an image or player with nothing but a short link title (视频-…).
    if (!cut && (e.flags & kHasImage) && total > 0 && total < 60 && scores.link_chars[js] >= 0.9 * total &&
        e.tag != Tag::kA)
      cut = true;
    if (cut) {
      (*drop)[js] = 1;
      j = e.end;
    } else {
      ++j;
    }
  }
}

}  // namespace sluice::clean::internal
