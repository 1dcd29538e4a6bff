// Index tokens: how the store turns titles, texts and queries into the terms of its full-text index.
//
// Chinese has no spaces, so a full-text engine (FTS5's unicode61, PostgreSQL's 'simple' parser)
// would see a whole sentence as one "word". The store therefore hands the engine text that is
// already cut into tokens and joined by spaces, using two schemes side by side:
//
//   * words — the segmenter's words: Document.tokens (byte offsets into Document.text) for the
//     text, and a TextSegmenter, when one is plugged in, for titles (tokens never cover titles).
//     Searching by word is precise: 强国 does not match inside 富强国家.
//   * grams — every overlapping pair of Han characters plus the last character of each Han run
//     (教育强国 → 教育 育强 强国 国). Needs no dictionary, so it indexes titles and texts that
//     arrive unsegmented, and a query string matches wherever it occurs as a substring.
//
// Both schemes share one normalisation, so a string always yields the same tokens wherever it
// comes from: only letters, numbers and private-use characters are kept (the token characters
// of FTS5's unicode61 tokenizer), tokens are cut where Han meets non-Han (2024年 → 2024 年), and
// non-Han letters are lower-cased. Invalid UTF-8 bytes are treated as separators.
//
// The exact output of these functions is part of the on-disk format (SQLite's contentless FTS5
// index must be given the very tokens a row was indexed with to delete it), so any change to it
// needs a schema migration that rebuilds the index.
//
// Thread safety: free functions without shared state; TextSegmenter implementations must be
// safe to call concurrently (the store calls them from its own thread only, but the CLI and
// tests may share one).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::store {

// A word of a text: byte offsets [begin, end) into it.
struct WordSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool operator==(const WordSpan&) const = default;
};

// The seam where the segment stage's segmenter plugs into the store. The store uses it for what
// Document.tokens does not cover: titles (at index time) and search queries. Without one, titles
// are indexed as grams only and queries are matched through the index's own vocabulary (see
// search_query.h), which still finds every document however its text was segmented.
class TextSegmenter {
 public:
  virtual ~TextSegmenter() = default;
  // Appends the words of `text`, in order and non-overlapping, as byte offsets into it.
  virtual void Segment(std::string_view text, std::vector<WordSpan>* words) const = 0;
};

// Receives index tokens one at a time. The view is valid only during the call.
class TokenSink {
 public:
  virtual ~TokenSink() = default;
  virtual void Add(std::string_view token) = 0;
};

// Collects tokens into a vector (tests, queries) or into one space-joined string (FTS5 input).
class TokenVector final : public TokenSink {
 public:
  void Add(std::string_view token) override { tokens.emplace_back(token); }
  std::vector<std::string> tokens;
};
class JoinedTokens final : public TokenSink {
 public:
  void Add(std::string_view token) override;
  std::string text;
  size_t count = 0;
};

// Emits the tokens of `piece`: its runs of token characters, cut where Han meets non-Han,
// non-Han lower-cased. "COVID-19疫情" → covid 19 疫情.
void BasicTokens(std::string_view piece, TokenSink& sink);

// Words scheme: BasicTokens of every word of `text`, in order. Text between words (which a
// segmenter may leave uncovered) is tokenized as if it were a word. `words` must satisfy
// ValidWordSpans; at most `max_bytes` of text are tokenized.
void WordTokens(std::string_view text, std::span<const WordSpan> words, TokenSink& sink,
                size_t max_bytes = SIZE_MAX);

// Grams scheme: for every Han run of n characters, its n-1 overlapping bigrams and then its last
// character (a lone Han character yields itself); every non-Han run as in BasicTokens. At most
// `max_bytes` of text are tokenized.
void GramTokens(std::string_view text, TokenSink& sink, size_t max_bytes = SIZE_MAX);

// True when `words` are ascending, non-overlapping, non-empty, inside `text` and on UTF-8
// character boundaries — i.e. safe to index.
bool ValidWordSpans(std::string_view text, std::span<const WordSpan> words);

// A compact byte encoding of word spans (varint gap and length per word), for storing beside a
// text the segmentation it was indexed with. DecodeWordSpans returns false on malformed input.
std::string EncodeWordSpans(std::span<const WordSpan> words);
bool DecodeWordSpans(std::string_view encoded, std::vector<WordSpan>* words);

// One run of token characters as BasicTokens cuts it, with whether it is Han.
struct TextRun {
  std::string text;  // non-Han runs lower-cased
  bool han = false;
  size_t chars = 0;  // code points
};
// The runs of `piece` in order (what BasicTokens emits, with their kind).
std::vector<TextRun> SplitRuns(std::string_view piece);

// Replaces invalid UTF-8 with U+FFFD and drops NUL bytes. Returns false (and leaves `out`
// untouched) when `in` is already clean, so callers copy only when they must.
bool SanitizeUtf8(std::string_view in, std::string* out);

// NFKC-normalises a query string (full-width letters and digits become ASCII, as clean does for
// document text). Invalid UTF-8 is replaced first.
std::string NormalizeQueryText(std::string_view text);

}  // namespace sluice::store
