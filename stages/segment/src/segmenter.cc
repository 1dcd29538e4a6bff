#include "sluice/segment/segmenter.h"

#include <unicode/utf8.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "char_table.h"
#include "person_names.h"

namespace sluice::segment {

namespace {

// Han runs longer than this are segmented window by window; tokens closer than kSeam characters
// to a window's end are redone with the next window, so only words longer than kSeam could be
// cut (the longest dictionary word is far shorter).
constexpr size_t kWindow = 4096;
constexpr size_t kSeam = 256;

bool IsTimeUnit(char32_t c) {
  return c == U'年' || c == U'月' || c == U'日' || c == U'时' || c == U'分' || c == U'秒';
}

// Punctuation and symbols whose repetition is one mark: —— (破折号), …… (省略号), and rules
// of -, =, _, *, ~ or dots.
bool IsRunMark(char32_t c) {
  switch (c) {
    case U'—': case U'―': case U'…': case U'─': case U'━': case U'.': case U'-': case U'_':
    case U'=': case U'*': case U'~': case U'～': case U'·':
      return true;
    default:
      return false;
  }
}

bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

bool IsAsciiAlnum(char32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsUrlChar(char32_t c) {
  if (IsAsciiAlnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case ':': case '/': case '?': case '#': case '[': case ']':
    case '@': case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',':
    case ';': case '=': case '%':
      return true;
    default:
      return false;
  }
}

bool IsEmailLocalChar(char32_t c) { return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

// A span of the Han buffer: characters [b, e), and the dictionary flags of the word it is.
struct Span {
  uint32_t b;
  uint32_t e;
  uint8_t flags;
  TokenKind kind;
};

struct Scratch {
  std::vector<char32_t> han;    // folded code points of the Han run being collected
  std::vector<uint32_t> start;  // byte offset of each, and one past the last at the end
  std::vector<float> best;
  std::vector<uint32_t> next;
  std::vector<Dictionary::NodeId> node;
  std::vector<Span> spans;
  std::vector<Span> work;
  std::vector<uint32_t> lengths;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Walks UTF-8 text one code point at a time.
class Cursor {
 public:
  explicit Cursor(std::string_view text)
      : s_(reinterpret_cast<const uint8_t*>(text.data())), n_(static_cast<int32_t>(text.size())) {}

  int32_t size() const { return n_; }

  // Decodes the code point at byte `i`: returns it and sets *next past it, or returns -1 (and
  // sets *next past the ill-formed bytes) when the bytes there are not UTF-8.
  int32_t At(int32_t i, int32_t* next) const {
    UChar32 c;
    U8_NEXT(s_, i, n_, c);
    *next = i;
    return c;
  }
  // The code point at `i` folded, or -1 at the end or on ill-formed bytes.
  int32_t FoldedAt(int32_t i, int32_t* next, const CharTable& table) const {
    if (i >= n_) {
      *next = i;
      return -1;
    }
    const int32_t c = At(i, next);
    return c < 0 ? -1 : static_cast<int32_t>(table.Fold(static_cast<char32_t>(c)));
  }

 private:
  const uint8_t* s_;
  int32_t n_;
};

class Tokenizer {
 public:
  Tokenizer(const Dictionary& dict, const HmmModel* hmm, HmmMode mode, std::string_view text)
      : dict_(dict), hmm_(hmm), mode_(hmm ? mode : HmmMode::kOff), table_(CharTable::Get()), cur_(text),
        scratch_(ThreadScratch()) {}

  template <typename Emit>
  size_t Run(Emit& emit);

 private:
  CharClass ClassAt(int32_t i, int32_t* next, int32_t* cp) const {
    const int32_t c = cur_.At(i, next);
    *cp = c;
    if (c < 0) return CharClass::kControl;
    return table_.Class(static_cast<char32_t>(c));
  }
  // Absorbs combining marks (and for symbols ZWJ sequences) after a token ending at `i`.
  int32_t Extend(int32_t i, bool symbol) const;

  template <typename Emit>
  int32_t ScanHan(int32_t i, Emit& emit);
  template <typename Emit>
  void SegmentHan(size_t count, bool final, Emit& emit, size_t* consumed);
  void ApplyHmm(std::vector<Span>& spans);
  void SplitNames(std::vector<Span>& spans);
  void MergeNumerals(std::vector<Span>& spans);
  void MergeOrdinals(std::vector<Span>& spans);

  int32_t ScanNumber(int32_t i, TokenKind* kind) const;
  int32_t ScanLatin(int32_t i, TokenKind* kind) const;
  int32_t ScanUrl(int32_t i) const;
  int32_t ScanEmail(int32_t i) const;
  int32_t ScanLetters(int32_t i) const;
  int32_t ScanDigits(int32_t i) const;

  const Dictionary& dict_;
  const HmmModel* hmm_;
  HmmMode mode_;
  const CharTable& table_;
  Cursor cur_;
  Scratch& scratch_;
};

int32_t Tokenizer::Extend(int32_t i, bool symbol) const {
  for (;;) {
    if (i >= cur_.size()) return i;
    int32_t next, cp;
    const CharClass k = ClassAt(i, &next, &cp);
    if (k == CharClass::kMark) {
      i = next;
    } else if (k == CharClass::kJoiner && cp != 0x200D) {
      i = next;  // emoji modifier, tag character
    } else if (symbol && cp == 0x200D) {
      i = next;  // ZWJ: the next symbol belongs to the same sequence
      if (i < cur_.size()) {
        int32_t n2, c2;
        const CharClass k2 = ClassAt(i, &n2, &c2);
        if (k2 == CharClass::kSymbol || k2 == CharClass::kLetter) i = n2;
      }
    } else {
      return i;
    }
  }
}

int32_t Tokenizer::ScanDigits(int32_t i) const {
  while (i < cur_.size()) {
    int32_t next, cp;
    if (ClassAt(i, &next, &cp) != CharClass::kDigit) break;
    i = next;
  }
  return i;
}

// Number, decimal, percentage, Arabic number with Chinese multiplier, date or time.
int32_t Tokenizer::ScanNumber(int32_t i, TokenKind* kind) const {
  const int32_t begin = i;
  *kind = TokenKind::kNumber;
  i = ScanDigits(i);
  const int32_t first_digits_end = i;
  int first_group = 0;  // digits in the first group, for date patterns
  for (int32_t k = begin; k < first_digits_end;) {
    int32_t next;
    cur_.At(k, &next);
    k = next;
    ++first_group;
  }
  int dots = 0;
  int32_t next, after;
  for (;;) {
    const int32_t c = cur_.FoldedAt(i, &next, table_);
    if (c < 0) break;
    const int32_t d = cur_.FoldedAt(next, &after, table_);
    const bool digit_follows = d >= 0 && table_.Class(static_cast<char32_t>(d)) == CharClass::kDigit;
    if (c == '.' && digit_follows) {
      i = ScanDigits(next);
      ++dots;
      continue;
    }
    if (c == ',' && digit_follows && dots == 0) {
      // Thousands separator: exactly three digits follow.
      const int32_t end = ScanDigits(next);
      int n = 0;
      for (int32_t k = next; k < end; ++n) cur_.At(k, &k);
      if (n == 3) {
        i = end;
        continue;
      }
      break;
    }
    if ((c == '-' || c == '/') && digit_follows && first_group == 4 && i == first_digits_end) {
      // 2024-05-01, 2024/5/1
      const int32_t m_end = ScanDigits(next);
      int32_t n3;
      const int32_t sep2 = cur_.FoldedAt(m_end, &n3, table_);
      int32_t n4;
      const int32_t d2 = cur_.FoldedAt(n3, &n4, table_);
      if (sep2 == c && d2 >= 0 && table_.Class(static_cast<char32_t>(d2)) == CharClass::kDigit) {
        *kind = TokenKind::kDate;
        return ScanDigits(n3);
      }
      break;
    }
    if (c == ':' && digit_follows && first_group <= 2 && i == first_digits_end) {
      // 08:30, 08:30:15
      i = ScanDigits(next);
      int32_t n5;
      const int32_t c2 = cur_.FoldedAt(i, &n5, table_);
      int32_t n6;
      const int32_t d2 = cur_.FoldedAt(n5, &n6, table_);
      if (c2 == ':' && d2 >= 0 && table_.Class(static_cast<char32_t>(d2)) == CharClass::kDigit) i = ScanDigits(n5);
      *kind = TokenKind::kDate;
      return i;
    }
    break;
  }
  if (dots == 2 && first_group == 4) *kind = TokenKind::kDate;  // 2024.05.01
  if (*kind == TokenKind::kDate) return i;

  int32_t c = cur_.FoldedAt(i, &next, table_);
  if (c == '%' || c == 0x2030) return next;  // ％ folds to %
  // Letters right after the digits: an alphanumeric word (5G, 3D, 100km).
  if (c >= 0 && table_.Class(static_cast<char32_t>(c)) == CharClass::kLatin) {
    *kind = TokenKind::kLatin;
    return ScanLatin(i, kind);
  }
  bool multiplied = false;
  while (c >= 0 && IsNumeralMultiplier(static_cast<char32_t>(c))) {
    i = next;
    multiplied = true;
    c = cur_.FoldedAt(i, &next, table_);
  }
  if (c == U'届' && !multiplied) return next;  // 2026届 (graduates of 2026), as 二十届
  if (c >= 0 && !multiplied && IsTimeUnit(static_cast<char32_t>(c))) {
    // 2001年, 12月, 31日, 10时 — but not 3年级 (grade 3: 年级 is the word); 2024年度 (the
    // year a report, budget or award covers) is one date, as bureau documents write it.
    const int32_t c2 = cur_.FoldedAt(next, &after, table_);
    if (c == U'年' && c2 == U'度') {
      *kind = TokenKind::kDate;
      return after;
    }
    if (!(c == U'年' && c2 == U'级')) {
      *kind = TokenKind::kDate;
      return next;
    }
  }
  return i;
}

int32_t Tokenizer::ScanUrl(int32_t i) const {
  // Lower-cased ASCII look-ahead for a scheme or www.
  char head[9] = {0};
  int32_t k = i;
  for (int n = 0; n < 8 && k < cur_.size(); ++n) {
    int32_t next;
    const int32_t c = cur_.At(k, &next);
    if (c < 0 || c > 0x7F) break;
    head[n] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    k = next;
  }
  const std::string_view h(head);
  size_t prefix = 0;
  for (std::string_view p : {"https://", "http://", "ftp://", "www."}) {
    if (h.substr(0, p.size()) == p) {
      prefix = p.size();
      break;
    }
  }
  if (prefix == 0) return i;
  int32_t end = i + static_cast<int32_t>(prefix);  // ASCII: one byte per character
  int parens = 0;
  while (end < cur_.size()) {
    int32_t next;
    const int32_t c = cur_.At(end, &next);
    if (c < 0 || !IsUrlChar(static_cast<char32_t>(c))) break;
    if (c == '(') ++parens;
    if (c == ')') --parens;
    end = next;
  }
  // Sentence punctuation after a URL is not part of it.
  while (end > i + static_cast<int32_t>(prefix)) {
    const int32_t c = cur_.At(end - 1, &k);
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || (c == ')' && parens < 0)) {
      if (c == ')') ++parens;
      --end;
    } else {
      break;
    }
  }
  return end > i + static_cast<int32_t>(prefix) ? end : i;
}

int32_t Tokenizer::ScanEmail(int32_t i) const {
  // Bounded by the RFC 5321 limits (64 bytes local part, 255 domain) so that text like
  // "a--a--a--…" is not rescanned from every word: scanning stays linear.
  int32_t k = i;
  int32_t next;
  while (k < cur_.size() && k - i <= 64) {
    const int32_t c = cur_.At(k, &next);
    if (c < 0 || !IsEmailLocalChar(static_cast<char32_t>(c))) break;
    k = next;
  }
  if (k == i || k - i > 64 || k >= cur_.size() || cur_.At(k, &next) != '@') return i;
  int32_t end = next;
  const int32_t domain_start = next;
  bool dot = false;
  int32_t last_alnum_end = -1;
  while (end < cur_.size() && end - domain_start <= 255) {
    const int32_t c = cur_.At(end, &next);
    if (c < 0) break;
    if (IsAsciiAlnum(static_cast<char32_t>(c))) {
      last_alnum_end = next;
    } else if (c == '.') {
      if (last_alnum_end == end) dot = true;
    } else if (c != '-') {
      break;
    }
    end = next;
  }
  return (dot && last_alnum_end > 0) ? last_alnum_end : i;
}

// A Latin word: letters and digits (ASCII and full-width), inner - . ' ’ between them.
int32_t Tokenizer::ScanLatin(int32_t i, TokenKind* kind) const {
  *kind = TokenKind::kLatin;
  for (;;) {
    if (i >= cur_.size()) return i;
    int32_t next, cp;
    const CharClass k = ClassAt(i, &next, &cp);
    if (k == CharClass::kLatin || k == CharClass::kDigit || k == CharClass::kMark) {
      i = next;
      continue;
    }
    const char32_t f = cp < 0 ? 0 : table_.Fold(static_cast<char32_t>(cp));
    if (f == '-' || f == '.' || f == '\'' || f == 0x2019) {
      int32_t after, c2;
      if (next < cur_.size()) {
        const CharClass k2 = ClassAt(next, &after, &c2);
        if (k2 == CharClass::kLatin || k2 == CharClass::kDigit) {
          i = after;
          continue;
        }
      }
    }
    return i;
  }
}

int32_t Tokenizer::ScanLetters(int32_t i) const {
  int32_t next, cp;
  ClassAt(i, &next, &cp);
  const int script = CharTable::Script(static_cast<char32_t>(cp));
  i = next;
  while (i < cur_.size()) {
    const CharClass k = ClassAt(i, &next, &cp);
    if (k == CharClass::kMark) {
      i = next;
      continue;
    }
    if (k != CharClass::kLetter) break;
    const int s = CharTable::Script(static_cast<char32_t>(cp));
    // USCRIPT_COMMON (0) and USCRIPT_INHERITED (1) continue any run (e.g. ー in katakana).
    if (s != script && s > 1 && script > 1) break;
    i = next;
  }
  return i;
}

template <typename Emit>
size_t Tokenizer::Run(Emit& emit) {
  size_t invalid = 0;
  int32_t i = 0;
  const int32_t n = cur_.size();
  while (i < n) {
    int32_t next, cp;
    const CharClass k = ClassAt(i, &next, &cp);
    if (cp < 0) {
      invalid += static_cast<size_t>(next - i);
      i = next;
      continue;
    }
    const char32_t c = static_cast<char32_t>(cp);
    TokenKind kind = TokenKind::kOther;
    int32_t end = next;
    switch (k) {
      case CharClass::kSpace:
      case CharClass::kControl:
        i = next;
        continue;
      case CharClass::kHan: {
        const int32_t e = ScanHan(i, emit);
        if (e > i) {
          i = e;
          continue;
        }
        kind = TokenKind::kOther;  // cannot happen (ScanHan takes every Han start); never loop
        break;
      }
      case CharClass::kDigit: {
        const int32_t e = ScanEmail(i);  // 12345@qq.com
        if (e != i) {
          kind = TokenKind::kUrl;
          end = e;
        } else {
          end = Extend(ScanNumber(i, &kind), false);
        }
        break;
      }
      case CharClass::kLatin: {
        int32_t e = ScanUrl(i);
        if (e == i) e = ScanEmail(i);
        if (e != i) {
          kind = TokenKind::kUrl;
          end = e;
        } else {
          end = Extend(ScanLatin(i, &kind), false);
        }
        break;
      }
      case CharClass::kLetter:
        end = ScanLetters(i);
        kind = TokenKind::kOther;
        break;
      case CharClass::kPunct:
      case CharClass::kSymbol: {
        if (c == 0x25CB) {  // ○ as zero in a Chinese numeral: 二○○一
          int32_t n2;
          const int32_t c2 = cur_.FoldedAt(next, &n2, table_);
          if (c2 >= 0 && IsHanNumeral(static_cast<char32_t>(c2))) {
            const int32_t e = ScanHan(i, emit);
            if (e > i) {
              i = e;
              continue;
            }
          }
        }
        kind = k == CharClass::kPunct ? TokenKind::kPunct : TokenKind::kOther;
        const char32_t f = table_.Fold(c);
        if (IsRunMark(f)) {
          int32_t n2;
          while (end < n && cur_.FoldedAt(end, &n2, table_) == static_cast<int32_t>(f)) end = n2;
        } else if (IsRegionalIndicator(c) && end < n) {
          int32_t n2;
          const int32_t c2 = cur_.At(end, &n2);
          if (c2 >= 0 && IsRegionalIndicator(static_cast<char32_t>(c2))) end = n2;  // a flag
        }
        end = Extend(end, k == CharClass::kSymbol);
        break;
      }
      case CharClass::kMark:
      case CharClass::kJoiner:
        end = Extend(next, true);  // a mark with nothing to attach to
        kind = TokenKind::kOther;
        break;
    }
    emit(Token{static_cast<uint32_t>(i), static_cast<uint32_t>(end), kind});
    i = end;
  }
  return invalid;
}

template <typename Emit>
int32_t Tokenizer::ScanHan(int32_t i, Emit& emit) {
  Scratch& s = scratch_;
  s.han.clear();
  s.start.clear();
  const int32_t n = cur_.size();
  for (;;) {
    // Collect one window (or the rest of the run).
    while (i < n && s.han.size() < kWindow) {
      int32_t next, cp;
      const CharClass k = ClassAt(i, &next, &cp);
      if (k == CharClass::kMark && !s.han.empty()) {
        i = next;  // a variation selector or mark extends the previous character
        continue;
      }
      char32_t f;
      if (k == CharClass::kHan) {
        f = table_.Fold(static_cast<char32_t>(cp));
      } else if (cp == 0x25CB) {
        // ○ stands for 〇 next to other numerals; elsewhere it is a symbol.
        bool numeral = !s.han.empty() && IsHanNumeral(s.han.back());
        if (!numeral) {
          int32_t n2;
          const int32_t c2 = cur_.FoldedAt(next, &n2, table_);
          numeral = c2 >= 0 && (IsHanNumeral(static_cast<char32_t>(c2)));
        }
        if (!numeral) break;
        f = U'〇';
      } else {
        break;
      }
      s.han.push_back(f);
      s.start.push_back(static_cast<uint32_t>(i));
      i = next;
    }
    const bool final = s.han.size() < kWindow || i >= n;
    s.start.push_back(static_cast<uint32_t>(i));
    size_t consumed = 0;
    SegmentHan(s.han.size(), final, emit, &consumed);
    s.start.pop_back();
    if (final && consumed == s.han.size()) return i;
    // Keep the unconsumed tail and read more of the run behind it.
    s.han.erase(s.han.begin(), s.han.begin() + static_cast<std::ptrdiff_t>(consumed));
    s.start.erase(s.start.begin(), s.start.begin() + static_cast<std::ptrdiff_t>(consumed));
    if (final && s.han.empty()) return i;
  }
}

// Segments s.han[0, count): the maximum-probability path, then the unknown-word, name and
// numeral conventions; emits the tokens. Unless `final`, tokens within kSeam characters of the
// end are held back; *consumed is the number of characters emitted.
template <typename Emit>
void Tokenizer::SegmentHan(size_t count, bool final, Emit& emit, size_t* consumed) {
  Scratch& s = scratch_;
  const char32_t* h = s.han.data();
  s.best.resize(count + 1);
  s.next.resize(count + 1);
  s.node.resize(count + 1);
  s.best[count] = 0;
  for (size_t i = count; i-- > 0;) {
    Dictionary::NodeId node = dict_.Root(h[i]);
    // A character that is a word is scored as that word below; only others need the
    // unknown-character score (which asks the character model, so it is not computed always).
    float best = (node != Dictionary::kNoNode && dict_.IsWord(node)) ? -std::numeric_limits<float>::infinity()
                                                                     : dict_.UnknownCharScore(h[i]) + s.best[i + 1];
    uint32_t best_end = static_cast<uint32_t>(i + 1);
    Dictionary::NodeId best_node = Dictionary::kNoNode;
    for (size_t j = i; node != Dictionary::kNoNode;) {
      const float score = dict_.Score(node);
      if (score != Dictionary::kNotAWord) {
        const float cand = score + s.best[j + 1];
        if (cand >= best) {  // ties go to the longer word, as in jieba
          best = cand;
          best_end = static_cast<uint32_t>(j + 1);
          best_node = node;
        }
      }
      if (++j >= count) break;
      node = dict_.Child(node, h[j]);
    }
    s.best[i] = best;
    s.next[i] = best_end;
    s.node[i] = best_node;
  }
  std::vector<Span>& spans = s.spans;
  spans.clear();
  for (uint32_t i = 0; i < count; i = s.next[i]) {
    const Dictionary::NodeId node = s.node[i];
    spans.push_back(Span{i, s.next[i], node == Dictionary::kNoNode ? uint8_t{0} : dict_.Flags(node), TokenKind::kWord});
  }
  if (mode_ != HmmMode::kOff) ApplyHmm(spans);
  if (dict_.split_person_names()) SplitNames(spans);
  MergeNumerals(spans);

  const uint32_t limit = final ? static_cast<uint32_t>(count) : static_cast<uint32_t>(count > kSeam ? count - kSeam : 0);
  uint32_t done = 0;
  for (const Span& sp : spans) {
    if (sp.e > limit) break;
    emit(Token{s.start[sp.b], s.start[sp.e], sp.kind});
    done = sp.e;
  }
  if (done == 0 && !final && !spans.empty()) {
    // A single span longer than the seam: emit it anyway so the loop advances.
    emit(Token{s.start[spans[0].b], s.start[spans[0].e], spans[0].kind});
    done = spans[0].e;
  }
  *consumed = done;
}

// Runs of single characters the dictionary path left over go through the HMM.
void Tokenizer::ApplyHmm(std::vector<Span>& spans) {
  Scratch& s = scratch_;
  std::vector<Span>& out = s.work;
  out.clear();
  const char32_t* h = s.han.data();
  size_t i = 0;
  while (i < spans.size()) {
    const bool single = spans[i].e - spans[i].b == 1 && !(spans[i].flags & kWordLexicon);
    if (!single) {
      out.push_back(spans[i++]);
      continue;
    }
    size_t j = i;
    while (j < spans.size() && spans[j].e - spans[j].b == 1 && !(spans[j].flags & kWordLexicon)) ++j;
    const uint32_t b = spans[i].b;
    const uint32_t e = spans[j - 1].e;
    bool run_is_word = false;
    if (e - b > 1) {
      Dictionary::NodeId node = dict_.Root(h[b]);
      for (uint32_t k = b + 1; k < e && node != Dictionary::kNoNode; ++k) node = dict_.Child(node, h[k]);
      run_is_word = node != Dictionary::kNoNode && dict_.IsWord(node);
    }
    if (e - b < 2 || run_is_word) {
      // jieba's rule: a run that is itself a word the path rejected stays in characters.
      for (size_t k = i; k < j; ++k) out.push_back(spans[k]);
      i = j;
      continue;
    }
    s.lengths.clear();
    hmm_->Cut(h + b, e - b, &s.lengths);
    uint32_t p = b;
    for (uint32_t len : s.lengths) {
      bool accept = len > 1 && mode_ == HmmMode::kAll;
      uint8_t flags = 0;
      if (len == 3 && IsSurname(h[p])) {
        accept = true;
        flags = kWordNameSplit1;
      } else if (len == 4 && IsCompoundSurname(h[p], h[p + 1])) {
        accept = true;
        flags = kWordNameSplit2;
      }
      if (accept) {
        out.push_back(Span{p, p + len, flags, TokenKind::kWord});
      } else {
        for (uint32_t k = p; k < p + len; ++k) out.push_back(Span{k, k + 1, 0, TokenKind::kWord});
      }
      p += len;
    }
    i = j;
  }
  spans.swap(out);
}

void Tokenizer::SplitNames(std::vector<Span>& spans) {
  std::vector<Span>& out = scratch_.work;
  out.clear();
  for (const Span& sp : spans) {
    const uint32_t at = (sp.flags & kWordNameSplit1) ? 1 : (sp.flags & kWordNameSplit2) ? 2 : 0;
    if (at == 0 || sp.e - sp.b <= at) {
      out.push_back(sp);
      continue;
    }
    out.push_back(Span{sp.b, sp.b + at, 0, TokenKind::kWord});
    out.push_back(Span{sp.b + at, sp.e, 0, TokenKind::kWord});
  }
  spans.swap(out);
}

// Adjacent pieces made only of Chinese numerals are one number (三十 + 一 → 三十一); a number
// followed by a lone 年/月/日/时/分/秒 is a date or time (十二月, 二○○○年). Lexicon words
// (十五五, 二十大) are never merged.
void Tokenizer::MergeNumerals(std::vector<Span>& spans) {
  const char32_t* h = scratch_.han.data();
  auto all_numerals = [&](const Span& sp) {
    if (sp.flags & kWordLexicon) return false;
    for (uint32_t k = sp.b; k < sp.e; ++k) {
      if (!IsHanNumeral(h[k])) return false;
    }
    return true;
  };
  std::vector<Span>& out = scratch_.work;
  out.clear();
  for (const Span& sp : spans) {
    if (!out.empty() && out.back().kind == TokenKind::kNumber && all_numerals(sp)) {
      out.back().e = sp.e;
      continue;
    }
    if (!out.empty() && out.back().kind == TokenKind::kNumber && sp.e - sp.b == 1 && IsTimeUnit(h[sp.b]) &&
        !(sp.flags & kWordLexicon)) {
      out.back().e = sp.e;
      out.back().kind = TokenKind::kDate;
      continue;
    }
    if (!out.empty() && out.back().kind == TokenKind::kNumber && sp.e - sp.b == 2 && h[sp.b] == U'年' &&
        h[sp.b + 1] == U'度') {
      out.back().e = sp.e;  // 二〇二四年度, as 2024年度
      out.back().kind = TokenKind::kDate;
      continue;
    }
    Span copy = sp;
    if (all_numerals(sp)) {
      copy.kind = TokenKind::kNumber;
    } else if (sp.e - sp.b >= 2 && IsTimeUnit(h[sp.e - 1]) && !(sp.flags & kWordLexicon) &&
               all_numerals(Span{sp.b, sp.e - 1, 0, TokenKind::kWord})) {
      copy.kind = TokenKind::kDate;  // a dictionary word such as 十二月
    }
    out.push_back(copy);
  }
  spans.swap(out);
  MergeOrdinals(spans);
}

// An ordinal with 批/届/期 is one word, as the base dictionary lists the common ones (第二批,
// 第十届, 第一期): 第 + Chinese numerals + 批 → 第十二批, and 二 + 十届 → 二十届, however the
// path cut it.
void Tokenizer::MergeOrdinals(std::vector<Span>& spans) {
  const char32_t* h = scratch_.han.data();
  auto ordinal_begin = [&](size_t end_index) -> ptrdiff_t {
    // Index of the span where 第 + numerals ending at spans[end_index] begins, or -1.
    const Span& last = spans[end_index];
    if (last.flags & kWordLexicon) return -1;
    uint32_t k = last.e;
    while (k > last.b && IsHanNumeral(h[k - 1])) --k;
    if (k == last.e) return -1;
    if (k > last.b) return (k - 1 == last.b && h[last.b] == U'第') ? static_cast<ptrdiff_t>(end_index) : -1;
    if (end_index == 0) return -1;
    const Span& prev = spans[end_index - 1];
    return (prev.e - prev.b == 1 && h[prev.b] == U'第') ? static_cast<ptrdiff_t>(end_index - 1) : -1;
  };
  std::vector<Span>& out = scratch_.work;
  out.clear();
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& sp = spans[i];
    const char32_t c = h[sp.b];
    if (i > 0 && sp.e - sp.b == 1 && (c == U'批' || c == U'届' || c == U'期') && !(sp.flags & kWordLexicon)) {
      const ptrdiff_t begin = ordinal_begin(i - 1);
      if (begin >= 0) {
        if (begin < static_cast<ptrdiff_t>(i) - 1) out.pop_back();
        out.back() = Span{spans[static_cast<size_t>(begin)].b, sp.e, 0, TokenKind::kWord};
        continue;
      }
    }
    // A number cut before a dictionary word of numerals + 届/批/期: 二 + 十届 → 二十届.
    const char32_t last = h[sp.e - 1];
    if (!out.empty() && out.back().kind == TokenKind::kNumber && out.back().e == sp.b && sp.e - sp.b >= 2 &&
        (last == U'批' || last == U'届' || last == U'期') && !(sp.flags & kWordLexicon)) {
      bool numerals = true;
      for (uint32_t k = sp.b; k + 1 < sp.e; ++k) numerals &= IsHanNumeral(h[k]);
      if (numerals) {
        out.back() = Span{out.back().b, sp.e, 0, TokenKind::kWord};
        continue;
      }
    }
    out.push_back(sp);
  }
  spans.swap(out);
}

}  // namespace

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord: return "word";
    case TokenKind::kLatin: return "latin";
    case TokenKind::kNumber: return "number";
    case TokenKind::kPunct: return "punct";
    case TokenKind::kUrl: return "url";
    case TokenKind::kDate: return "date";
    case TokenKind::kOther: return "other";
  }
  return "other";
}

bool ParseHmmMode(std::string_view text, HmmMode* mode) {
  if (text == "off" || text == "false" || text == "no") {
    *mode = HmmMode::kOff;
  } else if (text == "names") {
    *mode = HmmMode::kNames;
  } else if (text == "all" || text == "true" || text == "yes") {
    *mode = HmmMode::kAll;
  } else {
    return false;
  }
  return true;
}

std::string DefaultLexiconPath() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (exe.parent_path().parent_path() / "share" / "sluice" / "segment" / "education.txt").lexically_normal().string();
}

Segmenter::Segmenter(std::shared_ptr<const Dictionary> dict, std::shared_ptr<const HmmModel> hmm, HmmMode mode)
    : dict_(std::move(dict)), hmm_(std::move(hmm)), mode_(hmm_ ? mode : HmmMode::kOff) {
  const uint64_t parts[] = {dict_->fingerprint(), hmm_ ? hmm_->fingerprint() : 0, static_cast<uint64_t>(mode_)};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(XXH64(parts, sizeof parts, 0)));
  version_ = dict_->lexicon_version() + "+" + std::string(hex, 8);
}

Status Segmenter::Create(const SegmenterOptions& options, std::unique_ptr<Segmenter>* out) {
  // One set of HMM files serves two purposes: new-word discovery (hmm) and the character model
  // mixed into word scores (char_model_weight). Either needs them loaded.
  const bool need_hmm = options.hmm != HmmMode::kOff || options.char_model_weight != 0;
  std::shared_ptr<const HmmModel> hmm;
  if (need_hmm) SLUICE_RETURN_IF_ERROR(HmmModel::Load(options.hmm_dir, &hmm).Annotate("loading the HMM"));
  DictionaryOptions d;
  d.base_path = options.dict_path;
  d.lexicon_path = options.lexicon_path;
  d.user_paths = options.user_dict_paths;
  d.compound_penalty = options.compound_penalty;
  d.split_bias = options.split_bias;
  d.split_person_names = options.split_person_names;
  d.char_model = hmm;
  d.char_model_weight = options.char_model_weight;
  std::shared_ptr<const Dictionary> dict;
  SLUICE_RETURN_IF_ERROR(Dictionary::Load(d, &dict).Annotate("loading the dictionary"));
  auto seg = std::make_unique<Segmenter>(std::move(dict), options.hmm != HmmMode::kOff ? hmm : nullptr, options.hmm);
  for (const std::string& f : {options.dict_path, options.lexicon_path}) {
    if (!f.empty()) seg->files_.push_back(f);
  }
  for (const std::string& f : options.user_dict_paths) seg->files_.push_back(f);
  if (need_hmm) {
    for (const char* name : {"/prob_start.py", "/prob_trans.py", "/prob_emit.py"}) seg->files_.push_back(options.hmm_dir + name);
  }
  *out = std::move(seg);
  return Status::OK();
}

template <typename Emit>
void Segmenter::Run(std::string_view text, Emit& emit, size_t* invalid_bytes) const {
  Tokenizer tokenizer(*dict_, hmm_.get(), mode_, text);
  const size_t invalid = tokenizer.Run(emit);
  if (invalid_bytes) *invalid_bytes += invalid;
}

Status Segmenter::Segment(std::string_view text, std::vector<Token>* out, size_t* invalid_bytes) const {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("text of " + std::to_string(text.size()) + " bytes: at most 2 GiB can be segmented at once");
  }
  auto emit = [out](const Token& t) { out->push_back(t); };
  Run(text, emit, invalid_bytes);
  return Status::OK();
}

Status Segmenter::Segment(std::string_view text, const TokenSink& sink, size_t* invalid_bytes) const {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("text of " + std::to_string(text.size()) + " bytes: at most 2 GiB can be segmented at once");
  }
  auto emit = [&sink](const Token& t) { sink(t); };
  Run(text, emit, invalid_bytes);
  return Status::OK();
}

}  // namespace sluice::segment
