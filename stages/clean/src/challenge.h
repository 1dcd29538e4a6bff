// Anti-bot challenge stubs (internal to the clean stage).
//
// 瑞数 (Riversecurity) and similar WAFs answer the first request with HTTP 412 or 200 and a page
// whose body is empty but for a script that computes a cookie, sets it and reloads; Cloudflare-
// style interstitials say "checking your browser". Parsed naively such a page is an empty
// article; it must instead be reported as a challenge (the fetch side retries with the cookie or
// gives up).
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>

#include "html_document.h"

namespace sluice::clean::internal {

// True when `doc` is a challenge stub; *reason says which signs were seen.
bool DetectChallenge(const HtmlDocument& doc, std::string* reason);

}  // namespace sluice::clean::internal
