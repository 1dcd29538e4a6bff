// The fetch source inside the real runtime: `sluice run` with the demo site as a service, the
// fetch source (with the ledger) and a passthrough stage. Every initial demo
// notice and the ones published meanwhile are emitted, sent and acked, and the run stops clean.
#include <gtest/gtest.h>

#include <signal.h>

#include <regex>

#include "sluice/fetch/demo_site.h"
#include "pipeline_harness.h"
#include "test_env.h"

namespace sluice::fetch {
namespace {

long Field(const std::string& line, const std::string& key) {
  std::smatch m;
  if (std::regex_search(line, m, std::regex("\\b" + key + "=(\\d+)"))) return std::stol(m[1]);
  return -1;
}

TEST(FetchPipelineTest, DemoSiteThroughTheRealLedger) {
  sluice::testing::TempDir dir;
  int port = sluice::testing::FreeTcpPort();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::string source = DemoSite::SourceConfigYaml(base);
  std::string indented;
  for (size_t b = 0; b < source.size();) {
    size_t e = source.find('\n', b);
    indented += "    " + source.substr(b, e - b) + "\n";
    b = e + 1;
  }
  std::string yaml = "name: fetch-e2e\ndata_dir: " + dir.path() + "/data\nmetrics: {listen: \"\"}\nlog: {stats_interval: 1s}\n"
                     "transport: {base_port: " + std::to_string(20000 + port % 20000) + "}\n"
                     "services:\n  - {name: demo, command: [demo-site, --port, \"" + std::to_string(port) + "\", --publish-every, 700ms]}\n"
                     "source:\n  name: fetch\n  config:\n" + indented +
                     "stages:\n  - {name: passthrough}\n";
  sluice::testing::WriteFile(dir.File("pipeline.yaml"), yaml);
  // Run until the ledger has acked 24 documents (the 22 initial notices and at least two
  // published while running) — however long a loaded machine needs — then drain.
  sluice::testing::ChildProcess run;
  ASSERT_TRUE(run.Start({sluice::testing::SluiceBin(), "run", dir.File("pipeline.yaml")}, {}, dir.File("run.log")));
  bool enough = sluice::testing::WaitFor([&] {
    return sluice::testing::QueryInt(dir.path() + "/data/ledger-fetch-0.db", "SELECT COUNT(*) FROM docs WHERE state = 2") >= 24;
  }, std::chrono::seconds(90));
  run.Signal(SIGTERM);
  int rc = run.Wait(std::chrono::seconds(60));
  std::string out = run.Output();
  ASSERT_TRUE(enough) << out;
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("pipeline stopped (clean)"), std::string::npos) << out;
  // The summary line of the fetch source.
  size_t at = out.find("summary of the whole run");
  ASSERT_NE(at, std::string::npos) << out;
  std::string summary = out.substr(at);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(summary, m, std::regex("stage=fetch [^\\n]*"))) << summary;
  std::string line = m[0];
  EXPECT_GE(Field(line, "articles_new"), 24) << line;  // 22 initial notices + publications
  EXPECT_GE(Field(line, "acked"), 24) << line;
  EXPECT_EQ(Field(line, "errors"), 0) << line;
  EXPECT_EQ(Field(line, "dlq"), 0) << line;
  EXPECT_NE(out.find("published /"), std::string::npos);
}

}  // namespace
}  // namespace sluice::fetch
