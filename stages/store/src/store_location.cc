#include "store_location.h"

#include <cstdlib>

namespace sluice::store {

bool ReadStoreLocation(const Config& c, const std::function<std::string(const std::string&)>& resolve,
                       const std::string& data_dir, StoreOptions* out) {
  std::string backend = c.GetEnum("backend", {"sqlite", "postgres"}, "sqlite");
  out->backend = backend == "postgres" ? Backend::kPostgres : Backend::kSqlite;
  std::string path = c.GetString("path", "");
  std::string dsn = c.GetString("dsn", "");
  std::string dsn_env = c.GetString("dsn_env", "");
  bool ok = true;
  auto error = [&](const char* key, const std::string& msg) {
    c.AddError(key, msg);
    ok = false;
  };
  if (out->backend == Backend::kSqlite) {
    if (!path.empty()) {
      out->path = resolve(path);
    } else if (!data_dir.empty()) {
      out->path = data_dir + "/sluice.db";
    } else {
      error("path", "no path given and the pipeline has no data directory");
    }
  } else {
    if (!dsn_env.empty()) {
      const char* v = std::getenv(dsn_env.c_str());
      if (!v || !*v) {
        error("dsn_env", "environment variable " + dsn_env + " is not set");
      } else {
        dsn = v;
      }
    }
    if (dsn.empty()) error("dsn", "backend postgres needs dsn (or dsn_env)");
    out->dsn = dsn;
  }
  return ok;
}

}  // namespace sluice::store
