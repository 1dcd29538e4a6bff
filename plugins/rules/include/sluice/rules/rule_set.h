// RuleSet: the `rules` classifier — hand-written rules over a notice's metadata, loaded from a
// YAML file (plugins/rules/data/rules.yaml is the shipped one; see its comments for the format).
//
// Axes and how each is decided:
//   issuer_level, region  from the publisher (来源/发布机构), then the site name: a national
//                         prefix (教育部 …) → national; a school name → school; otherwise the
//                         GB/T 2260 region named in it → province or city (county when a 县/区/旗
//                         follows the region name; the region is then the prefecture's code).
//                         Failing that, the site: 网站标识码 bm… → national, a ten-digit code →
//                         its first six digits as the region; then `issuer.sites` domain rules.
//   doc_type              the first rule whose conditions all hold (title prefix / suffix /
//                         contains / regex, column, 发文字号), else the fallback (其他).
//   topic                 every topic whose weight reaches min_weight: title keyword hits and
//                         发文字号 fragments weigh most, keyword occurrences in the text add up
//                         (capped per keyword); at most max_labels, best first; else the fallback.
//
// Errors in the file — YAML syntax, an unknown key, a wrong type, a bad level, a regular
// expression that does not compile — are reported as "rules.yaml:LINE:COL: path: what", and
// loading fails as a whole.
//
// Thread safety: immutable after loading; Classify may be called concurrently.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "sluice/rules/region_table.h"

namespace sluice::rules {

// What the rules look at: the metadata of one document.
struct RuleInput {
  std::string title, column, publisher, document_number, site_id_code, site_name, site, url, text;
};

struct RuleLabel {
  std::string axis, value;
  float score = 1;
  std::string reason;  // which rule fired, e.g. "doc_type: title suffix 通知" (for --explain and tests)
};

class RuleSet {
 public:
  ~RuleSet();

  // Reads a rules file; relative paths inside it (the region table) resolve against its
  // directory. Returns nullptr and sets *error naming the file, line and column.
  static std::unique_ptr<RuleSet> LoadFile(const std::string& path, std::string* error);

  // Parses rules from `text` as if read from the file `path` (relative paths resolve against its
  // directory).
  static std::unique_ptr<RuleSet> Parse(const std::string& text, const std::string& path, std::string* error);

  // Appends the labels for `in`.
  void Classify(const RuleInput& in, std::vector<RuleLabel>* out) const;

  // Every file this rule set was read from (the rules file and its region table), for watching.
  const std::vector<std::string>& files() const { return files_; }

  struct Impl;

 private:
  RuleSet();
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> files_;
};

}  // namespace sluice::rules
