#include "date_time.h"

#include <gtest/gtest.h>

namespace sluice::clean::internal {
namespace {

std::string Parse(const std::string& s, bool no_year = false) {
  DateTime dt;
  if (!FindDateTime(s, &dt, no_year)) return "none";
  if (!dt.has_year) return "noyear " + std::to_string(dt.month) + "-" + std::to_string(dt.day) + " " + std::to_string(dt.hour);
  return FormatDateTime(dt);
}

TEST(DateTimeTest, Formats) {
  EXPECT_EQ(Parse("发布日期：2024-03-05 09:30"), "2024-03-05T09:30:00+08:00");
  EXPECT_EQ(Parse("2024/3/5 9:30:15"), "2024-03-05T09:30:15+08:00");
  EXPECT_EQ(Parse("2024.03.05"), "2024-03-05");
  EXPECT_EQ(Parse("时间：2024年3月5日 09时30分"), "2024-03-05T09:30:00+08:00");
  EXPECT_EQ(Parse("2019年06月15日08:18"), "2019-06-15T08:18:00+08:00");
  EXPECT_EQ(Parse("２０２４年３月５日"), "2024-03-05");
  EXPECT_EQ(Parse("2019-10-23T09:10:42+08:00"), "2019-10-23T09:10:42+08:00");
  EXPECT_EQ(Parse("2019-10-23T01:10:42Z"), "2019-10-23T09:10:42+08:00");
  EXPECT_EQ(Parse("2019-10-22T20:00:00-05:00"), "2019-10-23T09:00:00+08:00");
  EXPECT_EQ(Parse("March 3, 2031"), "2031-03-03");
  EXPECT_EQ(Parse("3 Mar 2031 10:20"), "2031-03-03T10:20:00+08:00");
}

TEST(DateTimeTest, WeekdayAndHalfOfTheDayBeforeTheTime) {
  EXPECT_EQ(Parse("2032年3月5日 星期二 10:20"), "2032-03-05T10:20:00+08:00");
  EXPECT_EQ(Parse("2032-03-05（周二）下午3:20"), "2032-03-05T15:20:00+08:00");
  EXPECT_EQ(Parse("发布时间：2032年3月5日 上午9:05"), "2032-03-05T09:05:00+08:00");
  EXPECT_EQ(Parse("2032-03-05 PM 3:20"), "2032-03-05T15:20:00+08:00");
  EXPECT_EQ(Parse("2032-03-05 3:20 pm"), "2032-03-05T15:20:00+08:00");
  EXPECT_EQ(Parse("2032-03-05 中午12:30"), "2032-03-05T12:30:00+08:00");
  EXPECT_EQ(Parse("2032-03-05 星期二"), "2032-03-05");
}

TEST(DateTimeTest, PlaceholderTimesMeanTheDayOnly) {
  EXPECT_EQ(Parse("2007-08-20-23:59:59"), "2007-08-20");
  EXPECT_EQ(Parse("2012-06-24 00:00:00"), "2012-06-24");
}

TEST(DateTimeTest, RejectsNonDates) {
  EXPECT_EQ(Parse("2024年全国教育工作会议"), "none");
  EXPECT_EQ(Parse("电话：0771-5815051"), "none");
  EXPECT_EQ(Parse("2024-13-05"), "none");
  EXPECT_EQ(Parse("2023-02-29"), "none");
  EXPECT_EQ(Parse("桂教基教〔2025〕2号"), "none");
}

TEST(DateTimeTest, NoYearNeedsATime) {
  EXPECT_EQ(Parse("发布时间：01-14 17:58", true), "noyear 1-14 17");
  EXPECT_EQ(Parse("01-14", true), "none");
  EXPECT_EQ(Parse("01-14 17:58"), "none");
}

TEST(DateTimeTest, Urls) {
  DateTime dt;
  ASSERT_TRUE(DateFromUrl("http://www.moe.gov.cn/jyb_xwfb/gzdt_gzdt/202403/t20240305_1118201.html", &dt));
  EXPECT_EQ(FormatDateTime(dt), "2024-03-05");
  ASSERT_TRUE(DateFromUrl("http://jyj.wuzhou.gov.cn/art/2025/2/28/art_1567240_58420173.html", &dt));
  EXPECT_EQ(FormatDateTime(dt), "2025-02-28");
  ASSERT_TRUE(DateFromUrl("https://news.sina.com.cn/c/2019-10-23/doc-iicezuev4202091.shtml", &dt));
  EXPECT_EQ(FormatDateTime(dt), "2019-10-23");
  EXPECT_FALSE(DateFromUrl("http://jyt.gxzf.gov.cn/jyxw/jyyw/t21180436.shtml", &dt));
  EXPECT_FALSE(DateFromUrl("http://host/20241399/a.html", &dt));
}

TEST(DateTimeTest, DateLines) {
  EXPECT_TRUE(IsDateLine("2024年3月5日 星期二"));
  EXPECT_TRUE(IsDateLine("March 3, 2031"));
  EXPECT_FALSE(IsDateLine("2024年3月5日召开全市教育工作会议"));
  EXPECT_FALSE(IsDateLine("没有日期"));
}

}  // namespace
}  // namespace sluice::clean::internal
