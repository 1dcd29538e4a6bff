#include "sluice/fetch/page.h"

#include <xxhash.h>

#include <algorithm>
#include <set>

#include "ascii.h"
#include "sluice/common/url.h"

namespace sluice::fetch {

namespace {


// Bytes of visible text: outside tags, <script>, <style> and comments; whitespace ignored.
size_t VisibleTextBytes(std::string_view html) {
  size_t n = 0;
  size_t i = 0;
  auto starts = [&](size_t at, std::string_view tag) {
    if (at + tag.size() > html.size()) return false;
    for (size_t k = 0; k < tag.size(); ++k)
      if (std::tolower(static_cast<unsigned char>(html[at + k])) != tag[k]) return false;
    return true;
  };
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      if (starts(i, "<!--")) {
        size_t e = html.find("-->", i + 4);
        i = e == std::string_view::npos ? html.size() : e + 3;
        continue;
      }
      for (std::string_view tag : {std::string_view("<script"), std::string_view("<style")}) {
        if (starts(i, tag)) {
          std::string close = "</" + std::string(tag.substr(1));
          size_t e = i;
          while (true) {
            e = html.find("</", e + 1);
            if (e == std::string_view::npos || starts(e, close)) break;
          }
          i = e == std::string_view::npos ? html.size() : e;
          break;
        }
      }
      size_t e = html.find('>', i);
      i = e == std::string_view::npos ? html.size() : e + 1;
      continue;
    }
    if (!IsAsciiSpace(static_cast<unsigned char>(c))) ++n;
    ++i;
  }
  return n;
}

}  // namespace

bool IsRecordedHeader(const std::string& name) {
  static const std::set<std::string> kNames = {"content-type", "etag", "last-modified", "date", "server",
                                               "cache-control", "expires", "content-language", "content-disposition"};
  return kNames.count(name) > 0;
}

std::string HexHash64(std::string_view data) {
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(XXH64(data.data(), data.size(), 0)));
  return buf;
}

Status BuildDocument(const FetchedPage& page, const common::DecodedText* decoded, v1::Document* doc) {
  const FetchResponse& r = page.response;
  common::DecodedText local;
  if (!decoded) {
    Status st = common::DecodeHtml(r.body, r.Header("content-type"), &local);
    if (!st.ok()) return st;
    decoded = &local;
  }
  v1::Document d;
  common::Url u;
  std::string final_url = r.final_url.empty() ? r.url : r.final_url;
  d.set_source(page.source);
  if (common::Url::Parse(final_url, &u).ok()) {
    d.set_site(u.host());
    d.set_canonical_url(u.Canonical(page.drop_params));
  }
  d.set_url(r.url);
  auto* f = d.mutable_fetch();
  f->set_status(r.status);
  f->set_final_url(final_url);
  for (const auto& hop : r.redirects) f->add_redirects(hop);
  f->set_fetched_at_us(r.started_us);
  f->set_elapsed_us(r.elapsed_us);
  f->set_etag(r.Header("etag"));
  f->set_last_modified(r.Header("last-modified"));
  f->set_discovered_from(page.discovered_from);
  f->set_list_title(page.list_title);
  f->set_list_date(page.list_date);
  for (const auto& [k, v] : r.headers)
    if (IsRecordedHeader(k) && !f->headers().count(k)) (*f->mutable_headers())[k] = v;
  f->set_declared_charset(decoded->declared);
  d.set_raw(decoded->utf8);
  std::string ct = r.Header("content-type");
  d.set_content_type(AsciiLower(TrimAscii(std::string_view(ct).substr(0, ct.find(';')))));
  d.set_charset(decoded->charset);
  d.set_content_hash(HexHash64(decoded->utf8));
  for (const auto& a : page.attachments) *d.add_attachments() = a;
  d.set_id(HexHash64(d.canonical_url() + "\n" + d.content_hash()));
  *doc = std::move(d);
  return Status::OK();
}

std::string DetectChallenge(int status, std::string_view body) {
  if (status == 412) return "HTTP 412 (anti-bot precondition)";
  if (body.size() > 256 * 1024) return "";  // challenge stubs are small
  size_t visible = VisibleTextBytes(body);
  if (visible > 200) return "";
  static const char* kMarkers[] = {"$_ts", "__jsl_clearance", "acw_sc__v2", "cf_chl", "challenge-platform", "_waf_",
                                   "yunsuo_session", "safedog", "__tst_status", "wzws_cid"};
  for (const char* m : kMarkers)
    if (body.find(m) != std::string_view::npos) return std::string("script-only stub (") + m + ")";
  bool sets_cookie = body.find("document.cookie") != std::string_view::npos;
  bool reloads = body.find("location.reload") != std::string_view::npos || body.find("location.replace") != std::string_view::npos ||
                 body.find("location.href") != std::string_view::npos || body.find("location=") != std::string_view::npos;
  if (sets_cookie && reloads) return "script-only stub (sets a cookie and reloads)";
  if (sets_cookie && visible < 16) return "script-only stub (sets a cookie)";
  return "";
}

bool IsAttachmentExtension(const std::string& ext) {
  static const std::set<std::string> kExt = {"pdf", "doc", "docx", "xls", "xlsx", "zip", "rar", "7z",
                                             "wps", "et", "ppt", "pptx", "ofd", "csv"};
  return kExt.count(ext) > 0;
}

std::vector<v1::Attachment> FindAttachments(const PageLinks& links) {
  std::vector<v1::Attachment> out;
  std::set<std::string> seen;
  for (const auto& l : links.links) {
    std::string ext = UrlExtension(l.url);
    if (!IsAttachmentExtension(ext) || !seen.insert(l.url).second) continue;
    v1::Attachment a;
    std::string name = l.text;
    if (name.empty()) {
      std::string path = l.url.substr(0, l.url.find_first_of("?#"));
      name = path.substr(path.rfind('/') + 1);
    }
    a.set_name(name);
    a.set_url(l.url);
    a.set_type(ext);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace sluice::fetch
