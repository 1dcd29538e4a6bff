// ASCII text helpers for protocol text — HTTP heads, robots.txt, WARC headers, HTML tag and
// attribute names, charset labels, URL schemes and hosts — where case and white space are
// defined over ASCII only. Locale-independent on purpose: std::tolower follows the process
// locale, and a Turkish locale would lower 'I' to a dotless i in a header name.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// True for the six ASCII white-space bytes (space, \t, \n, \r, \f, \v).
inline bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// `s` with A–Z lowered; every other byte (UTF-8 included) unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// `s` without leading and trailing ASCII white space.
inline std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace sluice
