#include "sluice/clean/clean_stage.h"

#include <gtest/gtest.h>

#include <map>

#include "sluice/v1/document.pb.h"
#include "test_env.h"

namespace sluice::clean {
namespace {

class CountingCounters : public Counters {
 public:
  void Add(const std::string& name, uint64_t delta) override { counts[name] += delta; }
  std::map<std::string, uint64_t> counts;
};

std::string Page(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/unit/stages/clean/pages/" + name);
}

struct Harness {
  testing::TempDir dir;
  CountingCounters counters;
  StageContext ctx;
  std::unique_ptr<Stage> stage;

  Status Start(const std::string& yaml = "{}") {
    ctx.stage_name = "clean";
    ctx.data_dir = dir.path();
    ctx.config_dir = dir.path();
    ctx.config = Config::Parse(yaml, "test.yaml");
    ctx.counters = &counters;
    SLUICE_RETURN_IF_ERROR(ctx.config.status());
    SLUICE_RETURN_IF_ERROR(CleanStage::Create(ctx, &stage));
    return ctx.config.Finish();
  }
};

v1::Document Doc(const std::string& url, const std::string& raw) {
  v1::Document d;
  d.set_url(url);
  d.set_canonical_url(url);
  d.set_raw(raw);
  return d;
}

TEST(CleanStageTest, FillsTheDocumentAndClearsRaw) {
  Harness h;
  ASSERT_TRUE(h.Start().ok());
  v1::Document d = Doc("http://jyj.example.gov.cn/tzgg/203008/t20300820_1.html", Page("bureau_notice.html"));
  d.mutable_fetch()->set_final_url(d.url());
  ASSERT_TRUE(h.stage->Process(d).ok());
  EXPECT_EQ(d.title(), "示例市教育局关于做好2030年秋季学期开学工作的通知");
  EXPECT_EQ(d.publish_time(), "2030-08-20T15:45:00+08:00");
  EXPECT_EQ(d.publisher(), "示例市教育局办公室");
  EXPECT_EQ(d.document_number(), "示教办〔2030〕15号");
  EXPECT_EQ(d.index_number(), "SL-2030-0815");
  EXPECT_EQ(d.info_category(), "通知");
  EXPECT_EQ(d.column(), "通知公告");
  EXPECT_EQ(d.site_name(), "示例市教育局");
  EXPECT_EQ(d.site_id_code(), "9999000001");
  EXPECT_EQ(d.language(), "zh-Hans");
  ASSERT_EQ(d.attachments_size(), 1);
  EXPECT_EQ(d.attachments(0).url(), "http://jyj.example.gov.cn/attach/2030/notice-form.xlsx");
  EXPECT_EQ(d.attachments(0).type(), "xlsx");
  EXPECT_EQ(d.metadata().at("content_origin"), "known:.TRS_Editor");
  EXPECT_EQ(d.metadata().at("site_domain"), "jyj.example.gov.cn");
  EXPECT_EQ(d.content_hash().size(), 32u);
  EXPECT_NE(d.simhash(), 0u);
  EXPECT_TRUE(d.duplicate_of().empty());
  EXPECT_TRUE(d.raw().empty());
  bool title_origin = false;
  for (const auto& o : d.origins()) title_origin = title_origin || (o.field() == "title" && o.origin() == "meta:ArticleTitle");
  EXPECT_TRUE(title_origin);
  EXPECT_TRUE(h.counters.counts.empty());
}

TEST(CleanStageTest, KeepRaw) {
  Harness h;
  ASSERT_TRUE(h.Start("keep_raw: true").ok());
  v1::Document d = Doc("http://x/a.html", Page("english.html"));
  ASSERT_TRUE(h.stage->Process(d).ok());
  EXPECT_FALSE(d.raw().empty());
}

TEST(CleanStageTest, PermanentFailuresSayWhyAndAreCounted) {
  Harness h;
  ASSERT_TRUE(h.Start().ok());
  v1::Document d = Doc("http://x/c.html", Page("challenge.html"));
  Status s = h.stage->Process(d);
  EXPECT_TRUE(s.IsPermanent());
  EXPECT_EQ(s.message().rfind("challenge:", 0), 0u) << s.message();

  v1::Document flagged = Doc("http://x/412.html", "<html></html>");
  flagged.mutable_fetch()->set_challenge(true);
  flagged.mutable_fetch()->set_status(412);
  s = h.stage->Process(flagged);
  EXPECT_TRUE(s.IsPermanent());
  EXPECT_EQ(s.message().rfind("challenge:", 0), 0u);
  EXPECT_EQ(h.counters.counts["challenge"], 2u);

  v1::Document empty = Doc("http://x/e.html", "");
  s = h.stage->Process(empty);
  EXPECT_TRUE(s.IsPermanent());
  EXPECT_EQ(s.message().rfind("empty:", 0), 0u);

  v1::Document nothing = Doc("http://x/n.html", "<html><body><div><a href=/>首页</a></div></body></html>");
  s = h.stage->Process(nothing);
  EXPECT_TRUE(s.IsPermanent());
  EXPECT_EQ(s.message().rfind("empty:", 0), 0u);
  EXPECT_EQ(h.counters.counts["empty"], 2u);

  v1::Document binary = Doc("http://x/b.pdf", std::string("%PDF-1.4\n\0\0\x01\x02", 14));
  s = h.stage->Process(binary);
  EXPECT_TRUE(s.IsPermanent());
  EXPECT_EQ(s.message().rfind("binary:", 0), 0u);
  EXPECT_EQ(h.counters.counts["binary"], 1u);
}

TEST(CleanStageTest, OversizedPagesAreCutNotRejected) {
  Harness h;
  ASSERT_TRUE(h.Start("max_input_bytes: 4KB").ok());
  std::string page = "<html><body><div>";
  while (page.size() < 20000) page += "<p>一段很长的正文，反复出现，用于检查截断。</p>";
  v1::Document d = Doc("http://x/big.html", page);
  ASSERT_TRUE(h.stage->Process(d).ok());
  EXPECT_LT(d.text().size(), 5000u);
  EXPECT_EQ(h.counters.counts["truncated"], 1u);
}

TEST(CleanStageTest, RepublishedNoticeIsMarkedAcrossWorkersAndRestarts) {
  const std::string body =
      "<p>各市教育局：</p><p>为做好2030年全区中小学暑期安全教育工作，切实保障学生生命安全，现将有关事项通知如下。</p>"
      "<p>一、加强防溺水教育，利用班会、家长会等形式开展警示教育。</p><p>二、加强交通安全教育，严禁学生驾驶无牌机动车。</p>";
  const std::string original = "<html><head><title>关于做好暑期安全教育工作的通知</title></head><body><div class=nav>"
                               "<a href=/>首页</a></div><div id=zoom>" + body + "</div></body></html>";
  const std::string repost = "<html><head><title>【转载】关于做好暑期安全教育工作的通知</title></head><body><table><tr><td>"
                             "<div class=TRS_Editor>" + body + "</div></td></tr></table></body></html>";
  Harness a;
  ASSERT_TRUE(a.Start().ok());
  v1::Document d1 = Doc("http://province.example.gov.cn/a/1.html", original);
  ASSERT_TRUE(a.stage->Process(d1).ok());
  EXPECT_TRUE(d1.duplicate_of().empty());

  // A second worker on the same data directory.
  StageContext ctx2 = a.ctx;
  std::unique_ptr<Stage> worker2;
  ASSERT_TRUE(CleanStage::Create(ctx2, &worker2).ok());
  v1::Document d2 = Doc("http://city.example.gov.cn/b/2.html", repost);
  ASSERT_TRUE(worker2->Process(d2).ok());
  EXPECT_EQ(d2.duplicate_of(), "http://province.example.gov.cn/a/1.html");
  EXPECT_EQ(a.counters.counts["duplicates"], 1u);

  // After a restart the index is still there; the original itself is never its own duplicate.
  a.stage.reset();
  worker2.reset();
  ASSERT_TRUE(CleanStage::Create(a.ctx, &a.stage).ok());
  v1::Document again = Doc("http://province.example.gov.cn/a/1.html", original);
  ASSERT_TRUE(a.stage->Process(again).ok());
  EXPECT_TRUE(again.duplicate_of().empty());
  v1::Document d3 = Doc("http://county.example.gov.cn/c/3.html", repost);
  ASSERT_TRUE(a.stage->Process(d3).ok());
  EXPECT_EQ(d3.duplicate_of(), "http://province.example.gov.cn/a/1.html");
}

TEST(CleanStageTest, ConfigTyposAndBadRulesAreReported) {
  Harness typo;
  Status s = typo.Start("keep_rwa: true");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("keep_rwa"), std::string::npos);

  Harness bad;
  s = bad.Start("rules:\n  - hosts: [a.gov.cn]\n    content: ['div[']\n");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("div["), std::string::npos);
}

TEST(CleanStageTest, ReloadRereadsTheRulesFileAndKeepsTheOldRulesOnError) {
  Harness h;
  const std::string rules = h.dir.File("rules.yaml");
  testing::WriteFile(rules, "rules:\n  - hosts: [example.gov.cn]\n    content: ['#a']\n");
  ASSERT_TRUE(h.Start("rules_file: rules.yaml").ok());
  const std::string page =
      "<html><body><div id=a><p>甲区域的正文，内容较短。</p></div><div id=b><p>乙区域的正文，这一段要长得多，打分器会选择它，"
      "因为它的字数更多，标点也更多，真的很长。</p></div></body></html>";
  v1::Document d = Doc("http://www.example.gov.cn/x.html", page);
  ASSERT_TRUE(h.stage->Process(d).ok());
  EXPECT_EQ(d.text(), "甲区域的正文，内容较短。");

  testing::WriteFile(rules, "rules:\n  - hosts: [example.gov.cn]\n    content: ['#b']\n");
  ASSERT_TRUE(h.stage->Reload().ok());
  d = Doc("http://www.example.gov.cn/x.html", page);
  ASSERT_TRUE(h.stage->Process(d).ok());
  EXPECT_EQ(d.text().substr(0, 9), "乙区域");

  testing::WriteFile(rules, "rules: [ {hosts: [example.gov.cn], content: ['#b[']} ]\n");
  EXPECT_FALSE(h.stage->Reload().ok());
  d = Doc("http://www.example.gov.cn/x.html", page);
  ASSERT_TRUE(h.stage->Process(d).ok());
  EXPECT_EQ(d.text().substr(0, 9), "乙区域");
}

}  // namespace
}  // namespace sluice::clean
