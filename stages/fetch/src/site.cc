#include "sluice/fetch/site.h"

#include <algorithm>

#include "sluice/common/url.h"

namespace sluice::fetch {

const std::vector<SitePreset>& Presets() {
  static const std::vector<SitePreset> kPresets = {
      {"trs", "TRS WCM (教育部, most 省教育厅): /…/YYYYMM/tYYYYMMDD_<id>.html, pages index_N.html",
       R"(/\d{6}/t\d{8}_\d+\.s?html?$)", "", "index_{n}.{ext}", 1, "html"},
      {"gxzf", "广西 集约化 platform (自治区/市教育局): ul.more-list items, t<id>.shtml, pages index_N.shtml",
       R"(/t\d+\.shtml$)", "ul.more-list li a", "index_{n}.{ext}", 1, "shtml"},
      {"hanweb", "大汉 Hanweb jpaas: datastore records, /art/YYYY/M/D/art_<col>_<id>.html, ?pageNum=N",
       R"(/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$)", "", "?pageNum={n}", 2, "html"},
      {"govcn", "中国政府网: /zhengce/…/content_<id>.htm, pages home_N.htm (JSON feeds too)",
       R"(/content_\d+\.htm$)", "", "home_{n}.htm", 1, "htm"},
  };
  return kPresets;
}

const SitePreset* FindPreset(const std::string& name) {
  for (const auto& p : Presets())
    if (p.name == name) return &p;
  return nullptr;
}

Status ParseSite(const Config& c, SiteConfig* out) {
  SiteConfig s;
  s.name = c.GetString("name");
  if (s.name.empty()) return Status::InvalidArgument(c.Where() + ": site without a name");
  s.preset = c.GetString("preset", "none");
  const SitePreset* preset = nullptr;
  if (s.preset != "none") {
    preset = FindPreset(s.preset);
    if (!preset) {
      std::string names;
      for (const auto& p : Presets()) names += (names.empty() ? "" : ", ") + p.name;
      return Status::InvalidArgument(c.Where("preset") + ": unknown preset '" + s.preset + "' (known: " + names + ", none)");
    }
  }
  s.lists = c.GetStringList("lists");
  if (s.lists.empty()) return Status::InvalidArgument(c.Where() + ": site '" + s.name + "' has no lists");
  for (const auto& l : s.lists) {
    common::Url u;
    if (!common::Url::Parse(l, &u).ok()) return Status::InvalidArgument(c.Where("lists") + ": not an http(s) URL: '" + l + "'");
    if (std::find(s.hosts.begin(), s.hosts.end(), u.host()) == s.hosts.end()) s.hosts.push_back(u.host());
  }
  for (auto h : c.GetStringList("hosts")) {
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return std::tolower(ch); });
    s.hosts.push_back(h);
  }
  s.article_pattern = c.GetString("article_pattern", preset ? preset->article_pattern : "");
  std::string selector = c.GetString("article_selector", preset ? preset->article_selector : "");
  if (s.article_pattern.empty() && selector.empty())
    return Status::InvalidArgument(c.Where() + ": site '" + s.name + "' needs a preset, article_pattern or article_selector");
  if (!s.article_pattern.empty()) {
    try {
      s.article_re = std::make_shared<const std::regex>(s.article_pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument(c.Where("article_pattern") + ": bad regex: " + e.what());
    }
  }
  if (!selector.empty()) {
    Status st = Selector::Parse(selector, &s.article_selector);
    if (!st.ok()) return Status::InvalidArgument(c.Where("article_selector") + ": " + st.message());
  }
  s.pages = c.GetString("pages", preset ? preset->pages : "");
  s.page_first = static_cast<int>(c.GetInt("page_first", preset ? preset->page_first : 1));
  s.default_ext = preset ? preset->default_ext : "html";
  s.max_pages = static_cast<int>(c.GetInt("max_pages", 3));
  if (s.max_pages < 1) return Status::InvalidArgument(c.Where("max_pages") + ": must be at least 1");
  s.poll_interval = c.GetDuration("poll_interval", std::chrono::minutes(10));
  if (s.poll_interval.count() <= 0) return Status::InvalidArgument(c.Where("poll_interval") + ": must be positive");
  s.min_interval = c.GetDuration("min_interval", s.poll_interval / 4);
  s.max_interval = c.GetDuration("max_interval", s.poll_interval * 8);
  if (s.min_interval > s.poll_interval || s.max_interval < s.poll_interval)
    return Status::InvalidArgument(c.Where() + ": need min_interval <= poll_interval <= max_interval");
  s.drop_params = c.GetStringList("drop_params");
  s.min_delay = c.GetDuration("min_delay", std::chrono::milliseconds(-1));
  s.max_connections = static_cast<int>(c.GetInt("max_connections", -1));
  *out = std::move(s);
  return Status::OK();
}

bool SiteConfig::OwnsHost(const std::string& host) const {
  for (const auto& h : hosts) {
    if (host == h) return true;
    // "moe.gov.cn" owns "www.moe.gov.cn".
    if (host.size() > h.size() && host.compare(host.size() - h.size(), h.size(), h) == 0 && host[host.size() - h.size() - 1] == '.')
      return true;
  }
  return false;
}

bool SiteConfig::IsArticle(const Link& link) const {
  common::Url u;
  if (!common::Url::Parse(link.url, &u).ok() || !OwnsHost(u.host())) return false;
  if (!article_selector.empty() && !link.selected) return false;
  if (article_re) {
    std::string pq = u.path() + (u.has_query() ? "?" + u.query() : "");
    if (!std::regex_search(pq, *article_re)) return false;
  }
  return true;
}

std::string SiteConfig::PageUrl(const std::string& list_url, int k) const {
  if (pages.empty() || k < 1) return "";
  common::Url u;
  if (!common::Url::Parse(list_url, &u).ok()) return "";
  std::string path = u.path();
  std::string file = path.substr(path.rfind('/') + 1);
  std::string ext = default_ext;
  size_t dot = file.rfind('.');
  if (dot != std::string::npos && dot + 1 < file.size()) ext = file.substr(dot + 1);
  std::string t = pages;
  auto replace = [&t](const std::string& key, const std::string& value) {
    for (size_t p; (p = t.find(key)) != std::string::npos;) t.replace(p, key.size(), value);
  };
  replace("{n}", std::to_string(page_first + k - 1));
  replace("{ext}", ext);
  if (!t.empty() && t[0] == '?') {
    // A query template adds to the list URL's own query (Hanweb keeps uid/webid there).
    std::string base = u.Origin() + u.path();
    return u.has_query() && !u.query().empty() ? base + "?" + u.query() + "&" + t.substr(1) : base + t;
  }
  return common::ResolveUrl(list_url, t);
}

std::string SiteConfig::Canonical(const std::string& url) const {
  common::Url u;
  if (!common::Url::Parse(url, &u).ok()) return "";
  return u.Canonical(drop_params);
}

std::string SiteConfig::RuleText() const {
  std::string s;
  if (!article_pattern.empty()) s += "pattern " + article_pattern;
  if (!article_selector.empty()) s += std::string(s.empty() ? "" : " and ") + "selector '" + article_selector.text() + "'";
  return s;
}

}  // namespace sluice::fetch
