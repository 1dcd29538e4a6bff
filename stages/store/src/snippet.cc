#include "sluice/store/snippet.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <set>

#include "sluice/ascii.h"

namespace sluice::store {

namespace {

struct Hit {
  size_t begin;
  size_t end;
  size_t needle;
};

// Byte offset `chars` code points after `pos` (or the end).
size_t AdvanceChars(std::string_view s, size_t pos, size_t chars) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  auto i = static_cast<int32_t>(pos);
  auto n = static_cast<int32_t>(s.size());
  for (size_t c = 0; c < chars && i < n; ++c) U8_FWD_1(p, i, n);
  return static_cast<size_t>(i);
}

// Moves `pos` back by up to `chars` code points, stopping just after a line break.
size_t BackUpChars(std::string_view s, size_t pos, size_t chars) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  auto i = static_cast<int32_t>(pos);
  for (size_t c = 0; c < chars && i > 0; ++c) {
    if (s[i - 1] == '\n') break;
    U8_BACK_1(p, 0, i);
  }
  return static_cast<size_t>(i);
}

constexpr size_t kMaxHits = 2000;
constexpr size_t kMaxWindows = 400;

}  // namespace

std::vector<std::string> HighlightNeedles(const SearchQuery& query, std::string_view text) {
  std::string lowered = AsciiLower(text);
  std::vector<std::string> needles;
  for (const QueryTerm& term : query.terms) {
    if (!term.surface.empty() && lowered.find(AsciiLower(term.surface)) != std::string::npos) {
      needles.push_back(term.surface);
    } else {
      for (const std::string& piece : term.pieces) needles.push_back(piece);
    }
  }
  return needles;
}

Snippet MakeSnippet(std::string_view text, const std::vector<std::string>& needles, size_t max_chars) {
  std::string lowered = AsciiLower(text);
  std::vector<Hit> hits;
  for (size_t n = 0; n < needles.size(); ++n) {
    std::string needle = AsciiLower(needles[n]);
    if (needle.empty()) continue;
    for (size_t pos = lowered.find(needle); pos != std::string::npos && hits.size() < kMaxHits;
         pos = lowered.find(needle, pos + needle.size())) {
      hits.push_back(Hit{pos, pos + needle.size(), n});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.begin < b.begin; });

  // The window: starting shortly before some hit, the one covering the most distinct needles,
  // then the most hits, then the earliest.
  size_t context = max_chars / 5;
  size_t best_start = 0;
  size_t best_distinct = 0;
  size_t best_count = 0;
  for (size_t h = 0; h < hits.size() && h < kMaxWindows; ++h) {
    size_t start = BackUpChars(text, hits[h].begin, context);
    size_t end = AdvanceChars(text, start, max_chars);
    std::set<size_t> distinct;
    size_t count = 0;
    for (size_t k = h; k < hits.size() && hits[k].begin < end; ++k) {
      if (hits[k].end <= end) {
        distinct.insert(hits[k].needle);
        ++count;
      }
    }
    if (distinct.size() > best_distinct || (distinct.size() == best_distinct && count > best_count)) {
      best_distinct = distinct.size();
      best_count = count;
      best_start = start;
    }
  }
  size_t ws = best_start;
  size_t we = AdvanceChars(text, ws, max_chars);

  // Copy [ws, we) collapsing white space, remembering where each input byte landed.
  Snippet snip;
  std::vector<size_t> where(we - ws + 1, 0);
  bool cut_front = ws > 0;
  if (cut_front) snip.text = "…";
  size_t body_start = snip.text.size();
  bool pending_space = false;
  for (size_t i = ws; i < we; ++i) {
    if (IsAsciiSpace(static_cast<unsigned char>(text[i]))) {
      pending_space = snip.text.size() > body_start;
      where[i - ws] = snip.text.size();
      continue;
    }
    if (pending_space) {
      snip.text.push_back(' ');
      pending_space = false;
    }
    where[i - ws] = snip.text.size();
    snip.text.push_back(text[i]);
  }
  where[we - ws] = snip.text.size();
  if (we < text.size()) snip.text += "…";

  for (const Hit& hit : hits) {
    if (hit.begin < ws || hit.end > we) continue;
    size_t b = where[hit.begin - ws];
    size_t e = where[hit.end - ws];
    if (!snip.highlights.empty() && b <= snip.highlights.back().second) {
      snip.highlights.back().second = std::max(snip.highlights.back().second, e);
    } else {
      snip.highlights.emplace_back(b, e);
    }
  }
  return snip;
}

std::string MarkSnippet(const Snippet& snippet, std::string_view open, std::string_view close) {
  std::string out;
  size_t pos = 0;
  for (const auto& [b, e] : snippet.highlights) {
    out.append(snippet.text, pos, b - pos);
    out.append(open);
    out.append(snippet.text, b, e - b);
    out.append(close);
    pos = e;
  }
  out.append(snippet.text, pos, std::string::npos);
  return out;
}

std::vector<std::pair<size_t, size_t>> HighlightCharOffsets(const Snippet& snippet) {
  std::vector<std::pair<size_t, size_t>> out;
  auto chars_before = [&](size_t byte) {
    size_t n = 0;
    for (size_t i = 0; i < byte && i < snippet.text.size(); ++i) {
      if (!U8_IS_TRAIL(static_cast<uint8_t>(snippet.text[i]))) ++n;
    }
    return n;
  };
  for (const auto& [b, e] : snippet.highlights) out.emplace_back(chars_before(b), chars_before(e));
  return out;
}

}  // namespace sluice::store
