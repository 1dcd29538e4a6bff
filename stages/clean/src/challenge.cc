#include "challenge.h"

#include <string_view>

namespace sluice::clean::internal {

namespace {

bool Has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

}  // namespace

bool DetectChallenge(const HtmlDocument& doc, std::string* reason) {
  const int visible = doc.body_chars();
  bool sets_cookie = false, reloads = false, ts_runtime = false;
  size_t script_bytes = 0;
  for (std::string_view s : doc.scripts()) {
    script_bytes += s.size();
    sets_cookie = sets_cookie || Has(s, "document.cookie");
    reloads = reloads || Has(s, "location.reload") || Has(s, "location.replace") || Has(s, "location.href=") ||
              Has(s, "location.href =") || Has(s, "window.location=") || Has(s, "window.location =") ||
              Has(s, "location.assign");
    ts_runtime = ts_runtime || Has(s, "$_ts");
  }
  if (visible <= 20 && sets_cookie && reloads) {
    *reason = "empty body; a script sets a cookie and reloads the page";
    return true;
  }
  if (visible <= 20 && ts_runtime) {
    *reason = "empty body; 瑞数 ($_ts) runtime script";
    return true;
  }
  if (visible <= 20 && doc.has_meta_refresh() && script_bytes > 0) {
    *reason = "empty body; meta refresh driven by a script";
    return true;
  }
  if (visible < 300) {
    for (const TextRun& r : doc.runs()) {
      std::string_view t = r.text;
      if (Has(t, "Checking your browser") || Has(t, "checking your browser") || Has(t, "Just a moment...") ||
          Has(t, "请开启JavaScript") || Has(t, "请启用JavaScript") || Has(t, "enable JavaScript and cookies")) {
        *reason = "browser-check interstitial (\"checking your browser\" / \"enable JavaScript\")";
        return true;
      }
    }
  }
  return false;
}

}  // namespace sluice::clean::internal
