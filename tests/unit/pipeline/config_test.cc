#include "sluice/config.h"

#include <gtest/gtest.h>

namespace sluice {

TEST(ConfigTest, ReadsTypedValuesWithDefaults) {
  Config c = Config::Parse("workers: 3\ninterval: 250ms\nmax: 64MB\nname: clean\nlist: [a, b]\nflag: yes\n", "p.yaml");
  ASSERT_TRUE(c.status().ok());
  EXPECT_EQ(c.GetInt("workers", 1), 3);
  EXPECT_EQ(c.GetDuration("interval", std::chrono::seconds(1)).count(), 250);
  EXPECT_EQ(c.GetBytes("max", 0), 64 * 1024 * 1024);
  EXPECT_EQ(c.GetString("name"), "clean");
  EXPECT_EQ(c.GetStringList("list"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(c.GetBool("flag"));
  EXPECT_EQ(c.GetInt("absent", 7), 7);
  EXPECT_TRUE(c.Finish().ok()) << c.Finish().ToString();
}

TEST(ConfigTest, UnknownKeyNamesFileLineAndSuggestion) {
  Config c = Config::Parse("stages:\n  - name: clean\n    workrs: 2\n", "pipeline.yaml");
  for (const Config& s : c.List("stages")) {
    s.GetString("name");
    s.GetInt("workers", 1);
  }
  Status st = c.Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("pipeline.yaml:3:5"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("stages[0]"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("unknown key \"workrs\" (did you mean \"workers\"?)"), std::string::npos) << st.message();
}

TEST(ConfigTest, TypeErrorsAreCollectedNotThrown) {
  Config c = Config::Parse("workers: two\ninterval: soon\n", "p.yaml");
  EXPECT_EQ(c.GetInt("workers", 1), 1);
  EXPECT_EQ(c.GetDuration("interval", std::chrono::seconds(10)).count(), 10000);
  Status st = c.Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("p.yaml:1:10: workers: expected an integer, got \"two\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("p.yaml:2:11: interval: expected a duration"), std::string::npos) << st.message();
}

TEST(ConfigTest, SyntaxErrorHasPosition) {
  Config c = Config::Parse("a: [1, 2\nb: 3\n", "bad.yaml");
  ASSERT_FALSE(c.status().ok());
  EXPECT_NE(c.status().message().find("bad.yaml:"), std::string::npos);
  EXPECT_NE(c.status().message().find("YAML syntax error"), std::string::npos);
}

TEST(ConfigTest, FinishOnChildChecksOnlyItsSubtree) {
  Config c = Config::Parse("a:\n  x: 1\nb:\n  y: 2\n", "p.yaml");
  Config a = c.Child("a");
  a.GetInt("x", 0);
  EXPECT_TRUE(a.Finish().ok());
  EXPECT_FALSE(c.Finish().ok());  // b was never read
}

TEST(ConfigTest, DumpRedactsSecrets) {
  Config c = Config::Parse("store:\n  dsn: postgresql://u:hunter2@db/x\n  password: hunter2\n  table: docs\n");
  std::string dump = c.Dump();
  EXPECT_EQ(dump.find("hunter2"), std::string::npos) << dump;
  EXPECT_NE(dump.find("docs"), std::string::npos);
}

TEST(ConfigTest, FlattenGivesPluginKeys) {
  Config c = Config::Parse("threshold: 0.5\nkeywords:\n  双减: [校外培训, 作业]\n");
  auto flat = c.Flatten();
  std::map<std::string, std::string> m(flat.begin(), flat.end());
  EXPECT_EQ(m["threshold"], "0.5");
  EXPECT_EQ(m["keywords.双减[0]"], "校外培训");
  EXPECT_EQ(m["keywords.双减[1]"], "作业");
  EXPECT_TRUE(c.Finish().ok());
}

TEST(ConfigTest, ParseDurationAndBytes) {
  EXPECT_EQ(ParseDuration("1.5s")->count(), 1500);
  EXPECT_EQ(ParseDuration("2m")->count(), 120000);
  EXPECT_FALSE(ParseDuration("fast"));
  EXPECT_EQ(*ParseBytes("2KiB"), 2048);
  EXPECT_FALSE(ParseBytes("-1"));
}

}  // namespace sluice
