// WARC/1.1 archive of what the crawler fetched, and replay of such archives as a source.
//
// WarcWriter writes, for every fetched page, a `request` and a `response` record per HTTP hop
// (redirects included) and, for articles, a `metadata` record (application/json, linked with
// WARC-Concurrent-To) holding what the crawler knew beside the HTTP exchange: source name,
// list page, list title and date, attachments. Each record is its own gzip member (the
// convention of Heritrix and wget, so tools can seek record by record); files rotate when they
// pass `max_file_bytes`. The response body is stored as libcurl delivered it, i.e. after
// content decoding: the original Content-Encoding and Transfer-Encoding headers are renamed to
// X-Sluice-Original-Content-Encoding / -Transfer-Encoding and Content-Length is the stored size.
// No block or payload digests are written.
//
// WarcReader reads .warc and .warc.gz files (any number of gzip members, or none), one record
// at a time, in bounded memory (one record at a time).
//
// Thread safety: none; one thread per writer/reader.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/fetch/page.h"
#include "sluice/status.h"

namespace sluice::fetch {

struct WarcRecord {
  std::string type;  // WARC-Type
  std::vector<std::pair<std::string, std::string>> headers;  // as written
  std::string block;
  // Header value by case-insensitive name, "" when absent.
  const std::string& Header(const std::string& name) const;
};

struct WarcWriterOptions {
  std::string dir;
  std::string prefix = "sluice";
  int64_t max_file_bytes = 1024LL * 1024 * 1024;
  bool gzip = true;
  int gzip_level = 6;
};

class WarcWriter {
 public:
  ~WarcWriter();
  // Creates `dir` when needed and opens the first file. Returns IOError when it cannot.
  static Status Open(const WarcWriterOptions& options, std::unique_ptr<WarcWriter>* out);
  // Writes the records of one fetched page (metadata only when `article`). IOError on failure.
  Status WritePage(const FetchedPage& page, bool article);
  // Writes one record; returns its WARC-Record-ID through `id` (optional).
  Status WriteRecord(const std::string& type, const std::string& target_uri,
                     const std::vector<std::pair<std::string, std::string>>& extra_headers,
                     const std::string& content_type, const std::string& block, std::string* id = nullptr);
  // Hands buffered records to the kernel (WritePage does it after each page). IOError on failure.
  Status Flush();
  Status Close();
  const std::string& current_path() const { return path_; }
  uint64_t records() const { return records_; }
  const std::vector<std::string>& files() const { return files_; }

 private:
  WarcWriter() = default;
  Status Rotate();
  WarcWriterOptions opt_;
  FILE* file_ = nullptr;
  std::string path_;
  int64_t file_bytes_ = 0;
  uint64_t records_ = 0;
  int seq_ = 0;
  std::vector<std::string> files_;
};

class WarcReader {
 public:
  ~WarcReader();
  // Returns IOError when the file cannot be opened.
  static Status Open(const std::string& path, std::unique_ptr<WarcReader>* out);
  // Reads the next record. OK with *eof = true at a clean end; Corruption for malformed data
  // (truncated member, bad header block).
  Status Next(WarcRecord* record, bool* eof);

 private:
  WarcReader() = default;
  bool Fill(size_t want);  // ensures `want` bytes of decompressed data are buffered
  struct Inflater;
  FILE* file_ = nullptr;
  std::string path_;
  std::unique_ptr<Inflater> z_;
  bool gzip_ = false;
  bool input_eof_ = false;
  std::string buf_;
  size_t pos_ = 0;
  std::string in_;
};

// `data` compressed as one gzip member (RFC 1952), as the writer stores each record.
std::string GzipMember(std::string_view data, int level = 6);

// The HTTP response block of a record split into status, lower-case headers and body.
Status ParseHttpResponse(const std::string& block, int* status, std::vector<std::pair<std::string, std::string>>* headers,
                         std::string* body);

// Rebuilds the page a response record (and its sluice metadata record, when present) came from.
Status PageFromRecords(const WarcRecord& response, const WarcRecord* metadata, FetchedPage* page);

}  // namespace sluice::fetch
