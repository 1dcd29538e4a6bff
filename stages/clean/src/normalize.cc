#include "normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace sluice::clean::internal {

Status TextNormalizer::Create(std::string_view form, TextNormalizer* out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = nullptr;
  if (form == "none") {
    out->normalizer_ = nullptr;
    return Status::OK();
  }
  if (form == "nfc") n = icu::Normalizer2::getNFCInstance(status);
  else if (form == "nfkc") n = icu::Normalizer2::getNFKCInstance(status);
  else if (form == "nfkc_cf") n = icu::Normalizer2::getNFKCCasefoldInstance(status);
  else return Status::InvalidArgument("unknown normalization \"" + std::string(form) + "\" (nfc, nfkc, nfkc_cf, none)");
  if (U_FAILURE(status) || !n) return Status::InvalidArgument(std::string("ICU normalizer: ") + u_errorName(status));
  out->normalizer_ = n;
  return Status::OK();
}

std::string TextNormalizer::Apply(std::string_view s) const {
  if (!normalizer_ || s.empty()) return std::string(s);
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  if (normalizer_->quickCheck(u, status) == UNORM_YES && U_SUCCESS(status)) return std::string(s);
  status = U_ZERO_ERROR;
  icu::UnicodeString n = normalizer_->normalize(u, status);
  if (U_FAILURE(status)) return std::string(s);
  std::string out;
  n.toUTF8String(out);
  return out;
}

}  // namespace sluice::clean::internal
