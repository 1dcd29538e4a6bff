// Fuzz target for the store's text handling that sees untrusted input: search queries (typed by
// anyone who can run `sluice search`), document text and its token offsets (from upstream
// stages and plugins), and stored word spans. Everything must end in a result or a clear
// error — never a crash, a hang or an out-of-range read.
//
// Input layout: the bytes are used whole as a query and as a text; the first bytes also drive
// a span list (decoded as stored spans and as raw offsets).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/store/index_tokens.h"
#include "sluice/store/search_query.h"
#include "sluice/store/snippet.h"

namespace {

// A vocabulary that knows every candidate of an even number of bytes: enough words to make
// the cutting of Han runs branch.
class EvenVocabulary : public sluice::store::WordVocabulary {
 public:
  sluice::Status KnownWords(const std::vector<std::string>& candidates,
                            std::unordered_set<std::string>* known) override {
    for (const auto& c : candidates) {
      if (c.size() % 2 == 0) known->insert(c);
    }
    return sluice::Status::OK();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::store;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  EvenVocabulary vocab;
  SearchQuery q;
  if (ParseSearchQuery(input, nullptr, &vocab, &q).ok()) {
    (void)RenderFts5Query(q);
    (void)RenderTsquery(q);
    std::string clean;
    std::string_view text = SanitizeUtf8(input, &clean) ? std::string_view(clean) : input;
    Snippet s = MakeSnippet(text, HighlightNeedles(q, text), 40);
    (void)MarkSnippet(s, "[", "]");
    (void)HighlightCharOffsets(s);
  }

  TokenVector tokens;
  BasicTokens(input, tokens);
  GramTokens(input, tokens, size / 2);

  std::vector<WordSpan> spans;
  if (DecodeWordSpans(input.substr(0, std::min<size_t>(size, 64)), &spans) && ValidWordSpans(input, spans)) {
    JoinedTokens joined;
    WordTokens(input, spans, joined, size);
    (void)EncodeWordSpans(spans);
  }
  spans.clear();
  for (size_t i = 0; i + 1 < std::min<size_t>(size, 32); i += 2) spans.push_back({data[i], data[i + 1]});
  if (ValidWordSpans(input, spans)) WordTokens(input, spans, tokens);
  return 0;
}
