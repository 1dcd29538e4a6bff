// Text helpers shared by the fetch stage's parsers (HTTP heads, robots.txt, WARC headers, HTML
// attributes): the runtime's ASCII helpers, plus field splitting. Internal to the stage.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/ascii.h"

namespace sluice::fetch {

// Splits on every `sep` (empty fields kept).
inline std::vector<std::string> SplitFields(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  while (true) {
    size_t e = s.find(sep, b);
    out.emplace_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos) return out;
    b = e + 1;
  }
}

}  // namespace sluice::fetch
