#include "sluice/json.h"

#include <gtest/gtest.h>

namespace sluice {

TEST(JsonTest, RoundTripsChineseAndEscapes) {
  Json j = Json::Object();
  j.Set("title", "关于做好2024年\"双减\"工作的通知");
  j.Set("n", 42);
  j.Set("score", 0.875);
  j.Set("tags", Json::Array()).Push("通知");
  std::string text = j.Dump();
  EXPECT_EQ(text, R"({"title":"关于做好2024年\"双减\"工作的通知","n":42,"score":0.875,"tags":["通知"]})");
  Json back;
  ASSERT_TRUE(Json::Parse(text, &back).ok());
  EXPECT_EQ(back["title"].AsString(), "关于做好2024年\"双减\"工作的通知");
  EXPECT_EQ(back["n"].AsInt(), 42);
  EXPECT_EQ(back["tags"][0].AsString(), "通知");
  EXPECT_TRUE(back["missing"].is_null());
}

TEST(JsonTest, ParsesUnicodeEscapesAndSurrogates) {
  Json j;
  ASSERT_TRUE(Json::Parse(R"(["\u6559\u80b2", "\ud83d\ude00", null, true, -1.5e2])", &j).ok());
  EXPECT_EQ(j[0].AsString(), "教育");
  EXPECT_EQ(j[1].AsString(), "\xF0\x9F\x98\x80");
  EXPECT_TRUE(j[2].is_null());
  EXPECT_TRUE(j[3].AsBool());
  EXPECT_DOUBLE_EQ(j[4].AsDouble(), -150);
}

TEST(JsonTest, RejectsMalformedInputWithOffset) {
  Json j;
  Status s = Json::Parse(R"({"a": [1, 2,}")", &j);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("byte"), std::string::npos);
  EXPECT_FALSE(Json::Parse("\"\xff\"", &j).ok());
  EXPECT_FALSE(Json::Parse(std::string(2000, '['), &j).ok());
}

TEST(JsonTest, QuoteReplacesInvalidUtf8) {
  std::string out;
  JsonQuote("a\xff" "b\n", out);
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD" "b\\n\"");
}

}  // namespace sluice
