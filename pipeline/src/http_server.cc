#include "sluice/http_server.h"

#include <sys/stat.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sluice/ascii.h"

namespace sluice {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string PercentDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  asio::io_context& io;
  HttpHandler handler;
  tcp::acceptor acceptor;
  std::set<std::shared_ptr<tcp::socket>> open;
  uint64_t served = 0;
  bool stopped = false;

  Impl(asio::io_context& io_, HttpHandler h) : io(io_), handler(std::move(h)), acceptor(io_) {}

  void Accept() {
    auto self = shared_from_this();
    acceptor.async_accept([self](beast::error_code ec, tcp::socket sock) {
      if (self->stopped) return;
      if (!ec) {
        auto s = std::make_shared<tcp::socket>(std::move(sock));
        self->open.insert(s);
        self->Read(s, std::make_shared<beast::flat_buffer>());
      }
      if (ec != asio::error::operation_aborted) self->Accept();
    });
  }

  void Close(const std::shared_ptr<tcp::socket>& s) {
    beast::error_code ec;
    s->shutdown(tcp::socket::shutdown_both, ec);
    s->close(ec);
    open.erase(s);
  }

  void Read(std::shared_ptr<tcp::socket> s, std::shared_ptr<beast::flat_buffer> buf) {
    auto parser = std::make_shared<http::request_parser<http::string_body>>();
    parser->body_limit(64 * 1024 * 1024);
    auto self = shared_from_this();
    http::async_read(*s, *buf, *parser, [self, s, buf, parser](beast::error_code ec, size_t) {
      if (ec) {
        self->Close(s);
        return;
      }
      self->Handle(s, buf, parser->release());
    });
  }

  void Handle(std::shared_ptr<tcp::socket> s, std::shared_ptr<beast::flat_buffer> buf, http::request<http::string_body> msg) {
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    size_t q = req.target.find('?');
    req.path = PercentDecode(req.target.substr(0, q));
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    for (const auto& f : msg) req.headers[AsciiLower(std::string(f.name_string()))] = std::string(f.value());
    req.body = std::move(msg.body());
    beast::error_code ec;
    auto ep = s->remote_endpoint(ec);
    if (!ec) req.remote = ep.address().to_string();
    auto resp = std::make_shared<HttpResponse>();
    try {
      handler(req, *resp);
    } catch (const std::exception& e) {
      *resp = HttpResponse();
      resp->status = 500;
      resp->body = std::string("handler error: ") + e.what() + "\n";
    }
    ++served;
    bool keep_alive = msg.keep_alive();
    bool head = req.method == "HEAD";
    auto self = shared_from_this();
    auto send = [self, s, buf, resp, keep_alive, head]() {
      if (resp->drop) {
        // An abortive close (RST), as a crashed upstream or a middlebox would do.
        beast::error_code ec2;
        s->set_option(asio::socket_base::linger(true, 0), ec2);
        s->close(ec2);
        self->open.erase(s);
        return;
      }
      if (resp->body_stream) {
        self->Stream(s, resp, head);
        return;
      }
      auto out = std::make_shared<http::response<http::string_body>>();
      out->result(static_cast<unsigned>(resp->status));
      out->version(11);
      for (const auto& [k, v] : resp->headers) out->set(k, v);
      if (!resp->headers.count("Server")) out->set(http::field::server, "sluice");
      out->keep_alive(keep_alive);
      size_t len = resp->body.size();
      if (!head) out->body() = std::move(resp->body);
      out->content_length(len);
      http::async_write(*s, *out, [self, s, buf, out, keep_alive](beast::error_code ec, size_t) {
        if (ec || !keep_alive) {
          self->Close(s);
          return;
        }
        self->Read(s, buf);
      });
    };
    if (resp->delay.count() > 0) {
      auto timer = std::make_shared<asio::steady_timer>(io, resp->delay);
      timer->async_wait([timer, send](beast::error_code) { send(); });
    } else {
      send();
    }
  }

  // Writes the status line and headers, then the body chunk by chunk; connection closes after.
  void Stream(std::shared_ptr<tcp::socket> s, std::shared_ptr<HttpResponse> resp, bool head) {
    std::ostringstream hdr;
    hdr << "HTTP/1.1 " << resp->status << " " << http::obsolete_reason(static_cast<http::status>(resp->status)) << "\r\n";
    for (const auto& [k, v] : resp->headers) hdr << k << ": " << v << "\r\n";
    bool chunked = resp->content_length < 0;
    if (chunked) hdr << "Transfer-Encoding: chunked\r\n";
    else hdr << "Content-Length: " << resp->content_length << "\r\n";
    hdr << "Connection: close\r\n\r\n";
    auto pending = std::make_shared<std::string>(hdr.str());
    auto more = std::make_shared<bool>(!head);
    auto self = shared_from_this();
    auto step = std::make_shared<std::function<void()>>();
    *step = [self, s, resp, pending, more, chunked, step]() {
      if (pending->empty()) {
        if (!*more) {
          self->Close(s);
          *step = nullptr;  // break the self-reference
          return;
        }
        std::string chunk;
        *more = resp->body_stream(chunk);
        if (chunked) {
          std::ostringstream c;
          if (!chunk.empty()) c << std::hex << chunk.size() << "\r\n" << chunk << "\r\n";
          if (!*more) c << "0\r\n\r\n";
          *pending = c.str();
        } else {
          *pending = std::move(chunk);
        }
      }
      asio::async_write(*s, asio::buffer(*pending), [self, s, pending, step](beast::error_code ec, size_t) {
        if (ec) {
          self->Close(s);
          *step = nullptr;
          return;
        }
        pending->clear();
        if (*step) (*step)();
      });
    };
    (*step)();
  }
};

HttpServer::HttpServer(asio::io_context& io, HttpHandler handler) : impl_(std::make_shared<Impl>(io, std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Listen(const std::string& host, int port) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(host.empty() ? "127.0.0.1" : host, ec);
  if (ec) return Status::InvalidArgument("bad listen address '" + host + "': " + ec.message());
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  impl_->Accept();
  return Status::OK();
}

int HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  beast::error_code ec;
  impl_->acceptor.close(ec);
  for (auto s : std::set<std::shared_ptr<tcp::socket>>(impl_->open)) impl_->Close(s);
}

uint64_t HttpServer::requests_served() const { return impl_->served; }

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

std::string StaticFiles::ContentType(const std::string& path) {
  std::string ext = AsciiLower(std::filesystem::path(path).extension().string());
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html"}, {".htm", "text/html"}, {".shtml", "text/html"}, {".txt", "text/plain"},
      {".css", "text/css"}, {".js", "application/javascript"}, {".json", "application/json"},
      {".xml", "application/xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
      {".gif", "image/gif"}, {".pdf", "application/pdf"}, {".doc", "application/msword"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".xls", "application/vnd.ms-excel"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".zip", "application/zip"}, {".wps", "application/kswps"}, {".warc", "application/warc"}};
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool StaticFiles::Serve(const HttpRequest& req, HttpResponse& resp) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::weakly_canonical(root_, ec);
  fs::path p = fs::weakly_canonical(root / fs::path(req.path).relative_path(), ec);
  auto not_found = [&resp]() {
    resp.status = 404;
    resp.headers["Content-Type"] = "text/plain";
    resp.body = "not found\n";
    return false;
  };
  if (ec) return not_found();
  auto rel = p.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return not_found();
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "index.html")) p /= "index.html";
    else if (fs::exists(p / "index.shtml")) p /= "index.shtml";
    else return not_found();
  }
  struct stat st{};
  if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return not_found();
  char etag[64];
  snprintf(etag, sizeof etag, "\"%lx-%lx\"", static_cast<unsigned long>(st.st_mtime), static_cast<unsigned long>(st.st_size));
  char lm[64];
  std::tm tm{};
  gmtime_r(&st.st_mtime, &tm);
  strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  resp.headers["ETag"] = etag;
  resp.headers["Last-Modified"] = lm;
  auto inm = req.headers.find("if-none-match");
  auto ims = req.headers.find("if-modified-since");
  if ((inm != req.headers.end() && inm->second == etag) || (inm == req.headers.end() && ims != req.headers.end() && ims->second == lm)) {
    resp.status = 304;
    return true;
  }
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  resp.status = 200;
  resp.headers["Content-Type"] = ContentType(p.string());
  resp.body = buf.str();
  return true;
}

Status ParseHostPort(const std::string& text, std::string* host, int* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("expected host:port, got '" + text + "'");
  std::string h = text.substr(0, colon), p = text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  try {
    size_t used = 0;
    int v = std::stoi(p, &used);
    if (used != p.size() || v < 0 || v > 65535) throw std::out_of_range("port");
    *port = v;
  } catch (...) {
    return Status::InvalidArgument("bad port in '" + text + "'");
  }
  *host = h.empty() ? "127.0.0.1" : h;
  return Status::OK();
}

}  // namespace sluice
