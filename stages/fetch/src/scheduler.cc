#include "sluice/fetch/scheduler.h"

#include <boost/asio.hpp>
#include <deque>
#include <set>

#include "sluice/common/url.h"

namespace sluice::fetch {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::chrono::milliseconds ParseRetryAfter(const std::string& value) {
  if (value.empty()) return milliseconds(-1);
  bool digits = true;
  for (char c : value)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != ' ') digits = false;
  if (digits) return milliseconds(std::atoll(value.c_str()) * 1000);
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (!end) return milliseconds(-1);
  time_t when = timegm(&tm);
  time_t now = time(nullptr);
  return milliseconds(when > now ? (when - now) * 1000 : 0);
}

struct RequestScheduler::Impl : std::enable_shared_from_this<RequestScheduler::Impl> {
  struct Job {
    FetchRequest req;
    int priority = 0;
    uint64_t seq = 0;
    int attempt = 0;
    Callback done;
  };
  struct JobOrder {
    bool operator()(const std::shared_ptr<Job>& a, const std::shared_ptr<Job>& b) const {
      return a->priority != b->priority ? a->priority < b->priority : a->seq < b->seq;
    }
  };
  enum class RobotsState { kUnknown, kFetching, kKnown };
  struct Host {
    std::string origin;
    std::set<std::shared_ptr<Job>, JobOrder> queue;
    int active = 0;
    Clock::time_point next_start{};
    milliseconds backoff{0};
    RobotsState robots_state = RobotsState::kUnknown;
    RobotsTxt robots;
    Clock::time_point robots_expires{};
    HostOverrides overrides;
  };

  asio::io_context& io;
  HttpClient& client;
  PolitenessOptions opt;
  std::map<std::string, Host> hosts;
  asio::steady_timer timer;
  bool timer_armed = false;
  Clock::time_point timer_at{};
  int active = 0;
  uint64_t seq = 0;
  size_t queued_count = 0;
  Stats stats;
  bool pump_posted = false;

  Impl(asio::io_context& io_, HttpClient& c, PolitenessOptions o) : io(io_), client(c), opt(o), timer(io_) {}

  static std::string OriginOf(const std::string& url) {
    common::Url u;
    if (!common::Url::Parse(url, &u).ok()) return "";
    return u.Origin();
  }

  milliseconds MinDelay(const Host& h) const {
    milliseconds d = h.overrides.min_delay.count() >= 0 ? h.overrides.min_delay : opt.min_delay;
    if (h.robots_state == RobotsState::kKnown) d = std::max(d, std::min(h.robots.crawl_delay(), opt.max_crawl_delay));
    return d;
  }
  int MaxConn(const Host& h) const { return h.overrides.max_connections > 0 ? h.overrides.max_connections : opt.max_connections; }

  void Submit(FetchRequest req, int priority, Callback done) {
    auto job = std::make_shared<Job>();
    job->req = std::move(req);
    job->priority = priority;
    job->seq = seq++;
    job->done = std::move(done);
    std::string origin = OriginOf(job->req.url);
    if (origin.empty()) {
      FetchResponse r;
      r.url = r.final_url = job->req.url;
      r.error = FetchResponse::Error::kBadUrl;
      r.error_message = "not an http(s) URL: " + RedactUrl(job->req.url);
      Deliver(job, std::move(r));
      return;
    }
    Host& h = hosts[origin];
    h.origin = origin;
    h.queue.insert(job);
    ++queued_count;
    PostPump();
  }

  void Deliver(const std::shared_ptr<Job>& job, FetchResponse r) {
    auto self = shared_from_this();
    asio::post(io, [self, job, r = std::move(r)]() mutable {
      if (job->done) job->done(std::move(r));
    });
  }

  void PostPump() {
    if (pump_posted) return;
    pump_posted = true;
    std::weak_ptr<Impl> weak = shared_from_this();
    asio::post(io, [weak]() {
      if (auto self = weak.lock()) {
        self->pump_posted = false;
        self->Pump();
      }
    });
  }

  void EnsureRobots(Host& h) {
    if (!opt.robots) return;
    auto now = Clock::now();
    if (h.robots_state == RobotsState::kKnown && now >= h.robots_expires) h.robots_state = RobotsState::kUnknown;
    if (h.robots_state != RobotsState::kUnknown) return;
    h.robots_state = RobotsState::kFetching;
    auto job = std::make_shared<Job>();
    job->req.url = h.origin + "/robots.txt";
    job->req.max_body = 512 * 1024;
    job->priority = -1;  // internal: bypasses the robots check
    job->seq = seq++;
    std::string origin = h.origin;
    std::weak_ptr<Impl> weak = shared_from_this();
    job->done = [weak, origin](FetchResponse r) {
      auto self = weak.lock();
      if (!self) return;
      Host& host = self->hosts[origin];
      ++self->stats.robots_fetched;
      if (r.ok() && r.status >= 200 && r.status < 300) {
        host.robots = RobotsTxt::Parse(r.body, self->client.options().user_agent);
        host.robots_expires = Clock::now() + self->opt.robots_ttl;
      } else if ((r.ok() && r.status >= 400 && r.status < 500) || r.error == FetchResponse::Error::kBlocked) {
        // No robots.txt (or a target the network policy refuses anyway: the request itself
        // then fails with kBlocked, which is the more useful answer).
        host.robots = RobotsTxt::AllowAll();
        host.robots_expires = Clock::now() + self->opt.robots_ttl;
      } else {
        // Unreachable robots.txt: assume complete disallow for a while (RFC 9309 §2.3.1.4),
        // then ask again.
        host.robots = RobotsTxt::DisallowAll();
        host.robots_expires = Clock::now() + std::min<milliseconds>(self->opt.robots_ttl, milliseconds(60000));
      }
      host.robots_state = RobotsState::kKnown;
      self->PostPump();
    };
    h.queue.insert(job);
    ++queued_count;
  }

  // Starts whatever may start now; arms the timer for the earliest host that may start later.
  void Pump() {
    auto now = Clock::now();
    Clock::time_point earliest = Clock::time_point::max();
    for (auto& [origin, h] : hosts) {
      if (active >= opt.concurrency) break;
      if (h.queue.empty()) continue;
      EnsureRobots(h);
      while (!h.queue.empty() && active < opt.concurrency && h.active < MaxConn(h)) {
        auto job = *h.queue.begin();
        bool internal = job->priority < 0;
        if (!internal && opt.robots && h.robots_state != RobotsState::kKnown) break;  // wait for robots.txt
        if (now < h.next_start) {
          earliest = std::min(earliest, h.next_start);
          break;
        }
        h.queue.erase(h.queue.begin());
        --queued_count;
        if (!internal && opt.robots) {
          common::Url u;
          common::Url::Parse(job->req.url, &u);
          std::string pq = u.path() + (u.has_query() ? "?" + u.query() : "");
          if (!h.robots.Allowed(pq)) {
            ++stats.robots_denied;
            FetchResponse r;
            r.url = r.final_url = job->req.url;
            r.error = FetchResponse::Error::kRobots;
            r.error_message = "disallowed by robots.txt";
            Deliver(job, std::move(r));
            continue;
          }
        }
        Launch(h, job);
        h.next_start = now + MinDelay(h);
      }
    }
    if (earliest != Clock::time_point::max() && (!timer_armed || earliest < timer_at)) {
      timer_armed = true;
      timer_at = earliest;
      timer.expires_at(earliest);
      std::weak_ptr<Impl> weak = shared_from_this();
      timer.async_wait([weak](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec) return;
        self->timer_armed = false;
        self->Pump();
      });
    }
  }

  void Launch(Host& h, std::shared_ptr<Job> job) {
    ++h.active;
    ++active;
    ++stats.requests;
    ++job->attempt;
    std::string origin = h.origin;
    std::weak_ptr<Impl> weak = shared_from_this();
    FetchRequest req = job->req;
    client.Start(std::move(req), [weak, origin, job](FetchResponse r) {
      auto self = weak.lock();
      if (!self) return;
      self->OnDone(origin, job, std::move(r));
    });
  }

  static bool Retryable(const FetchResponse& r) {
    using E = FetchResponse::Error;
    if (!r.ok()) return r.error == E::kTimeout || r.error == E::kConnect || r.error == E::kNetwork;
    return r.status == 429 || r.status >= 500;
  }

  void OnDone(const std::string& origin, std::shared_ptr<Job> job, FetchResponse r) {
    Host& h = hosts[origin];
    --h.active;
    --active;
    if (r.error == FetchResponse::Error::kCancelled) {
      if (job->done) job->done(std::move(r));
      PostPump();
      return;
    }
    bool internal = job->priority < 0;
    if (Retryable(r) && r.error != FetchResponse::Error::kBlocked) {
      milliseconds wait = ParseRetryAfter(r.Header("retry-after"));
      if (wait.count() >= 0) {
        wait = std::min(wait, opt.max_retry_after);
      } else {
        h.backoff = h.backoff.count() == 0 ? opt.backoff_initial : std::min(opt.backoff_max, h.backoff * 2);
        wait = h.backoff;
      }
      // The whole host waits: a server that says "slow down" means it for every page.
      h.next_start = std::max(h.next_start, Clock::now() + wait);
      if (job->attempt <= opt.retries && !internal) {
        ++stats.retries;
        h.queue.insert(job);
        ++queued_count;
        PostPump();
        return;
      }
    } else if (r.ok()) {
      h.backoff = milliseconds(0);
    }
    if (job->done) job->done(std::move(r));
    PostPump();
  }

  void Clear() {
    std::vector<std::shared_ptr<Job>> dropped;
    for (auto& [origin, h] : hosts) {
      for (auto& j : h.queue) dropped.push_back(j);
      h.queue.clear();
    }
    queued_count = 0;
    client.CancelAll();
    timer.cancel();
    timer_armed = false;
  }
};

RequestScheduler::RequestScheduler(asio::io_context& io, HttpClient& client, PolitenessOptions options)
    : impl_(std::make_shared<Impl>(io, client, options)) {}

RequestScheduler::~RequestScheduler() {
  impl_->timer.cancel();
}

void RequestScheduler::Submit(FetchRequest request, int priority, Callback done) {
  impl_->Submit(std::move(request), priority, std::move(done));
}

void RequestScheduler::SetHostOverrides(const std::string& origin, HostOverrides overrides) {
  auto& h = impl_->hosts[origin];
  h.origin = origin;
  h.overrides = overrides;
}

void RequestScheduler::Clear() { impl_->Clear(); }
size_t RequestScheduler::queued() const { return impl_->queued_count; }
size_t RequestScheduler::in_flight() const { return static_cast<size_t>(impl_->active); }
const RequestScheduler::Stats& RequestScheduler::stats() const { return impl_->stats; }

}  // namespace sluice::fetch
