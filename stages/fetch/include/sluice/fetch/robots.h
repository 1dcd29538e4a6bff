// RobotsTxt: the rules of one robots.txt file (RFC 9309) for one user agent.
//
// Groups are selected by the most specific user-agent token that is a prefix of our product
// token (case-insensitive), falling back to "*". Within the group the longest matching Allow or
// Disallow path wins, Allow on ties; `*` matches any run of characters and a trailing `$`
// anchors the end. Crawl-delay (not in the RFC, but honoured by the bureaus' own guidance) is
// reported for the politeness layer to apply.
//
// Thread safety: an immutable value after Parse.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::fetch {

class RobotsTxt {
 public:
  // Rules that allow everything (no robots.txt, or a 4xx answer).
  static RobotsTxt AllowAll();
  // Rules that refuse everything (robots.txt unreachable with a 5xx: RFC 9309 §2.3.1.3).
  static RobotsTxt DisallowAll();
  // Parses `text` for `user_agent` (the product token, e.g. "sluice-fetch"; version and comments
  // after '/' or ' ' are ignored). Never fails: unknown lines are skipped.
  static RobotsTxt Parse(std::string_view text, std::string_view user_agent);

  // `path_and_query` is the URL path with its query, percent-encoded as sent ("/a/b?c=d").
  bool Allowed(std::string_view path_and_query) const;
  // 0 when the group sets none.
  std::chrono::milliseconds crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    std::string pattern;
    bool allow = false;
  };
  static bool Matches(std::string_view pattern, std::string_view path);
  std::vector<Rule> rules_;
  std::chrono::milliseconds crawl_delay_{0};
  bool disallow_all_ = false;
};

}  // namespace sluice::fetch
