#include "selector.h"

#include <gtest/gtest.h>

namespace sluice::clean::internal {
namespace {

std::string X(const std::string& css) {
  std::string out;
  Status s = CompileSelector(css, &out);
  return s.ok() ? out : "error: " + s.message();
}

TEST(SelectorTest, CssToXPath) {
  EXPECT_EQ(X("#zoom"), "//*[@id='zoom']");
  EXPECT_EQ(X("div.TRS_Editor"), "//div[contains(concat(' ',normalize-space(@class),' '),' TRS_Editor ')]");
  EXPECT_EQ(X("div.box > p"), "//div[contains(concat(' ',normalize-space(@class),' '),' box ')]/p");
  EXPECT_EQ(X("td a"), "//td//a");
  EXPECT_EQ(X("a[href$='.pdf']"), "//a[substring(@href,string-length(@href)-4+1)='.pdf']");
  EXPECT_EQ(X("[data-x^=ab], h1"), "//*[starts-with(@data-x,'ab')] | //h1");
  EXPECT_EQ(X("//div[@id='a']"), "//div[@id='a']");
}

TEST(SelectorTest, Errors) {
  EXPECT_NE(X("div[").find("error"), std::string::npos);
  EXPECT_NE(X("> p").find("error"), std::string::npos);
  EXPECT_NE(X("a:hover").find("error"), std::string::npos);
  EXPECT_NE(X("//div[").find("error"), std::string::npos);
  EXPECT_NE(X("").find("error"), std::string::npos);
}

TEST(SelectorTest, SimpleSelectors) {
  std::string k, i;
  EXPECT_TRUE(SimpleSelector(".TRS_Editor", &k, &i));
  EXPECT_EQ(k, "TRS_Editor");
  EXPECT_TRUE(SimpleSelector("#UCAP-CONTENT", &k, &i));
  EXPECT_EQ(i, "UCAP-CONTENT");
  EXPECT_FALSE(SimpleSelector("div.a", &k, &i));
  EXPECT_FALSE(SimpleSelector(".a .b", &k, &i));
}

}  // namespace
}  // namespace sluice::clean::internal
