// The shipped rules on ../shared/data/sites: the gold metadata of each page (title, column,
// publisher, 发文字号, text) plus the site identity from the page's own meta tags is handed to the
// `rules` plugin through the plugin ABI; doc_type, issuer_level and region must be right on
// ≥ 95 % of the pages; topic precision/recall/F1 are reported.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "sluice/json.h"
#include "sluice/plugin_loader.h"
#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace {

using namespace sluice;
using namespace sluice::testing;

// <meta name="NAME" content="…"> in any letter case (the Hanweb template writes siteIdCode …).
std::string Meta(const std::string& html, const std::string& name) {
  std::smatch m;
  std::regex re("<meta[^>]*name=\"" + name + "\"[^>]*content=\"([^\"]*)\"", std::regex::icase);
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

std::string Label(const v1::Document& d, const std::string& axis) {
  for (const auto& l : d.labels())
    if (l.axis() == axis) return l.value();
  return "";
}

TEST(RulesGoldTest, ShippedRulesOnTheSiteFixtures) {
  const std::string shared = SharedDir();
  const std::string sites = shared + "/data/sites";
  if (shared.empty() || !std::filesystem::exists(sites + "/gold.jsonl"))
    GTEST_SKIP() << "needs ../shared/data/sites (evaluation data, not in the repo)";
  std::shared_ptr<PluginLibrary> lib;
  ASSERT_TRUE(PluginLibrary::Open(RULES_PLUGIN, &lib).ok());
  std::unique_ptr<PluginInstance> rules;
  Status st = lib->Create(Config::Parse("{}"), ".", ".", 0, &rules);  // the shipped rules.yaml
  ASSERT_TRUE(st.ok()) << st.ToString();

  std::istringstream gold(ReadFile(sites + "/gold.jsonl"));
  size_t pages = 0, doc_type_ok = 0, level_ok = 0, region_ok = 0;
  double tp = 0, fp = 0, fn = 0;
  std::string line;
  while (std::getline(gold, line)) {
    Json row;
    ASSERT_TRUE(Json::Parse(line, &row).ok());
    if (!row["title"].is_string()) continue;  // the challenge stub has no metadata
    ++pages;
    const std::string html = ReadFile(sites + "/" + row["path"].AsString());
    v1::Document d;
    d.set_title(row["title"].AsString());
    d.set_column(row["column"].AsString(""));
    d.set_publisher(row["source"].AsString(""));
    d.set_document_number(row["doc_number"].AsString(""));
    d.set_text(row["text"].AsString(""));
    d.set_site_id_code(Meta(html, "SiteIDCode"));
    d.set_site_name(Meta(html, "SiteName"));
    d.set_site(Meta(html, "SiteDomain"));
    d.set_url("http://" + d.site() + row["url_path"].AsString());
    ASSERT_TRUE(rules->Process(d).ok());

    const std::string want_type = row["doc_type"].AsString(), got_type = Label(d, "doc_type");
    const std::string want_level = row["issuer_level"].AsString(), got_level = Label(d, "issuer_level");
    const std::string want_region = row["region_code"].AsString(""), got_region = Label(d, "region");
    doc_type_ok += got_type == want_type;
    level_ok += got_level == want_level;
    region_ok += got_region == want_region;
    std::set<std::string> want_topics, got_topics;
    for (const Json& t : row["topics"].items()) want_topics.insert(t.AsString());
    for (const auto& l : d.labels())
      if (l.axis() == "topic") got_topics.insert(l.value());
    for (const auto& t : got_topics) (want_topics.count(t) ? tp : fp) += 1;
    for (const auto& t : want_topics) fn += !got_topics.count(t);
    if (got_type != want_type || got_level != want_level || got_region != want_region)
      std::printf("  miss %s: doc_type %s/%s level %s/%s region %s/%s\n", row["title"].AsString().c_str(), got_type.c_str(),
                  want_type.c_str(), got_level.c_str(), want_level.c_str(), got_region.c_str(), want_region.c_str());
  }
  ASSERT_GT(pages, 20u);
  const double p = tp / std::max(1.0, tp + fp), r = tp / std::max(1.0, tp + fn);
  std::printf("rules on data/sites (%zu pages): doc_type %.3f, issuer_level %.3f, region %.3f; "
              "topic micro P %.3f R %.3f F1 %.3f\n",
              pages, double(doc_type_ok) / pages, double(level_ok) / pages, double(region_ok) / pages, p, r,
              p + r > 0 ? 2 * p * r / (p + r) : 0.0);
  EXPECT_GE(double(doc_type_ok) / pages, 0.95);
  EXPECT_GE(double(level_ok) / pages, 0.95);
  EXPECT_GE(double(region_ok) / pages, 0.95);
}

}  // namespace
