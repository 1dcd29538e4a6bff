// RegionTable: GB/T 2260 administrative divisions (provinces and prefectures) and how to find
// them in an issuer's name ("广西壮族自治区教育厅" → 450000, "梧州市教育局" → 450400).
//
// The table is a TSV file: code<TAB>official name<TAB>short names (comma-separated); '#' starts a
// comment line. Official names match anywhere in a name. A province's short name (广西) matches
// anywhere too; a prefecture's short name (梧州) only at the start of the name or right after its
// province's name, because short city names are common words elsewhere (朝阳, 白山, 中山).
// Among several matches the most specific wins (a prefecture over its province), then the
// earliest.
//
// Thread safety: immutable after Load; Find may be called concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::rules {

struct Region {
  std::string code;  // six digits
  std::string name;  // official name
  bool province() const { return code.size() == 6 && code.compare(2, 4, "0000") == 0; }
  std::string province_code() const { return code.substr(0, 2) + "0000"; }
};

struct RegionMatch {
  const Region* region = nullptr;
  size_t begin = 0, end = 0;  // byte span of the matched name
};

class RegionTable {
 public:
  // Reads the TSV table. Returns nullptr and sets *error ("gbt2260.tsv:12: …") on a malformed
  // line or an unreadable file.
  static std::unique_ptr<RegionTable> Load(const std::string& path, std::string* error);
  static std::unique_ptr<RegionTable> Parse(const std::string& text, const std::string& name, std::string* error);

  // The most specific region named in `text`, or a match with region == nullptr.
  RegionMatch Find(std::string_view text) const;

  // The region with this code, or nullptr.
  const Region* ByCode(const std::string& code) const;

  size_t size() const { return regions_.size(); }

 private:
  struct Name {
    std::string text;
    size_t region;
    bool official;
  };
  std::vector<Region> regions_;
  std::vector<Name> names_;  // longest first
};

}  // namespace sluice::rules
