#include "boilerplate.h"

#include <algorithm>
#include <cctype>

#include "date_time.h"
#include "metadata.h"
#include "sluice/ascii.h"

namespace sluice::clean::internal {

namespace {

constexpr std::string_view kFurniture[] = {
    "版权所有", "主办单位：", "承办单位：", "主办单位:", "承办单位:", "主办：", "承办：", "网站标识码", "ICP备",
    "ICP证", "公网安备", "技术支持：", "联系我们", "违法和不良信息", "郑重声明", "All Rights Reserved", "字体：[",
    "字号：[", "浏览次数", "阅读次数", "点击数：", "浏览量：", "未经授权不得转载", "转载请注明出处", "本网站由",
    "本站所有内容",
    "All rights reserved", "您所在的位置", "你的位置",
    "网站地图", "设为首页", "加入收藏", "网站声明", "隐私声明", "使用帮助", "无障碍", "当前位置", "您现在的位置",
    "您的位置", "所在位置", "上一篇", "下一篇", "上一条", "下一条", "分享到", "打印本页", "打印此页", "【打印】",
    "[打印]", "关闭窗口", "【关闭】", "[关闭]", "【字号", "字号：大", "字体：大", "【字体", "扫一扫", "Copyright",
    "copyright", "COPYRIGHT", "©", "返回顶部", "【纠错】", "免责声明", "版权声明", "站点地图", "举报中心",
};

// Credit labels: the line names who wrote, edited or supplied the text, not the text itself.
const std::vector<std::string_view>& CreditLabels() {
  static const std::vector<std::string_view> labels = {
      "责任编辑", "责编", "编辑", "审核", "审校", "校对", "来源", "资料来源", "图片来源", "稿件来源", "文章来源",
      "信息来源", "作者", "摄影", "供稿", "执笔", "撰稿", "初审", "复审", "终审", "监制", "统筹", "策划",
      "编审", "编辑部", "通讯员", "責任編輯", "編輯", "來源", "資料來源", "文章來源", "信息來源", "攝影",
  };
  return labels;
}

const std::vector<std::string_view>& SourceLabels() {
  static const std::vector<std::string_view> labels = {"来源", "信息来源", "稿件来源", "文章来源",
                                                       "來源", "資料來源", "文章來源", "信息來源"};
  return labels;
}

constexpr std::string_view kRelatedHeads[] = {"此前报道", "相关报道", "延伸阅读", "相关阅读", "推荐阅读",
                                               "相关新闻", "相关链接", "相关文章", "热点推荐"};

constexpr std::string_view kPromoWords[] = {"点击", "进入", "返回", "查看", "更多", ">>", "》》", "专题", "阅读原文"};

bool IsAttachmentLabel(std::string_view t) {
  std::string s = StripBlanks(t);
  for (std::string_view label : {"附件", "相关附件", "附件下载", "文件下载", "下载附件", "附件列表", "关联文件", "相关文件"}) {
    if (s == label) return true;
    if (StartsWith(s, label)) {
      std::string_view rest = std::string_view(s).substr(label.size());
      if (rest == "：" || rest == ":") return true;
    }
  }
  return false;
}

// 【1】【2】…, [1][2], "1 2 3 下一页": a pager.
bool IsPager(std::string_view t) {
  int numbers = 0;
  bool word = false;
  size_t i = 0;
  while (i < t.size()) {
    if (StartsWith(t.substr(i), "上一页") || StartsWith(t.substr(i), "下一页") || StartsWith(t.substr(i), "首页") ||
        StartsWith(t.substr(i), "尾页") || StartsWith(t.substr(i), "末页")) {
      word = true;
      i += StartsWith(t.substr(i), "首页") || StartsWith(t.substr(i), "尾页") || StartsWith(t.substr(i), "末页") ? 6 : 9;
      continue;
    }
    size_t start = i;
    uint32_t cp = NextCodePoint(t, i);
    if (cp >= '0' && cp <= '9') {
      while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
      ++numbers;
      continue;
    }
    if (IsBlankCodePoint(cp) || cp == 0x3010 || cp == 0x3011 || cp == '[' || cp == ']' || cp == '|' ||
        cp == 0x3000 || cp == '.' || cp == 0x2026)
      continue;
    // 共3页, 第2页: the page count written beside the links.
    if (cp == 0x5171 /*共*/ || cp == 0x7B2C /*第*/ || cp == 0x9875 /*页*/) continue;
    (void)start;
    return false;
  }
  return numbers >= 2 || (word && numbers >= 1);
}

bool ContainsDate(std::string_view t) {
  // YYYY-M-D, YYYY/M/D, YYYY.M.D or YYYY年M月D日
  for (size_t i = 0; i + 4 <= t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) continue;
    size_t j = i;
    while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
    if (j - i != 4) {
      i = j;
      continue;
    }
    std::string_view rest = t.substr(j);
    if (StartsWith(rest, "-") || StartsWith(rest, "/") || StartsWith(rest, ".") || StartsWith(rest, "年")) {
      size_t k = j + (StartsWith(rest, "年") ? 3 : 1);
      if (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k]))) return true;
    }
    i = j;
  }
  return false;
}

bool IsWeChatFooter(std::string_view t) {
  bool qr = Contains(t, "二维码") && (Contains(t, "扫描") || Contains(t, "长按") || Contains(t, "识别") || Contains(t, "扫码"));
  bool look = Contains(t, "在看") && (Contains(t, "点") || Contains(t, "分享"));
  bool reply = StartsWith(t, "回复【") || StartsWith(t, "回复“");
  bool follow = Contains(t, "关注我们") || Contains(t, "关注公众号") || Contains(t, "欢迎关注");
  return qr || look || reply || follow;
}

bool HasSentencePunct(std::string_view t) { return CountText(t).punct > 0; }

// Disclaimers and notices a site appends to every article.
constexpr std::string_view kDisclaimerStarts[] = {"声明：", "声明:", "特别声明", "免责声明", "郑重声明", "版权声明",
                                                 "本站声明", "本网声明", "风险提示：", "Notice:", "Disclaimer"};

// Widget labels that stand alone on a line: gallery, like, tools, font size, share targets.
constexpr std::string_view kWidgetLines[] = {
    "图集", "组图", "视频", "音频", "+1", "赞", "点赞", "收藏", "分享", "打印", "评论", "字号", "字体", "关注",
    "举报", "大", "中", "小", "默认", "超大", "标准", "返回", "顶部", "返回顶部", "更多", "更多>>", "查看更多",
    "展开全文", "阅读全文", "展开", "收起", "微信", "微博", "QQ空间", "扫一扫", "我要收藏", "【纠错】", "纠错",
};

}  // namespace

std::string_view TrimBlanks(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t i = b;
    uint32_t cp = NextCodePoint(s, i);
    if (!IsBlankCodePoint(cp)) break;
    b = i;
  }
  size_t e = s.size();
  while (e > b) {
    // Step back one code point.
    size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    size_t j = k;
    uint32_t cp = NextCodePoint(s, j);
    if (!IsBlankCodePoint(cp)) break;
    e = k;
  }
  return s.substr(b, e - b);
}

std::string StripBlanks(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachCodePoint(s, [&](uint32_t cp, std::string_view bytes) {
    if (!IsBlankCodePoint(cp)) out.append(bytes);
  });
  return out;
}

bool MatchLabel(std::string_view text, const std::vector<std::string_view>& labels, std::string_view* label,
                std::string_view* rest, bool allow_bar) {
  std::string_view t = TrimBlanks(text);
  for (std::string_view open : {"（", "(", "【", "[", "〔"})
    if (StartsWith(t, open)) {
      t = TrimBlanks(t.substr(open.size()));
      break;
    }
  // Longest label first, so 信息来源 is not read as 信息 + …
  std::string_view best;
  for (std::string_view l : labels)
    if (StartsWith(t, l) && l.size() > best.size()) best = l;
  if (best.empty()) return false;
  std::string_view after = TrimBlanks(t.substr(best.size()));
  for (std::string_view sep : {"：", ":"}) {
    if (StartsWith(after, sep)) {
      *label = best;
      *rest = after.substr(sep.size());
      return true;
    }
  }
  if (allow_bar) {
    for (std::string_view sep : {"|", "丨", "｜", "/"}) {
      if (StartsWith(after, sep)) {
        *label = best;
        *rest = after.substr(sep.size());
        return true;
      }
    }
  }
  return false;
}

// The size a download list prints after the name (统计模板（2.1MB）, 报表.wps (123KB), 表[56K]) is
// not part of the file's name.
std::string_view StripFileSize(std::string_view v) {
  std::string_view t = TrimBlanks(v);
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"}, {"(", ")"}, {"[", "]"}}) {
    if (t.size() < close.size() || t.substr(t.size() - close.size()) != close) continue;
    size_t o = t.rfind(open);
    if (o == std::string_view::npos || o == 0) continue;
    std::string_view inner = TrimBlanks(t.substr(o + open.size(), t.size() - close.size() - o - open.size()));
    size_t k = 0;
    while (k < inner.size() && (std::isdigit(static_cast<unsigned char>(inner[k])) || inner[k] == '.')) ++k;
    if (k == 0) continue;
    std::string unit = AsciiLower(std::string(TrimBlanks(inner.substr(k))));
    for (std::string_view u : {"b", "k", "kb", "m", "mb", "g", "gb", "字节"})
      if (unit == u) return TrimBlanks(t.substr(0, o));
  }
  return v;
}

bool IsMetaLine(std::string_view text) {
  // A blog's byline: the comma belongs to the date (Posted on March 5, 2024 by Admin).
  if (text.size() <= 80 && text.find_first_of(".!?;") == std::string_view::npos) {
    std::string_view t = TrimBlanks(text);
    for (std::string_view lead : {"posted on ", "posted by ", "published on ", "published by ", "updated on ", "by "}) {
      DateTime dt;
      if (t.size() > lead.size() && AsciiLower(std::string(t.substr(0, lead.size()))) == lead && FindDateTime(t, &dt))
        return true;
    }
  }
  // English dates spell the month (Date: 14 November 2034).
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  DateTime english;
  const bool dated = ContainsDate(text) || (text.size() <= 120 && std::any_of(text.begin(), text.end(), letter) &&
                                            FindDateTime(text, &english));
  if (!dated || HasSentencePunct(text)) return false;
  for (std::string_view label : {"来源", "发布", "时间", "日期", "作者", "浏览", "点击", "编辑", "出处", "稿源", "供稿", "來源", "發布", "發佈", "時間",
                                  "Source:", "Updated:", "Published:", "Posted:", "Date:", "Editor:", "Author:"})
    if (Contains(text, label)) return true;
  return false;
}

// The furniture phrases indexed by their first code point, so a text is scanned once instead of
// once per phrase (this runs for every short block of every page).
class PhraseSet {
 public:
  template <size_t N>
  explicit PhraseSet(const std::string_view (&phrases)[N]) {
    for (std::string_view p : phrases) {
      size_t i = 0;
      entries_.push_back({NextCodePoint(p, i), p});
    }
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
  }
  bool FoundIn(std::string_view text) const {
    size_t i = 0;
    while (i < text.size()) {
      size_t at = i;
      uint32_t cp = NextCodePoint(text, i);
      auto it = std::lower_bound(entries_.begin(), entries_.end(), cp,
                                 [](const Entry& e, uint32_t c) { return e.first < c; });
      for (; it != entries_.end() && it->first == cp; ++it)
        if (text.compare(at, it->phrase.size(), it->phrase) == 0) return true;
    }
    return false;
  }

 private:
  struct Entry {
    uint32_t first;
    std::string_view phrase;
  };
  std::vector<Entry> entries_;
};

bool IsFurniturePhrase(std::string_view text) {
  static const PhraseSet* set = new PhraseSet(kFurniture);
  return set->FoundIn(text);
}

namespace {

// A decorative rule drawn with characters: "------分隔线------", "＝＝＝＝＝", "*****".
bool IsSeparatorLine(std::string_view t) {
  int rule = 0;
  size_t i = 0;
  while (i < t.size()) {
    if (t.compare(i, 9, "分隔线") == 0 || t.compare(i, 9, "分割线") == 0) {
      i += 9;
      continue;
    }
    uint32_t cp = NextCodePoint(t, i);
    if (IsBlankCodePoint(cp)) continue;
    const bool stroke = cp == '-' || cp == '=' || cp == '*' || cp == '_' || cp == '~' || cp == '#' || cp == 0x2014 ||
                        cp == 0x2015 || cp == 0x2500 || cp == 0x2501 || cp == 0xFF0D || cp == 0xFF1D || cp == 0xFF3F ||
                        cp == 0x2026 || cp == 0x00B7 || cp == 0x30FB;
    if (!stroke) return false;
    ++rule;
  }
  return rule >= 5;
}

}  // namespace

void FilterLines(std::vector<Line>* lines, const std::string& title, FilterNotes* notes) {
  std::vector<Line>& in = *lines;
  const size_t n = in.size();
  std::vector<uint8_t> drop(n, 0);

  for (size_t i = 0; i < n; ++i) {
    const Line& l = in[i];
    std::string_view t = l.text;
    int own = l.chars - l.link_chars;
    // Attachment link lines (the links are metadata, not text).
    // A size after the link (1. 报表.wps (123KB)) is the list's, like its number.
    if (l.attachment && StripFileSize(t).size() < TrimBlanks(t).size())
      own -= CountText(TrimBlanks(t).substr(StripFileSize(t).size())).chars;
    if (l.attachment && (own <= 8 || StartsWith(TrimBlanks(t), "附件"))) {
      drop[i] = 1;
      continue;
    }
    // A row of a download table (1 | 申报指南 | 86KB | 下载) is the attachment, not text; so is the
    // table's header row right above it (序号 | 附件名称 | 大小 | 下载).
    if (l.attachment && Contains(t, "\t") && own <= 60 && !HasSentencePunct(t)) {
      drop[i] = 1;
      size_t h = i;
      while (h > 0 && drop[h - 1]) --h;
      if (h > 0 && !in[h - 1].attachment && Contains(in[h - 1].text, "\t") && in[h - 1].chars <= 30 &&
          (Contains(in[h - 1].text, "附件") || Contains(in[h - 1].text, "下载") || Contains(in[h - 1].text, "文件")))
        drop[h - 1] = 1;
      continue;
    }
    if (l.chars < 50 && IsFurniturePhrase(t)) {
      drop[i] = 1;
      continue;
    }
    {
      std::string_view tt = TrimBlanks(t);
      bool widget = false;
      for (std::string_view w : kWidgetLines) widget = widget || tt == w;
      for (std::string_view d : kDisclaimerStarts) widget = widget || StartsWith(tt, d);
      // 扫码阅读全文, 手机扫码, 扫描二维码: QR-code widgets.
      widget = widget || (l.chars < 15 && (Contains(tt, "扫码") || Contains(tt, "二维码") || Contains(tt, "扫一扫")));
      if (widget) {
        drop[i] = 1;
        continue;
      }
    }
    std::string_view label, rest;
    if (l.chars < 40 && MatchLabel(t, CreditLabels(), &label, &rest, /*allow_bar=*/true)) {
      bool is_source = std::find(SourceLabels().begin(), SourceLabels().end(), label) != SourceLabels().end();
      if (is_source && notes && notes->source.empty() && (i < 3 || i + 3 >= n)) {
        std::string_view v = TrimBlanks(rest);
        for (std::string_view close : {"）", ")", "】", "]"})
          if (v.size() >= close.size() && v.substr(v.size() - close.size()) == close) v = TrimBlanks(v.substr(0, v.size() - close.size()));
        notes->source = std::string(v);
        notes->source_line = l.text;
      }
      drop[i] = 1;
      continue;
    }
    if (l.chars < 30 && StartsWith(TrimBlanks(t), "图片") && (Contains(t, "来自") || Contains(t, "来源"))) {
      drop[i] = 1;
      continue;
    }
    if (l.chars < 25 && !l.table_row && !HasSentencePunct(t)) {
      // 《棱镜》作者 周纯: an author byline.
      size_t at = t.find("作者");
      std::string_view after = at == std::string_view::npos ? std::string_view() : t.substr(at + 6);
      if (at != std::string_view::npos && !after.empty() &&
          (after[0] == ' ' || StartsWith(after, "：") || StartsWith(after, ":") || StartsWith(after, "\xC2\xA0") ||
           StartsWith(after, "\xE3\x80\x80"))) {
        drop[i] = 1;
        continue;
      }
    }
    if (l.chars < 40 && l.link_chars * 10 >= l.chars * 8 && l.chars > 0) {
      bool promo = false;
      for (std::string_view w : kPromoWords) promo = promo || Contains(t, w);
      if (promo) {
        drop[i] = 1;
        continue;
      }
    }
    for (std::string_view head : kRelatedHeads)
      if (StartsWith(TrimBlanks(t), head) && l.chars < 80) drop[i] = 1;
    if (drop[i]) continue;
    if (l.chars < 60 && IsPager(t)) {
      drop[i] = 1;
      continue;
    }
    if (l.chars < 60 && IsSeparatorLine(t)) {
      drop[i] = 1;
      continue;
    }
  }
  // "点击进入专题：" and the link it introduces.
  for (size_t i = 0; i < n; ++i) {
    std::string_view t = TrimBlanks(in[i].text);
    bool intro = StartsWith(t, "点击进入") || StartsWith(t, "点击查看") || StartsWith(t, "点击阅读") ||
                 StartsWith(t, "点击观看") || StartsWith(t, "相关专题") || StartsWith(t, "进入专题");
    if (!intro || in[i].chars > 40) continue;
    drop[i] = 1;
    bool colon = t.size() >= 3 && (t.substr(t.size() - 3) == "：" || t.back() == ':');
    if (colon && i + 1 < n && in[i + 1].chars < 30 && in[i + 1].link_chars * 10 >= in[i + 1].chars * 8) drop[i + 1] = 1;
  }
  // A promo link glued to the end of a paragraph: "…整顿仍将持续。返回腾讯网首页>>".
  for (size_t i = 0; i < n; ++i) {
    Line& l = in[i];
    if (drop[i] || l.tail_link == std::string::npos || l.tail_link == 0 || l.tail_link >= l.text.size()) continue;
    std::string_view tail = TrimBlanks(std::string_view(l.text).substr(l.tail_link));
    if (CountText(tail).chars > 15) continue;
    bool promo = Contains(tail, "返回") || Contains(tail, ">>") || Contains(tail, "》》") || Contains(tail, "更多") ||
                 Contains(tail, "点击");
    if (!promo) continue;
    l.text = std::string(TrimBlanks(std::string_view(l.text).substr(0, l.tail_link)));
  }
  // Attachment labels with their attachments, or with nothing after them.
  for (size_t i = n; i-- > 0;) {
    if (drop[i] || !IsAttachmentLabel(in[i].text)) continue;
    size_t next = i + 1;
    while (next < n && drop[next] && !in[next].attachment) ++next;
    bool near = next >= n || in[next].attachment || (i > 0 && in[i - 1].attachment);
    if (near) drop[i] = 1;
  }
  // WeChat account footers: everything from the first footer line in the second half, and the
  // account name just above it.
  for (size_t i = n / 2; i < n; ++i) {
    if (in[i].chars > 80 || !IsWeChatFooter(in[i].text)) continue;
    for (size_t k = i; k < n; ++k) drop[k] = 1;
    for (size_t k = i, back = 0; k-- > 0 && back < 2; ++back) {
      if (drop[k]) continue;
      if (in[k].chars >= 15 || HasSentencePunct(in[k].text)) break;
      drop[k] = 1;
    }
    break;
  }
  // A reposted WeChat article opens with the account's prompt to follow it (点击上方蓝字关注我们).
  for (size_t i = 0, seen = 0; i < n && seen < 2; ++i) {
    if (drop[i]) continue;
    ++seen;
    std::string_view t = in[i].text;
    if (in[i].chars <= 30 && Contains(t, "关注") && (Contains(t, "蓝字") || Contains(t, "点击上方")))
      drop[i] = 1;
  }
  // The title repeated as the first line(s), and date/source lines above the text.
  std::string want = StripBlanks(title);
  size_t first = 0;
  while (first < n && drop[first]) ++first;
  if (!want.empty()) {
    std::string acc;
    for (size_t i = first, seen = 0; i < n && seen < 4; ++i) {
      if (drop[i]) continue;
      ++seen;
      acc += StripBlanks(in[i].text);
      if (acc == want) {
        for (size_t k = first; k <= i; ++k) drop[k] = 1;
        break;
      }
      if (!StartsWith(want, acc)) break;
    }
  }
  for (size_t i = 0, seen = 0; i < n && seen < 3; ++i) {
    if (drop[i]) continue;
    ++seen;
    std::string_view t = TrimBlanks(in[i].text);
    bool labelled = StartsWith(t, "发布时间") || StartsWith(t, "发布日期") || StartsWith(t, "时间：") ||
                    StartsWith(t, "日期：") || StartsWith(t, "发表时间");
    bool meta = in[i].chars < 80 && ContainsDate(t) &&
                (labelled || Contains(t, "来源") || Contains(t, "浏览") || Contains(t, "点击") || Contains(t, "阅读"));
    // The 发文字号 printed above a document's salutation is its header (the document_number),
    // like the title above it.
    if (meta || (!in[i].table_row && IsDocumentNumber(t))) drop[i] = 1;
  }
  // A summary above the text (导读, a CMS's description box) that the first paragraph then
  // repeats: "11月8日下午，我校召开…会。" before "11月8日下午，我校召开…会，全体教师参加会议。"
  {
    size_t i = 0;
    while (i < n && drop[i]) ++i;
    size_t j = i + 1;
    while (j < n && drop[j]) ++j;
    if (j < n && in[i].chars >= 15 && !in[i].table_row) {
      std::string summary = StripBlanks(in[i].text);
      for (std::string_view end : {"。", "…", "...", ".", "！", "；"})
        if (summary.size() > end.size() && summary.compare(summary.size() - end.size(), end.size(), end) == 0) {
          summary.resize(summary.size() - end.size());
          break;
        }
      std::string next = StripBlanks(in[j].text);
      if (next.size() > summary.size() && StartsWith(next, summary)) drop[i] = 1;
    }
  }

  std::vector<Line> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (drop[i]) {
      if (notes) ++notes->dropped;
      continue;
    }
    out.push_back(std::move(in[i]));
  }
  in.swap(out);
}

}  // namespace sluice::clean::internal
