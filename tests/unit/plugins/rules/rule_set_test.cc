#include "sluice/rules/rule_set.h"

#include <gtest/gtest.h>

#include <map>

#include "test_env.h"

namespace sluice::rules {
namespace {

using sluice::testing::TempDir;
using sluice::testing::WriteFile;

std::unique_ptr<RuleSet> Shipped() {
  std::string error;
  auto r = RuleSet::LoadFile(sluice::testing::SourceDir() + "/plugins/rules/data/rules.yaml", &error);
  EXPECT_TRUE(r) << error;
  return r;
}

std::map<std::string, std::string> Labels(const RuleSet& rules, const RuleInput& in) {
  std::vector<RuleLabel> out;
  rules.Classify(in, &out);
  std::map<std::string, std::string> m;
  for (const auto& l : out) {
    EXPECT_GE(l.score, 0.0f);
    EXPECT_LE(l.score, 1.0f);
    EXPECT_FALSE(l.reason.empty());
    auto& v = m[l.axis];
    v += (v.empty() ? "" : ",") + l.value;
  }
  return m;
}

TEST(RuleSetTest, IssuerFromPublisherThenSiteNameThenSiteIdThenDomain) {
  auto r = Shipped();
  RuleInput in;
  in.publisher = "北京市海淀区教育委员会";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "county");
  EXPECT_EQ(Labels(*r, in)["region"], "110000");
  in.publisher = "国家开放大学";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "school");
  in.publisher = "南京大学招生办公室";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "school");
  EXPECT_EQ(Labels(*r, in)["region"], "320100");
  in.publisher = "教育部学校规划建设发展中心";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "national");
  EXPECT_EQ(Labels(*r, in).count("region"), 0u);

  in.publisher = "本站";
  in.site_name = "四川省教育厅";
  EXPECT_EQ(Labels(*r, in)["region"], "510000");
  in.site_name = "";
  in.site_id_code = "4504000019";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "city");
  EXPECT_EQ(Labels(*r, in)["region"], "450400");
  in.site_id_code = "bm05000001";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "national");
  in.site_id_code = "";
  in.url = "http://www.moe.gov.cn/jyb_xwfb/x.html";
  EXPECT_EQ(Labels(*r, in)["issuer_level"], "national");
  in.url = "http://example.org/";
  EXPECT_EQ(Labels(*r, in).count("issuer_level"), 0u);
}

TEST(RuleSetTest, DocTypeFromTitleAndColumn) {
  auto r = Shipped();
  auto type = [&](const std::string& title, const std::string& column = "") {
    RuleInput in;
    in.title = title;
    in.column = column;
    return Labels(*r, in)["doc_type"];
  };
  EXPECT_EQ(type("关于做好2025年春季学期开学工作的通知"), "通知");
  EXPECT_EQ(type("关于拟推荐名单的公示（第二批）"), "公示");
  EXPECT_EQ(type("2025年秋季学期招生简章"), "招生");
  EXPECT_EQ(type("某某大学2025年公开招聘辅导员公告"), "招聘");
  EXPECT_EQ(type("关于调整考点的公告"), "公告");
  EXPECT_EQ(type("一图读懂《义务教育课程方案》"), "政策解读");
  EXPECT_EQ(type("市教育局召开全市教育系统安全工作会议"), "会议报道");
  EXPECT_EQ(type("全省职业教育工作推进会在南宁召开"), "会议报道");
  EXPECT_EQ(type("我市多所学校开展防溺水安全教育", "教育动态"), "工作动态");
  EXPECT_EQ(type("图解：2024年教育统计数据"), "其他");
  EXPECT_EQ(type("一段没有任何线索的标题"), "其他");
}

TEST(RuleSetTest, TopicsFromKeywordsAndDocumentNumber) {
  auto r = Shipped();
  RuleInput in;
  in.title = "关于做好家庭经济困难学生资助工作的通知";
  in.text = "各中小学要落实国家助学金政策。";
  auto m = Labels(*r, in);
  EXPECT_EQ(m["topic"].substr(0, std::string("学生资助").size()), "学生资助");
  in = RuleInput{};
  in.title = "关于印发工作要点的通知";
  in.document_number = "桂教职成〔2025〕3号";
  EXPECT_EQ(Labels(*r, in)["topic"], "职业教育");
  in = RuleInput{};
  in.title = "一则无关的标题";
  EXPECT_EQ(Labels(*r, in)["topic"], "其他");
}

// A rules file with one mistake per case: the error names the file, line and what is wrong.
TEST(RuleSetTest, MistakesNameFileAndLine) {
  TempDir dir;
  WriteFile(dir.File("gbt2260.tsv"), "450000\t广西壮族自治区\t广西\n");
  auto error_of = [&](const std::string& yaml) {
    WriteFile(dir.File("rules.yaml"), yaml);
    std::string error;
    EXPECT_FALSE(RuleSet::LoadFile(dir.File("rules.yaml"), &error));
    return error;
  };
  const std::string f = dir.File("rules.yaml");
  EXPECT_EQ(error_of("version: 1\ndoc_type:\n  rules:\n    - value: 通知\n      title_sufix: [通知]\n"),
            f + ":5:7: doc_type.rules[0]: unknown key 'title_sufix' (did you mean 'title_suffix'?)");
  EXPECT_EQ(error_of("version: 1\nissuer:\n  sites:\n    - {domain: a.cn, level: provincial}\n"),
            f + ":4:29: issuer.sites[0].level: 'provincial' is not one of national, province, city, county, school");
  EXPECT_NE(error_of("version: 1\ndoc_type:\n  rules:\n    - {value: 会议报道, title_regex: \"(召开\"}\n").find(f + ":4:"),
            std::string::npos);
  EXPECT_NE(error_of("version: 1\ntopic:\n  min_weight: high\n").find(f + ":3:15: topic.min_weight: expected a number"),
            std::string::npos);
  EXPECT_NE(error_of("version: 1\ndoc_type: [\n").find(f + ":"), std::string::npos);
  EXPECT_NE(error_of("version: 1\ndoc_type:\n  rules:\n    - value: 通知\n").find("at least one condition"), std::string::npos);
  EXPECT_NE(error_of("version: 2\n").find("rules version 1"), std::string::npos);
  EXPECT_NE(error_of("version: 1\nregions: missing.tsv\n").find("missing.tsv: cannot open"), std::string::npos);
  std::string error;
  EXPECT_FALSE(RuleSet::LoadFile(dir.File("none.yaml"), &error));
  EXPECT_EQ(error, dir.File("none.yaml") + ": rules file does not exist");
}

}  // namespace
}  // namespace sluice::rules
