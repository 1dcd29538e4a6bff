// UTF-8 checks shared by everything that handles text from the outside world. Protobuf refuses
// to parse a string field holding ill-formed UTF-8, so text is checked (and repaired) before it
// enters a Document.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

// Length (1–4) of the well-formed UTF-8 sequence starting at s[i], or 0 when it is ill-formed
// (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, or a code
// point above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i);

// True when all of `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

// `s` with every ill-formed sequence replaced by U+FFFD (one per offending byte).
std::string SanitizeUtf8(std::string_view s);

}  // namespace sluice
