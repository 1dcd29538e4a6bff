// Tests of pipeline/include/sluice/cli_args.h through the real `sluice` binary: every command
// answers --help with 0 and a usage error with 64 (EX_USAGE), whichever stage registered it.
#include "sluice/cli_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_env.h"

namespace sluice {
namespace {

const std::vector<std::string> kCommands = {"run",   "check",  "top",      "dlq",    "stage",  "proxy",
                                            "fetch", "extract", "segment", "train",  "classify", "eval",
                                            "search", "show",   "export",  "stats"};

TEST(CliArgsTest, EveryCommandExitsWithSluiceCodes) {
  for (const auto& cmd : kCommands) {
    std::string out;
    EXPECT_EQ(testing::RunCommand({testing::SluiceBin(), cmd, "--help"}, &out, std::chrono::seconds(30)), 0)
        << cmd << ": " << out;
    EXPECT_EQ(testing::RunCommand({testing::SluiceBin(), cmd, "--no-such-option"}, &out, std::chrono::seconds(30)),
              kExitUsage)
        << cmd << ": " << out;
    // CLI11 names the first problem it meets: the unknown option, or a required one missing.
    EXPECT_NE(out.find("Run with --help"), std::string::npos) << cmd << " printed no usage error: " << out;
  }
}

TEST(CliArgsTest, ParseArgsGoesOnAfterGoodArguments) {
  CLI::App app;
  int n = 0;
  app.add_option("-n", n);
  const char* argv[] = {"x", "-n", "3"};
  EXPECT_EQ(ParseArgs(app, 3, const_cast<char**>(argv)), -1);
  EXPECT_EQ(n, 3);
}

}  // namespace
}  // namespace sluice
