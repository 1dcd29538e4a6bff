#include "page_text.h"

#include "sluice/clean/content_extractor.h"
#include "sluice/common/charset.h"

namespace sluice::clean {

Status PageBytesToUtf8(std::string_view bytes, std::string* out) {
  if (LooksBinary(bytes)) return Status::InvalidArgument("binary data, not an HTML page");
  common::DecodedText decoded;
  SLUICE_RETURN_IF_ERROR(common::DecodeHtml(bytes, "", &decoded));
  *out = std::move(decoded.utf8);
  return Status::OK();
}

}  // namespace sluice::clean
