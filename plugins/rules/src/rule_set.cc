#include "sluice/rules/rule_set.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>

namespace sluice::rules {

namespace {

using Strings = std::vector<std::string>;

bool StartsWith(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.compare(0, p.size(), p) == 0; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
bool Contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

template <class Pred>
bool Any(const Strings& list, Pred pred) {
  return std::any_of(list.begin(), list.end(), pred);
}

size_t Count(std::string_view s, std::string_view p, size_t cap) {
  size_t n = 0;
  for (size_t pos = s.find(p); pos != std::string_view::npos && n < cap; pos = s.find(p, pos + p.size())) ++n;
  return n;
}

std::string Trim(std::string_view s) {
  static const std::string_view kSpace[] = {" ", "\t", "\r", "\n", "\u3000", "\u00a0"};
  bool again = true;
  while (again && !s.empty()) {
    again = false;
    for (auto sp : kSpace) {
      if (StartsWith(s, sp)) s.remove_prefix(sp.size()), again = true;
      if (EndsWith(s, sp)) s.remove_suffix(sp.size()), again = true;
    }
  }
  return std::string(s);
}

// The title as suffix rules see it: trailing punctuation and one trailing bracketed remark
// ("…的公示（第二批）") removed.
std::string TitleCore(const std::string& title) {
  std::string t = Trim(title);
  static const std::string_view kTrail[] = {"。", ".", "！", "!", "；", ";"};
  for (auto p : kTrail)
    if (EndsWith(t, p)) t.resize(t.size() - p.size());
  static const std::pair<std::string_view, std::string_view> kBrackets[] = {{"（", "）"}, {"(", ")"}, {"〔", "〕"}, {"【", "】"}};
  for (auto [open, close] : kBrackets) {
    if (!EndsWith(t, close)) continue;
    size_t pos = t.rfind(open);
    if (pos != std::string::npos && pos > 0) t = Trim(t.substr(0, pos));
    break;
  }
  return t;
}

struct DocTypeRule {
  std::string value;
  float score = 0.9f;
  Strings title_prefix, title_suffix, title_contains, not_title_contains, column_contains, column_equals, doc_number_contains;
  std::vector<std::regex> title_regex;
  std::string where;
};

struct TopicRule {
  std::string value;
  Strings keywords, doc_number;
};

struct SiteRule {
  std::string site_id_prefix, domain, level, region;
  float score = 0.8f;
};

constexpr size_t kRegexInputLimit = 600;  // bytes of a title the title_regex rules look at (200 CJK characters)

const Strings kLevels = {"national", "province", "city", "county", "school"};

// Reads the YAML tree with positions; the first error sticks.
class TreeReader {
 public:
  TreeReader(std::string file, const std::string& text) : file_(std::move(file)) {
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) lines_.push_back(text.substr(start, nl - start));
    lines_.push_back(text.substr(start));
  }

  // yaml-cpp counts columns in bytes; people count characters (a CJK character is 3 bytes).
  std::string Position(const YAML::Mark& m) const {
    size_t col = size_t(std::max(0, m.column));
    if (m.line >= 0 && size_t(m.line) < lines_.size()) {
      const std::string& l = lines_[size_t(m.line)];
      size_t chars = 0;
      for (size_t i = 0; i < col && i < l.size(); ++i) chars += (static_cast<unsigned char>(l[i]) & 0xC0) != 0x80;
      col = chars;
    }
    return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(col + 1);
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void Fail(const YAML::Node& at, const std::string& path, const std::string& what) {
    if (!error_.empty()) return;
    error_ = Position(at.Mark()) + ": " + (path.empty() ? "" : path + ": ") + what;
  }
  std::string Where(const YAML::Node& at) const {
    return file_ + ":" + std::to_string(at.Mark().line + 1);
  }

  // Requires a mapping whose keys are all in `known`; reports the first stranger with the
  // closest known key.
  bool Map(const YAML::Node& n, const std::string& path, std::initializer_list<const char*> known) {
    if (!n.IsMap()) {
      Fail(n, path, "expected a mapping");
      return false;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) continue;
      std::string hint;
      size_t best = key.size() / 2 + 2;
      for (const char* k : known) {
        size_t d = Distance(key, k);
        if (d < best) best = d, hint = k;
      }
      Fail(it->first, path, "unknown key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      return false;
    }
    return true;
  }

  std::string String(const YAML::Node& map, const char* key, const std::string& path, const std::string& def = "") {
    const YAML::Node n = map[key];
    if (!n) return def;
    if (!n.IsScalar()) {
      Fail(n, path + "." + key, "expected a single value");
      return def;
    }
    return n.Scalar();
  }

  double Number(const YAML::Node& map, const char* key, const std::string& path, double def) {
    const YAML::Node n = map[key];
    if (!n) return def;
    try {
      if (n.IsScalar()) return n.as<double>();
    } catch (const YAML::Exception&) {
    }
    Fail(n, path + "." + key, "expected a number, got '" + (n.IsScalar() ? n.Scalar() : std::string("a list")) + "'");
    return def;
  }

  // A single string or a list of strings; empty strings are refused (they would match everything).
  Strings List(const YAML::Node& map, const char* key, const std::string& path) {
    Strings out;
    const YAML::Node n = map[key];
    if (!n) return out;
    auto take = [&](const YAML::Node& v) {
      if (!v.IsScalar()) return Fail(v, path + "." + key, "expected text or a list of texts");
      if (v.Scalar().empty()) return Fail(v, path + "." + key, "an empty text would match everything");
      out.push_back(v.Scalar());
    };
    if (n.IsSequence()) {
      for (const auto& v : n) take(v);
    } else {
      take(n);
    }
    return out;
  }

 private:
  static size_t Distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  }
  std::string file_;
  std::vector<std::string> lines_;
  std::string error_;
};

}  // namespace

struct RuleSet::Impl {
  std::unique_ptr<RegionTable> regions;
  Strings national, school, school_units, organs, county_marks;
  std::vector<SiteRule> sites;
  std::vector<DocTypeRule> doc_types;
  std::string doc_type_fallback = "其他";
  std::vector<TopicRule> topics;
  double min_weight = 3, title_weight = 3, doc_number_weight = 3;
  size_t text_cap = 3, max_labels = 6;
  std::string topic_fallback = "其他";

  bool FromName(const std::string& raw, float score, std::vector<RuleLabel>* out, const char* source) const;
  void Issuer(const RuleInput& in, std::vector<RuleLabel>* out) const;
  void DocType(const RuleInput& in, std::vector<RuleLabel>* out) const;
  void Topic(const RuleInput& in, std::vector<RuleLabel>* out) const;
};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;

std::unique_ptr<RuleSet> RuleSet::LoadFile(const std::string& path, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    *error = path + ": rules file does not exist";
    return nullptr;
  }
  std::string text;
  {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    if (!f) {
      *error = path + ": cannot read the rules file";
      return nullptr;
    }
    text = ss.str();
  }
  return Parse(text, path, error);
}

std::unique_ptr<RuleSet> RuleSet::Parse(const std::string& text, const std::string& path, std::string* error) {
  namespace fs = std::filesystem;
  TreeReader r(path, text);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    *error = r.Position(e.mark) + ": YAML syntax error: " + e.msg;
    return nullptr;
  } catch (const YAML::Exception& e) {
    *error = path + ": cannot read rules: " + e.what();
    return nullptr;
  }
  auto set = std::unique_ptr<RuleSet>(new RuleSet());
  Impl& s = *set->impl_;
  set->files_.push_back(path);
  if (!r.Map(root, "", {"version", "regions", "issuer", "doc_type", "topic"})) {
    *error = r.error();
    return nullptr;
  }
  if (r.String(root, "version", "") != "1") r.Fail(root["version"] ? root["version"] : root, "version", "this sluice reads rules version 1");

  // Regions.
  std::string table = r.String(root, "regions", "", "gbt2260.tsv");
  if (r.ok()) {
    fs::path tp(table);
    if (tp.is_relative()) tp = fs::path(path).parent_path() / tp;
    std::string terr;
    s.regions = RegionTable::Load(tp.string(), &terr);
    if (!s.regions) r.Fail(root["regions"] ? root["regions"] : root, "regions", terr);
    set->files_.push_back(tp.string());
  }

  // Issuer.
  if (const YAML::Node n = root["issuer"]; n && r.ok() &&
                                           r.Map(n, "issuer", {"national", "school", "school_units", "organs", "county_marks", "sites"})) {
    s.national = r.List(n, "national", "issuer");
    s.school = r.List(n, "school", "issuer");
    s.school_units = r.List(n, "school_units", "issuer");
    s.organs = r.List(n, "organs", "issuer");
    s.county_marks = r.List(n, "county_marks", "issuer");
    if (const YAML::Node sites = n["sites"]; sites) {
      if (!sites.IsSequence()) r.Fail(sites, "issuer.sites", "expected a list of site rules");
      for (size_t i = 0; r.ok() && sites.IsSequence() && i < sites.size(); ++i) {
        const std::string p = "issuer.sites[" + std::to_string(i) + "]";
        const YAML::Node e = sites[i];
        if (!r.Map(e, p, {"site_id_prefix", "domain", "level", "region", "score"})) break;
        SiteRule sr;
        sr.site_id_prefix = r.String(e, "site_id_prefix", p);
        sr.domain = r.String(e, "domain", p);
        sr.level = r.String(e, "level", p);
        sr.region = r.String(e, "region", p);
        sr.score = float(r.Number(e, "score", p, 0.8));
        if (sr.site_id_prefix.empty() == sr.domain.empty()) r.Fail(e, p, "give exactly one of site_id_prefix or domain");
        else if (std::find(kLevels.begin(), kLevels.end(), sr.level) == kLevels.end())
          r.Fail(e["level"] ? e["level"] : e, p + ".level", "'" + sr.level + "' is not one of national, province, city, county, school");
        else if (!sr.region.empty() && s.regions && !s.regions->ByCode(sr.region))
          r.Fail(e["region"], p + ".region", "'" + sr.region + "' is not a code in the region table");
        s.sites.push_back(std::move(sr));
      }
    }
  }

  // Document types.
  if (const YAML::Node n = root["doc_type"]; n && r.ok() && r.Map(n, "doc_type", {"fallback", "rules"})) {
    s.doc_type_fallback = r.String(n, "fallback", "doc_type", "其他");
    const YAML::Node rules = n["rules"];
    if (rules && !rules.IsSequence()) r.Fail(rules, "doc_type.rules", "expected a list of rules");
    for (size_t i = 0; r.ok() && rules && rules.IsSequence() && i < rules.size(); ++i) {
      const std::string p = "doc_type.rules[" + std::to_string(i) + "]";
      const YAML::Node e = rules[i];
      if (!r.Map(e, p, {"value", "score", "title_prefix", "title_suffix", "title_contains", "not_title_contains", "title_regex",
                        "column_contains", "column_equals", "doc_number_contains"}))
        break;
      DocTypeRule d;
      d.where = r.Where(e);
      d.value = r.String(e, "value", p);
      if (d.value.empty()) r.Fail(e, p, "a rule needs a value");
      d.score = float(r.Number(e, "score", p, 0.9));
      if (!(d.score >= 0 && d.score <= 1)) r.Fail(e["score"], p + ".score", "a score is between 0 and 1");
      d.title_prefix = r.List(e, "title_prefix", p);
      d.title_suffix = r.List(e, "title_suffix", p);
      d.title_contains = r.List(e, "title_contains", p);
      d.not_title_contains = r.List(e, "not_title_contains", p);
      d.column_contains = r.List(e, "column_contains", p);
      d.column_equals = r.List(e, "column_equals", p);
      d.doc_number_contains = r.List(e, "doc_number_contains", p);
      for (const std::string& re : r.List(e, "title_regex", p)) {
        try {
          d.title_regex.emplace_back(re, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& err) {
          r.Fail(e["title_regex"], p + ".title_regex", "'" + re + "' is not a valid regular expression: " + err.what());
        }
      }
      if (r.ok() && d.title_prefix.empty() && d.title_suffix.empty() && d.title_contains.empty() && d.title_regex.empty() &&
          d.column_contains.empty() && d.column_equals.empty() && d.doc_number_contains.empty())
        r.Fail(e, p, "a rule needs at least one condition (title_*, column_*, doc_number_contains)");
      s.doc_types.push_back(std::move(d));
    }
  }

  // Topics.
  if (const YAML::Node n = root["topic"]; n && r.ok() &&
                                          r.Map(n, "topic", {"fallback", "min_weight", "title_weight", "doc_number_weight", "text_cap",
                                                             "max_labels", "rules"})) {
    s.topic_fallback = r.String(n, "fallback", "topic", "其他");
    s.min_weight = r.Number(n, "min_weight", "topic", 3);
    s.title_weight = r.Number(n, "title_weight", "topic", 3);
    s.doc_number_weight = r.Number(n, "doc_number_weight", "topic", 3);
    s.text_cap = size_t(std::max(0.0, r.Number(n, "text_cap", "topic", 3)));
    s.max_labels = size_t(std::max(1.0, r.Number(n, "max_labels", "topic", 6)));
    const YAML::Node rules = n["rules"];
    if (rules && !rules.IsSequence()) r.Fail(rules, "topic.rules", "expected a list of rules");
    for (size_t i = 0; r.ok() && rules && rules.IsSequence() && i < rules.size(); ++i) {
      const std::string p = "topic.rules[" + std::to_string(i) + "]";
      const YAML::Node e = rules[i];
      if (!r.Map(e, p, {"value", "keywords", "doc_number"})) break;
      TopicRule t;
      t.value = r.String(e, "value", p);
      if (t.value.empty()) r.Fail(e, p, "a rule needs a value");
      t.keywords = r.List(e, "keywords", p);
      t.doc_number = r.List(e, "doc_number", p);
      if (r.ok() && t.keywords.empty() && t.doc_number.empty()) r.Fail(e, p, "a topic needs keywords or doc_number fragments");
      s.topics.push_back(std::move(t));
    }
  }
  if (!r.ok()) {
    *error = r.error();
    return nullptr;
  }
  return set;
}

bool RuleSet::Impl::FromName(const std::string& raw, float score, std::vector<RuleLabel>* out, const char* source) const {
  const std::string name = Trim(raw);
  if (name.empty()) return false;
  RegionMatch m = regions->Find(name);
  auto emit = [&](const std::string& level, const Region* region, const std::string& why) {
    out->push_back({"issuer_level", level, score, std::string("issuer_level: ") + source + " " + why});
    if (region) out->push_back({"region", region->code, score, std::string("region: ") + source + " names " + region->name});
    return true;
  };
  const bool school_word = Any(school, [&](const std::string& w) { return Contains(name, w); });
  if (Any(school, [&](const std::string& w) { return EndsWith(name, w); }) ||
      (school_word && Any(school_units, [&](const std::string& w) { return EndsWith(name, w); })))
    return emit("school", m.region, "'" + name + "' is a school");
  for (const std::string& p : national)
    if (StartsWith(name, p)) return emit("national", nullptr, "'" + name + "' starts with " + p);
  if (m.region) {
    std::string_view after = std::string_view(name).substr(m.end);
    bool county = false;
    if (!Any(organs, [&](const std::string& o) { return StartsWith(after, o); })) {
      // A county mark within the next few characters, before any organ word begins.
      size_t limit = 0, chars = 0;
      while (limit < after.size() && chars < 6) {
        unsigned char c = static_cast<unsigned char>(after[limit]);
        limit += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        ++chars;
      }
      std::string_view head = after.substr(0, std::min(limit, after.size()));
      for (const std::string& mark : county_marks) {
        size_t pos = head.find(mark);
        if (pos == std::string_view::npos) continue;
        std::string_view before = head.substr(0, pos);
        if (!Any(organs, [&](const std::string& o) { return Contains(before, o); })) county = true;
      }
    }
    if (county) return emit("county", m.region, "'" + name + "' is a county-level body in " + m.region->name);
    return emit(m.region->province() ? "province" : "city", m.region, "'" + name + "' names " + m.region->name);
  }
  if (school_word) return emit("school", nullptr, "'" + name + "' is a school");
  return false;
}

void RuleSet::Impl::Issuer(const RuleInput& in, std::vector<RuleLabel>* out) const {
  if (FromName(in.publisher, 0.95f, out, "publisher")) return;
  if (FromName(in.site_name, 0.9f, out, "site name")) return;
  const std::string id = Trim(in.site_id_code);
  for (const SiteRule& sr : sites) {
    if (sr.site_id_prefix.empty() || !StartsWith(id, sr.site_id_prefix)) continue;
    out->push_back({"issuer_level", sr.level, sr.score, "issuer_level: site id " + id + " starts with " + sr.site_id_prefix});
    if (!sr.region.empty()) out->push_back({"region", sr.region, sr.score, "region: site id rule"});
    return;
  }
  // A local 网站标识码 is the GB/T 2260 code of its organisation plus four digits.
  if (id.size() == 10 && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::string code = id.substr(0, 6);
    const Region* r = regions->ByCode(code);
    if (!r) r = regions->ByCode(code.substr(0, 4) + "00");
    if (!r) r = regions->ByCode(code.substr(0, 2) + "0000");
    if (r) {
      std::string level = code.compare(2, 4, "0000") == 0 ? "province" : code.compare(4, 2, "00") == 0 ? "city" : "county";
      out->push_back({"issuer_level", level, 0.9f, "issuer_level: site id " + id + " is a " + level + " code"});
      out->push_back({"region", r->code, 0.9f, "region: site id " + id + " → " + r->name});
      return;
    }
  }
  std::string host = Trim(in.site);
  if (host.empty()) {
    // scheme://host/…
    size_t p = in.url.find("://");
    if (p != std::string::npos) host = in.url.substr(p + 3, in.url.find_first_of("/:?#", p + 3) - (p + 3));
  }
  for (const SiteRule& sr : sites) {
    if (sr.domain.empty() || host.empty()) continue;
    if (host == sr.domain || EndsWith(host, "." + sr.domain)) {
      out->push_back({"issuer_level", sr.level, sr.score, "issuer_level: domain " + host + " ends with " + sr.domain});
      if (!sr.region.empty()) out->push_back({"region", sr.region, sr.score, "region: domain rule"});
      return;
    }
  }
}

void RuleSet::Impl::DocType(const RuleInput& in, std::vector<RuleLabel>* out) const {
  const std::string title = Trim(in.title), core = TitleCore(in.title), column = Trim(in.column);
  for (const DocTypeRule& d : doc_types) {
    auto in_title = [&](const std::string& w) { return Contains(title, w); };
    std::string why;
    if (!d.title_prefix.empty()) {
      auto it = std::find_if(d.title_prefix.begin(), d.title_prefix.end(), [&](const std::string& w) { return StartsWith(title, w); });
      if (it == d.title_prefix.end()) continue;
      why += " title prefix " + *it;
    }
    if (!d.title_suffix.empty()) {
      auto it = std::find_if(d.title_suffix.begin(), d.title_suffix.end(), [&](const std::string& w) { return EndsWith(core, w); });
      if (it == d.title_suffix.end()) continue;
      why += " title suffix " + *it;
    }
    if (!d.title_contains.empty()) {
      auto it = std::find_if(d.title_contains.begin(), d.title_contains.end(), in_title);
      if (it == d.title_contains.end()) continue;
      why += " title contains " + *it;
    }
    if (Any(d.not_title_contains, in_title)) continue;
    // std::regex recurses per character: bound the input so a huge title cannot exhaust the stack.
    if (!d.title_regex.empty() &&
        !std::any_of(d.title_regex.begin(), d.title_regex.end(),
                     [&](const std::regex& re) { return std::regex_search(title.substr(0, kRegexInputLimit), re); }))
      continue;
    if (!d.title_regex.empty()) why += " title pattern";
    if (!d.column_contains.empty() && !Any(d.column_contains, [&](const std::string& w) { return Contains(column, w); })) continue;
    if (!d.column_equals.empty() && !Any(d.column_equals, [&](const std::string& w) { return column == w; })) continue;
    if (!d.column_contains.empty() || !d.column_equals.empty()) why += " column " + column;
    if (!d.doc_number_contains.empty() && !Any(d.doc_number_contains, [&](const std::string& w) { return Contains(in.document_number, w); }))
      continue;
    out->push_back({"doc_type", d.value, d.score, "doc_type: rule at " + d.where + ":" + why});
    return;
  }
  if (!doc_type_fallback.empty()) out->push_back({"doc_type", doc_type_fallback, 0.3f, "doc_type: no rule matched"});
}

void RuleSet::Impl::Topic(const RuleInput& in, std::vector<RuleLabel>* out) const {
  struct Scored {
    const TopicRule* rule;
    double weight;
    std::string why;
  };
  std::vector<Scored> hits;
  const std::string title = Trim(in.title);
  for (const TopicRule& t : topics) {
    double w = 0;
    std::string why;
    for (const std::string& k : t.keywords) {
      if (Contains(title, k)) {
        w += title_weight;
        why += " title:" + k;
      }
      if (size_t c = Count(in.text, k, text_cap)) {
        w += double(c);
        why += " text:" + k + "×" + std::to_string(c);
      }
    }
    for (const std::string& f : t.doc_number)
      if (Contains(in.document_number, f)) {
        w += doc_number_weight;
        why += " 发文字号:" + f;
        break;
      }
    if (w >= min_weight) hits.push_back({&t, w, why});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Scored& a, const Scored& b) { return a.weight > b.weight; });
  if (hits.size() > max_labels) hits.resize(max_labels);
  for (const Scored& h : hits) {
    // Confidence grows with the evidence: min_weight → 0.5, twice that → 0.75 …
    float score = float(1 - std::pow(0.5, h.weight / std::max(min_weight, 1e-9)));
    out->push_back({"topic", h.rule->value, std::min(score, 0.99f), "topic:" + h.why});
  }
  if (hits.empty() && !topic_fallback.empty()) out->push_back({"topic", topic_fallback, 0.3f, "topic: no keyword"});
}

void RuleSet::Classify(const RuleInput& in, std::vector<RuleLabel>* out) const {
  impl_->Issuer(in, out);
  impl_->DocType(in, out);
  impl_->Topic(in, out);
}

}  // namespace sluice::rules
