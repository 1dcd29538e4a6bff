#include "metadata.h"

#include <gtest/gtest.h>

namespace sluice::clean::internal {
namespace {

TEST(MetadataTest, DocumentNumbers) {
  EXPECT_TRUE(IsDocumentNumber("教思政厅函〔2024〕10号"));
  EXPECT_TRUE(IsDocumentNumber("桂政发[2021]35号"));
  EXPECT_TRUE(IsDocumentNumber("梧教发〔2025〕第12号"));
  EXPECT_FALSE(IsDocumentNumber("（桂政发〔2021〕35号）"));
  EXPECT_FALSE(IsDocumentNumber("根据桂政发〔2021〕35号文件精神"));
  EXPECT_FALSE(IsDocumentNumber("〔2021〕35号"));
}

TEST(MetadataTest, FieldLabels) {
  EXPECT_TRUE(IsFieldLabel("索 引 号"));
  EXPECT_TRUE(IsFieldLabel("发布机构"));
  EXPECT_TRUE(IsFieldLabel("成文日期"));
  EXPECT_FALSE(IsFieldLabel("浏览次数"));  // a counter, not a field of the notice
  EXPECT_FALSE(IsFieldLabel("黄磊"));
}

TEST(MetadataTest, Language) {
  EXPECT_EQ(DetectLanguage("关于做好学生资助工作的通知", ""), "zh-Hans");
  EXPECT_EQ(DetectLanguage("關於做好學生資助工作的通知，這個問題們會處理", ""), "zh-Hant");
  EXPECT_EQ(DetectLanguage("The school meals program expands.", "en"), "en");
  EXPECT_EQ(DetectLanguage("", "zh"), "");
}

TEST(MetadataTest, ResolveHref) {
  EXPECT_EQ(ResolveHref("http://a.gov.cn/x/y/t1.html", "./P01.pdf"), "http://a.gov.cn/x/y/P01.pdf");
  EXPECT_EQ(ResolveHref("http://a.gov.cn/x/y/t1.html", "/attach/0/b.pdf"), "http://a.gov.cn/attach/0/b.pdf");
  EXPECT_EQ(ResolveHref("", "/attach/0/b.pdf"), "/attach/0/b.pdf");
}

// Labels in the 信息公开 table and the header line; the values nearest above the text win.
TEST(MetadataTest, LabelledValues) {
  std::unique_ptr<HtmlDocument> d;
  ASSERT_TRUE(HtmlDocument::Parse(
                  "<html><body><table><tr><td>索 引 号：</td><td>000014349/2025-09415</td><td><b>文号：</b></td>"
                  "<td><b>发布日期：</b>2025-04-03</td></tr><tr><td><strong>发布机构</strong></td><td>某某厅</td></tr></table>"
                  "<h1>标题文字在这里</h1><div>发布时间:2019-09-26 10:56:44 来源:证券时报网 作者：张三</div>"
                  "<div id=body><p>正文第一段，有标点。</p></div></body></html>",
                  &d)
                  .ok());
  int body = -1, p = -1;
  for (int i = 0; i < d->size(); ++i) {
    if (const char* id = HtmlDocument::Attr(d->element(i).node, "id"); id && std::string(id) == "body") body = i;
    if (d->element(i).tag == Tag::kP) p = i;
  }
  Extraction ex;
  ex.title = "标题文字在这里";
  FilterNotes notes;
  FindMetadata(*d, body, p, -1, "http://www.example.gov.cn/a/t20190926_1.html", notes, &ex);
  EXPECT_EQ(ex.index_number, "000014349/2025-09415");
  EXPECT_EQ(ex.document_number, "");
  EXPECT_EQ(ex.publisher, "证券时报网");
  EXPECT_EQ(ex.publish_time, "2019-09-26T10:56:44+08:00");
  bool issuer = false;
  for (const auto& [k, v] : ex.metadata) issuer = issuer || (k == "label:发布机构" && v == "某某厅");
  EXPECT_TRUE(issuer);
  EXPECT_EQ(ex.site_domain, "www.example.gov.cn");
}

}  // namespace
}  // namespace sluice::clean::internal
