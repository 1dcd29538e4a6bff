#include "sluice/fetch/robots.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "ascii.h"

namespace sluice::fetch {

namespace {

std::string_view Trim(std::string_view s) { return TrimAscii(s); }

// Normalises %xx escapes to upper-case hex so "/a%2fb" and "/a%2Fb" compare equal.
std::string NormalizeEscapes(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i + 2 < out.size(); ++i)
    if (out[i] == '%') {
      out[i + 1] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i + 1])));
      out[i + 2] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i + 2])));
    }
  return out;
}

}  // namespace

RobotsTxt RobotsTxt::AllowAll() { return RobotsTxt(); }

RobotsTxt RobotsTxt::DisallowAll() {
  RobotsTxt r;
  r.disallow_all_ = true;
  return r;
}

RobotsTxt RobotsTxt::Parse(std::string_view text, std::string_view user_agent) {
  std::string agent = AsciiLower(user_agent.substr(0, user_agent.find_first_of("/ ")));
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::chrono::milliseconds delay{0};
  };
  std::vector<Group> groups;
  bool last_was_agent = false;
  size_t pos = 0;
  // A UTF-8 BOM is allowed at the start.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = AsciiLower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!last_was_agent || groups.empty()) groups.emplace_back();
      groups.back().agents.push_back(AsciiLower(value));
      last_was_agent = true;
      continue;
    }
    last_was_agent = false;
    if (groups.empty()) continue;
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" with no path allows everything
      groups.back().rules.push_back(Rule{NormalizeEscapes(value), key == "allow"});
    } else if (key == "crawl-delay") {
      double secs = std::atof(std::string(value).c_str());
      if (secs > 0) groups.back().delay = std::chrono::milliseconds(static_cast<int64_t>(secs * 1000));
    }
  }
  // The most specific matching agent token wins; "*" is the fallback. Groups naming the same
  // agent are merged (RFC 9309 §2.2.1).
  size_t best_len = 0;
  bool found = false;
  for (const auto& g : groups)
    for (const auto& a : g.agents)
      if (a != "*" && !a.empty() && agent.rfind(a, 0) == 0 && a.size() > best_len) {
        best_len = a.size();
        found = true;
      }
  RobotsTxt r;
  for (const auto& g : groups) {
    bool take = false;
    for (const auto& a : g.agents) {
      if (found ? (a != "*" && !a.empty() && agent.rfind(a, 0) == 0 && a.size() == best_len) : a == "*") take = true;
    }
    if (!take) continue;
    r.rules_.insert(r.rules_.end(), g.rules.begin(), g.rules.end());
    r.crawl_delay_ = std::max(r.crawl_delay_, g.delay);
  }
  return r;
}

bool RobotsTxt::Matches(std::string_view pattern, std::string_view path) {
  // Iterative wildcard match with backtracking over the last '*'.
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // prefix match
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool RobotsTxt::Allowed(std::string_view path_and_query) const {
  if (disallow_all_) return false;
  std::string path = NormalizeEscapes(path_and_query);
  if (path == "/robots.txt") return true;
  size_t best = 0;
  bool allowed = true, any = false;
  for (const auto& r : rules_) {
    if (!Matches(r.pattern, path)) continue;
    size_t len = r.pattern.size();
    if (!any || len > best || (len == best && r.allow)) {
      best = len;
      allowed = r.allow;
      any = true;
    }
  }
  return allowed;
}

}  // namespace sluice::fetch
