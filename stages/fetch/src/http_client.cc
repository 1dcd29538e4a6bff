#include "sluice/fetch/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <cstring>
#include <mutex>
#include <set>
#include <unordered_map>

#include "ascii.h"
#include "sluice/common/url.h"

namespace sluice::fetch {

namespace asio = boost::asio;

namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Address bytes of a sockaddr (4 or 16), with IPv4-mapped IPv6 unwrapped to IPv4.
bool AddressBytes(const struct sockaddr* sa, int* family, unsigned char* bytes) {
  if (sa->sa_family == AF_INET) {
    *family = AF_INET;
    std::memcpy(bytes, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a6->s6_addr, kMapped, 12) == 0) {
      *family = AF_INET;
      std::memcpy(bytes, a6->s6_addr + 12, 4);
    } else {
      *family = AF_INET6;
      std::memcpy(bytes, a6->s6_addr, 16);
    }
    return true;
  }
  return false;
}

bool PrefixMatch(const unsigned char* a, const unsigned char* b, int prefix) {
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a, b, full) != 0) return false;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

bool ParseIp(const std::string& text, struct sockaddr_storage* ss) {
  std::memset(ss, 0, sizeof *ss);
  auto* a4 = reinterpret_cast<sockaddr_in*>(ss);
  if (inet_pton(AF_INET, text.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    return true;
  }
  auto* a6 = reinterpret_cast<sockaddr_in6*>(ss);
  if (inet_pton(AF_INET6, text.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// NetworkPolicy

Status NetworkPolicy::Make(bool allow_private, const std::vector<std::string>& allow_networks, NetworkPolicy* out) {
  NetworkPolicy p;
  p.allow_private_ = allow_private;
  for (const auto& cidr : allow_networks) {
    std::string addr = cidr;
    int prefix = -1;
    size_t slash = cidr.find('/');
    if (slash != std::string::npos) {
      addr = cidr.substr(0, slash);
      try {
        size_t used = 0;
        prefix = std::stoi(cidr.substr(slash + 1), &used);
        if (used != cidr.size() - slash - 1) prefix = -2;
      } catch (...) {
        prefix = -2;
      }
    }
    struct sockaddr_storage ss;
    if (!ParseIp(addr, &ss) || prefix == -2) return Status::InvalidArgument("bad network '" + cidr + "' (want e.g. 127.0.0.1/32)");
    Net n;
    AddressBytes(reinterpret_cast<sockaddr*>(&ss), &n.family, n.bytes);
    int max = n.family == AF_INET ? 32 : 128;
    n.prefix = prefix < 0 ? max : prefix;
    if (n.prefix > max) return Status::InvalidArgument("bad prefix length in '" + cidr + "'");
    p.allow_.push_back(n);
  }
  *out = std::move(p);
  return Status::OK();
}

bool NetworkPolicy::IsPrivate(const struct sockaddr* sa) {
  int family = 0;
  unsigned char b[16];
  if (!AddressBytes(sa, &family, b)) return true;
  if (family == AF_INET) {
    if (b[0] == 0 || b[0] == 10 || b[0] == 127) return true;                 // this-net, RFC 1918, loopback
    if (b[0] == 169 && b[1] == 254) return true;                             // link-local
    if (b[0] == 172 && (b[1] & 0xf0) == 16) return true;                     // RFC 1918
    if (b[0] == 192 && b[1] == 168) return true;                             // RFC 1918
    if (b[0] == 100 && (b[1] & 0xc0) == 64) return true;                     // CGNAT
    if (b[0] == 192 && b[1] == 0 && b[2] == 0) return true;                  // IETF protocol assignments
    if (b[0] == 198 && (b[1] & 0xfe) == 18) return true;                     // benchmarking
    if (b[0] >= 224) return true;                                            // multicast, reserved, broadcast
    return false;
  }
  static const unsigned char kZero[16] = {};
  if (std::memcmp(b, kZero, 16) == 0) return true;                           // ::
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return true;             // ::1
  if ((b[0] & 0xfe) == 0xfc) return true;                                    // fc00::/7 unique-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;                    // fe80::/10 link-local
  if (b[0] == 0xff) return true;                                             // multicast
  if (b[0] == 0x20 && b[1] == 0x02) return true;                             // 6to4 may embed anything
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return true;  // NAT64
  return false;
}

bool NetworkPolicy::Allows(const struct sockaddr* sa) const {
  int family = 0;
  unsigned char b[16];
  if (!AddressBytes(sa, &family, b)) return false;
  for (const auto& n : allow_)
    if (n.family == family && PrefixMatch(b, n.bytes, n.prefix)) return true;
  if (allow_private_) return true;
  return !IsPrivate(sa);
}

bool NetworkPolicy::AllowsLiteral(const std::string& host) const {
  struct sockaddr_storage ss;
  if (!ParseIp(host, &ss)) return true;
  return Allows(reinterpret_cast<sockaddr*>(&ss));
}

// ---------------------------------------------------------------------------------------------

const std::string& FetchResponse::Header(const std::string& name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return kEmpty;
}

const char* ErrorName(FetchResponse::Error e) {
  switch (e) {
    case FetchResponse::Error::kNone: return "ok";
    case FetchResponse::Error::kBadUrl: return "bad_url";
    case FetchResponse::Error::kBlocked: return "blocked";
    case FetchResponse::Error::kRobots: return "robots";
    case FetchResponse::Error::kTimeout: return "timeout";
    case FetchResponse::Error::kConnect: return "connect";
    case FetchResponse::Error::kTls: return "tls";
    case FetchResponse::Error::kNetwork: return "network";
    case FetchResponse::Error::kBodyTooLarge: return "body_too_large";
    case FetchResponse::Error::kHeadersTooLarge: return "headers_too_large";
    case FetchResponse::Error::kTooManyRedirects: return "too_many_redirects";
    case FetchResponse::Error::kRedirectLoop: return "redirect_loop";
    case FetchResponse::Error::kCancelled: return "cancelled";
  }
  return "unknown";
}

std::string RedactUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t auth_end = url.find_first_of("/?#", scheme + 3);
  if (auth_end == std::string::npos) auth_end = url.size();
  size_t at = url.rfind('@', auth_end);
  if (at == std::string::npos || at < scheme + 3) return url;
  return url.substr(0, scheme + 3) + "***@" + url.substr(at + 1);
}

// ---------------------------------------------------------------------------------------------
// The multi handle on Asio.

struct HttpClient::Impl {
  // One socket curl asked us to watch. Sockets curl opens through OpenSocket are watched on
  // their own descriptor and closed by CloseSocket; others (the threaded resolver's wake-up
  // pipe) are watched on a dup, so curl closing its end never leaves a stale epoll entry.
  struct Watch {
    explicit Watch(asio::io_context& io) : sd(io) {}
    asio::posix::stream_descriptor sd;
    int want = 0;  // CURL_POLL_IN / OUT / INOUT, 0 = nothing
    bool reading = false, writing = false;
    bool owned = false;  // created by OpenSocket
    uint64_t gen = 0;
  };

  struct Transfer {
    Impl* impl = nullptr;
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    FetchRequest req;
    FetchResponse resp;
    Callback done;
    std::string current_url;
    std::set<std::string> visited;
    std::string head;  // raw head of the response being received
    int64_t head_bytes = 0;
    bool blocked = false, too_large = false, head_too_large = false;
    std::chrono::steady_clock::time_point t0;
    Exchange hop;
    char errbuf[CURL_ERROR_SIZE] = {};
  };

  asio::io_context& io;
  HttpClientOptions opt;
  CURLM* multi = nullptr;
  asio::steady_timer timer;
  std::unordered_map<curl_socket_t, std::unique_ptr<Watch>> watches;
  std::set<Transfer*> transfers;
  uint64_t next_gen = 1;
  bool destroying = false;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(asio::io_context& io_, HttpClientOptions o) : io(io_), opt(std::move(o)), timer(io_) {
    GlobalInit();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::SocketCb);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::TimerCb);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    // Politeness limits connections per host; this is a safety net against runaway pools.
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 256L);
  }

  ~Impl() {
    destroying = true;
    *alive = false;
    for (Transfer* t : std::set<Transfer*>(transfers)) {
      curl_multi_remove_handle(multi, t->easy);
      Free(t);
    }
    transfers.clear();
    curl_multi_cleanup(multi);  // closes cached connections through CloseSocket
    timer.cancel();
    for (auto& [fd, w] : watches) {
      boost::system::error_code ec;
      w->sd.cancel(ec);
      if (w->owned) {
        w->sd.release();
        ::close(fd);
      } else {
        w->sd.close(ec);
      }
    }
    watches.clear();
  }

  void Free(Transfer* t) {
    if (t->easy) curl_easy_cleanup(t->easy);
    if (t->header_list) curl_slist_free_all(t->header_list);
    delete t;
  }

  // --- curl callbacks ---

  static int TimerCb(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    if (self->destroying) return 0;
    if (timeout_ms < 0) {
      self->timer.cancel();
      return 0;
    }
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    std::weak_ptr<bool> alive = self->alive;
    self->timer.async_wait([self, alive](const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      int running = 0;
      curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      self->CheckDone();
    });
    return 0;
  }

  static int SocketCb(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    if (self->destroying) return 0;
    auto it = self->watches.find(s);
    if (what == CURL_POLL_REMOVE) {
      if (it == self->watches.end()) return 0;
      Watch* w = it->second.get();
      w->want = 0;
      w->gen = self->next_gen++;
      w->reading = w->writing = false;
      boost::system::error_code ec;
      w->sd.cancel(ec);
      if (!w->owned) {
        w->sd.close(ec);
        self->watches.erase(it);
      }
      return 0;
    }
    if (it == self->watches.end()) {
      int dup_fd = ::dup(s);
      if (dup_fd < 0) return -1;
      auto w = std::make_unique<Watch>(self->io);
      boost::system::error_code ec;
      w->sd.assign(dup_fd, ec);
      if (ec) {
        ::close(dup_fd);
        return -1;
      }
      w->gen = self->next_gen++;
      it = self->watches.emplace(s, std::move(w)).first;
    }
    it->second->want = what;
    self->Arm(s, it->second.get());
    return 0;
  }

  static curl_socket_t OpenSocket(void* clientp, curlsocktype purpose, struct curl_sockaddr* addr) {
    auto* t = static_cast<Transfer*>(clientp);
    Impl* self = t->impl;
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    if (!self->opt.network.Allows(&addr->addr)) {
      t->blocked = true;
      return CURL_SOCKET_BAD;
    }
    int fd = ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    auto stale = self->watches.find(fd);
    if (stale != self->watches.end()) {
      // A dup-watch of a descriptor number curl closed without telling us.
      boost::system::error_code ec;
      stale->second->sd.cancel(ec);
      if (stale->second->owned) stale->second->sd.release();
      else stale->second->sd.close(ec);
      self->watches.erase(stale);
    }
    auto w = std::make_unique<Watch>(self->io);
    boost::system::error_code ec;
    w->sd.assign(fd, ec);
    if (ec) {
      ::close(fd);
      return CURL_SOCKET_BAD;
    }
    w->owned = true;
    w->gen = self->next_gen++;
    self->watches.emplace(fd, std::move(w));
    return fd;
  }

  static int CloseSocket(void* clientp, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(clientp);
    auto it = self->watches.find(fd);
    if (it != self->watches.end()) {
      boost::system::error_code ec;
      it->second->sd.cancel(ec);
      it->second->sd.release();
      self->watches.erase(it);
    }
    return ::close(fd);
  }

  static size_t WriteCb(char* ptr, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    if (static_cast<int64_t>(t->resp.body.size() + len) > t->req.max_body) {
      t->too_large = true;
      return 0;  // curl aborts the transfer with CURLE_WRITE_ERROR
    }
    t->resp.body.append(ptr, len);
    return len;
  }

  static size_t HeaderCb(char* ptr, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    t->head_bytes += static_cast<int64_t>(len);
    if (t->head_bytes > t->impl->opt.max_header_bytes) {
      t->head_too_large = true;
      return 0;
    }
    std::string line(ptr, len);
    if (line.rfind("HTTP/", 0) == 0) t->head.clear();  // a new response (after 1xx)
    t->head += line;
    return len;
  }

  static int DebugCb(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    if (type == CURLINFO_HEADER_OUT) t->hop.request_head.append(data, size);
    return 0;
  }

  // --- Asio side ---

  void Arm(curl_socket_t fd, Watch* w) {
    uint64_t gen = w->gen;
    std::weak_ptr<bool> alive = this->alive;
    if ((w->want & CURL_POLL_IN) && !w->reading) {
      w->reading = true;
      w->sd.async_wait(asio::posix::stream_descriptor::wait_read, [this, alive, fd, gen](const boost::system::error_code& ec) {
        if (!alive.expired()) OnReady(fd, gen, CURL_CSELECT_IN, ec);
      });
    }
    if ((w->want & CURL_POLL_OUT) && !w->writing) {
      w->writing = true;
      w->sd.async_wait(asio::posix::stream_descriptor::wait_write, [this, alive, fd, gen](const boost::system::error_code& ec) {
        if (!alive.expired()) OnReady(fd, gen, CURL_CSELECT_OUT, ec);
      });
    }
  }

  void OnReady(curl_socket_t fd, uint64_t gen, int flag, const boost::system::error_code& ec) {
    auto it = watches.find(fd);
    if (it == watches.end() || it->second->gen != gen) return;
    Watch* w = it->second.get();
    if (flag == CURL_CSELECT_IN) w->reading = false;
    else w->writing = false;
    if (ec == asio::error::operation_aborted) return;
    int wanted = flag == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT;
    if (!(w->want & wanted)) return;  // no longer interesting; a later SocketCb re-arms
    int running = 0;
    curl_multi_socket_action(multi, fd, ec ? CURL_CSELECT_ERR : flag, &running);
    CheckDone();
    it = watches.find(fd);
    if (it != watches.end() && it->second->gen == gen) Arm(fd, it->second.get());
  }

  // --- transfers ---

  void Fail(Transfer* t, FetchResponse::Error e, const std::string& why) {
    t->resp.error = e;
    t->resp.error_message = why;
    Complete(t);
  }

  void Complete(Transfer* t) {
    transfers.erase(t);
    t->resp.elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t->t0).count();
    if (t->resp.final_url.empty()) t->resp.final_url = t->current_url;
    Callback done = std::move(t->done);
    FetchResponse resp = std::move(t->resp);
    Free(t);
    if (done) done(std::move(resp));
  }

  void Launch(Transfer* t) {
    common::Url u;
    if (!common::Url::Parse(t->current_url, &u).ok()) {
      PostFail(t, FetchResponse::Error::kBadUrl, "not an http(s) URL: " + RedactUrl(t->current_url));
      return;
    }
    if (!opt.network.AllowsLiteral(u.host())) {
      PostFail(t, FetchResponse::Error::kBlocked, "address not allowed: " + u.host());
      return;
    }
    if (!t->easy) {
      t->easy = curl_easy_init();
      Configure(t);
    }
    t->head.clear();
    t->head_bytes = 0;
    t->resp.body.clear();
    t->resp.headers.clear();
    t->blocked = t->too_large = t->head_too_large = false;
    t->hop = Exchange();
    t->hop.url = t->current_url;
    t->hop.started_us = NowUs();
    curl_easy_setopt(t->easy, CURLOPT_URL, t->current_url.c_str());
    if (t->req.method == "HEAD") curl_easy_setopt(t->easy, CURLOPT_NOBODY, 1L);
    else curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
    CURLMcode mc = curl_multi_add_handle(multi, t->easy);
    if (mc != CURLM_OK) PostFail(t, FetchResponse::Error::kNetwork, curl_multi_strerror(mc));
  }

  void PostFail(Transfer* t, FetchResponse::Error e, std::string why) {
    std::weak_ptr<bool> alive = this->alive;
    asio::post(io, [this, alive, t, e, why]() {
      if (alive.expired() || !transfers.count(t)) return;
      Fail(t, e, why);
    });
  }

  void Configure(Transfer* t) {
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // we follow, hop by hop
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
    curl_easy_setopt(e, CURLOPT_USERAGENT, opt.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(opt.timeout.count()));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t->req.max_body));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, opt.tls_verify ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, opt.tls_verify ? 2L : 0L);
    if (!opt.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, opt.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_PROXY, opt.proxy.c_str());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::WriteCb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::HeaderCb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::OpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::CloseSocket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    if (opt.capture) {
      curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Impl::DebugCb);
      curl_easy_setopt(e, CURLOPT_DEBUGDATA, t);
      curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    }
    for (const auto& [k, v] : t->req.headers) t->header_list = curl_slist_append(t->header_list, (k + ": " + v).c_str());
    if (t->header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  }

  void ParseHead(Transfer* t) {
    t->resp.headers.clear();
    size_t pos = t->head.find("\r\n");
    if (pos == std::string::npos) pos = t->head.find('\n');
    while (pos != std::string::npos && pos < t->head.size()) {
      size_t start = pos + (t->head[pos] == '\r' ? 2 : 1);
      size_t end = t->head.find('\n', start);
      if (end == std::string::npos) end = t->head.size();
      std::string line = t->head.substr(start, end - start);
      size_t colon = line.find(':');
      if (colon != std::string::npos && colon > 0) t->resp.headers.emplace_back(AsciiLower(TrimAscii(std::string_view(line).substr(0, colon))),
                                                                  std::string(TrimAscii(std::string_view(line).substr(colon + 1))));
      pos = end;
      if (end >= t->head.size()) break;
    }
  }

  void CheckDone() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      CURLcode rc = msg->data.result;
      Transfer* t = nullptr;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      curl_multi_remove_handle(multi, e);
      if (!t || !transfers.count(t)) continue;
      Finish(t, rc);
    }
  }

  void Finish(Transfer* t, CURLcode rc) {
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    char* ip = nullptr;
    curl_easy_getinfo(t->easy, CURLINFO_PRIMARY_IP, &ip);
    t->resp.status = static_cast<int>(status);
    t->resp.final_url = t->current_url;
    ParseHead(t);
    if (opt.capture) {
      t->hop.response_head = t->head;
      t->hop.status = t->resp.status;
      t->hop.remote_ip = ip ? ip : "";
      t->resp.exchanges.push_back(t->hop);
    }
    if (rc != CURLE_OK) {
      using E = FetchResponse::Error;
      std::string why = std::string(curl_easy_strerror(rc));
      if (t->errbuf[0]) why += ": " + RedactUrl(t->errbuf);
      if (t->blocked) return Fail(t, E::kBlocked, "address not allowed by the network policy");
      if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return Fail(t, E::kBodyTooLarge, "body larger than " + std::to_string(t->req.max_body) + " bytes");
      if (t->head_too_large) return Fail(t, E::kHeadersTooLarge, "response head larger than " + std::to_string(opt.max_header_bytes) + " bytes");
      switch (rc) {
        case CURLE_OPERATION_TIMEDOUT: return Fail(t, E::kTimeout, why);
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT: return Fail(t, E::kConnect, why);
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE: return Fail(t, E::kTls, why);
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT: return Fail(t, E::kBadUrl, why);
        default: return Fail(t, E::kNetwork, why);
      }
    }
    bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    const std::string& location = t->resp.Header("location");
    if (redirect && t->req.follow_redirects && !location.empty()) {
      std::string next = common::ResolveUrl(t->current_url, location);
      if (next.empty()) return Fail(t, FetchResponse::Error::kBadUrl, "redirect to a non-http(s) location");
      if (t->visited.count(common::CanonicalUrl(next)))
        return Fail(t, FetchResponse::Error::kRedirectLoop, "redirect loop at " + RedactUrl(next));
      if (static_cast<int>(t->resp.redirects.size()) >= opt.max_redirects)
        return Fail(t, FetchResponse::Error::kTooManyRedirects, "more than " + std::to_string(opt.max_redirects) + " redirects");
      t->resp.redirects.push_back(t->current_url);
      t->visited.insert(common::CanonicalUrl(next));
      t->current_url = next;
      if (status == 303) t->req.method = t->req.method == "HEAD" ? "HEAD" : "GET";
      Launch(t);
      return;
    }
    Complete(t);
  }
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options) : impl_(std::make_unique<Impl>(io, std::move(options))) {}
HttpClient::~HttpClient() = default;

void HttpClient::Start(FetchRequest request, Callback done) {
  auto* t = new Impl::Transfer();
  t->impl = impl_.get();
  t->done = std::move(done);
  t->current_url = request.url;
  t->resp.url = request.url;
  t->resp.started_us = NowUs();
  t->req = std::move(request);
  t->t0 = std::chrono::steady_clock::now();
  t->visited.insert(common::CanonicalUrl(t->current_url));
  impl_->transfers.insert(t);
  impl_->Launch(t);
}

void HttpClient::CancelAll() {
  for (auto* t : std::set<Impl::Transfer*>(impl_->transfers)) {
    if (t->easy) curl_multi_remove_handle(impl_->multi, t->easy);
    impl_->Fail(t, FetchResponse::Error::kCancelled, "cancelled");
  }
}

size_t HttpClient::in_flight() const { return impl_->transfers.size(); }
const HttpClientOptions& HttpClient::options() const { return impl_->opt; }

}  // namespace sluice::fetch
