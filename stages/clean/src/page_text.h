// Page bytes read from disk → UTF-8 for the extractor (internal to the clean stage).
//
// In the pipeline fetch has already converted the page; files on disk (`sluice extract`) may be
// GBK or lie about their charset, so the command decodes them with the shared charset library.
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <string_view>

#include "sluice/status.h"

namespace sluice::clean {

// Decodes `bytes` to UTF-8. Returns InvalidArgument for binary data.
Status PageBytesToUtf8(std::string_view bytes, std::string* out);

}  // namespace sluice::clean
