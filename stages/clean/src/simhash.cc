#include "sluice/clean/simhash.h"

#include <xxhash.h>


#include "html_document.h"
#include "normalize.h"

namespace sluice::clean {

using internal::IsBlankCodePoint;

uint64_t Simhash64(std::string_view text) {
  static const internal::TextNormalizer* nfkc = [] {
    auto* n = new internal::TextNormalizer();
    if (!internal::TextNormalizer::Create("nfkc", n).ok()) internal::TextNormalizer::Create("none", n);
    return n;
  }();
  std::string folded = nfkc->Apply(text);
  // Code points without blanks, as UTF-8 pieces.
  std::vector<std::string_view> chars;
  chars.reserve(folded.size() / 2);
  internal::ForEachCodePoint(folded, [&](uint32_t cp, std::string_view bytes) {
    if (!IsBlankCodePoint(cp)) chars.push_back(bytes);
  });
  constexpr size_t kShingle = 4;
  if (chars.size() < kShingle) return 0;
  int votes[64] = {0};
  std::string buf;
  for (size_t k = 0; k + kShingle <= chars.size(); ++k) {
    buf.clear();
    for (size_t j = 0; j < kShingle; ++j) buf.append(chars[k + j]);
    uint64_t h = XXH3_64bits(buf.data(), buf.size());
    for (int b = 0; b < 64; ++b) votes[b] += (h >> b) & 1 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b)
    if (votes[b] > 0) out |= uint64_t{1} << b;
  return out;
}

}  // namespace sluice::clean
