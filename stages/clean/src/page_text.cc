#include "page_text.h"

#include "sluice/clean/content_extractor.h"

namespace sluice::clean {

Status PageBytesToUtf8(std::string_view bytes, std::string* out) {
  if (LooksBinary(bytes)) return Status::InvalidArgument("binary data, not an HTML page");
  // TODO(clean): decode with sluice/common/charset.h once it is on main; until then non-UTF-8
  // pages reach the parser as they are and their bad bytes become U+FFFD.
  out->assign(bytes);
  return Status::OK();
}

}  // namespace sluice::clean
