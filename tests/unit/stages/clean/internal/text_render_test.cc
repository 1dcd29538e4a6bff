#include "text_render.h"

#include <gtest/gtest.h>

namespace sluice::clean::internal {
namespace {

std::string Render(const std::string& html, std::vector<Line>* out = nullptr) {
  std::unique_ptr<HtmlDocument> d;
  EXPECT_TRUE(HtmlDocument::Parse(html, &d).ok());
  int body = -1;
  for (int i = 0; i < d->size(); ++i)
    if (d->element(i).tag == Tag::kBody) body = i;
  std::vector<Line> lines;
  RenderLines(*d, body, {}, &lines);
  std::string s;
  for (const Line& l : lines) s += l.text + "\n";
  if (out) *out = lines;
  return s;
}

TEST(TextRenderTest, BlocksBreaksAndWhitespace) {
  EXPECT_EQ(Render("<body><p>　　第一段\n  文字</p><div>A  <b>bold</b> text<br>next</div><ul><li>一</li><li>二</li></ul></body>"),
            "第一段文字\nA bold text\nnext\n一\n二\n");
  // An ideographic space inside a line is kept; one at its start is indentation.
  EXPECT_EQ(Render("<body><p>第一章　总　则</p></body>"), "第一章　总　则\n");
}

TEST(TextRenderTest, DataTablesBecomeTabRows) {
  EXPECT_EQ(Render("<body><table><tr><th>序号</th><th>姓名</th></tr><tr><td><p>1</p></td><td>张 <br>三</td></tr>"
                   "<tr><td>2</td><td></td></tr></table><p>后文</p></body>"),
            "序号\t姓名\n1\t张 三\n2\n后文\n");
}

TEST(TextRenderTest, LayoutTablesAreWalkedLikeDivs) {
  EXPECT_EQ(Render("<body><table><tr><td><table><tr><td>菜单</td></tr></table></td><td><p>甲</p><p>乙</p><p>丙</p></td></tr></table></body>"),
            "菜单\n甲\n乙\n丙\n");
}

TEST(TextRenderTest, LineFacts) {
  std::vector<Line> lines;
  Render("<body><p>附件1：<a href='/a/b.pdf'>名额.pdf</a></p><h2>标题</h2><p>正文。<a href='/x'>返回首页&gt;&gt;</a></p></body>", &lines);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].attachment);
  EXPECT_EQ(lines[0].link_chars, 6);
  EXPECT_TRUE(lines[1].heading);
  ASSERT_NE(lines[2].tail_link, std::string::npos);
  EXPECT_EQ(lines[2].text.substr(lines[2].tail_link), "返回首页>>");
}

TEST(TextRenderTest, AttachmentTypes) {
  EXPECT_EQ(AttachmentType("/a/P020240305390671243585.PDF?x=1"), "pdf");
  EXPECT_EQ(AttachmentType("./W0202504.docx"), "docx");
  EXPECT_EQ(AttachmentType("/a/t2024.html"), "");
  EXPECT_EQ(AttachmentType("/a/image.png"), "");
  // Download scripts name the file in the query.
  EXPECT_EQ(AttachmentType("/module/download/downfile.jsp?classid=0&filename=2032-biao.XLSX"), "xlsx");
  EXPECT_EQ(AttachmentType("/down.aspx?file=a.pdf#page=2"), "pdf");
  EXPECT_EQ(AttachmentType("/show.jsp?id=12&page=2"), "");
  EXPECT_EQ(AttachmentType("/a/b.html#x?f=c.pdf"), "");
}

}  // namespace
}  // namespace sluice::clean::internal
