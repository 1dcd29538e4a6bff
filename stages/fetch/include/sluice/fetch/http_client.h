// HttpClient: asynchronous HTTP(S) transfers with libcurl's multi interface, driven by the
// process's Boost.Asio io_context (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION and
// curl_multi_socket_action — the loop never blocks in curl_easy_perform).
//
// The client enforces what a crawler of third-party sites must never leave to the server:
// connect and total timeouts, a cap on the body (counted after content decoding, so a gzip bomb
// is stopped too), a cap on the response head, a bounded number of redirects (followed by the
// client itself so each hop is recorded and loops are detected), TLS verification, and the
// network policy (NetworkPolicy), checked on every address curl is about to connect to — after
// DNS resolution and on every redirect hop — so a public name that resolves to 10.0.0.1 is
// refused as surely as a literal one.
//
// Politeness (per-host limits, delays, robots.txt, retries) is not the client's business; see
// RequestScheduler.
//
// Thread safety: none. Construct, call and destroy on the io_context's thread; callbacks run
// there too. Destroying the client drops pending transfers without calling their callbacks.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/status.h"

namespace boost::asio {
class io_context;
}

namespace sluice::fetch {

// Which addresses the crawler may connect to. By default only public unicast addresses:
// loopback, RFC 1918, CGNAT, link-local, unique-local, multicast and unspecified addresses are
// refused unless `allow_private` is set or the address falls in one of `allow_networks`
// (CIDR strings such as "127.0.0.1/32" or "::1/128").
class NetworkPolicy {
 public:
  NetworkPolicy() = default;
  // Returns InvalidArgument naming the first malformed CIDR.
  static Status Make(bool allow_private, const std::vector<std::string>& allow_networks, NetworkPolicy* out);

  bool Allows(const struct sockaddr* addr) const;
  // The same check for a textual IP address; non-IP strings (host names) return true, since
  // they are checked again after resolution.
  bool AllowsLiteral(const std::string& host) const;
  bool allow_private() const { return allow_private_; }

  // True for addresses that are not public unicast (the ones refused by default).
  static bool IsPrivate(const struct sockaddr* addr);

 private:
  struct Net {
    int family = 0;
    unsigned char bytes[16] = {};
    int prefix = 0;
  };
  bool allow_private_ = false;
  std::vector<Net> allow_;
};

struct HttpClientOptions {
  std::string user_agent = "sluice-fetch/0.1";
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{30000};
  int max_redirects = 5;
  int64_t max_header_bytes = 64 * 1024;
  bool tls_verify = true;
  std::string ca_file;             // "" = the system store
  std::string proxy;               // "" = direct (environment proxies are ignored)
  NetworkPolicy network;
  // Keep the raw request and response heads of every hop (for the WARC archive).
  bool capture = false;
};

struct FetchRequest {
  std::string url;
  std::string method = "GET";       // GET or HEAD
  std::vector<std::pair<std::string, std::string>> headers;  // extra, e.g. If-None-Match
  int64_t max_body = 8 * 1024 * 1024;
  bool follow_redirects = true;
};

// One request/response exchange as it went over the wire (only with HttpClientOptions::capture).
struct Exchange {
  std::string url;
  std::string request_head;    // "GET /path HTTP/1.1\r\nHost: …\r\n\r\n"
  std::string response_head;   // "HTTP/1.1 200 OK\r\n…\r\n\r\n" (the last head when there were 1xx)
  int status = 0;
  std::string remote_ip;
  int64_t started_us = 0;
};

struct FetchResponse {
  enum class Error {
    kNone,
    kBadUrl,            // not an http(s) URL
    kBlocked,           // network policy refused the target address
    kRobots,            // robots.txt disallows it (set by RequestScheduler)
    kTimeout,
    kConnect,           // DNS failure, refused, reset before the response
    kTls,
    kNetwork,           // reset or protocol error during the response
    kBodyTooLarge,
    kHeadersTooLarge,
    kTooManyRedirects,
    kRedirectLoop,
    kCancelled,
  };
  Error error = Error::kNone;
  std::string error_message;        // credentials never appear in it
  int status = 0;                   // HTTP status of the last response (0 when none)
  std::string url;                  // as requested
  std::string final_url;            // after redirects
  std::vector<std::string> redirects;  // intermediate URLs, in order
  std::vector<std::pair<std::string, std::string>> headers;  // last response, lower-case names
  std::string body;                 // decoded (gzip/deflate/br removed)
  int64_t started_us = 0;           // unix microseconds
  int64_t elapsed_us = 0;
  std::vector<Exchange> exchanges;  // with capture only, one per hop

  bool ok() const { return error == Error::kNone; }
  // The first header of that (lower-case) name, "" when absent.
  const std::string& Header(const std::string& name) const;
};

// A short name for an error ("timeout", "blocked" …) for counters and logs.
const char* ErrorName(FetchResponse::Error error);

// `url` with any user:password@ removed, for logs.
std::string RedactUrl(const std::string& url);

class HttpClient {
 public:
  using Callback = std::function<void(FetchResponse)>;

  HttpClient(boost::asio::io_context& io, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a transfer; `done` runs later on the io_context thread, exactly once, with the
  // response or an error (never synchronously from inside Start).
  void Start(FetchRequest request, Callback done);
  // Aborts every transfer; their callbacks run with kCancelled.
  void CancelAll();
  size_t in_flight() const;
  const HttpClientOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::fetch
