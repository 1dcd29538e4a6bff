// Fuzz target for the clean stage's extractor: any bytes in, a result or a clear error out, and
// what comes out is well-formed UTF-8. Built as a libFuzzer binary with clang
// (sluice_add_fuzz_target) and always as a replay driver over corpus/ (ctest label fuzz).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sluice/clean/content_extractor.h"
#include "sluice/clean/simhash.h"
#include "sluice/common/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sluice::clean::ContentExtractor* extractor = [] {
    std::unique_ptr<sluice::clean::ContentExtractor> e;
    sluice::clean::ExtractorOptions o;
    sluice::clean::SiteRule rule;
    rule.hosts = {"rules.example"};
    rule.content = {"div.content > p", "//td[@class='zw']"};
    rule.drop = {".share"};
    rule.title = "h1";
    o.rules = {rule};
    if (!sluice::clean::ContentExtractor::Create(o, &e).ok()) std::abort();
    return e.release();
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte picks the URL, so site rules and URL dates are exercised too.
  const char* url = size > 0 && (data[0] & 1) ? "http://www.rules.example/2024/3/5/art_1.html" : "";
  sluice::clean::Extraction ex;
  sluice::Status st = extractor->Extract(input, url, &ex);
  if (!st.ok()) {
    if (st.message().empty()) std::abort();  // errors must say why
    return 0;
  }
  for (const std::string* s : {&ex.text, &ex.title, &ex.publisher, &ex.publish_time, &ex.column, &ex.document_number})
    if (!sluice::common::IsValidUtf8(*s)) std::abort();
  for (const auto& a : ex.attachments)
    if (!sluice::common::IsValidUtf8(a.name) || !sluice::common::IsValidUtf8(a.url)) std::abort();
  (void)sluice::clean::Simhash64(ex.text);
  return 0;
}
