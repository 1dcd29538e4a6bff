// FetchSource: the crawler — the `fetch` source of a sluice pipeline.
//
// For every configured site it polls the list pages, follows pagination while pages keep
// yielding unseen articles (up to max_pages), fetches each unseen article once, and emits it as a
// Document. What it has seen lives in the ledger's SourceState, committed with the documents:
//   page/<canonical url>  → content hash, ETag, Last-Modified, last check, last status
//   list/<list page url>  → ETag, Last-Modified (list pages are requested conditionally)
//   site/<site name>      → current poll interval (adaptive recrawl survives restarts)
// Known articles are re-checked with a conditional GET every `recheck_interval` and emitted
// again only when their content hash changed (a new version for the store).
//
// Poll intervals adapt per site: a poll that finds new articles halves the interval (down to
// min_interval), one that finds nothing stretches it by 1.5 (up to max_interval).
//
// Failures: a challenge page (HTTP 412 or a script-only cookie stub) is counted (`challenge`),
// logged with the site, and retried with exponential backoff — never emitted. Network errors
// and 5xx answers are retried by the RequestScheduler, then by the next polls with backoff.
// A list page that answers 200 but yields no link matching the site's rule logs a warning
// naming the site, the page and the rule (`layout_drift`): templates drift, and a crawler that
// silently ingests nothing is worse than a loud one.
//
// Counters: lists, list_not_modified, articles_new, articles_changed, articles_unchanged,
// not_modified, challenge, layout_drift, robots_denied, blocked, errors, http_4xx, retries,
// attachments.
//
// Thread safety: runs on the source process's io_context; see Source.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "sluice/fetch/http_client.h"
#include "sluice/fetch/scheduler.h"
#include "sluice/fetch/site.h"
#include "sluice/fetch/warc.h"
#include "sluice/source.h"

namespace sluice::fetch {

struct AttachmentOptions {
  std::string probe = "none";  // none | head | get (get also records sha256)
  int64_t max_bytes = 20 * 1024 * 1024;
};

struct FetchOptions {
  HttpClientOptions http;
  PolitenessOptions politeness;
  int64_t max_body = 8 * 1024 * 1024;
  std::chrono::milliseconds recheck_interval{24LL * 3600 * 1000};  // 0 = never re-check
  std::chrono::milliseconds retry_initial{60000};
  std::chrono::milliseconds retry_max{6LL * 3600 * 1000};
  AttachmentOptions attachments;
  bool warc = false;
  WarcWriterOptions warc_options;
  std::vector<SiteConfig> sites;

  // Reads the fetch source's `config:` section (see README for keys and defaults). Relative
  // paths (site_files, warc.dir) resolve against `config_dir`; `data_dir` is the default home of
  // the WARC directory. Returns InvalidArgument listing what is wrong.
  static Status FromConfig(const Config& config, const std::string& config_dir, const std::string& data_dir,
                           FetchOptions* out);
};

class FetchSource : public Source {
 public:
  explicit FetchSource(FetchOptions options);
  ~FetchSource() override;

  Status Start(SourceContext& ctx) override;
  void Stop() override;

  // Starts a poll of every site now (tests, SIGHUP-style nudges). Sites already polling are
  // left alone.
  void PollNow();
  // True when no poll is running and nothing is queued or in flight.
  bool Idle() const;
  // Polls finished since Start, all sites together.
  uint64_t polls_completed() const;
  // Current poll interval of a site (for tests of adaptive recrawl).
  std::chrono::milliseconds interval(const std::string& site) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::fetch
