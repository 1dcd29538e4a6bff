#include "sluice/clean/simhash.h"

#include <xxhash.h>

#include <algorithm>


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
  const std::string folded = nfkc->Apply(text);
  // The text without blanks, and where each of its code points starts.
  std::string solid;
  solid.reserve(folded.size());
  std::vector<uint32_t> starts;
  starts.reserve(folded.size() / 2);
  internal::ForEachCodePoint(folded, [&](uint32_t cp, std::string_view bytes) {
    if (IsBlankCodePoint(cp)) return;
    starts.push_back(static_cast<uint32_t>(solid.size()));
    solid.append(bytes);
  });
  starts.push_back(static_cast<uint32_t>(solid.size()));
  const size_t n = starts.size() - 1;  // code points
  constexpr size_t kShingle = 4;
  if (n < kShingle) return 0;
  // Bits set per position (a loop the compiler vectorises); a bit of the hash is on when more
  // than half the shingles vote for it. A very long page is hashed on its first 200,000
  // shingles: enough to tell one notice from another.
  const size_t shingles = std::min<size_t>(n - kShingle + 1, 200000);
  uint32_t ones[64] = {0};
  for (size_t k = 0; k < shingles; ++k) {
    uint64_t h = XXH3_64bits(solid.data() + starts[k], starts[k + kShingle] - starts[k]);
    for (int b = 0; b < 64; ++b) ones[b] += static_cast<uint32_t>((h >> b) & 1);
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b)
    if (2 * static_cast<uint64_t>(ones[b]) > shingles) out |= uint64_t{1} << b;
  return out;
}

}  // namespace sluice::clean
