// HttpServer: a small asynchronous HTTP/1.1 server (Boost.Beast) that runs on the caller's
// io_context. It serves the supervisor's /metrics, the bundled demo site, and the fixture and
// fault servers of the tests — one implementation, really started, never a mock.
//
// Handlers run on the io_context thread and fill an HttpResponse synchronously; the response
// can ask for a delay before it is written, a dropped connection, or a body produced in chunks
// (to serve a multi-gigabyte body without holding it in memory).
//
// StaticFiles serves a directory the way simple web servers do (index.html for directories,
// Content-Type by extension, ETag and Last-Modified with 304 answers to conditional requests).
//
// Thread safety: all members must be called on the io_context's thread (or before it runs).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "sluice/status.h"

namespace boost::asio {
class io_context;
}

namespace sluice {

struct HttpRequest {
  std::string method;                         // GET, HEAD, …
  std::string target;                         // as sent: /path?query
  std::string path;                           // percent-decoded path without the query
  std::string query;                          // raw query string without '?'
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  std::string remote;                         // peer address
};

struct HttpResponse {
  int status = 200;
  std::map<std::string, std::string> headers;  // e.g. {"Content-Type", "text/html"}
  std::string body;
  // Wait this long before writing the response (slow-server tests).
  std::chrono::milliseconds delay{0};
  // Close the connection without answering (reset tests).
  bool drop = false;
  // When set, the body is produced by repeated calls (each appends a chunk and returns true while
  // more follows) and sent with this Content-Length (or chunked when content_length < 0).
  std::function<bool(std::string& chunk)> body_stream;
  int64_t content_length = -1;
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. `port` 0 picks a free port (see port()). Returns IOError when the
  // address cannot be bound (in use, permission, bad address).
  Status Listen(const std::string& host, int port);
  int port() const;
  // Stops accepting and closes open connections.
  void Stop();
  uint64_t requests_served() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Serves files under `root`. Paths are confined to root ("..", symlinks out of root → 404).
class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  // Fills `resp` for `req`; returns false when no file matched (resp is then a 404).
  bool Serve(const HttpRequest& req, HttpResponse& resp) const;
  // Content-Type for a file name; .html/.shtml/.htm are "text/html" with no charset, as the
  // fixture servers of the shared data do.
  static std::string ContentType(const std::string& path);
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// Splits "host:port" ("127.0.0.1:9464", ":9464", "[::1]:80"). Returns InvalidArgument when the
// port is missing or not a number.
Status ParseHostPort(const std::string& text, std::string* host, int* port);

}  // namespace sluice
