// `sluice extract`: the clean stage's extractor on files, without a pipeline.
//
//   sluice extract FILE.html [--url URL]          one JSON line
//   sluice extract --jsonl DIR [--url-prefix P]   one line per HTML file under DIR, sorted by path,
//                                                 in the input format of shared/tools/eval_extract.py
//
// In --jsonl mode a file directly in DIR is a page of its own (site = file stem, url_path =
// "/<name>"), and a file deeper down belongs to the site named by its first path component
// (site = that component, url_path = the rest with a leading '/', as when each site is served
// from its own root). Each page's URL is the prefix — "{site}" in it is replaced by the site;
// default "http://{site}" for site trees and "http://localhost" for loose files — plus url_path;
// relative links resolve against it. Near-duplicates are found with an in-memory simhash index
// over the files in order: `duplicate_of` names the URL of the first.
#include "extract_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sluice/clean/clean_stage.h"
#include "sluice/clean/content_extractor.h"
#include "sluice/clean/simhash.h"
#include "sluice/cli_args.h"
#include "sluice/json.h"
#include "page_text.h"

namespace sluice::clean {

namespace {

namespace fs = std::filesystem;

bool ReadBytes(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool IsPageFile(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".html" || ext == ".htm" || ext == ".shtml" || ext == ".shtm" || ext == ".xhtml" || ext == ".jsp" ||
         ext == ".asp" || ext == ".aspx" || ext == ".php";
}

std::string UrlPath(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos) return url;
  size_t slash = url.find('/', p + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

Json ToJson(const Extraction& ex, const std::string& url, uint64_t simhash) {
  Json j = Json::Object();
  j.Set("url", url);
  j.Set("title", ex.title);
  j.Set("pub_date", ex.publish_time.empty() ? Json() : Json(ex.publish_time));
  j.Set("source", ex.publisher.empty() ? Json() : Json(ex.publisher));
  j.Set("doc_number", ex.document_number.empty() ? Json() : Json(ex.document_number));
  j.Set("index_number", ex.index_number.empty() ? Json() : Json(ex.index_number));
  j.Set("info_category", ex.info_category.empty() ? Json() : Json(ex.info_category));
  j.Set("column", ex.column.empty() ? Json() : Json(ex.column));
  j.Set("site_name", ex.site_name);
  j.Set("site_domain", ex.site_domain);
  j.Set("site_id_code", ex.site_id_code);
  j.Set("language", ex.language);
  if (!ex.canonical_url.empty()) j.Set("canonical_url", ex.canonical_url);
  Json atts = Json::Array();
  for (const AttachmentLink& a : ex.attachments) {
    Json o = Json::Object();
    o.Set("name", a.name);
    o.Set("url", a.url);
    o.Set("url_path", UrlPath(a.url));
    o.Set("type", a.type);
    atts.Push(std::move(o));
  }
  j.Set("attachments", std::move(atts));
  j.Set("challenge", ex.challenge);
  if (ex.challenge) j.Set("challenge_reason", ex.challenge_reason);
  j.Set("text", ex.text);
  if (simhash != 0) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(simhash));
    j.Set("simhash", hash);
  }
  Json origins = Json::Object();
  for (const auto& [field, where] : ex.origins) origins.Set(field, where);
  j.Set("origins", std::move(origins));
  j.Set("content_origin", ex.content_origin);
  return j;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "sluice extract: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int RunExtractCommand(int argc, char** argv) {
  CLI::App app{"Extract the notice (text + metadata) from HTML files, as the clean stage does", "sluice extract"};
  std::string file, dir, url, prefix, rules_path, normalization = "nfc";
  bool general_only = false;
  int max_distance = 3, min_chars = 50;
  app.add_option("file", file, "an HTML file");
  app.add_option("--jsonl", dir, "extract every HTML file under DIR, one JSON line each");
  app.add_option("--url", url, "the page's URL (resolves links, selects site rules)");
  app.add_option("--url-prefix", prefix, "--jsonl: URL prefix; {site} is replaced by the site directory");
  app.add_option("--rules", rules_path, "YAML file with per-site rules (a `rules:` list, as in the stage config)");
  app.add_flag("--general-only", general_only, "switch off known containers and site rules (the general scorer alone)");
  app.add_option("--normalization", normalization, "nfc (default), nfkc, nfkc_cf or none");
  app.add_option("--dedup-distance", max_distance, "--jsonl: simhash distance for near-duplicates (0-3)");
  app.add_option("--dedup-min-chars", min_chars, "--jsonl: shortest text checked for duplicates");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  if (file.empty() == dir.empty()) return Fail("give either FILE or --jsonl DIR (see --help)");

  ExtractorOptions options;
  options.normalization = normalization;
  options.known_containers = !general_only;
  options.site_rules = !general_only;
  if (!rules_path.empty()) {
    Status st = LoadRulesFile(rules_path, &options.rules);
    if (!st.ok()) return Fail(st.ToString());
  }
  std::unique_ptr<ContentExtractor> extractor;
  if (Status st = ContentExtractor::Create(options, &extractor); !st.ok()) return Fail(st.ToString());

  if (!file.empty()) {
    std::string bytes;
    if (!ReadBytes(file, &bytes)) return Fail("cannot read " + file);
    std::string html;
    if (Status st = PageBytesToUtf8(bytes, &html); !st.ok()) return Fail(file + ": " + st.message());
    std::string page_url = url.empty() ? "file://" + fs::absolute(file).lexically_normal().string() : url;
    Extraction ex;
    if (Status st = extractor->Extract(html, page_url, &ex); !st.ok()) return Fail(file + ": " + st.message());
    Json j = ToJson(ex, page_url, ex.text.empty() ? 0 : Simhash64(ex.text));
    j.Set("path", file);
    std::printf("%s\n", j.Dump().c_str());
    return 0;
  }

  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Fail(dir + " is not a directory");
  std::vector<std::string> rels;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && IsPageFile(it->path())) rels.push_back(fs::relative(it->path(), dir, ec).generic_string());
  }
  std::sort(rels.begin(), rels.end());
  MemorySimhashIndex index(max_distance);
  int failures = 0;
  for (const std::string& rel : rels) {
    std::string site, url_path, page_prefix = prefix;
    size_t slash = rel.find('/');
    if (slash == std::string::npos) {
      site = fs::path(rel).stem().string();
      url_path = "/" + rel;
      if (page_prefix.empty()) page_prefix = "http://localhost";
    } else {
      site = rel.substr(0, slash);
      url_path = rel.substr(slash);
      if (page_prefix.empty()) page_prefix = "http://{site}";
    }
    for (size_t p; (p = page_prefix.find("{site}")) != std::string::npos;) page_prefix.replace(p, 6, site);
    while (!page_prefix.empty() && page_prefix.back() == '/') page_prefix.pop_back();
    const std::string page_url = page_prefix + url_path;

    std::string bytes, html;
    Extraction ex;
    Status st = ReadBytes((fs::path(dir) / rel).string(), &bytes) ? Status::OK() : Status::IOError("cannot read");
    if (st.ok()) st = PageBytesToUtf8(bytes, &html);
    if (st.ok()) st = extractor->Extract(html, page_url, &ex);
    const uint64_t simhash = st.ok() && !ex.text.empty() ? Simhash64(ex.text) : 0;
    Json j = ToJson(ex, page_url, simhash);
    j.Set("site", site);
    j.Set("url_path", url_path);
    j.Set("path", rel);
    if (!st.ok()) {
      ++failures;
      j.Set("error", st.message());
    }
    std::string original;
    if (st.ok() && !ex.challenge && !ex.text.empty()) {
      int chars = 0;
      for (char c : ex.text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 && !std::isspace(static_cast<unsigned char>(c));
      if (chars >= min_chars && simhash != 0) index.FindOrAdd(simhash, page_url, &original);
    }
    j.Set("duplicate_of", original.empty() ? Json() : Json(original));
    std::printf("%s\n", j.Dump().c_str());
  }
  if (failures) std::fprintf(stderr, "sluice extract: %d of %zu files failed\n", failures, rels.size());
  return 0;
}

}  // namespace sluice::clean
