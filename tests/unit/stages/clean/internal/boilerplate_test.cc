#include "boilerplate.h"

#include <gtest/gtest.h>

namespace sluice::clean::internal {
namespace {

Line L(const std::string& text, int link_chars = 0, bool attachment = false) {
  Line l;
  l.text = text;
  l.chars = CountText(text).chars;
  l.link_chars = link_chars;
  l.attachment = attachment;
  return l;
}

std::string Filter(std::vector<Line> lines, const std::string& title = "", FilterNotes* notes = nullptr) {
  FilterNotes local;
  FilterLines(&lines, title, notes ? notes : &local);
  std::string out;
  for (const Line& l : lines) out += l.text + "|";
  return out;
}

TEST(BoilerplateTest, DropsCreditsPagersPromosAndTheRepeatedTitle) {
  FilterNotes notes;
  std::string out = Filter({L("关于印发某办法的"), L("通知"), L("各单位：请认真执行。"), L("【1】【2】【3】"), L("点击进入专题>>", 8),
                         L("（责任编辑：周雁）"), L("来源：无锡交警")},
                        "关于印发某办法的通知", &notes);
  EXPECT_EQ(out, "各单位：请认真执行。|");
  EXPECT_EQ(notes.source, "无锡交警");
}

TEST(BoilerplateTest, DropsARepeatedSummarySeparatorRulesAndALeadingDocumentNumber) {
  EXPECT_EQ(Filter({L("示教发〔2032〕3号"), L("今天上午，全市教育工作会议召开。"), L("今天上午，全市教育工作会议召开，部署全年工作。"),
                    L("会议要求狠抓落实。"), L("------分隔线----------"), L("＝＝＝＝＝＝")}),
            "今天上午，全市教育工作会议召开，部署全年工作。|会议要求狠抓落实。|");
  // A first line that the next one does not repeat stays; so does a short rule inside a line.
  EXPECT_EQ(Filter({L("各学校："), L("各学校要按时报送。"), L("分数线---见下表")}), "各学校：|各学校要按时报送。|分数线---见下表|");
}

TEST(BoilerplateTest, KeepsContentThatOnlyLooksLikeFurniture) {
  EXPECT_EQ(Filter({L("下届承办单位浙江大学接受会旗并合影"), L("4\t莫建国\t苍梧县教育局\t优秀教育工作者"), L("01"),
                 L("三、准考证打印"), L("市教育局公布了校外培训举报电话0774-3823199，欢迎社会各界监督。")}),
            "下届承办单位浙江大学接受会旗并合影|4\t莫建国\t苍梧县教育局\t优秀教育工作者|01|三、准考证打印|"
            "市教育局公布了校外培训举报电话0774-3823199，欢迎社会各界监督。|");
}

TEST(BoilerplateTest, AttachmentLinesAndTheirLabelGo) {
  EXPECT_EQ(Filter({L("正文第一段。"), L("附件："), L("附件1：名额分配表.xlsx", 12, true), L("2. 报名表.docx", 9, true),
                 L("文件下载："), L("关联文件：")}),
            "正文第一段。|");
  // A plain-text 附件 list (no links) is part of the document.
  EXPECT_EQ(Filter({L("正文第一段。"), L("附件：1. 名额分配表"), L("示例市教育局")}), "正文第一段。|附件：1. 名额分配表|示例市教育局|");
}

TEST(BoilerplateTest, WeChatFooterAndWidgets) {
  EXPECT_EQ(Filter({L("正文第一段，内容。"), L("正文第二段，内容。"), L("正文第三段，内容。"), L("图集"), L("+1"),
                 L("某某发布"), L("扫描下方二维码关注我们"), L("回复【1】查看更多")}),
            "正文第一段，内容。|正文第二段，内容。|正文第三段，内容。|");
}

TEST(BoilerplateTest, PromoLinkGluedToTheLastParagraph) {
  Line l = L("第三方数据行业的整顿仍将持续。返回腾讯网首页>>", 10);
  l.tail_link = std::string("第三方数据行业的整顿仍将持续。").size();
  EXPECT_EQ(Filter({L("第一段，正文。"), l}), "第一段，正文。|第三方数据行业的整顿仍将持续。|");
}

TEST(BoilerplateTest, Labels) {
  std::string_view label, rest;
  ASSERT_TRUE(MatchLabel("（资料来源：参考消息）", {"来源", "资料来源"}, &label, &rest));
  EXPECT_EQ(label, "资料来源");
  EXPECT_EQ(rest, "参考消息）");
  ASSERT_TRUE(MatchLabel("编辑|张三", {"编辑"}, &label, &rest, true));
  EXPECT_FALSE(MatchLabel("编辑|张三", {"编辑"}, &label, &rest, false));
  EXPECT_FALSE(MatchLabel("编辑部收到来信", {"编辑"}, &label, &rest, true));
  EXPECT_TRUE(IsFurniturePhrase("网站标识码：4500000035"));
  EXPECT_FALSE(IsFurniturePhrase("各地要加强网站建设"));
  EXPECT_TRUE(IsMetaLine("发布日期：2025-04-15 10:00　信息来源：梧州市教育局"));
  EXPECT_FALSE(IsMetaLine("公示时间为2025年8月25日至8月29日。公示期间，如有异议请反映。"));
}

}  // namespace
}  // namespace sluice::clean::internal
