// HttpClient and RequestScheduler against a fault server on 127.0.0.1: slow answers, resets,
// 500s then success, redirect loops, oversized bodies and heads, gzip, robots.txt, 429 with
// Retry-After, and the network policy (before and after DNS, and on redirects). Each case has a
// documented outcome and a deadline: nothing may hang.
#include "sluice/fetch/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <optional>

#include "memory_source_context.h"
#include "sluice/fetch/scheduler.h"
#include "sluice/fetch/warc.h"
#include "sluice/http_server.h"

namespace sluice::fetch {
namespace {

using sluice::testing::RunUntil;
using Clock = std::chrono::steady_clock;

class FaultServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(io_, [this](const HttpRequest& req, HttpResponse& resp) { Handle(req, resp); });
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    ASSERT_TRUE(NetworkPolicy::Make(false, {"127.0.0.1/32"}, &opt_.network).ok());
    opt_.connect_timeout = std::chrono::milliseconds(1000);
    opt_.timeout = std::chrono::milliseconds(1500);
    opt_.max_header_bytes = 16 * 1024;
  }

  std::string Url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(server_->port()) + path; }

  void Handle(const HttpRequest& req, HttpResponse& resp) {
    ++hits_[req.path];
    times_[req.path].push_back(Clock::now());
    const std::string& p = req.path;
    resp.headers["Content-Type"] = "text/html; charset=utf-8";
    if (p == "/ok") {
      resp.body = "<html><body>你好</body></html>";
    } else if (p == "/slow") {
      resp.delay = std::chrono::milliseconds(5000);
      resp.body = "late";
    } else if (p == "/reset") {
      resp.drop = true;
    } else if (p == "/flaky") {
      if (hits_[p] <= 2) {
        resp.status = 500;
        resp.body = "oops";
      } else {
        resp.body = "recovered";
      }
    } else if (p == "/busy") {
      if (hits_[p] == 1) {
        resp.status = 429;
        resp.headers["Retry-After"] = "1";
      } else {
        resp.body = "served";
      }
    } else if (p == "/loop-a") {
      resp.status = 302;
      resp.headers["Location"] = "/loop-b";
    } else if (p == "/loop-b") {
      resp.status = 302;
      resp.headers["Location"] = "/loop-a";
    } else if (p.rfind("/chain/", 0) == 0) {
      int n = std::atoi(p.c_str() + 7);
      resp.status = 301;
      resp.headers["Location"] = "/chain/" + std::to_string(n + 1);
    } else if (p == "/redirect-ok") {
      resp.status = 301;
      resp.headers["Location"] = "/ok";
    } else if (p == "/redirect-private") {
      resp.status = 302;
      resp.headers["Location"] = "http://127.0.0.2:" + std::to_string(server_->port()) + "/ok";
    } else if (p == "/huge") {
      auto left = std::make_shared<int64_t>(200LL * 1024 * 1024);
      resp.content_length = -1;  // chunked, no length announced
      resp.body_stream = [left](std::string& chunk) {
        chunk.assign(64 * 1024, 'x');
        *left -= static_cast<int64_t>(chunk.size());
        return *left > 0;
      };
    } else if (p == "/huge-declared") {
      auto left = std::make_shared<int64_t>(50LL * 1024 * 1024);
      resp.content_length = *left;
      resp.body_stream = [left](std::string& chunk) {
        chunk.assign(64 * 1024, 'y');
        *left -= static_cast<int64_t>(chunk.size());
        return *left > 0;
      };
    } else if (p == "/big-head") {
      for (int i = 0; i < 200; ++i) resp.headers["X-Filler-" + std::to_string(i)] = std::string(200, 'h');
      resp.body = "x";
    } else if (p == "/gzip") {
      resp.headers["Content-Encoding"] = "gzip";
      resp.body = GzipMember("<html><body>压缩的页面 compressed page</body></html>");
    } else if (p == "/robots.txt") {
      resp.headers["Content-Type"] = "text/plain";
      resp.body = "User-agent: *\nDisallow: /private/\nAllow: /private/open\n";
    } else if (p.rfind("/private/", 0) == 0 || p.rfind("/public/", 0) == 0) {
      resp.body = "page " + p;
    } else {
      resp.status = 404;
      resp.body = "not found";
    }
  }

  // Runs one request through a fresh client; fails the test if it takes longer than `deadline`.
  FetchResponse Get(const std::string& url, int64_t max_body = 1 << 20, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    HttpClient client(io_, opt_);
    std::optional<FetchResponse> out;
    FetchRequest req;
    req.url = url;
    req.max_body = max_body;
    client.Start(req, [&](FetchResponse r) { out = std::move(r); });
    EXPECT_TRUE(RunUntil(io_, [&] { return out.has_value(); }, deadline)) << "hung: " << url;
    return out ? *out : FetchResponse();
  }

  boost::asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  HttpClientOptions opt_;
  std::map<std::string, int> hits_;
  std::map<std::string, std::vector<Clock::time_point>> times_;
};

TEST_F(FaultServerTest, PlainGet) {
  FetchResponse r = Get(Url("/ok"));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<html><body>你好</body></html>");
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_GT(r.started_us, 0);
}

TEST_F(FaultServerTest, SlowResponseTimesOut) {
  auto t0 = Clock::now();
  FetchResponse r = Get(Url("/slow"));
  EXPECT_EQ(r.error, FetchResponse::Error::kTimeout) << r.error_message;
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(4000));
}

TEST_F(FaultServerTest, ResetIsANetworkError) {
  FetchResponse r = Get(Url("/reset"));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.error == FetchResponse::Error::kNetwork || r.error == FetchResponse::Error::kConnect) << ErrorName(r.error);
}

TEST_F(FaultServerTest, RedirectsAreFollowedAndRecorded) {
  FetchResponse r = Get(Url("/redirect-ok"));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.final_url, Url("/ok"));
  ASSERT_EQ(r.redirects.size(), 1u);
  EXPECT_EQ(r.redirects[0], Url("/redirect-ok"));
}

TEST_F(FaultServerTest, RedirectLoopIsDetected) {
  FetchResponse r = Get(Url("/loop-a"));
  EXPECT_EQ(r.error, FetchResponse::Error::kRedirectLoop) << r.error_message;
}

TEST_F(FaultServerTest, RedirectChainIsCapped) {
  opt_.max_redirects = 5;
  FetchResponse r = Get(Url("/chain/0"));
  EXPECT_EQ(r.error, FetchResponse::Error::kTooManyRedirects) << r.error_message;
  EXPECT_EQ(hits_.size(), 6u);  // the first request and five redirects, not one more
}

TEST_F(FaultServerTest, OversizedBodyIsAbortedEarly) {
  auto t0 = Clock::now();
  FetchResponse r = Get(Url("/huge"), 1 << 20);
  EXPECT_EQ(r.error, FetchResponse::Error::kBodyTooLarge) << r.error_message;
  EXPECT_LE(r.body.size(), 1u << 20);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  FetchResponse d = Get(Url("/huge-declared"), 1 << 20);
  EXPECT_EQ(d.error, FetchResponse::Error::kBodyTooLarge) << d.error_message;
}

TEST_F(FaultServerTest, OversizedHeadIsRefused) {
  FetchResponse r = Get(Url("/big-head"));
  EXPECT_EQ(r.error, FetchResponse::Error::kHeadersTooLarge) << r.error_message;
}

TEST_F(FaultServerTest, GzipIsDecoded) {
  FetchResponse r = Get(Url("/gzip"));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "<html><body>压缩的页面 compressed page</body></html>");
  EXPECT_EQ(r.Header("content-encoding"), "gzip");
}

TEST_F(FaultServerTest, PrivateAddressesAreRefusedUnlessAllowed) {
  opt_.network = NetworkPolicy();  // nothing private allowed
  FetchResponse r = Get(Url("/ok"));
  EXPECT_EQ(r.error, FetchResponse::Error::kBlocked) << r.error_message;
  // A name that resolves to loopback is caught after resolution.
  FetchResponse n = Get("http://localhost:" + std::to_string(server_->port()) + "/ok");
  EXPECT_EQ(n.error, FetchResponse::Error::kBlocked) << n.error_message;
  EXPECT_EQ(hits_["/ok"], 0);
}

TEST_F(FaultServerTest, RedirectToAPrivateAddressIsRefused) {
  FetchResponse r = Get(Url("/redirect-private"));
  EXPECT_EQ(r.error, FetchResponse::Error::kBlocked) << r.error_message;
}

TEST_F(FaultServerTest, CredentialsNeverAppearInErrors) {
  EXPECT_EQ(RedactUrl("http://user:secret@example.org/a?b=1"), "http://***@example.org/a?b=1");
  EXPECT_EQ(RedactUrl("https://example.org/a@b"), "https://example.org/a@b");
  opt_.network = NetworkPolicy();
  FetchResponse r = Get("http://user:secret@127.0.0.1:" + std::to_string(server_->port()) + "/ok");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_message.find("secret"), std::string::npos) << r.error_message;
}

TEST(NetworkPolicyTest, ClassifiesAddresses) {
  NetworkPolicy def;
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
                        "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"})
    EXPECT_FALSE(def.AllowsLiteral(a)) << a;
  for (const char* a : {"8.8.8.8", "202.108.22.5", "2001:4860:4860::8888", "www.moe.gov.cn"}) EXPECT_TRUE(def.AllowsLiteral(a)) << a;
  NetworkPolicy p;
  ASSERT_TRUE(NetworkPolicy::Make(false, {"127.0.0.1/32", "10.0.0.0/8"}, &p).ok());
  EXPECT_TRUE(p.AllowsLiteral("127.0.0.1"));
  EXPECT_FALSE(p.AllowsLiteral("127.0.0.2"));
  EXPECT_TRUE(p.AllowsLiteral("10.200.0.1"));
  EXPECT_FALSE(p.AllowsLiteral("192.168.0.1"));
  NetworkPolicy bad;
  EXPECT_FALSE(NetworkPolicy::Make(false, {"127.0.0.1/99"}, &bad).ok());
  EXPECT_FALSE(NetworkPolicy::Make(false, {"not-an-ip"}, &bad).ok());
}

// --- the scheduler: retries, Retry-After, robots.txt, per-host limits ---

class SchedulerTest : public FaultServerTest {
 protected:
  FetchResponse Submit(RequestScheduler& s, const std::string& path, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    std::optional<FetchResponse> out;
    FetchRequest req;
    req.url = Url(path);
    s.Submit(req, RequestScheduler::kArticle, [&](FetchResponse r) { out = std::move(r); });
    EXPECT_TRUE(RunUntil(io_, [&] { return out.has_value(); }, deadline)) << "hung: " << path;
    return out ? *out : FetchResponse();
  }
  PolitenessOptions Fast() {
    PolitenessOptions p;
    p.min_delay = std::chrono::milliseconds(0);
    p.backoff_initial = std::chrono::milliseconds(50);
    p.retries = 3;
    return p;
  }
};

TEST_F(SchedulerTest, FiveHundredsThenSuccess) {
  HttpClient client(io_, opt_);
  RequestScheduler s(io_, client, Fast());
  FetchResponse r = Submit(s, "/flaky");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "recovered");
  EXPECT_EQ(s.stats().retries, 2u);
}

TEST_F(SchedulerTest, PersistentResetGivesUpAfterRetries) {
  HttpClient client(io_, opt_);
  RequestScheduler s(io_, client, Fast());
  FetchResponse r = Submit(s, "/reset");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(s.stats().retries, 3u);  // one try and three retries
  // libcurl itself retries once when a reused keep-alive connection dies before any answer.
  EXPECT_GE(hits_["/reset"], 4);
  EXPECT_LE(hits_["/reset"], 8);
}

TEST_F(SchedulerTest, TooManyRequestsWaitsForRetryAfter) {
  HttpClient client(io_, opt_);
  RequestScheduler s(io_, client, Fast());
  FetchResponse r = Submit(s, "/busy");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "served");
  ASSERT_EQ(times_["/busy"].size(), 2u);
  EXPECT_GE(times_["/busy"][1] - times_["/busy"][0], std::chrono::milliseconds(950));
}

TEST_F(SchedulerTest, RobotsTxtIsHonouredAndCached) {
  HttpClient client(io_, opt_);
  PolitenessOptions p = Fast();
  p.robots = true;
  RequestScheduler s(io_, client, p);
  EXPECT_EQ(Submit(s, "/private/secret.html").error, FetchResponse::Error::kRobots);
  EXPECT_TRUE(Submit(s, "/private/open.html").ok());
  EXPECT_TRUE(Submit(s, "/public/a.html").ok());
  EXPECT_EQ(hits_["/private/secret.html"], 0);
  EXPECT_EQ(hits_["/robots.txt"], 1);
  EXPECT_EQ(s.stats().robots_denied, 1u);
}

TEST_F(SchedulerTest, MinDelaySpacesRequestsToOneHost) {
  HttpClient client(io_, opt_);
  PolitenessOptions p = Fast();
  p.robots = false;
  p.min_delay = std::chrono::milliseconds(200);
  RequestScheduler s(io_, client, p);
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    FetchRequest req;
    req.url = Url("/public/" + std::to_string(i));
    s.Submit(req, RequestScheduler::kArticle, [&](FetchResponse) { ++done; });
  }
  ASSERT_TRUE(RunUntil(io_, [&] { return done == 3; }, std::chrono::seconds(5)));
  std::vector<Clock::time_point> t;
  for (int i = 0; i < 3; ++i) t.push_back(times_["/public/" + std::to_string(i)].at(0));
  std::sort(t.begin(), t.end());
  EXPECT_GE(t[1] - t[0], std::chrono::milliseconds(180));
  EXPECT_GE(t[2] - t[1], std::chrono::milliseconds(180));
}

TEST(RetryAfterTest, ParsesSecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("120").count(), 120000);
  EXPECT_EQ(ParseRetryAfter("").count(), -1);
  EXPECT_EQ(ParseRetryAfter("soon").count(), -1);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT").count(), 0);  // in the past
}

}  // namespace
}  // namespace sluice::fetch
