// RequestScheduler: politeness between the crawler and the HttpClient.
//
// Requests are queued per host (scheme://host:port). A host gets at most `max_connections`
// transfers at once and a new one no sooner than `min_delay` after the previous one started;
// the whole scheduler keeps at most `concurrency` transfers in flight. Before the first request
// to a host its robots.txt is fetched (once per `robots_ttl`) and every request is checked
// against it; a Crawl-delay larger than min_delay (up to `max_crawl_delay`) replaces it.
//
// Failures the server or network announces as temporary are retried here, transparently, up to
// `retries` times: 429 and 503 wait for Retry-After (capped by `max_retry_after`), other 5xx,
// timeouts, connection errors and resets back off exponentially from `backoff_initial` to
// `backoff_max`. While a host backs off, none of its requests start. The caller sees only the
// final outcome. Within a host, lower `priority` values start first (robots.txt, then list
// pages, then articles).
//
// Thread safety: none; everything runs on the io_context thread. Callbacks never run
// synchronously inside Submit.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "sluice/fetch/http_client.h"
#include "sluice/fetch/robots.h"

namespace sluice::fetch {

struct PolitenessOptions {
  int concurrency = 16;                          // transfers in flight, all hosts
  int max_connections = 2;                       // per host
  std::chrono::milliseconds min_delay{1000};     // between request starts on one host
  bool robots = true;
  std::chrono::milliseconds robots_ttl{24 * 3600 * 1000};
  std::chrono::milliseconds max_crawl_delay{60000};
  int retries = 3;
  std::chrono::milliseconds backoff_initial{2000};
  std::chrono::milliseconds backoff_max{300000};
  std::chrono::milliseconds max_retry_after{3600 * 1000};
};

// Per-host overrides (from a site's config); unset fields keep the scheduler's values.
struct HostOverrides {
  int max_connections = -1;
  std::chrono::milliseconds min_delay{-1};
};

class RequestScheduler {
 public:
  using Callback = std::function<void(FetchResponse)>;
  enum Priority { kRobots = 0, kList = 1, kArticle = 2, kAttachment = 3 };

  RequestScheduler(boost::asio::io_context& io, HttpClient& client, PolitenessOptions options);
  ~RequestScheduler();
  RequestScheduler(const RequestScheduler&) = delete;
  RequestScheduler& operator=(const RequestScheduler&) = delete;

  // Queues `request`. `done` receives the final response: a real one, or an error response
  // with kRobots (disallowed), kBadUrl, or the last transient error after the retries.
  void Submit(FetchRequest request, int priority, Callback done);
  void SetHostOverrides(const std::string& origin, HostOverrides overrides);
  // Drops every queued request and cancels transfers (their callbacks run with kCancelled).
  void Clear();

  size_t queued() const;     // waiting, all hosts
  size_t in_flight() const;  // started, not finished
  struct Stats {
    uint64_t requests = 0, retries = 0, robots_denied = 0, robots_fetched = 0;
  };
  const Stats& stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Seconds or HTTP-date of a Retry-After header, relative to now; nullopt-like -1 when malformed.
std::chrono::milliseconds ParseRetryAfter(const std::string& value);

}  // namespace sluice::fetch
