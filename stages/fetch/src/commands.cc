// `sluice fetch URL` and `sluice demo-site`.
#include "sluice/cli_args.h"
#include "sluice/fetch/commands.h"

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <iostream>
#include <optional>

#include "sluice/common/charset.h"
#include "sluice/common/url.h"
#include "sluice/config.h"
#include "sluice/fetch/demo_site.h"
#include "sluice/fetch/http_client.h"
#include "sluice/fetch/links.h"
#include "sluice/fetch/page.h"
#include "sluice/fetch/scheduler.h"
#include "sluice/fetch/site.h"
#include "sluice/json.h"
#include "sluice/log.h"

namespace sluice::fetch {

namespace {

std::string Ms(int64_t us) { return std::to_string(us / 1000) + " ms"; }

}  // namespace

int RunFetchCommand(int argc, char** argv) {
  CLI::App app{"Fetch one URL the way the fetch stage would and print what it would emit"};
  std::string url, preset = "none", pattern, selector, user_agent = HttpClientOptions().user_agent, timeout = "30s",
                   max_body = "8MB";
  bool allow_private = false, json = false, no_robots = false, show_links = false, raw = false;
  std::vector<std::string> allow_networks;
  app.add_option("url", url, "URL to fetch")->required();
  app.add_option("--preset", preset, "site preset whose article rule is applied to the links (trs, gxzf, hanweb, govcn)");
  app.add_option("--pattern", pattern, "article URL regex (overrides the preset's)");
  app.add_option("--selector", selector, "article link selector, e.g. 'ul.more-list li a'");
  app.add_option("--user-agent", user_agent, "User-Agent header");
  app.add_option("--timeout", timeout, "total timeout, e.g. 30s");
  app.add_option("--max-body", max_body, "body size cap, e.g. 8MB");
  app.add_flag("--allow-private", allow_private, "allow private/loopback targets");
  app.add_option("--allow-network", allow_networks, "allow this CIDR (repeatable), e.g. 127.0.0.1/32");
  app.add_flag("--no-robots", no_robots, "do not consult robots.txt");
  app.add_flag("--links", show_links, "list every link found");
  app.add_flag("--raw", raw, "print the decoded page (UTF-8) after the summary");
  app.add_flag("--json", json, "print one JSON object");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  SetupLogging("warn");
  HttpClientOptions http;
  http.user_agent = user_agent;
  auto t = ParseDuration(timeout);
  auto mb = ParseBytes(max_body);
  if (!t || !mb) {
    std::cerr << "fetch: bad --timeout or --max-body\n";
    return 64;
  }
  http.timeout = *t;
  Status st = NetworkPolicy::Make(allow_private, allow_networks, &http.network);
  if (!st.ok()) {
    std::cerr << "fetch: " << st.message() << "\n";
    return 64;
  }
  // The article rule, built exactly as a site config would build it.
  std::string yaml = "name: cli\nlists: [" + (url.find_first_of(",[]") == std::string::npos ? url : std::string("http://x/")) + "]\n";
  if (preset != "none") yaml += "preset: " + preset + "\n";
  if (!pattern.empty()) yaml += "article_pattern: '" + pattern + "'\n";
  if (!selector.empty()) yaml += "article_selector: '" + selector + "'\n";
  std::optional<SiteConfig> site;
  if (preset != "none" || !pattern.empty() || !selector.empty()) {
    SiteConfig s;
    Status ps = ParseSite(Config::Parse(yaml, "<command line>"), &s);
    if (!ps.ok()) {
      std::cerr << "fetch: " << ps.message() << "\n";
      return 64;
    }
    site = s;
  }

  boost::asio::io_context io;
  HttpClient client(io, http);
  PolitenessOptions pol;
  pol.robots = !no_robots;
  pol.min_delay = std::chrono::milliseconds(0);
  pol.retries = 0;
  RequestScheduler scheduler(io, client, pol);
  std::optional<FetchResponse> resp;
  FetchRequest req;
  req.url = url;
  req.max_body = *mb;
  scheduler.Submit(req, RequestScheduler::kArticle, [&](FetchResponse r) { resp = std::move(r); });
  while (!resp && io.run_one() > 0) {
  }
  if (!resp) return 1;
  const FetchResponse& r = *resp;

  Json out = Json::Object();
  out.Set("url", RedactUrl(r.url));
  if (!r.ok()) {
    out.Set("error", ErrorName(r.error));
    out.Set("message", r.error_message);
    if (json) std::cout << out.Dump() << "\n";
    else std::cout << "url          " << RedactUrl(r.url) << "\nerror        " << ErrorName(r.error) << ": " << r.error_message << "\n";
    return 1;
  }
  common::DecodedText text;
  Status dst = common::DecodeHtml(r.body, r.Header("content-type"), &text);
  std::string challenge = DetectChallenge(r.status, dst.ok() ? std::string_view(text.utf8) : std::string_view(r.body));
  PageLinks links;
  if (dst.ok()) ExtractLinks(text.utf8, r.final_url, site ? &site->article_selector : nullptr, &links);
  std::vector<const Link*> articles;
  if (site)
    for (const auto& l : links.links)
      if (site->IsArticle(l)) articles.push_back(&l);
  auto attachments = FindAttachments(links);
  v1::Document doc;
  FetchedPage page;
  page.source = "cli";
  page.response = r;
  page.attachments = attachments;
  bool built = dst.ok() && BuildDocument(page, &text, &doc).ok();

  out.Set("status", r.status);
  out.Set("final_url", RedactUrl(r.final_url));
  Json redirects = Json::Array();
  for (const auto& h : r.redirects) redirects.Push(RedactUrl(h));
  out.Set("redirects", std::move(redirects));
  out.Set("elapsed_ms", r.elapsed_us / 1000);
  out.Set("content_type", r.Header("content-type"));
  out.Set("bytes", static_cast<int64_t>(r.body.size()));
  out.Set("charset", dst.ok() ? text.charset : "");
  out.Set("declared_charset", text.declared);
  out.Set("charset_evidence", text.method);
  out.Set("utf8_bytes", static_cast<int64_t>(text.utf8.size()));
  out.Set("etag", r.Header("etag"));
  out.Set("last_modified", r.Header("last-modified"));
  out.Set("challenge", challenge);
  out.Set("links", static_cast<int64_t>(links.links.size()));
  out.Set("pager_pages", links.page_count);
  Json arts = Json::Array();
  for (const auto* l : articles) {
    Json a = Json::Object();
    a.Set("url", l->url);
    a.Set("title", l->text);
    a.Set("date", l->date);
    arts.Push(std::move(a));
  }
  out.Set("articles", std::move(arts));
  Json atts = Json::Array();
  for (const auto& a : attachments) {
    Json j = Json::Object();
    j.Set("name", a.name());
    j.Set("url", a.url());
    j.Set("type", a.type());
    atts.Push(std::move(j));
  }
  out.Set("attachments", std::move(atts));
  if (built) {
    out.Set("id", doc.id());
    out.Set("canonical_url", doc.canonical_url());
    out.Set("content_hash", doc.content_hash());
  }
  if (show_links) {
    Json all = Json::Array();
    for (const auto& l : links.links) all.Push(l.url + (l.text.empty() ? "" : "  " + l.text));
    out.Set("all_links", std::move(all));
  }
  if (json) {
    if (raw) out.Set("raw", text.utf8);
    std::cout << out.Dump() << "\n";
    return challenge.empty() ? 0 : 1;
  }
  std::cout << "url          " << RedactUrl(r.url) << "\n"
            << "status       " << r.status << "\n"
            << "final url    " << RedactUrl(r.final_url) << (r.redirects.empty() ? "" : "  (" + std::to_string(r.redirects.size()) + " redirect(s))")
            << "\n"
            << "elapsed      " << Ms(r.elapsed_us) << "\n"
            << "content type " << r.Header("content-type") << "\n"
            << "charset      " << (dst.ok() ? text.charset : "(binary)") << "  (declared: " << (text.declared.empty() ? "-" : text.declared)
            << ", decided by " << text.method << (text.lossy ? ", lossy" : "") << ")\n"
            << "size         " << r.body.size() << " bytes, " << text.utf8.size() << " bytes as UTF-8\n";
  if (!r.Header("etag").empty()) std::cout << "etag         " << r.Header("etag") << "\n";
  if (!r.Header("last-modified").empty()) std::cout << "modified     " << r.Header("last-modified") << "\n";
  std::cout << "challenge    " << (challenge.empty() ? "no" : challenge) << "\n"
            << "links        " << links.links.size() << (links.page_count > 0 ? "  (pager: " + std::to_string(links.page_count) + " pages)" : "")
            << "\n";
  if (site) {
    std::cout << "articles     " << articles.size() << " matching " << site->RuleText() << "\n";
    for (const auto* l : articles) std::cout << "  " << l->date << (l->date.empty() ? "" : "  ") << l->url << "  " << l->text << "\n";
  }
  std::cout << "attachments  " << attachments.size() << "\n";
  for (const auto& a : attachments) std::cout << "  [" << a.type() << "] " << a.url() << "  " << a.name() << "\n";
  if (show_links)
    for (const auto& l : links.links) std::cout << "  link " << l.url << (l.text.empty() ? "" : "  " + l.text) << "\n";
  if (built) std::cout << "document id  " << doc.id() << "  (canonical " << doc.canonical_url() << ")\n";
  if (raw) std::cout << "\n" << text.utf8 << "\n";
  return challenge.empty() ? 0 : 1;
}

int RunDemoSiteCommand(int argc, char** argv) {
  CLI::App app{"Serve the bundled demo bureau website, publishing a new notice every few seconds"};
  std::string host = "127.0.0.1", every = "5s";
  int port = 8090;
  bool print_config = false;
  app.add_option("--host", host, "address to listen on");
  app.add_option("--port", port, "port (0 = any free port)");
  app.add_option("--publish-every", every, "publish a new notice this often (0 = never)");
  app.add_flag("--print-config", print_config, "print the fetch source config for this site and exit");
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  if (print_config) {
    std::cout << DemoSite::SourceConfigYaml("http://" + (host == "0.0.0.0" ? std::string("127.0.0.1") : host) + ":" + std::to_string(port));
    return 0;
  }
  auto d = ParseDuration(every);
  if (!d) {
    std::cerr << "demo-site: bad --publish-every '" << every << "'\n";
    return 64;
  }
  SetupLogging();
  auto log = Logger("demo-site");
  boost::asio::io_context io;
  DemoSiteOptions opt;
  opt.publish_every = *d;
  opt.on_publish = [log](const std::string& path, const std::string& title) { log->info("published {}  {}", path, title); };
  DemoSite site(io, opt);
  Status st = site.Listen(host, port);
  if (!st.ok()) {
    log->error("{}", st.ToString());
    return 1;
  }
  log->info("demo bureau site on {} ({} notices; a new one every {}); Ctrl-C stops", site.base_url(), site.ArticlePaths().size(), every);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    log->info("stopping after {} request(s), {} notice(s) published", site.requests_served(), site.published());
    site.Stop();
    io.stop();
  });
  io.run();
  return 0;
}

}  // namespace sluice::fetch
