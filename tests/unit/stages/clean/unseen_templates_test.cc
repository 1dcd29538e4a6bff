// Templates the extractor was not tuned on: each page in pages/unseen/ has a NAME.gold file with
// the expected metadata and text, written by hand. The text must match at character level
// (LCS F1 over the text without blanks, the measure of shared/tools/eval_extract.py) with
// F1 >= 0.95, and start and end where the gold does (a header or footer line left over is the
// usual failure, and costs little F1 on a long notice); the metadata fields exactly. Both with
// the known containers and with the general scorer alone, since an unseen template usually has
// no known container. Pages are decoded the way `sluice extract` decodes files (GBK too).
//
// NAME.gold:
//   url: http://…            (the page's URL: links resolve against it)
//   title: …                  pub_date: …   source: …   doc_number: …   (empty value = none)
//   attachment: name|url      (zero or more; compared as a set)
//   text:                     (the rest of the file, one paragraph per line)
#include <dirent.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "sluice/clean/content_extractor.h"
#include "sluice/common/charset.h"
#include "test_env.h"

namespace sluice::clean {
namespace {

const std::string& Dir() {
  static const std::string d = testing::SourceDir() + "/tests/unit/stages/clean/pages/unseen/";
  return d;
}

struct Gold {
  std::string url, title, pub_date, source, doc_number, text;
  std::set<std::pair<std::string, std::string>> attachments;
};

Gold ReadGold(const std::string& name) {
  Gold g;
  std::istringstream in(testing::ReadFile(Dir() + name + ".gold"));
  std::string line;
  bool in_text = false;
  while (std::getline(in, line)) {
    if (in_text) {
      if (!g.text.empty()) g.text += '\n';
      g.text += line;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (key == "url") g.url = value;
    else if (key == "title") g.title = value;
    else if (key == "pub_date") g.pub_date = value;
    else if (key == "source") g.source = value;
    else if (key == "doc_number") g.doc_number = value;
    else if (key == "attachment") {
      size_t bar = value.find('|');
      g.attachments.emplace(value.substr(0, bar), bar == std::string::npos ? "" : value.substr(bar + 1));
    } else if (key == "text") in_text = true;
  }
  return g;
}

// Code points of `s` without white space (ASCII blanks, U+00A0, U+3000), as the scorer compares.
std::vector<char32_t> Chars(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000) continue;
    out.push_back(cp);
  }
  return out;
}

double LcsF1(const std::string& got, const std::string& want) {
  std::vector<char32_t> a = Chars(got), b = Chars(want);
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  std::vector<int> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    std::swap(prev, cur);
  }
  double lcs = prev[b.size()];
  double p = lcs / static_cast<double>(a.size()), r = lcs / static_cast<double>(b.size());
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

std::vector<std::string> NonBlankLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!Chars(line).empty()) out.push_back(line);
  return out;
}

std::vector<std::string> PageNames() {
  std::vector<std::string> names;
  if (DIR* d = opendir(Dir().c_str())) {
    while (dirent* e = readdir(d)) {
      std::string f = e->d_name;
      if (f.size() > 5 && f.compare(f.size() - 5, 5, ".gold") == 0) names.push_back(f.substr(0, f.size() - 5));
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class UnseenTemplateTest : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(UnseenTemplateTest, TextAndMetadataMatchTheGold) {
  const auto& [name, general_only] = GetParam();
  const Gold g = ReadGold(name);
  ExtractorOptions o;
  o.known_containers = !general_only;
  o.site_rules = !general_only;
  std::unique_ptr<ContentExtractor> e;
  ASSERT_TRUE(ContentExtractor::Create(o, &e).ok());
  common::DecodedText page;
  ASSERT_TRUE(common::DecodeHtml(testing::ReadFile(Dir() + name + ".html"), "", &page).ok());
  Extraction ex;
  ASSERT_TRUE(e->Extract(page.utf8, g.url, &ex).ok());
  EXPECT_FALSE(ex.challenge);
  const double f1 = LcsF1(ex.text, g.text);
  EXPECT_GE(f1, 0.95) << "text:\n" << ex.text;
  const std::vector<std::string> got_lines = NonBlankLines(ex.text), want_lines = NonBlankLines(g.text);
  ASSERT_FALSE(want_lines.empty());
  ASSERT_FALSE(got_lines.empty());
  EXPECT_EQ(got_lines.front(), want_lines.front()) << "first line: " << got_lines.front();
  EXPECT_EQ(got_lines.back(), want_lines.back()) << "last line: " << got_lines.back();
  EXPECT_EQ(ex.title, g.title);
  EXPECT_EQ(ex.publish_time, g.pub_date);
  EXPECT_EQ(ex.publisher, g.source) << ex.publisher;
  EXPECT_EQ(ex.document_number, g.doc_number);
  std::set<std::pair<std::string, std::string>> got;
  for (const AttachmentLink& a : ex.attachments) got.emplace(a.name, a.url);
  EXPECT_EQ(got, g.attachments);
}

INSTANTIATE_TEST_SUITE_P(Pages, UnseenTemplateTest,
                         ::testing::Combine(::testing::ValuesIn(PageNames()), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<UnseenTemplateTest::ParamType>& info) {
                           return std::get<0>(info.param) + (std::get<1>(info.param) ? "_general" : "_known");
                         });

TEST(UnseenTemplateSetTest, HasAtLeastTenPages) { EXPECT_GE(PageNames().size(), 10u); }

}  // namespace
}  // namespace sluice::clean
