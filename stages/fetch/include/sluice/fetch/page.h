// FetchedPage → Document: the one place where a fetched article becomes a sluice Document, used
// by the crawler and by WARC replay alike, so a page replayed from the archive yields the very
// same bytes it yielded when it was crawled.
//
// Also here: anti-bot challenge detection and attachment discovery, which both work on the
// decoded page.
//
// Thread safety: functions are reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/common/charset.h"
#include "sluice/fetch/http_client.h"
#include "sluice/fetch/links.h"
#include "sluice/status.h"
#include "sluice/v1/document.pb.h"

namespace sluice::fetch {

// Everything a Document is built from; WARC metadata records carry the same fields.
struct FetchedPage {
  std::string source;            // site name from the config
  FetchResponse response;        // status, url, final_url, redirects, headers, body, times
  std::string discovered_from;   // list page URL
  std::string list_title;
  std::string list_date;
  std::vector<v1::Attachment> attachments;
  std::vector<std::string> drop_params;  // for the canonical URL
};

// Response headers copied into FetchInfo.headers (lower-case names).
bool IsRecordedHeader(const std::string& name);

// Builds `doc` from `page`. `decoded` may be null (the body is then decoded here).
// Returns InvalidArgument when the body is not text (binary), leaving doc untouched.
Status BuildDocument(const FetchedPage& page, const common::DecodedText* decoded, v1::Document* doc);

// hex xxh64 of `data`, 16 characters.
std::string HexHash64(std::string_view data);

// Returns "" for a real page, or why it looks like an anti-bot challenge: HTTP 412, or a page
// with (almost) no visible text whose scripts set a cookie and reload (瑞数/RS "$_ts",
// 加速乐 "__jsl_clearance", 阿里云 "acw_sc__v2", Cloudflare "cf_chl" …).
std::string DetectChallenge(int status, std::string_view utf8_body);

// Attachments (附件) among the links of an article page: links to pdf, doc, docx, xls, xlsx,
// zip, rar, 7z, wps, et, ppt, pptx, ofd. Name = link text (the file name when empty); type =
// lower-case extension. Deduplicated by URL, in page order.
std::vector<v1::Attachment> FindAttachments(const PageLinks& links);
bool IsAttachmentExtension(const std::string& ext);

}  // namespace sluice::fetch
