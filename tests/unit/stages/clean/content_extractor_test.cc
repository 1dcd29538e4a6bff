#include "sluice/clean/content_extractor.h"

#include <gtest/gtest.h>

#include <string>

#include "test_env.h"

namespace sluice::clean {
namespace {

std::string Page(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/unit/stages/clean/pages/" + name);
}

std::unique_ptr<ContentExtractor> Make(bool general_only = false, std::vector<SiteRule> rules = {}) {
  ExtractorOptions o;
  o.known_containers = !general_only;
  o.site_rules = !general_only;
  o.rules = std::move(rules);
  std::unique_ptr<ContentExtractor> e;
  EXPECT_TRUE(ContentExtractor::Create(o, &e).ok());
  return e;
}

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string Origin(const Extraction& ex, const std::string& field) {
  for (const auto& [f, o] : ex.origins)
    if (f == field) return o;
  return "";
}

class BureauNoticeTest : public ::testing::TestWithParam<bool> {};

TEST_P(BureauNoticeTest, ExtractsTextAndEveryField) {
  auto e = Make(GetParam());
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("bureau_notice.html"), "http://jyj.example.gov.cn/tzgg/203008/t20300820_1.html", &ex).ok());
  EXPECT_FALSE(ex.challenge);
  EXPECT_EQ(ex.title, "示例市教育局关于做好2030年秋季学期开学工作的通知");
  EXPECT_EQ(Origin(ex, "title"), "meta:ArticleTitle");
  EXPECT_EQ(ex.publish_time, "2030-08-20T15:45:00+08:00");
  EXPECT_EQ(ex.publisher, "示例市教育局办公室");
  EXPECT_EQ(ex.document_number, "示教办〔2030〕15号");
  EXPECT_EQ(ex.index_number, "SL-2030-0815");
  EXPECT_EQ(ex.info_category, "通知");
  EXPECT_EQ(ex.column, "通知公告");
  EXPECT_EQ(ex.site_name, "示例市教育局");
  EXPECT_EQ(ex.site_domain, "jyj.example.gov.cn");
  EXPECT_EQ(ex.site_id_code, "9999000001");
  EXPECT_EQ(ex.language, "zh-Hans");
  ASSERT_EQ(ex.attachments.size(), 1u);
  EXPECT_EQ(ex.attachments[0].name, "开学工作情况统计表.xlsx");
  EXPECT_EQ(ex.attachments[0].url, "http://jyj.example.gov.cn/attach/2030/notice-form.xlsx");
  EXPECT_EQ(ex.attachments[0].type, "xlsx");
  // Body: salutation first, the table as TAB rows, the signature last; no furniture.
  EXPECT_EQ(ex.text.substr(0, ex.text.find('\n')), "各区教育局，市直各学校：");
  EXPECT_TRUE(Has(ex.text, "\n工作事项\t完成时间\n安全检查\t8月28日前\n"));
  EXPECT_TRUE(Has(ex.text, "\n示例市教育局\n2030年8月19日"));
  for (const char* junk : {"附件1", "分享到", "上一篇", "打印", "主办单位", "当前位置", "来源：", "字号"})
    EXPECT_FALSE(Has(ex.text, junk)) << junk;
  // Indentation (U+3000) is not kept at line starts.
  EXPECT_FALSE(Has(ex.text, "\n\xE3\x80\x80"));
}

INSTANTIATE_TEST_SUITE_P(KnownAndGeneral, BureauNoticeTest, ::testing::Values(false, true));

TEST(ContentExtractorTest, GeneralScorerSkipsSidebarCommentsRelatedAndAds) {
  auto e = Make(true);
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("news_with_sidebar.html"), "https://news.example.com/a/1.html", &ex).ok());
  EXPECT_EQ(ex.title, "山区学校用上智慧课堂");
  EXPECT_EQ(ex.publish_time, "2031-03-02T09:15:00+08:00");
  EXPECT_EQ(ex.publisher, "示例日报");
  EXPECT_EQ(ex.content_origin, "scorer");
  EXPECT_TRUE(Has(ex.text, "本报讯（记者 张三）"));
  EXPECT_TRUE(Has(ex.text, "课后服务资源库"));
  for (const char* junk : {"夏令营", "寄宿制学校", "这是好事啊", "招生政策", "责任编辑", "版权所有"})
    EXPECT_FALSE(Has(ex.text, junk)) << junk;
}

TEST(ContentExtractorTest, OldTableLayoutWithBreaks) {
  auto e = Make(true);
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("layout_table_br.html"), "", &ex).ok());
  EXPECT_EQ(ex.title, "关于举办全县中小学生运动会的通知");
  EXPECT_EQ(ex.publish_time, "2029-05-06T10:20:00+08:00");
  EXPECT_EQ(ex.text,
            "各乡镇中心学校、县直各学校：\n"
            "为推进阳光体育运动，经研究，决定于2029年5月20日至22日举办全县中小学生运动会。现将有关事项通知如下：\n"
            "一、比赛项目：田径、跳绳、拔河三大类。\n"
            "二、参赛办法：各校组队参加，每队运动员不超过二十人。\n"
            "三、报名时间：5月15日前将报名表报县教育局体卫艺股。\n"
            "示例县教育局\n"
            "2029年5月6日");
}

TEST(ContentExtractorTest, MalformedNestingKeepsEveryParagraphAndDropsTheRest) {
  auto e = Make(true);
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("malformed.html"), "", &ex).ok());
  EXPECT_EQ(ex.text,
            "各学校：\n为切实保障师生饮食安全，现就加强校园食品安全管理有关事项通知如下。\n"
            "一、落实校长负责制，学校主要负责人是食品安全第一责任人。\n"
            "二、严格执行陪餐制度，学校负责人每餐与学生共同用餐并做好记录。");
}

TEST(ContentExtractorTest, ANoticeThatIsOnlyATable) {
  auto e = Make(true);
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("table_only.html"), "", &ex).ok());
  EXPECT_EQ(ex.text.substr(0, ex.text.find('\n')), "序号\t姓名\t性别\t岗位");
  EXPECT_TRUE(Has(ex.text, "\n8\t黄磊\t男\t信息技术教师\n公示期：7月1日至7月7日")) << ex.text;
  EXPECT_FALSE(Has(ex.text, "本网站由"));
  EXPECT_EQ(ex.publish_time, "2030-07-01");
}

TEST(ContentExtractorTest, PromotionsAndSiteNoticesAroundAShortArticle) {
  auto e = Make(true);
  Extraction ex;
  ASSERT_TRUE(e->Extract("<html><head><title>某某学校开展消防演练_示例网</title></head><body><div class=nav><a href=/>首页</a>"
                         "<a href=/x>新闻</a></div><h1>某某学校开展消防演练</h1><div class=con><p>近日，某某学校组织全体师生开展"
                         "消防疏散演练。</p><div class=promo><p>【推广】暑期研学营火热报名中，名额有限，先到先得，详情请拨打咨询电话"
                         "了解，机会难得！</p></div><p>演练结束后，消防员为师生讲解了灭火器的使用方法。</p></div><div class=about>"
                         "<p>本站所有内容仅供学习交流使用，未经授权不得转载。如需转载请注明出处，并与本站联系取得授权。</p></div>"
                         "</body></html>",
                         "", &ex)
                  .ok());
  EXPECT_EQ(ex.text, "近日，某某学校组织全体师生开展消防疏散演练。\n演练结束后，消防员为师生讲解了灭火器的使用方法。");
}

TEST(ContentExtractorTest, LogoHeadingIsNotTheTitleAndAOneParagraphNoticeKeepsItsSignature) {
  std::string nav;
  for (int i = 0; i < 40; ++i) nav += "<li><a href=/n" + std::to_string(i) + ">栏目" + std::to_string(i) + "</a></li>";
  const std::string page =
      "<html><head><title>关于开展2030年暑期安全教育的通知_示例市教育局</title></head><body><div class=header><h1>"
      "<a href=/>示例市教育局</a></h1><ul>" + nav + "</ul></div><div class=box><div class=text><p>各学校：</p><p>暑期将至，"
      "请各校认真开展安全教育，确保学生安全。</p><p>特此通知。</p><p>示例市教育局</p><p>2030年7月1日</p></div></div></body></html>";
  Extraction ex;
  ASSERT_TRUE(Make(true)->Extract(page, "", &ex).ok());
  EXPECT_EQ(ex.title, "关于开展2030年暑期安全教育的通知");
  EXPECT_EQ(ex.text, "各学校：\n暑期将至，请各校认真开展安全教育，确保学生安全。\n特此通知。\n示例市教育局\n2030年7月1日");
}

TEST(ContentExtractorTest, EnglishPage) {
  auto e = Make();
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("english.html"), "", &ex).ok());
  EXPECT_EQ(ex.language, "en");
  EXPECT_EQ(ex.title, "School Meals Program Expands");
  EXPECT_EQ(ex.publish_time, "2031-03-03");
  EXPECT_EQ(ex.text.substr(0, 28), "The free school meals progra");
  EXPECT_FALSE(Has(ex.text, "All rights reserved"));
}

TEST(ContentExtractorTest, ChallengeStubIsReportedNotExtracted) {
  auto e = Make();
  Extraction ex;
  ASSERT_TRUE(e->Extract(Page("challenge.html"), "", &ex).ok());
  EXPECT_TRUE(ex.challenge);
  EXPECT_FALSE(ex.challenge_reason.empty());
  EXPECT_TRUE(ex.text.empty());
}

TEST(ContentExtractorTest, SecondTopLevelHtmlElementKeepsTheArticle) {
  auto e = Make(true);
  Extraction ex;
  std::string page =
      "<html><head><title>关于印发某某办法的通知_示例网</title></head><body><div class=nav><a href=/>首页</a>"
      "<a href=/a>要闻</a></div></body></html><!-- end header -->\n"
      "<html><body><div class=content><div id=text><p>各有关单位：</p>"
      "<p>现将《某某办法》印发给你们，请结合实际认真贯彻执行。执行中遇到的问题，请及时反馈。</p></div></div>"
      "</body></html>";
  ASSERT_TRUE(e->Extract(page, "", &ex).ok());
  EXPECT_TRUE(Has(ex.text, "请结合实际认真贯彻执行")) << ex.text;
  EXPECT_EQ(ex.title, "关于印发某某办法的通知");
}

TEST(ContentExtractorTest, SiteRulesKeepAndDrop) {
  SiteRule rule;
  rule.hosts = {"example.gov.cn"};
  rule.content = {"div.box > .main"};
  rule.drop = {"//p[@class='note']"};
  rule.title = "#t";
  auto e = Make(false, {rule});
  std::string page =
      "<html><body><h1>页面大标题</h1><div id=t>规则指定的标题</div><div class=box><div class=main><p>第一段正文内容，足够长的一句话。</p>"
      "<p class=note>编者按：这一段应当被规则删除，虽然它看起来也像正文。</p><p>第二段正文。</p></div></div>"
      "<div class=other><p>另一个区域里更长的一段文字，打分器本来会更喜欢它，因为它更长，而且有很多标点符号，真的很长很长很长。</p></div>"
      "</body></html>";
  Extraction ex;
  ASSERT_TRUE(e->Extract(page, "http://www.example.gov.cn/a.html", &ex).ok());
  EXPECT_EQ(ex.text, "第一段正文内容，足够长的一句话。\n第二段正文。");
  EXPECT_EQ(ex.title, "规则指定的标题");
  EXPECT_EQ(ex.content_origin, "rule:div.box > .main");
  // Another host: the rule does not apply.
  ASSERT_TRUE(e->Extract(page, "http://other.example.com/a.html", &ex).ok());
  EXPECT_TRUE(Has(ex.text, "另一个区域"));
}

TEST(ContentExtractorTest, RejectsBadSelectorsAndNormalisation) {
  std::unique_ptr<ContentExtractor> e;
  ExtractorOptions o;
  SiteRule r;
  r.hosts = {"*"};
  r.content = {"div[unclosed"};
  o.rules = {r};
  Status s = ContentExtractor::Create(o, &e);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "div[unclosed"));
  o.rules.clear();
  o.normalization = "nfd";
  EXPECT_FALSE(ContentExtractor::Create(o, &e).ok());
}

TEST(ContentExtractorTest, NfkcIsOptInAndNfcKeepsFullWidthPunctuation) {
  std::string page = "<html><body><div><p>第一条（目的）为了规范管理，制定本办法：ＡＢＣ１２３。</p></div></body></html>";
  Extraction ex;
  ASSERT_TRUE(Make()->Extract(page, "", &ex).ok());
  EXPECT_EQ(ex.text, "第一条（目的）为了规范管理，制定本办法：ＡＢＣ１２３。");
  ExtractorOptions o;
  o.normalization = "nfkc";
  std::unique_ptr<ContentExtractor> e;
  ASSERT_TRUE(ContentExtractor::Create(o, &e).ok());
  ASSERT_TRUE(e->Extract(page, "", &ex).ok());
  EXPECT_EQ(ex.text, "第一条(目的)为了规范管理,制定本办法:ABC123。");
}

// --- bad input: a clear error or a best effort, never a crash or a hang ---

TEST(ContentExtractorBadInputTest, EmptyInput) {
  Extraction ex;
  Status s = Make()->Extract("", "", &ex);
  if (s.ok()) EXPECT_TRUE(ex.text.empty());
  else EXPECT_FALSE(s.message().empty());
  ASSERT_TRUE(Make()->Extract("<html><body></body></html>", "", &ex).ok());
  EXPECT_TRUE(ex.text.empty());
  EXPECT_FALSE(ex.challenge);
}

TEST(ContentExtractorBadInputTest, BinaryDataIsAnError) {
  Extraction ex;
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  Status s = Make()->Extract(png, "", &ex);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "binary"));
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919) % 256);
  EXPECT_FALSE(Make()->Extract(noise, "", &ex).ok());
  EXPECT_TRUE(LooksBinary(noise));
  EXPECT_FALSE(LooksBinary(Page("bureau_notice.html")));
}

TEST(ContentExtractorBadInputTest, InvalidUtf8IsRepaired) {
  Extraction ex;
  std::string page = "<html><body><div><p>教育部\xff\xfe通知：请各单位认真执行，按时报送材料。\xc3</p></div></body></html>";
  ASSERT_TRUE(Make()->Extract(page, "", &ex).ok());
  EXPECT_TRUE(Has(ex.text, "教育部\xEF\xBF\xBD\xEF\xBF\xBD通知")) << ex.text;
  EXPECT_TRUE(Has(ex.text, "按时报送材料。"));
}

TEST(ContentExtractorBadInputTest, TenThousandLevelsOfNesting) {
  std::string page = "<html><body>";
  for (int i = 0; i < 10000; ++i) page += "<div>";
  page += "<p>嵌套很深的正文，仍然应当被提取出来，而且不会崩溃。</p>";
  for (int i = 0; i < 10000; ++i) page += "</div>";
  page += "</body></html>";
  Extraction ex;
  ASSERT_TRUE(Make()->Extract(page, "", &ex).ok());
  EXPECT_EQ(ex.text, "嵌套很深的正文，仍然应当被提取出来，而且不会崩溃。");
  // Unclosed, inline this time.
  std::string spans = "<html><body><p>开头，一段文字。";
  for (int i = 0; i < 10000; ++i) spans += "<span><b>";
  spans += "结尾，另一段文字。";
  ASSERT_TRUE(Make()->Extract(spans, "", &ex).ok());
  EXPECT_TRUE(Has(ex.text, "结尾，另一段文字。"));
}

TEST(ContentExtractorBadInputTest, TwentyMegabytePage) {
  std::string page = "<html><head><title>很长的页面</title></head><body><div class=nav><a href=/>首页</a></div><div id=main>";
  const std::string para = "<p>这是一个很长的页面中的一段正文，用来检查二十兆字节的输入不会让提取器崩溃或者挂起。</p>\n";
  while (page.size() < (20u << 20)) page += para;
  page += "</div></body></html>";
  Extraction ex;
  ASSERT_TRUE(Make()->Extract(page, "", &ex).ok());
  EXPECT_GT(ex.text.size(), 15u << 20);
  EXPECT_EQ(ex.title, "很长的页面");
}

}  // namespace
}  // namespace sluice::clean
