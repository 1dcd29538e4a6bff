#include "sluice/fetch/warc.h"

#include <xxhash.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>

#include "ascii.h"
#include "sluice/json.h"

namespace sluice::fetch {

namespace {

std::string Trim(std::string_view s) { return std::string(TrimAscii(s)); }

std::string WarcDate(int64_t unix_us) {
  time_t t = static_cast<time_t>(unix_us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A random (version 4) UUID URN; the generator is seeded once per process.
std::string NewRecordId() {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(NowUs()));
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[64];
  snprintf(buf, sizeof buf, "<urn:uuid:%08x-%04x-%04x-%04x-%012llx>", static_cast<unsigned>(a >> 32),
           static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff), static_cast<unsigned>(b >> 48),
           static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 404: return "Not Found";
    case 412: return "Precondition Failed";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

// The stored response head: the headers libcurl saw, with the encodings it undid renamed and
// Content-Length set to the stored (decoded) body.
std::string ResponseHead(const FetchResponse& r) {
  std::string h = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  for (const auto& [k, v] : r.headers) {
    if (k == "content-length") continue;
    if (k == "content-encoding" || k == "transfer-encoding") h += "x-sluice-original-" + k + ": " + v + "\r\n";
    else h += k + ": " + v + "\r\n";
  }
  h += "content-length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  return h;
}

}  // namespace

std::string GzipMember(std::string_view data, int level) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&z, data.size()) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

const std::string& WarcRecord::Header(const std::string& name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return kEmpty;
}

// ---------------------------------------------------------------------------------------------
// Writer

WarcWriter::~WarcWriter() { Close(); }

Status WarcWriter::Open(const WarcWriterOptions& options, std::unique_ptr<WarcWriter>* out) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return Status::IOError("cannot create WARC directory " + options.dir + ": " + ec.message());
  std::unique_ptr<WarcWriter> w(new WarcWriter());
  w->opt_ = options;
  SLUICE_RETURN_IF_ERROR(w->Rotate());
  *out = std::move(w);
  return Status::OK();
}

Status WarcWriter::Rotate() {
  if (file_) {
    fclose(file_);
    file_ = nullptr;
  }
  char stamp[32];
  time_t t = time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
  char name[256];
  snprintf(name, sizeof name, "%s-%s-%05d-%d.warc%s", opt_.prefix.c_str(), stamp, seq_++, static_cast<int>(getpid()),
           opt_.gzip ? ".gz" : "");
  path_ = opt_.dir + "/" + name;
  file_ = fopen(path_.c_str(), "wb");
  if (!file_) return Status::IOError("cannot create " + path_ + ": " + strerror(errno));
  files_.push_back(path_);
  file_bytes_ = 0;
  std::string info = "software: sluice-fetch\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
  return WriteRecord("warcinfo", "", {{"WARC-Filename", name}}, "application/warc-fields", info);
}

Status WarcWriter::WriteRecord(const std::string& type, const std::string& target_uri,
                               const std::vector<std::pair<std::string, std::string>>& extra_headers,
                               const std::string& content_type, const std::string& block, std::string* id) {
  if (!file_) return Status::IOError("WARC writer is closed");
  std::string rid = NewRecordId();
  std::string rec = "WARC/1.1\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: " + rid + "\r\nWARC-Date: " + WarcDate(NowUs()) + "\r\n";
  if (!target_uri.empty()) rec += "WARC-Target-URI: " + target_uri + "\r\n";
  for (const auto& [k, v] : extra_headers) rec += k + ": " + v + "\r\n";
  if (!content_type.empty()) rec += "Content-Type: " + content_type + "\r\n";
  rec += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  rec += block;
  rec += "\r\n\r\n";
  std::string bytes = opt_.gzip ? GzipMember(rec, opt_.gzip_level) : std::move(rec);
  if (fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) return Status::IOError("write " + path_ + ": " + strerror(errno));
  file_bytes_ += static_cast<int64_t>(bytes.size());
  ++records_;
  if (id) *id = rid;
  if (file_bytes_ >= opt_.max_file_bytes && type != "warcinfo") {
    if (fflush(file_) != 0) return Status::IOError("flush " + path_ + ": " + strerror(errno));
    return Rotate();
  }
  return Status::OK();
}

Status WarcWriter::WritePage(const FetchedPage& page, bool article) {
  const FetchResponse& r = page.response;
  std::string final_url = r.final_url.empty() ? r.url : r.final_url;
  // Intermediate hops (redirects): their request and their head as received.
  for (size_t k = 0; k + 1 < r.exchanges.size(); ++k) {
    const Exchange& x = r.exchanges[k];
    std::string req_id;
    if (!x.request_head.empty())
      SLUICE_RETURN_IF_ERROR(WriteRecord("request", x.url, {}, "application/http; msgtype=request", x.request_head, &req_id));
    std::vector<std::pair<std::string, std::string>> h;
    if (!x.remote_ip.empty()) h.emplace_back("WARC-IP-Address", x.remote_ip);
    if (!req_id.empty()) h.emplace_back("WARC-Concurrent-To", req_id);
    SLUICE_RETURN_IF_ERROR(WriteRecord("response", x.url, h, "application/http; msgtype=response", x.response_head));
  }
  std::vector<std::pair<std::string, std::string>> h;
  if (!r.exchanges.empty()) {
    const Exchange& x = r.exchanges.back();
    std::string req_id;
    if (!x.request_head.empty())
      SLUICE_RETURN_IF_ERROR(WriteRecord("request", final_url, {}, "application/http; msgtype=request", x.request_head, &req_id));
    if (!x.remote_ip.empty()) h.emplace_back("WARC-IP-Address", x.remote_ip);
    if (!req_id.empty()) h.emplace_back("WARC-Concurrent-To", req_id);
  }
  std::string resp_id;
  SLUICE_RETURN_IF_ERROR(WriteRecord("response", final_url, h, "application/http; msgtype=response", ResponseHead(r) + r.body, &resp_id));
  if (!article) return Flush();
  Json m = Json::Object();
  m.Set("sluice", 1);
  m.Set("source", page.source);
  m.Set("url", r.url);
  m.Set("final_url", final_url);
  Json redirects = Json::Array();
  for (const auto& u : r.redirects) redirects.Push(u);
  m.Set("redirects", std::move(redirects));
  m.Set("started_us", r.started_us);
  m.Set("elapsed_us", r.elapsed_us);
  m.Set("discovered_from", page.discovered_from);
  m.Set("list_title", page.list_title);
  m.Set("list_date", page.list_date);
  Json atts = Json::Array();
  for (const auto& a : page.attachments) {
    Json j = Json::Object();
    j.Set("name", a.name());
    j.Set("url", a.url());
    j.Set("type", a.type());
    j.Set("size", static_cast<int64_t>(a.size()));
    j.Set("sha256", a.sha256());
    atts.Push(std::move(j));
  }
  m.Set("attachments", std::move(atts));
  Json drop = Json::Array();
  for (const auto& d : page.drop_params) drop.Push(d);
  m.Set("drop_params", std::move(drop));
  SLUICE_RETURN_IF_ERROR(WriteRecord("metadata", final_url, {{"WARC-Concurrent-To", resp_id}}, "application/json", m.Dump()));
  return Flush();
}

Status WarcWriter::Flush() {
  // Whole pages reach the kernel together: a crash loses at most the page being written.
  if (file_ && fflush(file_) != 0) return Status::IOError("flush " + path_ + ": " + strerror(errno));
  return Status::OK();
}

Status WarcWriter::Close() {
  if (!file_) return Status::OK();
  int rc = fclose(file_);
  file_ = nullptr;
  if (rc != 0) return Status::IOError("close " + path_ + ": " + strerror(errno));
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Reader

struct WarcReader::Inflater {
  z_stream z{};
  bool open = false;
  ~Inflater() {
    if (open) inflateEnd(&z);
  }
};

WarcReader::~WarcReader() {
  if (file_) fclose(file_);
}

Status WarcReader::Open(const std::string& path, std::unique_ptr<WarcReader>* out) {
  std::unique_ptr<WarcReader> r(new WarcReader());
  r->file_ = fopen(path.c_str(), "rb");
  if (!r->file_) return Status::IOError("cannot open " + path + ": " + strerror(errno));
  r->path_ = path;
  unsigned char magic[2] = {0, 0};
  size_t n = fread(magic, 1, 2, r->file_);
  fseek(r->file_, 0, SEEK_SET);
  r->gzip_ = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (r->gzip_) {
    r->z_ = std::make_unique<Inflater>();
    if (inflateInit2(&r->z_->z, 15 + 32) != Z_OK) return Status::IOError("zlib init failed");
    r->z_->open = true;
  }
  *out = std::move(r);
  return Status::OK();
}

bool WarcReader::Fill(size_t want) {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t kChunk = 1 << 20;
  while (buf_.size() - pos_ < want) {
    if (!gzip_) {
      if (input_eof_) return false;
      size_t old = buf_.size();
      buf_.resize(old + kChunk);
      size_t n = fread(buf_.data() + old, 1, kChunk, file_);
      buf_.resize(old + n);
      if (n == 0) input_eof_ = true;
      continue;
    }
    z_stream& z = z_->z;
    if (z.avail_in == 0) {
      if (input_eof_) return false;
      in_.resize(kChunk);
      size_t n = fread(in_.data(), 1, kChunk, file_);
      if (n == 0) {
        input_eof_ = true;
        return false;
      }
      in_.resize(n);
      z.next_in = reinterpret_cast<Bytef*>(in_.data());
      z.avail_in = static_cast<uInt>(n);
    }
    size_t old = buf_.size();
    size_t room = std::max<size_t>(kChunk, want);
    buf_.resize(old + room);
    z.next_out = reinterpret_cast<Bytef*>(buf_.data() + old);
    z.avail_out = static_cast<uInt>(room);
    int rc = inflate(&z, Z_NO_FLUSH);
    buf_.resize(old + room - z.avail_out);
    if (rc == Z_STREAM_END) {
      // Next gzip member (one per record).
      inflateReset(&z);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return false;
    } else if (rc == Z_BUF_ERROR && z.avail_in != 0) {
      return false;
    }
  }
  return true;
}

Status WarcReader::Next(WarcRecord* record, bool* eof) {
  *eof = false;
  // Skip blank lines between records.
  while (true) {
    if (!Fill(1)) {
      *eof = true;
      return Status::OK();
    }
    char c = buf_[pos_];
    if (c == '\r' || c == '\n') ++pos_;
    else break;
  }
  size_t end;
  size_t scanned = pos_;
  while ((end = buf_.find("\r\n\r\n", scanned)) == std::string::npos) {
    if (buf_.size() - pos_ > (1 << 20)) return Status::Corruption(path_ + ": WARC header block over 1 MB");
    scanned = buf_.size() > 3 ? buf_.size() - 3 : 0;
    if (!Fill(buf_.size() - pos_ + 4096)) return Status::Corruption(path_ + ": truncated WARC header");
    scanned = std::max(scanned, pos_);
  }
  std::string head = buf_.substr(pos_, end - pos_);
  pos_ = end + 4;
  if (head.rfind("WARC/", 0) != 0) return Status::Corruption(path_ + ": record does not start with WARC/");
  WarcRecord rec;
  int64_t length = -1;
  size_t b = head.find("\r\n");
  while (b != std::string::npos && b < head.size()) {
    size_t s = b + 2;
    size_t e = head.find("\r\n", s);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(s, e - s);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string k = Trim(line.substr(0, colon)), v = Trim(line.substr(colon + 1));
      if (strcasecmp(k.c_str(), "Content-Length") == 0) length = std::atoll(v.c_str());
      if (strcasecmp(k.c_str(), "WARC-Type") == 0) rec.type = v;
      rec.headers.emplace_back(k, v);
    }
    b = e;
    if (e >= head.size()) break;
  }
  if (length < 0 || length > (int64_t(1) << 34)) return Status::Corruption(path_ + ": WARC record without a valid Content-Length");
  if (!Fill(static_cast<size_t>(length))) return Status::Corruption(path_ + ": truncated WARC record");
  rec.block = buf_.substr(pos_, static_cast<size_t>(length));
  pos_ += static_cast<size_t>(length);
  *record = std::move(rec);
  return Status::OK();
}

Status ParseHttpResponse(const std::string& block, int* status, std::vector<std::pair<std::string, std::string>>* headers,
                         std::string* body) {
  size_t end = block.find("\r\n\r\n");
  size_t skip = 4;
  if (end == std::string::npos) {
    end = block.find("\n\n");
    skip = 2;
  }
  if (end == std::string::npos || block.rfind("HTTP/", 0) != 0) return Status::Corruption("not an HTTP response block");
  size_t sp = block.find(' ');
  *status = sp == std::string::npos ? 0 : std::atoi(block.c_str() + sp + 1);
  headers->clear();
  size_t b = block.find('\n');
  while (b != std::string::npos && b < end) {
    size_t s = b + 1;
    size_t e = block.find('\n', s);
    if (e == std::string::npos || e > end) e = end;
    std::string line = Trim(block.substr(s, e - s));
    size_t colon = line.find(':');
    if (colon != std::string::npos && colon > 0) headers->emplace_back(AsciiLower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
    b = e;
    if (e >= end) break;
  }
  *body = block.substr(end + skip);
  return Status::OK();
}

Status PageFromRecords(const WarcRecord& response, const WarcRecord* metadata, FetchedPage* page) {
  FetchedPage p;
  FetchResponse& r = p.response;
  std::string body;
  SLUICE_RETURN_IF_ERROR(ParseHttpResponse(response.block, &r.status, &r.headers, &r.body));
  r.url = r.final_url = response.Header("WARC-Target-URI");
  p.source = "warc";
  if (metadata) {
    Json m;
    Status st = Json::Parse(metadata->block, &m);
    if (!st.ok()) return Status::Corruption("bad sluice metadata record: " + st.message());
    p.source = m["source"].AsString("warc");
    r.url = m["url"].AsString(r.url);
    r.final_url = m["final_url"].AsString(r.final_url);
    for (const auto& u : m["redirects"].items()) r.redirects.push_back(u.AsString());
    r.started_us = m["started_us"].AsInt();
    r.elapsed_us = m["elapsed_us"].AsInt();
    p.discovered_from = m["discovered_from"].AsString();
    p.list_title = m["list_title"].AsString();
    p.list_date = m["list_date"].AsString();
    for (const auto& a : m["attachments"].items()) {
      v1::Attachment att;
      att.set_name(a["name"].AsString());
      att.set_url(a["url"].AsString());
      att.set_type(a["type"].AsString());
      att.set_size(a["size"].AsInt());
      att.set_sha256(a["sha256"].AsString());
      p.attachments.push_back(std::move(att));
    }
    for (const auto& d : m["drop_params"].items()) p.drop_params.push_back(d.AsString());
  }
  *page = std::move(p);
  return Status::OK();
}

}  // namespace sluice::fetch
