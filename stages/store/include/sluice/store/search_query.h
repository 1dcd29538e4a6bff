// SearchQuery: what the user typed, analysed into the index's tokens (see index_tokens.h).
//
// Syntax: terms separated by white space must all match; "double quotes" keep a term with spaces
// together ("machine learning"). Queries are NFKC-normalised first, so full-width input works.
//
// Each term matches a document when one of its alternatives does:
//   * word phrases against the words columns. A Han run has no spaces to say where its words
//     are, so the analysis asks the index which of the run's substrings are words in it
//     (WordVocabulary) and keeps every way to cut the run into such words, fewest pieces first
//     (教育强国 → "教育强国", "教育 强国"). Because the vocabulary is the one the documents were
//     segmented with, an unsegmented query finds them however the segmenter cut them. Where the
//     vocabulary cannot cut (runs over max_split_chars, no vocabulary) a TextSegmenter's cut is
//     the alternative.
//   * one gram phrase against the grams columns (教育强国 → "教育 育强 强国"), which finds the
//     term as a substring of titles and of texts that arrived without tokens.
// Renderers turn a SearchQuery into an FTS5 MATCH expression or a PostgreSQL tsquery; both read
// the same alternatives, so the two back ends find the same documents.
//
// Thread safety: ParseSearchQuery calls the vocabulary and segmenter from the calling thread
// only; the result is a plain value.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sluice/status.h"
#include "sluice/store/index_tokens.h"

namespace sluice::store {

// Index tokens that must appear next to each other, in order. With `prefix`, the last token
// matches any token it begins (a lone trailing Han character in the grams scheme).
struct Phrase {
  std::vector<std::string> tokens;
  bool prefix = false;
  bool operator==(const Phrase&) const = default;
};

struct QueryTerm {
  std::string surface;              // the term as typed, NFKC-normalised: what snippets highlight
  std::vector<std::string> pieces;  // its runs, for highlighting when the surface is not found
  std::vector<Phrase> words;        // alternatives over the words columns
  Phrase grams;                     // the alternative over the grams columns
};

struct SearchQuery {
  std::vector<QueryTerm> terms;  // all must match
};

// Which strings occur as words in an index. Back ends answer from the index itself (SQLite's
// fts5vocab) or from a vocabulary table (PostgreSQL).
class WordVocabulary {
 public:
  virtual ~WordVocabulary() = default;
  // Inserts into `known` every candidate that is a word of the index. Errors are returned as is;
  // the caller may search without the vocabulary then.
  virtual Status KnownWords(const std::vector<std::string>& candidates, std::unordered_set<std::string>* known) = 0;
};

struct QueryLimits {
  size_t max_query_bytes = 2048;
  size_t max_terms = 16;
  size_t max_alternatives = 16;  // word phrases per term
  size_t max_split_chars = 24;   // longer Han runs are matched whole, by segmenter and by grams
  size_t max_word_chars = 8;     // longest vocabulary word looked up
};

// Analyses `text`. `segmenter` and `vocabulary` may be null. Returns InvalidArgument for an
// empty query (nothing searchable in it) or one over the limits; vocabulary errors are returned.
Status ParseSearchQuery(std::string_view text, const TextSegmenter* segmenter, WordVocabulary* vocabulary,
                        SearchQuery* out, const QueryLimits& limits = QueryLimits());

// The FTS5 MATCH expression over the store's columns title_w, body_w (words) and title_g,
// body_g (grams).
std::string RenderFts5Query(const SearchQuery& query);

// The FTS5 MATCH expression that finds documents having `word` as a word (title_w or body_w):
// how the SQLite back end answers WordVocabulary lookups.
std::string RenderFts5WordProbe(std::string_view word);

// The tsquery text for the store's PostgreSQL `tsv` column, where gram tokens carry the prefix
// kGramLexemePrefix so that they never meet word tokens in one phrase.
// With `relaxed`, phrases become conjunctions ('教育' & '强国'): a superset of the matches that
// a GIN index answers without reading any row (phrases need the positions in the row).
std::string RenderTsquery(const SearchQuery& query, bool relaxed = false);

// The FTS5 expression matching the query in titles only (title_w, title_g).
std::string RenderFts5TitleQuery(const SearchQuery& query);
inline constexpr std::string_view kGramLexemePrefix = "~";

}  // namespace sluice::store
