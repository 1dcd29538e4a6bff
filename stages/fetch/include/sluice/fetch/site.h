// SiteConfig: one watched website — its list pages, how they paginate, which links are
// articles — and the presets for the CMS families Chinese education bureaus run on.
//
// A site in YAML (one entry of the fetch source's `sites:` list, or one file under
// deploy/sites/ named from `site_files:`):
//
//   name: moe                       # required; Document.source
//   preset: trs                     # trs | gxzf | hanweb | govcn | none (default none)
//   lists: [http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/]   # required: first list page of each column
//   hosts: [moe.gov.cn]             # extra hosts whose links belong to the site (list hosts always do)
//   article_pattern: '/\d{6}/t\d{8}_\d+\.html$'   # ECMAScript regex searched in path?query
//   article_selector: 'ul.more-list li a'          # CSS-like; a link must match both when both set
//   pages: 'index_{n}.{ext}'        # page URL template relative to the list page; "" = one page
//   page_first: 1                   # {n} of the second page (page 1 is the list URL itself)
//   max_pages: 3                    # list depth per poll (stops early when a page has nothing new)
//   poll_interval: 10m              # first interval; adapts between min_interval and max_interval
//   min_interval: 2m30s             # default poll_interval / 4
//   max_interval: 1h20m             # default poll_interval * 8
//   drop_params: [pageid]           # extra tracking parameters removed from article URLs
//   min_delay: 1s                   # per-host politeness override
//   max_connections: 2
//
// Presets fill everything but name and lists; any key given explicitly wins.
//
// Thread safety: immutable after parsing.
#pragma once

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "sluice/fetch/links.h"
#include "sluice/status.h"

namespace sluice::fetch {

struct SitePreset {
  std::string name;
  std::string description;
  std::string article_pattern;
  std::string article_selector;
  std::string pages;
  int page_first = 1;
  std::string default_ext;  // {ext} when the list URL names a directory
};

// The built-in presets: trs, gxzf, hanweb, govcn. nullptr for an unknown name.
const SitePreset* FindPreset(const std::string& name);
const std::vector<SitePreset>& Presets();

struct SiteConfig {
  std::string name;
  std::string preset;
  std::vector<std::string> lists;
  std::vector<std::string> hosts;  // lower-case
  std::string article_pattern;
  std::shared_ptr<const std::regex> article_re;
  Selector article_selector;
  std::string pages;
  int page_first = 1;
  std::string default_ext = "html";
  int max_pages = 3;
  std::chrono::milliseconds poll_interval{600000};
  std::chrono::milliseconds min_interval{150000};
  std::chrono::milliseconds max_interval{4800000};
  std::vector<std::string> drop_params;
  std::chrono::milliseconds min_delay{-1};
  int max_connections = -1;

  // True when `link` (found on one of the site's pages) is an article of this site.
  bool IsArticle(const Link& link) const;
  // True when `host` belongs to the site.
  bool OwnsHost(const std::string& host) const;
  // URL of list page `k` (k ≥ 1) of the column whose first page is `list_url`; "" when the site
  // does not paginate.
  std::string PageUrl(const std::string& list_url, int k) const;
  // Canonical form of an article URL (common::Url::Canonical with drop_params).
  std::string Canonical(const std::string& url) const;
  // Human-readable summary of the article rule, for warnings.
  std::string RuleText() const;
};

// Reads one site from `c` (validates every key; unknown keys are left for Config::Finish).
// Returns InvalidArgument naming the key for a missing name/lists, an unknown preset, a bad
// regex or selector, or an invalid URL.
Status ParseSite(const Config& c, SiteConfig* out);

}  // namespace sluice::fetch
