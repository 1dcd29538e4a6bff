#include "sluice/store/search_query.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <functional>

namespace sluice::store {

namespace {

// Splits normalised query text into terms: white space separates, double quotes group.
std::vector<std::string> SplitTerms(std::string_view text) {
  std::vector<std::string> terms;
  std::string cur;
  bool quoted = false;
  auto push = [&] {
    if (!cur.empty()) terms.push_back(std::move(cur));
    cur.clear();
  };
  for (char ch : text) {
    if (ch == '"') {
      push();
      quoted = !quoted;
    } else if (!quoted && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v')) {
      push();
    } else {
      cur.push_back(ch);
    }
  }
  push();
  return terms;
}

// Byte offsets of the code point boundaries of `s` (size chars+1).
std::vector<size_t> CharBounds(std::string_view s) {
  std::vector<size_t> bounds{0};
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    U8_FWD_1(p, i, n);
    bounds.push_back(static_cast<size_t>(i));
  }
  return bounds;
}

using Split = std::vector<std::string>;

// Every way to cut `run` into words the index knows, fewest pieces first, at most `cap`.
std::vector<Split> VocabularySplits(std::string_view run, const std::unordered_set<std::string>& known,
                                    const QueryLimits& limits, size_t cap) {
  std::vector<size_t> b = CharBounds(run);
  size_t n = b.size() - 1;
  auto word = [&](size_t i, size_t j) { return std::string(run.substr(b[i], b[j] - b[i])); };
  // min_from[i]: fewest known words covering chars [i, n); SIZE_MAX when impossible.
  std::vector<size_t> min_from(n + 1, SIZE_MAX);
  min_from[n] = 0;
  for (size_t i = n; i-- > 0;) {
    for (size_t j = i + 1; j <= n && j - i <= limits.max_word_chars; ++j) {
      if (min_from[j] != SIZE_MAX && known.count(word(i, j))) min_from[i] = std::min(min_from[i], min_from[j] + 1);
    }
  }
  std::vector<Split> out;
  if (min_from[0] == SIZE_MAX) return out;
  // Collect the cuts with exactly `pieces` words, for pieces = min, min+1, min+2.
  Split cur;
  std::function<void(size_t, size_t)> walk = [&](size_t i, size_t pieces) {
    if (out.size() >= cap) return;
    if (i == n) {
      if (cur.size() == pieces) out.push_back(cur);
      return;
    }
    for (size_t j = std::min(n, i + limits.max_word_chars); j > i; --j) {
      if (min_from[j] == SIZE_MAX || cur.size() + 1 + min_from[j] > pieces) continue;
      std::string w = word(i, j);
      if (!known.count(w)) continue;
      cur.push_back(std::move(w));
      walk(j, pieces);
      cur.pop_back();
    }
  };
  for (size_t pieces = min_from[0]; pieces <= min_from[0] + 2 && pieces <= n && out.size() < cap; ++pieces) walk(0, pieces);
  return out;
}

// The grams-scheme phrase of a term (see index_tokens.h: a Han run of n chars is indexed as its
// bigrams then its last char). Inside the term a Han run is followed by something else, so the
// document indexed its trailing char too; at the end of the term the document's run may go on,
// so a lone last char is a prefix.
Phrase GramPhrase(const std::vector<TextRun>& runs) {
  Phrase phrase;
  for (size_t r = 0; r < runs.size(); ++r) {
    const TextRun& run = runs[r];
    bool last = r + 1 == runs.size();
    if (!run.han) {
      phrase.tokens.push_back(run.text);
      continue;
    }
    TokenVector grams;
    GramTokens(run.text, grams);
    // GramTokens emits bigrams then the trailing char; a lone char yields itself only.
    if (run.chars >= 2 && last) grams.tokens.pop_back();
    if (run.chars == 1 && last) phrase.prefix = true;
    for (auto& g : grams.tokens) phrase.tokens.push_back(std::move(g));
  }
  return phrase;
}

void QuoteFts5(std::string_view token, std::string& out) {
  out.push_back('"');
  for (char ch : token) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
}

void RenderFts5Phrase(const Phrase& p, std::string& out) {
  // One quoted string per phrase: FTS5 tokenizes it and requires the tokens adjacent.
  std::string joined;
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    if (i) joined.push_back(' ');
    joined += p.tokens[i];
  }
  QuoteFts5(joined, out);
  if (p.prefix) out.push_back('*');
}

void QuoteLexeme(std::string_view prefix, std::string_view token, std::string& out) {
  out.push_back('\'');
  out.append(prefix);
  for (char ch : token) {
    if (ch == '\'') out.push_back('\'');
    if (ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('\'');
}

void RenderTsPhrase(const Phrase& p, std::string_view prefix, bool relaxed, std::string& out) {
  if (p.tokens.size() > 1) out.push_back('(');
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    if (i) out += relaxed ? " & " : " <-> ";
    QuoteLexeme(prefix, p.tokens[i], out);
    if (p.prefix && i + 1 == p.tokens.size()) out += ":*";
  }
  if (p.tokens.size() > 1) out.push_back(')');
}

}  // namespace

Status ParseSearchQuery(std::string_view text, const TextSegmenter* segmenter, WordVocabulary* vocabulary,
                        SearchQuery* out, const QueryLimits& limits) {
  out->terms.clear();
  if (text.size() > limits.max_query_bytes) {
    return Status::InvalidArgument("query too long (" + std::to_string(text.size()) + " bytes; at most " +
                                   std::to_string(limits.max_query_bytes) + ")");
  }
  std::string normalized = NormalizeQueryText(text);
  std::vector<std::string> raw_terms = SplitTerms(normalized);
  struct Pending {
    std::string surface;
    std::vector<TextRun> runs;
  };
  std::vector<Pending> pending;
  for (auto& raw : raw_terms) {
    std::vector<TextRun> runs = SplitRuns(raw);
    if (!runs.empty()) pending.push_back(Pending{std::move(raw), std::move(runs)});
  }
  if (pending.empty()) return Status::InvalidArgument("empty query: no letters or numbers to search for");
  if (pending.size() > limits.max_terms) {
    return Status::InvalidArgument("too many terms (" + std::to_string(pending.size()) + "; at most " +
                                   std::to_string(limits.max_terms) + ")");
  }

  // One vocabulary round trip for every substring of every Han run short enough to cut.
  std::unordered_set<std::string> known;
  if (vocabulary) {
    std::vector<std::string> candidates;
    std::unordered_set<std::string> seen;
    for (const Pending& p : pending) {
      for (const TextRun& run : p.runs) {
        if (!run.han || run.chars > limits.max_split_chars) continue;
        std::vector<size_t> b = CharBounds(run.text);
        for (size_t i = 0; i + 1 < b.size(); ++i) {
          for (size_t j = i + 1; j < b.size() && j - i <= limits.max_word_chars; ++j) {
            std::string w = run.text.substr(b[i], b[j] - b[i]);
            if (seen.insert(w).second) candidates.push_back(std::move(w));
          }
        }
      }
    }
    if (!candidates.empty()) SLUICE_RETURN_IF_ERROR(vocabulary->KnownWords(candidates, &known));
  }

  for (Pending& p : pending) {
    QueryTerm term;
    term.surface = p.surface;
    // Per run, its alternative cuts into index tokens.
    std::vector<std::vector<Split>> per_run;
    for (const TextRun& run : p.runs) {
      term.pieces.push_back(run.text);
      std::vector<Split> alts;
      auto add = [&](Split s) {
        if (!s.empty() && std::find(alts.begin(), alts.end(), s) == alts.end()) alts.push_back(std::move(s));
      };
      if (!run.han) {
        add(Split{run.text});
        per_run.push_back(std::move(alts));
        continue;
      }
      add(Split{run.text});
      // The segmenter serves where the index vocabulary cannot cut: runs too long for it, or no
      // vocabulary at all. (Elsewhere its cut is one of the vocabulary's, or one that no
      // document has.)
      bool vocabulary_cuts = vocabulary && run.chars <= limits.max_split_chars;
      if (segmenter && !vocabulary_cuts) {
        std::vector<WordSpan> spans;
        segmenter->Segment(run.text, &spans);
        if (ValidWordSpans(run.text, spans)) {
          TokenVector words;
          WordTokens(run.text, spans, words);
          add(std::move(words.tokens));
        }
      }
      if (run.chars <= limits.max_split_chars) {
        for (Split& s : VocabularySplits(run.text, known, limits, limits.max_alternatives)) add(std::move(s));
      }
      std::stable_sort(alts.begin(), alts.end(), [](const Split& a, const Split& b) { return a.size() < b.size(); });
      per_run.push_back(std::move(alts));
    }
    // The term's word phrases: the product of its runs' cuts, capped.
    std::vector<Split> product{Split{}};
    for (const auto& alts : per_run) {
      std::vector<Split> next;
      for (const Split& head : product) {
        for (const Split& tail : alts) {
          if (next.size() >= limits.max_alternatives) break;
          Split s = head;
          s.insert(s.end(), tail.begin(), tail.end());
          next.push_back(std::move(s));
        }
      }
      product = std::move(next);
    }
    for (Split& s : product) term.words.push_back(Phrase{std::move(s), false});
    term.grams = GramPhrase(p.runs);
    out->terms.push_back(std::move(term));
  }
  return Status::OK();
}

std::string RenderFts5Query(const SearchQuery& query) {
  std::string out;
  for (size_t t = 0; t < query.terms.size(); ++t) {
    const QueryTerm& term = query.terms[t];
    if (t) out += " AND ";
    out += "({title_w body_w} : (";
    for (size_t i = 0; i < term.words.size(); ++i) {
      if (i) out += " OR ";
      RenderFts5Phrase(term.words[i], out);
    }
    out += ") OR {title_g body_g} : ";
    RenderFts5Phrase(term.grams, out);
    out += ")";
  }
  return out;
}

std::string RenderFts5TitleQuery(const SearchQuery& query) {
  // Nested column filters intersect: only the title columns of each alternative remain.
  return "{title_w title_g} : (" + RenderFts5Query(query) + ")";
}

std::string RenderFts5WordProbe(std::string_view word) {
  std::string out = "{title_w body_w} : ";
  QuoteFts5(word, out);
  return out;
}

std::string RenderTsquery(const SearchQuery& query, bool relaxed) {
  std::string out;
  for (size_t t = 0; t < query.terms.size(); ++t) {
    const QueryTerm& term = query.terms[t];
    if (t) out += " & ";
    out += "(";
    for (const Phrase& p : term.words) {
      RenderTsPhrase(p, "", relaxed, out);
      out += " | ";
    }
    RenderTsPhrase(term.grams, kGramLexemePrefix, relaxed, out);
    out += ")";
  }
  return out;
}

}  // namespace sluice::store
