// Charset decisions for fetched pages: which encoding the bytes are really in, and their UTF-8.
//
// Chinese government sites often lie. Pages declare gb2312 but contain GBK-only characters
// (— is GBK A1AA), declare gb2312 and were re-saved as UTF-8, or declare nothing. The order of
// evidence, strongest first:
//   1. a byte-order mark;
//   2. the bytes themselves when they are valid UTF-8 and not plain ASCII (a GBK text of any
//      length is practically never valid UTF-8, while a mislabelled UTF-8 page always is);
//   3. the charset of the HTTP Content-Type header;
//   4. <meta charset> / <meta http-equiv="Content-Type"> in the first 4 KB;
//   5. ICU's statistical detector (ucsdet);
//   6. GB18030 (these are Chinese sites).
// A declared label is honoured only when the bytes decode under it without errors; otherwise
// the next source of evidence is tried. GB2312, GBK, x-gbk, CP936 and GB18030 labels all decode
// as GB18030, the superset, as WHATWG does; Big5 as Big5-HKSCS.
//
// Thread safety: all functions are reentrant (ICU converters are opened per call).
#pragma once

#include <string>
#include <string_view>

#include "sluice/status.h"
#include "sluice/utf8.h"

namespace sluice::common {

struct DecodedText {
  std::string utf8;      // the text as UTF-8 (always valid UTF-8)
  std::string charset;   // what the bytes really were, canonical: "UTF-8", "GB18030", "Big5-HKSCS" …
  std::string declared;  // what HTTP or <meta> claimed ("" when nothing), lower-case as written
  std::string method;    // which evidence decided: bom, utf8, http, meta, detected, default
  bool lossy = false;    // some bytes could not be decoded and became U+FFFD
};

// Decides the charset of `bytes` (an HTML or text body) from the evidence above and converts it.
// `content_type` is the HTTP Content-Type header value ("" when unknown). Returns OK with the
// result (lossy when some bytes were undecodable), or InvalidArgument when the bytes look binary
// (NUL bytes in the first KB of something that is not UTF-16).
Status DecodeHtml(std::string_view bytes, std::string_view content_type, DecodedText* out);

// Converts `bytes` from `charset` (any ICU converter name or alias) to UTF-8, replacing invalid
// sequences with U+FFFD. Returns NotFound for an unknown charset. `*lossy` (optional) reports
// whether any replacement happened.
Status ConvertToUtf8(std::string_view bytes, std::string_view charset, std::string* out, bool* lossy = nullptr);

// The charset parameter of a Content-Type value ("text/html; charset=GBK" → "gbk"), "" if none.
std::string CharsetFromContentType(std::string_view content_type);

// The charset declared by <meta> in the first 4 KB of an HTML document, lower-case, "" if none.
std::string CharsetFromMeta(std::string_view html);

// The canonical decoder for a label: gb2312/gbk/x-gbk/cp936/gb18030 → "GB18030", utf8/utf-8 →
// "UTF-8", big5 → "Big5-HKSCS"; others pass through ICU's alias table. "" for an unknown label.
std::string CanonicalCharset(std::string_view label);

// IsValidUtf8 and SanitizeUtf8 live in <sluice/utf8.h>; kept visible here for the stages.
using ::sluice::IsValidUtf8;
using ::sluice::SanitizeUtf8;

}  // namespace sluice::common
