// `sluice extract` on files written by the test: one file, a directory in both layouts, a GBK
// page that lies about nothing, a republished page and a challenge stub.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "sluice/json.h"
#include "test_env.h"

namespace sluice {
namespace {

std::string Fixture(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/unit/stages/clean/pages/" + name);
}

std::vector<Json> Lines(const std::string& out) {
  std::vector<Json> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    Json j;
    EXPECT_TRUE(Json::Parse(line, &j).ok()) << line;
    rows.push_back(std::move(j));
  }
  return rows;
}

TEST(ExtractCommandTest, OneFilePrintsOneJsonLine) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("notice.html"), Fixture("bureau_notice.html"));
  std::string out;
  ASSERT_EQ(testing::RunCommand({testing::SluiceBin(), "extract", dir.File("notice.html"), "--url",
                                 "http://jyj.example.gov.cn/tzgg/203008/t20300820_1.html"},
                                &out),
            0)
      << out;
  std::vector<Json> rows = Lines(out);
  ASSERT_EQ(rows.size(), 1u) << out;
  const Json& r = rows[0];
  EXPECT_EQ(r["title"].AsString(), "示例市教育局关于做好2030年秋季学期开学工作的通知");
  EXPECT_EQ(r["pub_date"].AsString(), "2030-08-20T15:45:00+08:00");
  EXPECT_EQ(r["doc_number"].AsString(), "示教办〔2030〕15号");
  EXPECT_EQ(r["column"].AsString(), "通知公告");
  ASSERT_EQ(r["attachments"].size(), 1u);
  EXPECT_EQ(r["attachments"][0]["url_path"].AsString(), "/attach/2030/notice-form.xlsx");
  EXPECT_FALSE(r["challenge"].AsBool(true));
  EXPECT_EQ(r["origins"]["title"].AsString(), "meta:ArticleTitle");
}

TEST(ExtractCommandTest, DirectoryInBothLayoutsWithGbkDuplicateAndChallenge) {
  testing::TempDir dir;
  namespace fs = std::filesystem;
  // Site tree: <site>/<path>.
  fs::create_directories(dir.File("a_prov/news"));
  fs::create_directories(dir.File("b_city/art/2030/5/6"));
  const std::string body =
      "<p>各市教育局：</p><p>为做好2030年全区中小学暑期安全教育工作，切实保障学生生命安全，现将有关事项通知如下。</p>"
      "<p>一、加强防溺水教育，利用班会、家长会等形式开展警示教育，落实家校共管责任。</p>"
      "<p>二、加强交通安全教育，严禁学生驾驶无牌无证机动车，做好上下学途中安全提醒。</p>";
  testing::WriteFile(dir.File("a_prov/news/t1.html"),
                     "<html><head><meta charset=utf-8><title>关于做好暑期安全教育工作的通知</title></head><body>"
                     "<div class=nav><a href=/>首页</a></div><div id=zoom>" + body + "</div></body></html>");
  testing::WriteFile(dir.File("b_city/art/2030/5/6/art_1.html"),
                     "<html><head><meta charset=utf-8><title>【转载】关于做好暑期安全教育工作的通知</title></head><body>"
                     "<div class=TRS_Editor>" + body + "</div><p><a href='/attach/0/form.pdf'>附件1：报名表.pdf</a></p></body></html>");
  testing::WriteFile(dir.File("b_city/wait.html"), Fixture("challenge.html"));
  // A GBK page that says so: 教育局通知 = BD CC D3 FD BE D6 CD A8 D6 AA.
  testing::WriteFile(dir.File("b_city/gbk.html"),
                     "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>t</title>"
                     "</head><body><div><p>\xBD\xCC\xD3\xFD\xBE\xD6\xCD\xA8\xD6\xAA\xA3\xAC\xC7\xEB\xD6\xB4\xD0\xD0\xA1\xA3</p>"
                     "</div></body></html>");
  // A loose file: its own site.
  testing::WriteFile(dir.File("loose_page.html"), Fixture("english.html"));
  testing::WriteFile(dir.File("image.png"), std::string("\x89PNG\r\n\x1a\n", 8));

  std::string out;
  ASSERT_EQ(testing::RunCommand({testing::SluiceBin(), "extract", "--jsonl", dir.path()}, &out), 0) << out;
  std::vector<Json> rows = Lines(out);
  ASSERT_EQ(rows.size(), 5u) << out;
  std::map<std::string, Json> by_path;
  for (const Json& r : rows) by_path[r["path"].AsString()] = r;

  const Json& orig = by_path["a_prov/news/t1.html"];
  EXPECT_EQ(orig["site"].AsString(), "a_prov");
  EXPECT_EQ(orig["url_path"].AsString(), "/news/t1.html");
  EXPECT_TRUE(orig["duplicate_of"].is_null());

  const Json& copy = by_path["b_city/art/2030/5/6/art_1.html"];
  EXPECT_EQ(copy["site"].AsString(), "b_city");
  EXPECT_EQ(copy["duplicate_of"].AsString(), "http://a_prov/news/t1.html");
  ASSERT_EQ(copy["attachments"].size(), 1u);
  EXPECT_EQ(copy["attachments"][0]["url_path"].AsString(), "/attach/0/form.pdf");
  EXPECT_EQ(copy["attachments"][0]["name"].AsString(), "报名表.pdf");

  EXPECT_TRUE(by_path["b_city/wait.html"]["challenge"].AsBool());
  EXPECT_EQ(by_path["b_city/gbk.html"]["text"].AsString(), "教育局通知，请执行。");

  const Json& loose = by_path["loose_page.html"];
  EXPECT_EQ(loose["site"].AsString(), "loose_page");
  EXPECT_EQ(loose["url_path"].AsString(), "/loose_page.html");
  EXPECT_EQ(loose["language"].AsString(), "en");
}

TEST(ExtractCommandTest, ErrorsAreClear) {
  std::string out;
  EXPECT_NE(testing::RunCommand({testing::SluiceBin(), "extract", "/nonexistent/page.html"}, &out), 0);
  EXPECT_NE(out.find("cannot read"), std::string::npos) << out;
  EXPECT_NE(testing::RunCommand({testing::SluiceBin(), "extract"}, &out), 0);
  testing::TempDir dir;
  testing::WriteFile(dir.File("x.pdf"), std::string("%PDF-1.4\n\0\0\x01", 12));
  EXPECT_NE(testing::RunCommand({testing::SluiceBin(), "extract", dir.File("x.pdf")}, &out), 0);
  EXPECT_NE(out.find("binary"), std::string::npos) << out;
}

}  // namespace
}  // namespace sluice
