// UTF-8 well-formedness for the clean stage's input (internal).
//
// Fetch hands over UTF-8, but a stage must survive anything: one stray byte would make libxml2
// switch to Latin-1 for the rest of the page. These two functions guard the parser's input.
#pragma once

#include <string>
#include <string_view>

namespace sluice::clean::internal {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `s` with every ill-formed sequence replaced by U+FFFD.
std::string RepairUtf8(std::string_view s);

}  // namespace sluice::clean::internal
