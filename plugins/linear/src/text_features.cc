#include "sluice/linear/text_features.h"

#include <algorithm>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sluice::linear {

namespace {

// The begin and end marks: control characters that normalisation removes from real text, so they
// cannot be forged by the input.
constexpr uint32_t kBegin = 0x02;
constexpr uint32_t kEnd = 0x03;

// Decodes one code point at s[i]; advances i. Malformed or overlong sequences yield U+FFFD and
// consume one byte, so arbitrary bytes never stall or overrun.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  unsigned char c = p[i];
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > n) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = p[i + k];
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return cp;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

// Maps one code point to its normalised form; returns ' ' for white space and for anything that
// must not survive (controls, replacement characters).
uint32_t Fold(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0x20 || cp == 0x7F || cp == 0x3000 || cp == 0xA0 || cp == 0xFFFD || (cp >= 0x2000 && cp <= 0x200B) ||
      cp == 0xFEFF || cp == 0x2028 || cp == 0x2029)
    return ' ';
  return cp;
}

// Normalises `text` into `out` (UTF-8) and records the byte offset of each code point in
// `starts` (with one extra entry for the end).
void NormalizeInto(std::string_view text, uint32_t max_chars, bool marks, std::string& out, std::vector<uint32_t>& starts) {
  out.clear();
  starts.clear();
  if (marks) {
    starts.push_back(0);
    out.push_back(char(kBegin));
  }
  bool pending_space = false;
  uint32_t chars = 0;
  for (size_t i = 0; i < text.size() && chars < max_chars;) {
    uint32_t cp = Fold(NextCodePoint(text, i));
    ++chars;
    if (cp == ' ') {
      pending_space = true;
      continue;
    }
    if (pending_space && out.size() > (marks ? 1u : 0u)) {
      starts.push_back(uint32_t(out.size()));
      out.push_back(' ');
    }
    pending_space = false;
    starts.push_back(uint32_t(out.size()));
    AppendUtf8(out, cp);
  }
  if (marks) {
    starts.push_back(uint32_t(out.size()));
    out.push_back(char(kEnd));
  }
  starts.push_back(uint32_t(out.size()));
}

inline uint64_t Hash(const void* p, size_t n, uint64_t seed) {
  uint64_t h = XXH3_64bits_withSeed(p, n, seed);
  return h == 0 ? 1 : h;  // 0 marks an empty slot in the model's table
}

}  // namespace

std::string TextFeatures::Normalize(std::string_view text, uint32_t max_chars) {
  std::string out;
  std::vector<uint32_t> starts;
  NormalizeInto(text, max_chars, false, out, starts);
  return out;
}

std::vector<std::string_view> TextFeatures::SplitWords(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  auto flush = [&](size_t end) {
    if (end > start) out.push_back(text.substr(start, end - start));
  };
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t width = 0;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') width = 1;
    else if (text.compare(i, 3, "\u3000") == 0) width = 3;
    if (width) {
      flush(i);
      i += width;
      start = i;
    } else {
      ++i;
    }
  }
  flush(text.size());
  return out;
}

void TextFeatures::Extract(std::string_view text, const std::vector<std::string_view>& words,
                           std::vector<HashedFeature>* out) const {
  thread_local std::string norm;
  thread_local std::vector<uint32_t> starts;
  thread_local std::vector<uint64_t> hashes;
  NormalizeInto(text, opt_.max_chars, opt_.boundary_marks, norm, starts);
  hashes.clear();
  const size_t chars = starts.size() - 1;
  for (size_t i = 0; i < chars; ++i) {
    for (size_t n = opt_.char_min_n; n <= opt_.char_max_n && i + n <= chars; ++n) {
      if (n == 0) continue;
      hashes.push_back(Hash(norm.data() + starts[i], starts[i + n] - starts[i], opt_.seed));
    }
  }
  if (opt_.word_min_n > 0 && !words.empty()) {
    // Word n-grams live in their own hash space (another seed), joined by a separator that
    // normalised words cannot contain.
    const uint64_t wseed = opt_.seed ^ 0x9E3779B97F4A7C15ULL;
    std::string gram;
    const size_t limit = std::min<size_t>(words.size(), opt_.max_chars);
    std::vector<std::string> folded;
    folded.reserve(limit);
    for (size_t i = 0; i < limit; ++i) folded.push_back(Normalize(words[i], 64));
    for (size_t i = 0; i < limit; ++i) {
      if (folded[i].empty()) continue;
      gram.clear();
      for (size_t n = 1; n <= opt_.word_max_n && i + n <= limit; ++n) {
        if (n > 1) gram.push_back('\x01');
        gram += folded[i + n - 1];
        if (n >= opt_.word_min_n) hashes.push_back(Hash(gram.data(), gram.size(), wseed));
      }
    }
  }
  std::sort(hashes.begin(), hashes.end());
  out->clear();
  for (size_t i = 0; i < hashes.size();) {
    size_t j = i + 1;
    while (j < hashes.size() && hashes[j] == hashes[i]) ++j;
    out->push_back({hashes[i], uint32_t(j - i)});
    i = j;
  }
}

}  // namespace sluice::linear
