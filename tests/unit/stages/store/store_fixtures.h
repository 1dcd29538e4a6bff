// Test fixtures for the store: notices written for these tests (never taken from shared/data),
// with their segmentation written in by hand, and a throw-away PostgreSQL cluster.
#pragma once

#include <string>
#include <vector>

#include "sluice/store/document_store.h"
#include "sluice/v1/document.pb.h"

namespace sluice::store::testing {

// A Document whose text is `segmented` with the '|' word separators removed and whose tokens
// are those words (byte offsets into the text). Without any '|' the document has no tokens.
// The same for `title` and title_tokens.
v1::Document MakeDoc(const std::string& url, const std::string& title, const std::string& segmented,
                     const std::string& site = "jyt.example.gov.cn", const std::string& publish_time = "2026-01-23");

void AddLabel(v1::Document* doc, const std::string& axis, const std::string& value, float score = 0.9f);

// The fixture corpus (see store_fixtures.cc for what each notice is there to show).
std::vector<v1::Document> FixtureCorpus();

// A throw-away PostgreSQL cluster: initdb into a temporary directory (as user postgres when
// running as root, since initdb and postgres refuse root) and a server on a free 127.0.0.1 port.
class PostgresCluster {
 public:
  PostgresCluster() = default;
  ~PostgresCluster();  // stops the server (immediate) and removes the directory
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // Returns false, with the reason in `why`, when PostgreSQL cannot be started on this machine.
  // Tests run without fsync; `durable` keeps PostgreSQL's defaults (for benchmarks).
  bool Start(std::string* why, bool durable = false);
  // Stops the server (fast shutdown: connections are closed) and starts it again on the same
  // port, for tests of what clients do meanwhile.
  bool StopServer();
  bool StartServer(std::string* why);
  // Creates database `name`; returns false with the reason.
  bool CreateDatabase(const std::string& name, std::string* why);
  std::string Dsn(const std::string& database = "postgres") const;
  int port() const { return port_; }

 private:
  std::vector<std::string> AsPostgres(const std::vector<std::string>& argv) const;
  std::string bin_;
  std::string dir_;
  std::string server_options_;
  int port_ = 0;
  bool running_ = false;
};

// Starts one cluster per test process on first use and creates a fresh database in it for each
// call. Returns "" (and the reason in `why`) when PostgreSQL is unavailable.
std::string FreshPostgresDatabase(std::string* why);

}  // namespace sluice::store::testing
