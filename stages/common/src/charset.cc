#include "sluice/common/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "sluice/ascii.h"
#include "sluice/utf8.h"

namespace sluice::common {

namespace {

std::string TrimQuotes(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (std::isspace(static_cast<unsigned char>(s[b])) || s[b] == '"' || s[b] == '\'')) ++b;
  while (e > b && (std::isspace(static_cast<unsigned char>(s[e - 1])) || s[e - 1] == '"' || s[e - 1] == '\'' || s[e - 1] == ';')) --e;
  return std::string(s.substr(b, e - b));
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Decodes strictly: returns false if any byte sequence is invalid in `charset`.
bool DecodesCleanly(std::string_view bytes, const std::string& charset, std::string* out) {
  bool lossy = false;
  Status s = ConvertToUtf8(bytes, charset, out, &lossy);
  return s.ok() && !lossy;
}

}  // namespace

std::string CanonicalCharset(std::string_view label_in) {
  std::string label = AsciiLower(TrimQuotes(label_in));
  if (label.empty()) return "";
  if (label == "gb2312" || label == "gbk" || label == "x-gbk" || label == "cp936" || label == "gb18030" ||
      label == "gb_2312-80" || label == "chinese" || label == "csgb2312" || label == "iso-ir-58" || label == "ms936" ||
      label == "windows-936" || label == "euc-cn")
    return "GB18030";
  if (label == "utf8" || label == "utf-8" || label == "unicode-1-1-utf-8") return "UTF-8";
  if (label == "big5" || label == "big5-hkscs" || label == "cn-big5" || label == "x-x-big5") return "Big5-HKSCS";
  if (label == "iso-8859-1" || label == "latin1" || label == "us-ascii" || label == "ascii") return "windows-1252";
  UErrorCode err = U_ZERO_ERROR;
  const char* name = ucnv_getCanonicalName(label.c_str(), "", &err);
  if (U_FAILURE(err) || !name) {
    err = U_ZERO_ERROR;
    name = ucnv_getCanonicalName(label.c_str(), "IANA", &err);
  }
  if (U_FAILURE(err) || !name || !*name) return "";
  return name;
}

std::string CharsetFromContentType(std::string_view ct) {
  std::string lower = AsciiLower(ct);
  size_t p = lower.find("charset");
  if (p == std::string::npos) return "";
  p = lower.find('=', p);
  if (p == std::string::npos) return "";
  size_t e = lower.find_first_of(";, \t", p + 1);
  std::string v = TrimQuotes(std::string_view(lower).substr(p + 1, e == std::string::npos ? std::string::npos : e - p - 1));
  return v;
}

std::string CharsetFromMeta(std::string_view html) {
  std::string head = AsciiLower(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    size_t end = head.find('>', pos);
    if (end == std::string::npos) break;
    std::string_view tag(head.data() + pos, end - pos);
    size_t c = tag.find("charset");
    if (c != std::string_view::npos) {
      size_t eq = tag.find('=', c);
      if (eq != std::string_view::npos) {
        size_t b = eq + 1;
        while (b < tag.size() && (tag[b] == ' ' || tag[b] == '"' || tag[b] == '\'')) ++b;
        size_t e = b;
        while (e < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[e])) || tag[e] == '-' || tag[e] == '_' || tag[e] == ':' || tag[e] == '.'))
          ++e;
        if (e > b) return std::string(tag.substr(b, e - b));
      }
    }
    pos = end;
  }
  return "";
}

Status ConvertToUtf8(std::string_view bytes, std::string_view charset_in, std::string* out, bool* lossy) {
  std::string charset = CanonicalCharset(charset_in);
  if (charset.empty()) return Status::NotFound("unknown charset '" + std::string(charset_in) + "'");
  if (lossy) *lossy = false;
  if (charset == "UTF-8") {
    if (IsValidUtf8(bytes)) {
      out->assign(bytes);
    } else {
      *out = SanitizeUtf8(bytes);
      if (lossy) *lossy = true;
    }
    return Status::OK();
  }
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset.c_str(), &err), ucnv_close);
  if (U_FAILURE(err)) return Status::NotFound("no converter for charset '" + charset + "'");
  // Detect substitutions through a callback flag rather than by scanning for U+FFFD, which may
  // legitimately occur in the input.
  struct Flag {
    bool hit = false;
  } flag;
  ucnv_setToUCallBack(
      conv.get(),
      [](const void* ctx, UConverterToUnicodeArgs* args, const char* codeUnits, int32_t length, UConverterCallbackReason reason,
         UErrorCode* pErr) {
        if (reason <= UCNV_IRREGULAR) {
          const_cast<Flag*>(static_cast<const Flag*>(ctx))->hit = true;
          UCNV_TO_U_CALLBACK_SUBSTITUTE(nullptr, args, codeUnits, length, reason, pErr);
        }
      },
      &flag, nullptr, nullptr, &err);
  std::unique_ptr<UConverter, void (*)(UConverter*)> utf8(ucnv_open("UTF-8", &err), ucnv_close);
  if (U_FAILURE(err)) return Status::IOError("ICU: cannot open UTF-8 converter");
  out->clear();
  out->resize(bytes.size() * 3 + 16);
  char* target = out->data();
  const char* source = bytes.data();
  ucnv_convertEx(utf8.get(), conv.get(), &target, out->data() + out->size(), &source, bytes.data() + bytes.size(), nullptr,
                 nullptr, nullptr, nullptr, true, true, &err);
  if (U_FAILURE(err)) return Status::IOError(std::string("ICU conversion from ") + charset + " failed: " + u_errorName(err));
  out->resize(static_cast<size_t>(target - out->data()));
  if (lossy) *lossy = flag.hit;
  return Status::OK();
}

Status DecodeHtml(std::string_view bytes, std::string_view content_type, DecodedText* out) {
  *out = DecodedText();
  std::string http = CharsetFromContentType(content_type);
  std::string meta = CharsetFromMeta(bytes);
  out->declared = !http.empty() ? http : meta;

  // 1. Byte-order marks.
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    out->method = "bom";
    out->charset = "UTF-8";
    ConvertToUtf8(bytes.substr(3), "UTF-8", &out->utf8, &out->lossy);
    return Status::OK();
  }
  if (bytes.size() >= 2 && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    out->method = "bom";
    out->charset = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    return ConvertToUtf8(bytes.substr(2), out->charset, &out->utf8, &out->lossy);
  }
  // Binary data is not a page: NUL bytes early on mean an image, a PDF, a zip …
  std::string_view head = bytes.substr(0, 1024);
  if (std::count(head.begin(), head.end(), '\0') > 0) return Status::InvalidArgument("binary content (NUL bytes), not a text page");

  // 2. Valid UTF-8 with non-ASCII bytes is UTF-8, whatever the labels say.
  if (!IsAscii(bytes) && IsValidUtf8(bytes)) {
    out->method = "utf8";
    out->charset = "UTF-8";
    out->utf8.assign(bytes);
    return Status::OK();
  }
  // Pure ASCII decodes the same under every label sluice accepts.
  if (IsAscii(bytes)) {
    out->method = out->declared.empty() ? "default" : (!http.empty() ? "http" : "meta");
    out->charset = out->declared.empty() ? "UTF-8" : CanonicalCharset(out->declared);
    if (out->charset.empty()) out->charset = "UTF-8";
    out->utf8.assign(bytes);
    return Status::OK();
  }
  // 3./4. Declared labels, honoured only when the bytes decode cleanly under them.
  for (const auto& [label, method] : {std::pair<std::string, const char*>{http, "http"}, {meta, "meta"}}) {
    std::string cs = CanonicalCharset(label);
    if (cs.empty() || cs == "UTF-8") continue;
    if (DecodesCleanly(bytes, cs, &out->utf8)) {
      out->method = method;
      out->charset = cs;
      return Status::OK();
    }
  }
  // 5. ICU's detector; prefer its best match that decodes cleanly.
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> det(ucsdet_open(&err), ucsdet_close);
  if (U_SUCCESS(err)) {
    ucsdet_enableInputFilter(det.get(), true);
    ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(std::min<size_t>(bytes.size(), 1 << 20)), &err);
    int32_t n = 0;
    const UCharsetMatch** matches = ucsdet_detectAll(det.get(), &n, &err);
    for (int32_t i = 0; U_SUCCESS(err) && i < n && i < 5; ++i) {
      UErrorCode e2 = U_ZERO_ERROR;
      const char* name = ucsdet_getName(matches[i], &e2);
      if (U_FAILURE(e2) || !name) continue;
      std::string cs = CanonicalCharset(name);
      if (cs.empty() || cs == "UTF-8") continue;
      if (DecodesCleanly(bytes, cs, &out->utf8)) {
        out->method = "detected";
        out->charset = cs;
        return Status::OK();
      }
    }
  }
  // 6. These are Chinese sites: GB18030, accepting replacement characters.
  out->method = "default";
  out->charset = "GB18030";
  return ConvertToUtf8(bytes, "GB18030", &out->utf8, &out->lossy);
}

}  // namespace sluice::common
