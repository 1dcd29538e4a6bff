// Selectors in site rules and container lists (internal to the clean stage).
//
// Scrapy users write both XPath and CSS; both are accepted. An expression that starts with '/'
// or '(' is XPath 1.0 and is only checked for syntax. Anything else is a CSS subset, translated
// to XPath the way cssselect does: tag, *, #id, .class, [attr], [attr=v], [attr~=v], [attr*=v],
// [attr^=v], [attr$=v], descendant (space) and child (>) combinators, and groups (a, b).
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <string_view>

#include "sluice/status.h"

namespace sluice::clean::internal {

// Translates `selector` to XPath. Returns InvalidArgument naming the selector and what is wrong.
Status CompileSelector(std::string_view selector, std::string* xpath);

// True when `selector` is a lone ".class" or "#id" (matched without XPath); fills one of them.
bool SimpleSelector(std::string_view selector, std::string* klass, std::string* id);

}  // namespace sluice::clean::internal
