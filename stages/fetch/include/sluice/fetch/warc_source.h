// WarcSource: the `warc` source — replays WARC files through the pipeline at full speed.
//
// Every response record that sluice's crawler annotated with a metadata record (articles) is
// rebuilt with BuildDocument exactly as the crawler built it, so a replayed document is
// byte-identical to the crawled one. Response records of foreign WARCs (no sluice metadata) are
// replayed too when `all_html` is set: 2xx text/html responses, with source "warc".
//
// Config (`config:` of the source):
//   paths: [archive/]     # files or directories (*.warc, *.warc.gz, sorted by name); required
//   all_html: false       # also replay un-annotated text/html 2xx responses
//   batch: 256            # documents emitted per loop turn (keeps the loop responsive)
//
// It honours the ledger's backpressure (Backlogged/WhenReady) and reports Finished() at the end.
// Counters: replayed, skipped_records, corrupt_files.
//
// Thread safety: see Source.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "sluice/source.h"

namespace sluice::fetch {

struct WarcSourceOptions {
  std::vector<std::string> paths;
  bool all_html = false;
  int batch = 256;
  // Reads the section; relative paths resolve against config_dir. InvalidArgument when no path.
  static Status FromConfig(const Config& config, const std::string& config_dir, WarcSourceOptions* out);
};

class WarcSource : public Source {
 public:
  explicit WarcSource(WarcSourceOptions options);
  ~WarcSource() override;
  Status Start(SourceContext& ctx) override;
  void Stop() override;
  bool Finished() const override;
  uint64_t replayed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The WARC files under `paths` (files as given, directories scanned), sorted within directories.
std::vector<std::string> ListWarcFiles(const std::vector<std::string>& paths);

}  // namespace sluice::fetch
