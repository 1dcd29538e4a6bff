#include "sluice/fetch/crawler.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <boost/asio.hpp>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ascii.h"
#include "sluice/common/charset.h"
#include "sluice/common/url.h"
#include "sluice/fetch/page.h"
#include "sluice/json.h"

namespace sluice::fetch {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

int64_t NowSec() { return static_cast<int64_t>(time(nullptr)); }

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string Clean(std::string s) {
  for (auto& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

// What the crawler remembers about one article URL (SourceState "page").
struct PageRecord {
  std::string hash;  // content hash of the last emitted version ("" = never emitted)
  std::string etag, last_modified;
  int64_t checked = 0;  // unix seconds of the last check
  int status = 0;
  std::string site;  // name of the site that found it (re-checks run on that site's polls)

  std::string Encode() const {
    return "1\t" + hash + "\t" + Clean(etag) + "\t" + Clean(last_modified) + "\t" + std::to_string(checked) + "\t" +
           std::to_string(status) + "\t" + Clean(site);
  }
  static bool Decode(const std::string& s, PageRecord* r) {
    std::vector<std::string> f = SplitFields(s, '\t');
    if (f.size() < 6 || f[0] != "1") return false;
    r->hash = f[1];
    r->etag = f[2];
    r->last_modified = f[3];
    r->checked = std::atoll(f[4].c_str());
    r->status = std::atoi(f[5].c_str());
    r->site = f.size() > 6 ? f[6] : "";
    return true;
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Config

Status FetchOptions::FromConfig(const Config& c, const std::string& config_dir, const std::string& data_dir, FetchOptions* out) {
  FetchOptions o;
  auto resolve = [&config_dir](const std::string& p) {
    return p.empty() || p[0] == '/' || config_dir.empty() ? p : config_dir + "/" + p;
  };
  o.http.user_agent = c.GetString("user_agent", o.http.user_agent);
  o.http.connect_timeout = c.GetDuration("connect_timeout", o.http.connect_timeout);
  o.http.timeout = c.GetDuration("timeout", o.http.timeout);
  o.http.max_redirects = static_cast<int>(c.GetInt("max_redirects", o.http.max_redirects));
  o.http.max_header_bytes = c.GetBytes("max_header", o.http.max_header_bytes);
  o.http.tls_verify = c.GetBool("tls_verify", true);
  o.http.ca_file = c.GetString("ca_file", "");
  if (!o.http.ca_file.empty()) o.http.ca_file = resolve(o.http.ca_file);
  o.http.proxy = c.GetString("proxy", "");
  o.max_body = c.GetBytes("max_body", o.max_body);
  Status st = NetworkPolicy::Make(c.GetBool("allow_private", false), c.GetStringList("allow_networks"), &o.http.network);
  if (!st.ok()) c.AddError("allow_networks", st.message());

  auto& p = o.politeness;
  p.concurrency = static_cast<int>(c.GetInt("concurrency", p.concurrency));
  p.max_connections = static_cast<int>(c.GetInt("max_connections", p.max_connections));
  p.min_delay = c.GetDuration("min_delay", p.min_delay);
  p.robots = c.GetBool("robots", p.robots);
  p.robots_ttl = c.GetDuration("robots_ttl", p.robots_ttl);
  p.max_crawl_delay = c.GetDuration("max_crawl_delay", p.max_crawl_delay);
  p.retries = static_cast<int>(c.GetInt("retries", p.retries));
  p.backoff_initial = c.GetDuration("backoff_initial", p.backoff_initial);
  p.backoff_max = c.GetDuration("backoff_max", p.backoff_max);
  p.max_retry_after = c.GetDuration("max_retry_after", p.max_retry_after);
  if (p.concurrency < 1) c.AddError("concurrency", "must be at least 1");
  if (p.max_connections < 1) c.AddError("max_connections", "must be at least 1");

  o.recheck_interval = c.GetDuration("recheck_interval", o.recheck_interval);
  o.retry_initial = c.GetDuration("retry_initial", o.retry_initial);
  o.retry_max = c.GetDuration("retry_max", o.retry_max);

  Config att = c.Child("attachments");
  o.attachments.probe = att.GetEnum("probe", {"none", "head", "get"}, "none");
  o.attachments.max_bytes = att.GetBytes("max_size", o.attachments.max_bytes);

  if (c.Has("warc")) {
    Config w = c.Child("warc");
    o.warc = w.GetBool("enabled", true);
    std::string dir = w.GetString("dir", "");
    o.warc_options.dir = dir.empty() ? data_dir + "/warc" : resolve(dir);
    o.warc_options.prefix = w.GetString("prefix", o.warc_options.prefix);
    o.warc_options.max_file_bytes = w.GetBytes("max_size", o.warc_options.max_file_bytes);
    o.warc_options.gzip = w.GetBool("gzip", true);
    o.warc_options.gzip_level = static_cast<int>(w.GetInt("gzip_level", 6));
  }

  for (const Config& s : c.List("sites")) {
    SiteConfig site;
    Status ss = ParseSite(s, &site);
    if (!ss.ok()) {
      s.AddError("", ss.message());
      continue;
    }
    o.sites.push_back(std::move(site));
  }
  for (const auto& f : c.GetStringList("site_files")) {
    std::vector<std::string> files;
    std::string path = resolve(f);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& e : std::filesystem::directory_iterator(path, ec))
        if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const auto& file : files) {
      Config sc = Config::LoadFile(file);
      if (!sc.status().ok()) {
        c.AddError("site_files", sc.status().message());
        continue;
      }
      SiteConfig site;
      Status ss = ParseSite(sc, &site);
      if (ss.ok()) ss = sc.Finish();
      if (!ss.ok()) {
        c.AddError("site_files", ss.message());
        continue;
      }
      o.sites.push_back(std::move(site));
    }
  }
  std::set<std::string> names;
  for (const auto& s : o.sites)
    if (!names.insert(s.name).second) c.AddError("sites", "duplicate site name '" + s.name + "'");
  *out = std::move(o);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// The crawler

struct FetchSource::Impl {
  struct SiteRun {
    SiteConfig cfg;
    milliseconds interval{0};
    std::unique_ptr<asio::steady_timer> timer;
    bool polling = false;
    int outstanding = 0;
    int new_found = 0;  // articles emitted in this poll (new or changed)
    int discovered = 0; // unseen article links seen in this poll
  };
  struct ArticleTask {
    size_t site = 0;
    std::string url, canonical, list_url, title, date;
    bool recheck = false;
  };
  // An article that failed (challenge, errors): retried on the site's polls after not_before,
  // even when its list page no longer changes. Persisted in state "retry".
  struct Retry {
    int64_t not_before = 0;  // unix seconds
    milliseconds backoff{0};
    ArticleTask task;
  };

  FetchOptions opt;
  SourceContext* ctx = nullptr;
  std::unique_ptr<HttpClient> client;
  std::unique_ptr<RequestScheduler> scheduler;
  std::unique_ptr<WarcWriter> warc;
  std::vector<SiteRun> sites;
  std::unordered_map<std::string, PageRecord> pages;   // canonical url → record (cache of state "page")
  std::unordered_set<std::string> queued;              // canonical urls queued or in flight
  std::unordered_map<std::string, Retry> retries;      // canonical url → next allowed attempt
  std::deque<ArticleTask> pending;
  int articles_in_flight = 0;
  BacklogGate gate;  // parks Pump while the ledger is backlogged
  bool stopped = false;
  uint64_t polls = 0;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  explicit Impl(FetchOptions o) : opt(std::move(o)) {}

  spdlog::logger& log() { return ctx->log(); }
  void Count(const std::string& name, uint64_t n = 1) { ctx->counters().Add(name, n); }

  Status Start(SourceContext& c) {
    ctx = &c;
    HttpClientOptions http = opt.http;
    http.capture = opt.warc;
    client = std::make_unique<HttpClient>(c.io(), http);
    scheduler = std::make_unique<RequestScheduler>(c.io(), *client, opt.politeness);
    if (opt.warc) SLUICE_RETURN_IF_ERROR(WarcWriter::Open(opt.warc_options, &warc));
    ctx->state().ForEach("page", [this](const std::string& k, const std::string& v) {
      PageRecord r;
      if (PageRecord::Decode(v, &r)) pages[k] = r;
    });
    std::map<std::string, size_t> site_index;
    for (const auto& s : opt.sites) {
      common::Url u;
      common::Url::Parse(s.lists.front(), &u);
      // Sites are partitioned among fetch workers by host, so one host is polled by one process.
      if (ctx->workers() > 1 && XXH64(u.host().data(), u.host().size(), 0) % ctx->workers() != ctx->worker()) continue;
      SiteRun run;
      run.cfg = s;
      run.interval = s.poll_interval;
      if (auto saved = ctx->state().Get("site", s.name)) {
        milliseconds v(std::atoll(saved->c_str()));
        if (v >= s.min_interval && v <= s.max_interval) run.interval = v;
      }
      run.timer = std::make_unique<asio::steady_timer>(c.io());
      for (const auto& l : s.lists) {
        common::Url lu;
        if (common::Url::Parse(l, &lu).ok() && (s.min_delay.count() >= 0 || s.max_connections > 0))
          scheduler->SetHostOverrides(lu.Origin(), HostOverrides{s.max_connections, s.min_delay});
      }
      site_index[s.name] = sites.size();
      sites.push_back(std::move(run));
    }
    ctx->state().ForEach("retry", [this, &site_index](const std::string& k, const std::string& v) {
      std::vector<std::string> f = SplitFields(v, '\t');
      if (f.size() < 5 || !site_index.count(f[0])) return;
      Retry& rt = retries[k];
      rt.task = ArticleTask{site_index[f[0]], f[1], k, f[2], f[3], f[4], pages.count(k) > 0};
      rt.backoff = opt.retry_initial;
    });
    log().info("fetch: {} site(s) on this worker ({} of {}), {} known article(s)", sites.size(), ctx->worker(), ctx->workers(),
               pages.size());
    PollNow();
    return Status::OK();
  }

  void Stop() {
    stopped = true;
    *alive = false;
    for (auto& s : sites) s.timer->cancel();
    pending.clear();
    if (scheduler) scheduler->Clear();
    if (warc) warc->Close();
  }

  void PollNow() {
    for (size_t i = 0; i < sites.size(); ++i) StartPoll(i);
  }

  void Schedule(size_t i) {
    SiteRun& s = sites[i];
    s.timer->expires_after(s.interval);
    std::weak_ptr<bool> weak = alive;
    s.timer->async_wait([this, weak, i](const boost::system::error_code& ec) {
      if (ec || weak.expired() || stopped) return;
      StartPoll(i);
    });
  }

  void StartPoll(size_t i) {
    SiteRun& s = sites[i];
    if (s.polling || stopped) return;
    s.polling = true;
    s.new_found = 0;
    s.discovered = 0;
    s.outstanding = 1;  // held until every list request is submitted
    for (const auto& l : s.cfg.lists) FetchList(i, l, 0, l);
    int64_t now = NowSec();
    if (opt.recheck_interval.count() > 0) {
      // Known articles whose last check is older than recheck_interval get a conditional GET,
      // a bounded number per poll so a large seen-set is spread over several polls.
      int budget = 200;
      int64_t age = std::max<int64_t>(1, opt.recheck_interval.count() / 1000);
      for (const auto& [canon, rec] : pages) {
        if (budget == 0) break;
        if (rec.site != s.cfg.name || rec.checked + age > now || queued.count(canon) || retries.count(canon)) continue;
        --budget;
        queued.insert(canon);
        ++s.outstanding;
        pending.push_back(ArticleTask{i, canon, canon, "", "", "", true});
      }
    }
    for (auto& [canon, rt] : retries) {
      if (rt.task.site != i || rt.not_before > now || queued.count(canon)) continue;
      queued.insert(canon);
      ++s.outstanding;
      pending.push_back(rt.task);
    }
    Pump();
    Done(i);
  }

  // One request of site i's poll finished.
  void Done(size_t i) {
    SiteRun& s = sites[i];
    if (--s.outstanding > 0) return;
    s.polling = false;
    ++polls;
    milliseconds old = s.interval;
    if (s.new_found > 0) s.interval = std::max(s.cfg.min_interval, s.interval / 2);
    else s.interval = std::min(s.cfg.max_interval, milliseconds(s.interval.count() * 3 / 2));
    if (s.interval != old) ctx->state().Put("site", s.cfg.name, std::to_string(s.interval.count()));
    log().debug("fetch: site={} poll done: new_or_changed={} next_poll_in={}ms", s.cfg.name, s.new_found, s.interval.count());
    if (!stopped) Schedule(i);
  }

  std::vector<std::pair<std::string, std::string>> Conditional(const std::string& etag, const std::string& lm) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!etag.empty()) h.emplace_back("If-None-Match", etag);
    if (!lm.empty()) h.emplace_back("If-Modified-Since", lm);
    return h;
  }

  void FetchList(size_t i, const std::string& list_root, int k, const std::string& url) {
    SiteRun& s = sites[i];
    ++s.outstanding;
    FetchRequest req;
    req.url = url;
    req.max_body = opt.max_body;
    PageRecord rec;
    if (auto saved = ctx->state().Get("list", url)) PageRecord::Decode(*saved, &rec);
    req.headers = Conditional(rec.etag, rec.last_modified);
    Count("lists");
    std::weak_ptr<bool> weak = alive;
    scheduler->Submit(req, RequestScheduler::kList, [this, weak, i, list_root, k, url](FetchResponse r) {
      if (weak.expired() || stopped) return;
      OnList(i, list_root, k, url, std::move(r));
      Done(i);
    });
  }

  void ArchiveIfEnabled(const FetchedPage& page, bool article) {
    if (!warc) return;
    Status st = warc->WritePage(page, article);
    if (!st.ok()) {
      log().error("fetch: WARC write failed, archiving stops: {}", st.ToString());
      warc.reset();
    }
  }

  void OnList(size_t i, const std::string& list_root, int k, const std::string& url, FetchResponse r) {
    SiteRun& s = sites[i];
    const std::string& site = s.cfg.name;
    if (r.error == FetchResponse::Error::kCancelled) return;
    if (!r.ok()) {
      CountError(r);
      log().warn("fetch: site={} list page {} failed: {} ({})", site, RedactUrl(url), ErrorName(r.error), r.error_message);
      return;
    }
    if (warc) {
      FetchedPage fp;
      fp.source = site;
      fp.response = r;
      ArchiveIfEnabled(fp, false);
    }
    if (r.status == 304) {
      Count("list_not_modified");
      return;
    }
    if (r.status == 404 || r.status == 410) {
      if (k == 0) {
        Count("layout_drift");
        log().warn("fetch: site={} list page {} answers {}: the column moved or was renamed (layout drift?)", site, RedactUrl(url),
                   r.status);
      }
      return;  // deeper pages: the end of the pagination
    }
    if (r.status < 200 || r.status >= 300) {
      Count(r.status >= 400 && r.status < 500 ? "http_4xx" : "errors");
      log().warn("fetch: site={} list page {} answers HTTP {}", site, RedactUrl(url), r.status);
      return;
    }
    common::DecodedText text;
    std::string_view body = r.body;
    if (common::DecodeHtml(r.body, r.Header("content-type"), &text).ok()) body = text.utf8;
    std::string why = DetectChallenge(r.status, body);
    if (!why.empty()) {
      Count("challenge");
      log().warn("fetch: site={} list page {} is an anti-bot challenge: {}; retrying on later polls", site, RedactUrl(url), why);
      return;
    }
    PageLinks links;
    std::string final_url = r.final_url.empty() ? url : r.final_url;
    Status st = ExtractLinks(body, final_url, &s.cfg.article_selector, &links);
    if (!st.ok()) {
      Count("errors");
      log().warn("fetch: site={} list page {}: {}", site, RedactUrl(url), st.message());
      return;
    }
    AddJsonLinks(body, final_url, r.Header("content-type"), &links);
    int candidates = 0, fresh = 0;
    int64_t now = NowSec();
    for (const auto& l : links.links) {
      if (!s.cfg.IsArticle(l)) continue;
      ++candidates;
      std::string canon = s.cfg.Canonical(l.url);
      if (canon.empty() || queued.count(canon)) continue;
      auto rt = retries.find(canon);
      if (rt != retries.end() && rt->second.not_before > now) continue;
      if (pages.count(canon)) continue;  // known: re-checked on schedule by StartPoll
      ++fresh;
      ArticleTask t{i, l.url, canon, final_url, l.text, l.date, false};
      queued.insert(canon);
      ++s.outstanding;
      pending.push_back(std::move(t));
    }
    s.discovered += fresh;
    if (candidates == 0) {
      Count("layout_drift");
      log().warn("fetch: site={} list page {} yielded no article links matching {} ({} links on the page): layout drift?", site,
                 RedactUrl(url), s.cfg.RuleText(), links.links.size());
    }
    PageRecord rec;
    rec.etag = r.Header("etag");
    rec.last_modified = r.Header("last-modified");
    rec.checked = now;
    rec.status = r.status;
    ctx->state().Put("list", url, rec.Encode());
    // Deeper pages only while this one still had something new: older pages hold older news.
    int next = k + 1;
    if (fresh > 0 && next < s.cfg.max_pages && (links.page_count == 0 || next < links.page_count)) {
      std::string next_url = s.cfg.PageUrl(list_root, next);
      if (!next_url.empty()) FetchList(i, list_root, next, next_url);
    }
    Pump();
  }

  // JSON list feeds (gov.cn and others): every string that resolves to a URL is a link.
  void AddJsonLinks(std::string_view body, const std::string& base, const std::string& content_type, PageLinks* links) {
    size_t b = body.find_first_not_of(" \t\r\n");
    bool json = content_type.find("json") != std::string::npos || (b != std::string_view::npos && (body[b] == '{' || body[b] == '['));
    if (!json) return;
    Json j;
    if (!Json::Parse(body, &j).ok()) return;
    std::vector<const Json*> stack{&j};
    std::set<std::string> seen;
    for (const auto& l : links->links) seen.insert(l.url);
    while (!stack.empty()) {
      const Json* n = stack.back();
      stack.pop_back();
      if (n->is_array()) {
        for (const auto& x : n->items()) stack.push_back(&x);
      } else if (n->is_object()) {
        std::string title;
        for (const auto& [k, v] : n->members())
          if (v.is_string() && (k == "title" || k == "TITLE" || k == "name")) title = v.AsString();
        for (const auto& [k, v] : n->members()) {
          if (v.is_string()) {
            const std::string& s = v.AsString();
            if (s.empty() || s.size() > 2048 || (s[0] != '/' && s.rfind("http", 0) != 0 && s.rfind("./", 0) != 0)) continue;
            std::string url = common::ResolveUrl(base, s);
            if (url.empty() || !seen.insert(url).second) continue;
            Link l;
            l.url = url;
            l.text = title;
            links->links.push_back(l);
          } else {
            stack.push_back(&v);
          }
        }
      }
    }
  }

  void CountError(const FetchResponse& r) {
    using E = FetchResponse::Error;
    if (r.error == E::kRobots) Count("robots_denied");
    else if (r.error == E::kBlocked) Count("blocked");
    else Count("errors");
  }

  // Submits queued article fetches while the ledger keeps up; bounded so a backlog of a million
  // links never becomes a million queued requests.
  void Pump() {
    if (stopped) return;
    size_t window = static_cast<size_t>(opt.politeness.concurrency) * 4;
    while (!pending.empty() && static_cast<size_t>(articles_in_flight) < window) {
      if (gate.Parked(*ctx, [this] { Pump(); })) return;
      ArticleTask t = std::move(pending.front());
      pending.pop_front();
      SubmitArticle(std::move(t));
    }
  }

  void SubmitArticle(ArticleTask t) {
    ++articles_in_flight;
    FetchRequest req;
    req.url = t.url;
    req.max_body = opt.max_body;
    if (t.recheck) {
      auto it = pages.find(t.canonical);
      if (it != pages.end()) req.headers = Conditional(it->second.etag, it->second.last_modified);
    }
    std::weak_ptr<bool> weak = alive;
    scheduler->Submit(req, RequestScheduler::kArticle, [this, weak, t](FetchResponse r) mutable {
      if (weak.expired() || stopped) return;
      --articles_in_flight;
      OnArticle(std::move(t), std::move(r));
    });
  }

  void FinishArticle(const ArticleTask& t) {
    queued.erase(t.canonical);
    size_t i = t.site;
    Done(i);
    Pump();
  }

  void RetryLater(const ArticleTask& t) {
    const std::string& canon = t.canonical;
    Retry& rt = retries[canon];
    rt.task = t;
    ctx->state().Put("retry", canon, Clean(sites[t.site].cfg.name) + "\t" + Clean(t.url) + "\t" + Clean(t.list_url) + "\t" +
                                         Clean(t.title) + "\t" + Clean(t.date));
    rt.backoff = rt.backoff.count() == 0 ? opt.retry_initial : std::min(opt.retry_max, rt.backoff * 2);
    rt.not_before = NowSec() + std::max<int64_t>(1, rt.backoff.count() / 1000);
  }

  void Remember(const ArticleTask& t, PageRecord rec) {
    const std::string& canon = t.canonical;
    rec.site = sites[t.site].cfg.name;
    pages[canon] = rec;
    ctx->state().Put("page", canon, rec.Encode());
  }

  void OnArticle(ArticleTask t, FetchResponse r) {
    SiteRun& s = sites[t.site];
    const std::string& site = s.cfg.name;
    if (r.error == FetchResponse::Error::kCancelled) return;
    if (!r.ok()) {
      CountError(r);
      if (r.error != FetchResponse::Error::kRobots)
        log().warn("fetch: site={} article {} failed: {} ({})", site, RedactUrl(t.url), ErrorName(r.error), r.error_message);
      RetryLater(t);
      return FinishArticle(t);
    }
    PageRecord rec;
    auto known = pages.find(t.canonical);
    if (known != pages.end()) rec = known->second;
    rec.checked = NowSec();
    rec.status = r.status;
    if (r.status == 304) {
      Count("not_modified");
      Remember(t, rec);
      return FinishArticle(t);
    }
    if (r.status < 200 || r.status >= 300) {
      if (r.status >= 400 && r.status < 500 && r.status != 412 && r.status != 429) {
        Count("http_4xx");
        log().warn("fetch: site={} article {} answers HTTP {}", site, RedactUrl(t.url), r.status);
        Remember(t, rec);  // checked again after recheck_interval
        return FinishArticle(t);
      }
      if (r.status != 412) {
        Count("errors");
        log().warn("fetch: site={} article {} answers HTTP {}; retrying later", site, RedactUrl(t.url), r.status);
        RetryLater(t);
        return FinishArticle(t);
      }
    }
    common::DecodedText text;
    Status dst = common::DecodeHtml(r.body, r.Header("content-type"), &text);
    std::string why = DetectChallenge(r.status, dst.ok() ? std::string_view(text.utf8) : std::string_view(r.body));
    if (!why.empty()) {
      Count("challenge");
      RetryLater(t);
      log().warn("fetch: site={} article {} is an anti-bot challenge: {}; not emitted, retry in {}s", site, RedactUrl(t.url), why,
                 retries[t.canonical].backoff.count() / 1000);
      return FinishArticle(t);
    }
    if (!dst.ok()) {
      Count("not_html");
      log().warn("fetch: site={} article {} is not text: {}", site, RedactUrl(t.url), dst.message());
      Remember(t, rec);
      return FinishArticle(t);
    }
    if (retries.erase(t.canonical)) ctx->state().Delete("retry", t.canonical);
    std::string hash = HexHash64(text.utf8);
    rec.etag = r.Header("etag");
    rec.last_modified = r.Header("last-modified");
    if (!rec.hash.empty() && rec.hash == hash) {
      Count("articles_unchanged");
      Remember(t, rec);
      return FinishArticle(t);
    }
    auto page = std::make_shared<FetchedPage>();
    page->source = site;
    page->discovered_from = t.list_url;
    page->list_title = t.title;
    page->list_date = t.date;
    page->drop_params = s.cfg.drop_params;
    PageLinks links;
    std::string final_url = r.final_url.empty() ? t.url : r.final_url;
    if (ExtractLinks(text.utf8, final_url, nullptr, &links).ok()) page->attachments = FindAttachments(links);
    page->response = std::move(r);
    auto decoded = std::make_shared<common::DecodedText>(std::move(text));
    bool changed = !rec.hash.empty();
    rec.hash = hash;
    ProbeAttachments(page, [this, t, page, decoded, rec, changed]() mutable {
      if (stopped) return;
      Emit(t, *page, *decoded, rec, changed);
    });
  }

  void ProbeAttachments(std::shared_ptr<FetchedPage> page, std::function<void()> then) {
    if (opt.attachments.probe == "none" || page->attachments.empty()) return then();
    auto left = std::make_shared<size_t>(page->attachments.size());
    auto done = std::make_shared<std::function<void()>>(std::move(then));
    std::weak_ptr<bool> weak = alive;
    for (size_t k = 0; k < page->attachments.size(); ++k) {
      FetchRequest req;
      req.url = page->attachments[k].url();
      req.method = opt.attachments.probe == "head" ? "HEAD" : "GET";
      req.max_body = opt.attachments.max_bytes;
      scheduler->Submit(req, RequestScheduler::kAttachment, [this, weak, page, k, left, done](FetchResponse r) {
        if (weak.expired() || stopped) return;
        auto& a = page->attachments[k];
        if (r.ok() && r.status >= 200 && r.status < 300) {
          Count("attachments");
          if (opt.attachments.probe == "get") {
            a.set_size(static_cast<int64_t>(r.body.size()));
            a.set_sha256(Sha256Hex(r.body));
          } else {
            a.set_size(std::atoll(r.Header("content-length").c_str()));
          }
        } else if (r.error == FetchResponse::Error::kBodyTooLarge) {
          Count("attachments_too_large");
        }
        if (--*left == 0) (*done)();
      });
    }
  }

  void Emit(const ArticleTask& t, const FetchedPage& page, const common::DecodedText& decoded, PageRecord rec, bool changed) {
    v1::Document doc;
    Status st = BuildDocument(page, &decoded, &doc);
    if (st.ok()) st = ctx->Emit(doc);
    if (!st.ok()) {
      Count("errors");
      log().warn("fetch: site={} cannot emit {}: {}; retrying later", page.source, RedactUrl(t.url), st.ToString());
      RetryLater(t);
      return FinishArticle(t);
    }
    ArchiveIfEnabled(page, true);
    Count(changed ? "articles_changed" : "articles_new");
    ++sites[t.site].new_found;
    Remember(t, rec);
    FinishArticle(t);
  }
};

FetchSource::FetchSource(FetchOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
FetchSource::~FetchSource() {
  if (impl_ && !impl_->stopped && impl_->ctx) impl_->Stop();
}
Status FetchSource::Start(SourceContext& ctx) { return impl_->Start(ctx); }
void FetchSource::Stop() { impl_->Stop(); }
void FetchSource::PollNow() { impl_->PollNow(); }
bool FetchSource::Idle() const {
  for (const auto& s : impl_->sites)
    if (s.polling) return false;
  return impl_->pending.empty() && impl_->articles_in_flight == 0 &&
         (!impl_->scheduler || (impl_->scheduler->queued() == 0 && impl_->scheduler->in_flight() == 0));
}
uint64_t FetchSource::polls_completed() const { return impl_->polls; }
milliseconds FetchSource::interval(const std::string& site) const {
  for (const auto& s : impl_->sites)
    if (s.cfg.name == site) return s.interval;
  return milliseconds(0);
}

}  // namespace sluice::fetch
