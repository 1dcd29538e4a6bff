// SiteServer: a real HTTP server on 127.0.0.1 serving a directory (StaticFiles), recording every
// request, with an optional hook that may answer instead (fault injection).
#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sluice/http_server.h"

namespace sluice::testing {

class SiteServer {
 public:
  using Hook = std::function<bool(const HttpRequest&, HttpResponse&)>;  // true = answered

  SiteServer(boost::asio::io_context& io, std::string root, Hook hook = nullptr)
      : files_(std::move(root)), hook_(std::move(hook)),
        server_(io, [this](const HttpRequest& req, HttpResponse& resp) {
          requests.push_back(req);
          if (hook_ && hook_(req, resp)) return;
          files_.Serve(req, resp);
        }) {}

  bool Listen() { return server_.Listen("127.0.0.1", 0).ok(); }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }
  int port() const { return server_.port(); }
  void Stop() { server_.Stop(); }
  void set_hook(Hook h) { hook_ = std::move(h); }

  // Requests whose path is `path`.
  std::vector<HttpRequest> RequestsFor(const std::string& path) const {
    std::vector<HttpRequest> out;
    for (const auto& r : requests)
      if (r.path == path) out.push_back(r);
    return out;
  }

  std::vector<HttpRequest> requests;

 private:
  StaticFiles files_;
  Hook hook_;
  HttpServer server_;
};

}  // namespace sluice::testing
