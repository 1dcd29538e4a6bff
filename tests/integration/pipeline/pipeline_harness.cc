#include "pipeline_harness.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::testing {

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  if (!std::filesystem::exists(db_path)) return 0;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  else if (st == nullptr) v = 0;  // table not created yet
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

PipelineHarness::PipelineHarness() : metrics_port_(FreeTcpPort()) {}

std::string PipelineHarness::WritePipeline(const std::string& body_in, const std::string& extra_header) {
  std::string body = body_in;
  auto replace = [&body](const std::string& from, const std::string& to) {
    for (size_t p; (p = body.find(from)) != std::string::npos;) body.replace(p, from.size(), to);
  };
  replace("{sink_db}", sink_db());
  const char* plugins = std::getenv("SLUICE_TEST_PLUGIN_DIR");
  replace("{plugins}", plugins ? plugins : "");
  std::ostringstream y;
  y << "name: test\n"
    << "data_dir: " << data_dir() << "\n"
    << "log: {level: info, stats_interval: 1s}\n"
    << "metrics: {listen: 127.0.0.1:" << metrics_port_ << "}\n"
    << extra_header << body;
  config_ = tmp_.File("pipeline.yaml");
  WriteFile(config_, y.str());
  return config_;
}

void PipelineHarness::Start(const std::vector<std::string>& args) {
  std::vector<std::string> argv{SluiceBin(), "run", config_};
  argv.insert(argv.end(), args.begin(), args.end());
  run_.Start(argv, {}, tmp_.File("run.log"), tmp_.path());
}

int PipelineHarness::Wait(int timeout_s) {
  int rc = run_.Wait(std::chrono::seconds(timeout_s));
  if (rc == -1) {
    run_.Signal(SIGKILL);
    for (pid_t p : WorkerPids("")) kill(p, SIGKILL);
    run_.Wait(std::chrono::seconds(5));
  }
  return rc;
}

int64_t PipelineHarness::SinkQuery(const std::string& sql) const { return QueryInt(sink_db(), sql); }

int64_t PipelineHarness::LedgerQuery(const std::string& sql, int k) const {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(data_dir(), ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("ledger-", 0) == 0 && name.size() > 3 && name.substr(name.size() - 3) == ".db" &&
        name.find("-" + std::to_string(k) + ".db") != std::string::npos)
      return QueryInt(e.path().string(), sql);
  }
  return -1;
}

std::vector<pid_t> PipelineHarness::WorkerPids(const std::string& name) const {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    std::string cur;
    for (char c : cmd) {
      if (c == '\0') {
        args.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (args.size() >= 4 && args[1] == "stage" && (name.empty() || args[2] == name)) {
      for (size_t i = 3; i + 1 < args.size(); ++i)
        if (args[i] == "--config" && args[i + 1] == config_) out.push_back(pid);
    }
  }
  closedir(d);
  return out;
}

}  // namespace sluice::testing
