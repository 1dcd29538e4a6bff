// Where a store's database is, read from a config section: shared by the `store` stage and the
// `store` source so both understand the same keys (backend, path, dsn, dsn_env). Internal.
#pragma once

#include <functional>
#include <string>

#include "sluice/config.h"
#include "sluice/store/document_store.h"

namespace sluice::store {

// Fills out->backend and out->path or out->dsn. `resolve` makes a relative path absolute; with
// no path the database is <data_dir>/sluice.db. Problems are added to `c` (AddError, naming the
// key); returns false when there was one.
bool ReadStoreLocation(const Config& c, const std::function<std::string(const std::string&)>& resolve,
                       const std::string& data_dir, StoreOptions* out);

}  // namespace sluice::store
