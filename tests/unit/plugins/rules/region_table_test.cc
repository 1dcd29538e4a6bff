#include "sluice/rules/region_table.h"

#include <gtest/gtest.h>

#include "test_env.h"

namespace sluice::rules {
namespace {

std::unique_ptr<RegionTable> Shipped() {
  std::string error;
  auto t = RegionTable::Load(sluice::testing::SourceDir() + "/plugins/rules/data/gbt2260.tsv", &error);
  EXPECT_TRUE(t) << error;
  return t;
}

std::string Code(const RegionTable& t, const std::string& name) {
  RegionMatch m = t.Find(name);
  return m.region ? m.region->code : "";
}

TEST(RegionTableTest, ShipsEveryProvinceAndThePrefectures) {
  auto t = Shipped();
  ASSERT_TRUE(t);
  size_t provinces = 0;
  for (const char* c : {"110000", "450000", "450400", "610000", "650000", "820000", "222400", "419001"}) EXPECT_TRUE(t->ByCode(c)) << c;
  for (int p = 11; p <= 82; ++p) provinces += t->ByCode(std::to_string(p) + "0000") != nullptr;
  EXPECT_EQ(provinces, 34u);
  EXPECT_GT(t->size(), 360u);
}

TEST(RegionTableTest, FindsTheMostSpecificRegion) {
  auto t = Shipped();
  EXPECT_EQ(Code(*t, "广西壮族自治区教育厅"), "450000");
  EXPECT_EQ(Code(*t, "广西招生考试院"), "450000");
  EXPECT_EQ(Code(*t, "梧州市教育局"), "450400");
  EXPECT_EQ(Code(*t, "广西壮族自治区梧州市教育局"), "450400");
  EXPECT_EQ(Code(*t, "广西梧州教育"), "450400");  // a short city name right after its province
  EXPECT_EQ(Code(*t, "陕西省教育厅"), "610000");
  EXPECT_EQ(Code(*t, "吉林省教育厅"), "220000");
  EXPECT_EQ(Code(*t, "吉林市教育局"), "220200");
  EXPECT_EQ(Code(*t, "海南州教育局"), "632500");
  EXPECT_EQ(Code(*t, "北京市朝阳区教育委员会"), "110000");  // 朝阳 (辽宁) only where a name begins
  EXPECT_EQ(Code(*t, "教育部"), "");
}

TEST(RegionTableTest, MalformedTablesNameTheLine) {
  std::string error;
  EXPECT_FALSE(RegionTable::Parse("110000\t北京市\n12000\t天津市\n", "t.tsv", &error));
  EXPECT_EQ(error, "t.tsv:2: '12000' is not a six-digit GB/T 2260 code");
  EXPECT_FALSE(RegionTable::Parse("110000\t北京市\n110000\t北京\n", "t.tsv", &error));
  EXPECT_NE(error.find("t.tsv:2: code 110000 appears twice"), std::string::npos);
  EXPECT_FALSE(RegionTable::Parse("# only comments\n", "t.tsv", &error));
  EXPECT_FALSE(RegionTable::Load("/nonexistent/t.tsv", &error));
  EXPECT_NE(error.find("/nonexistent/t.tsv: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace sluice::rules
