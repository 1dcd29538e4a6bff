#include "sluice/store/index_tokens.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstring>

namespace sluice::store {

namespace {

enum class CharClass { kSeparator, kHan, kOther };

// The hot path of indexing: ASCII and the main CJK blocks are decided without a table lookup.
inline CharClass Classify(UChar32 c) {
  if (c < 0x80) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alnum ? CharClass::kOther : CharClass::kSeparator;
  }
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x323AF) ||
      (c >= 0xF900 && c <= 0xFAFF)) {
    return CharClass::kHan;
  }
  uint32_t mask = U_MASK(u_charType(c));
  if ((mask & (U_GC_L_MASK | U_GC_N_MASK | U_GC_CO_MASK)) == 0) return CharClass::kSeparator;
  UErrorCode err = U_ZERO_ERROR;
  return uscript_getScript(c, &err) == USCRIPT_HAN ? CharClass::kHan : CharClass::kOther;
}

// Calls emit(run, han, chars) for each run of token characters in `s`. Han runs are views into
// `s`; other runs are lower-cased into a scratch buffer (valid during the call only).
template <class Emit>
void ScanRuns(std::string_view s, Emit&& emit) {
  std::string lowered;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  CharClass run_class = CharClass::kSeparator;
  int32_t run_begin = 0;
  size_t run_chars = 0;
  auto flush = [&](int32_t end) {
    if (run_class == CharClass::kHan) {
      emit(s.substr(run_begin, end - run_begin), true, run_chars);
    } else if (run_class == CharClass::kOther) {
      emit(std::string_view(lowered), false, run_chars);
    }
    run_class = CharClass::kSeparator;
    run_chars = 0;
  };
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    CharClass cls = c < 0 ? CharClass::kSeparator : Classify(c);
    if (cls != run_class) {
      flush(start);
      run_class = cls;
      run_begin = start;
      if (cls == CharClass::kOther) lowered.clear();
    }
    if (cls == CharClass::kSeparator) continue;
    ++run_chars;
    if (cls == CharClass::kOther) {
      if (c < 0x80) {
        lowered.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      } else {
        UChar32 lc = u_tolower(c);
        char buf[4];
        int32_t len = 0;
        UBool error = false;
        U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, lc, error);
        if (!error) lowered.append(buf, len);
      }
    }
  }
  flush(n);
}

class RunTokenSink {
 public:
  explicit RunTokenSink(TokenSink& sink) : sink_(sink) {}
  void operator()(std::string_view run, bool, size_t) { sink_.Add(run); }

 private:
  TokenSink& sink_;
};

// Emits the bigrams of a Han run and then its last character.
void EmitGrams(std::string_view run, TokenSink& sink) {
  const auto* p = reinterpret_cast<const uint8_t*>(run.data());
  int32_t n = static_cast<int32_t>(run.size());
  int32_t a = 0;
  int32_t b = 0;
  U8_FWD_1(p, b, n);
  while (b < n) {
    int32_t c = b;
    U8_FWD_1(p, c, n);
    sink.Add(run.substr(a, c - a));
    a = b;
    b = c;
  }
  sink.Add(run.substr(a, b - a));
}

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in.empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

inline bool IsBoundary(std::string_view text, size_t pos) {
  return pos >= text.size() || !U8_IS_TRAIL(static_cast<uint8_t>(text[pos]));
}

}  // namespace

void JoinedTokens::Add(std::string_view token) {
  if (!text.empty()) text.push_back(' ');
  text.append(token);
  ++count;
}

void BasicTokens(std::string_view piece, TokenSink& sink) { ScanRuns(piece, RunTokenSink(sink)); }

void WordTokens(std::string_view text, std::span<const WordSpan> words, TokenSink& sink, size_t max_bytes) {
  if (text.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && !IsBoundary(text, cut)) --cut;
    text = text.substr(0, cut);
  }
  size_t pos = 0;
  for (const WordSpan& w : words) {
    if (w.begin >= text.size()) break;
    if (w.begin > pos) BasicTokens(text.substr(pos, w.begin - pos), sink);
    size_t end = std::min<size_t>(w.end, text.size());
    BasicTokens(text.substr(w.begin, end - w.begin), sink);
    pos = end;
  }
  if (pos < text.size()) BasicTokens(text.substr(pos), sink);
}

void GramTokens(std::string_view text, TokenSink& sink, size_t max_bytes) {
  if (text.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && !IsBoundary(text, cut)) --cut;
    text = text.substr(0, cut);
  }
  ScanRuns(text, [&](std::string_view run, bool han, size_t) {
    if (han) {
      EmitGrams(run, sink);
    } else {
      sink.Add(run);
    }
  });
}

bool ValidWordSpans(std::string_view text, std::span<const WordSpan> words) {
  uint32_t prev_end = 0;
  for (const WordSpan& w : words) {
    if (w.begin >= w.end || w.begin < prev_end || w.end > text.size()) return false;
    if (!IsBoundary(text, w.begin) || !IsBoundary(text, w.end)) return false;
    prev_end = w.end;
  }
  return true;
}

std::string EncodeWordSpans(std::span<const WordSpan> words) {
  std::string out;
  out.reserve(words.size() * 2);
  uint32_t prev_end = 0;
  for (const WordSpan& w : words) {
    PutVarint(w.begin - prev_end, out);
    PutVarint(w.end - w.begin, out);
    prev_end = w.end;
  }
  return out;
}

bool DecodeWordSpans(std::string_view encoded, std::vector<WordSpan>* words) {
  words->clear();
  uint64_t prev_end = 0;
  while (!encoded.empty()) {
    uint64_t gap = 0;
    uint64_t len = 0;
    if (!GetVarint(encoded, &gap) || !GetVarint(encoded, &len)) return false;
    uint64_t begin = prev_end + gap;
    uint64_t end = begin + len;
    if (len == 0 || end > UINT32_MAX) return false;
    words->push_back(WordSpan{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    prev_end = end;
  }
  return true;
}

std::vector<TextRun> SplitRuns(std::string_view piece) {
  std::vector<TextRun> runs;
  ScanRuns(piece, [&](std::string_view run, bool han, size_t chars) {
    runs.push_back(TextRun{std::string(run), han, chars});
  });
  return runs;
}

bool SanitizeUtf8(std::string_view in, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  int32_t n = static_cast<int32_t>(in.size());
  int32_t i = 0;
  bool clean = true;
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c <= 0) {
      clean = false;
      break;
    }
  }
  if (clean) return false;
  std::string result;
  result.reserve(in.size());
  i = 0;
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c == 0) continue;
    if (c < 0) {
      result.append("\xEF\xBF\xBD");
    } else {
      result.append(in.substr(start, i - start));
    }
  }
  *out = std::move(result);
  return true;
}

std::string NormalizeQueryText(std::string_view text) {
  std::string clean;
  if (SanitizeUtf8(text, &clean)) text = clean;
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err)) return std::string(text);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString normalized = nfkc->normalize(u, err);
  if (U_FAILURE(err)) return std::string(text);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace sluice::store
