// Unicode normalisation of extracted text (internal to the clean stage).
//
// NFC is the default: it changes nothing a reader can see and makes equal strings byte-equal.
// NFKC is available but off by default because it folds the full-width punctuation Chinese text
// is written in (（ → "(", ： → ":"), which the notices' readers — and the gold — keep. NFKC is
// still used internally where only matching matters (simhash shingles).
//
// Thread safety: a TextNormalizer is immutable after Create; Apply may run on many threads.
#pragma once

#include <string>
#include <string_view>

#include "sluice/status.h"

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Normalizer2;
U_NAMESPACE_END

namespace sluice::clean::internal {

class TextNormalizer {
 public:
  // `form`: "nfc", "nfkc", "nfkc_cf" (NFKC + case folding) or "none". Returns InvalidArgument
  // for anything else, or when ICU cannot load the data.
  static Status Create(std::string_view form, TextNormalizer* out);

  // `s` normalised (unchanged for "none"); invalid input is returned unchanged.
  std::string Apply(std::string_view s) const;

 private:
  const icu::Normalizer2* normalizer_ = nullptr;
};

}  // namespace sluice::clean::internal
