#include "sluice/rules/region_table.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice::rules {

std::unique_ptr<RegionTable> RegionTable::Load(const std::string& path, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = path + ": cannot open the region table: " + std::strerror(errno);
    return nullptr;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return Parse(ss.str(), path, error);
}

std::unique_ptr<RegionTable> RegionTable::Parse(const std::string& text, const std::string& name, std::string* error) {
  auto t = std::unique_ptr<RegionTable>(new RegionTable());
  std::istringstream in(text);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) cols.push_back(line.substr(start, tab - start));
    cols.push_back(line.substr(start));
    auto fail = [&](const std::string& why) {
      *error = name + ":" + std::to_string(n) + ": " + why;
      return nullptr;
    };
    if (cols.size() < 2 || cols.size() > 3) return fail("expected code<TAB>name[<TAB>short names]");
    const std::string& code = cols[0];
    if (code.size() != 6 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return fail("'" + code + "' is not a six-digit GB/T 2260 code");
    if (cols[1].empty()) return fail("empty name for " + code);
    if (t->ByCode(code)) return fail("code " + code + " appears twice");
    const size_t idx = t->regions_.size();
    t->regions_.push_back({code, cols[1]});
    t->names_.push_back({cols[1], idx, true});
    if (cols.size() == 3) {
      std::string aliases = cols[2];
      size_t s = 0;
      while (s <= aliases.size()) {
        size_t comma = aliases.find(',', s);
        if (comma == std::string::npos) comma = aliases.size();
        std::string a = aliases.substr(s, comma - s);
        if (!a.empty()) t->names_.push_back({a, idx, false});
        s = comma + 1;
      }
    }
  }
  if (t->regions_.empty()) {
    *error = name + ": the region table is empty";
    return nullptr;
  }
  std::stable_sort(t->names_.begin(), t->names_.end(), [](const Name& a, const Name& b) { return a.text.size() > b.text.size(); });
  return t;
}

const Region* RegionTable::ByCode(const std::string& code) const {
  for (const Region& r : regions_)
    if (r.code == code) return &r;
  return nullptr;
}

RegionMatch RegionTable::Find(std::string_view text) const {
  RegionMatch best;
  auto better = [&](const Region* r, size_t pos) {
    if (!best.region) return true;
    if (best.region->province() != r->province()) return !r->province();  // prefecture beats province
    return pos < best.begin;
  };
  // The provinces named in the text, so "广西梧州…" lets 梧州 count as starting right after 广西.
  std::vector<std::pair<size_t, size_t>> province_ends;  // (end offset, province index)
  for (const Name& n : names_) {
    const Region& r = regions_[n.region];
    if (!r.province()) continue;
    for (size_t pos = text.find(n.text); pos != std::string_view::npos; pos = text.find(n.text, pos + 1))
      province_ends.emplace_back(pos + n.text.size(), n.region);
  }
  for (const Name& n : names_) {
    const Region& r = regions_[n.region];
    for (size_t pos = text.find(n.text); pos != std::string_view::npos; pos = text.find(n.text, pos + 1)) {
      if (!n.official && !r.province()) {
        bool after_province = std::any_of(province_ends.begin(), province_ends.end(), [&](const auto& pe) {
          return pe.first == pos && regions_[pe.second].code.compare(0, 2, r.code, 0, 2) == 0;
        });
        if (pos != 0 && !after_province) continue;
      }
      if (better(&r, pos)) best = {&r, pos, pos + n.text.size()};
    }
  }
  return best;
}

}  // namespace sluice::rules
