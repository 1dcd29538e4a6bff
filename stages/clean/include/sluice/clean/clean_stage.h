// CleanStage: the pipeline stage that turns a fetched page into the notice.
//
// For each Document it runs the ContentExtractor over `raw` (UTF-8, from fetch) and fills title,
// text, publish_time, publisher, document_number, index_number, info_category, column, site_name,
// site_id_code, language, attachments, metadata, origins, content_hash and simhash; marks
// `duplicate_of` when an earlier document with near-identical text (simhash, shared SQLite index
// in the data directory, so every clean worker and every restart agrees) came from another URL;
// and clears `raw` unless `keep_raw` is set. A challenge stub, binary data, an empty body or a
// page with neither text nor attachments is a permanent failure with a reason that says which
// ("challenge: …", "binary: …", "empty: …"), counted under challenge / binary / empty.
//
// Configuration (the stage's `config:` section; every key optional):
//   keep_raw: false            keep the page bytes on the document
//   general_only: false        switch off known containers and site rules (the scorer alone)
//   known_containers: true     try the built-in CMS containers (.TRS_Editor, #zoom, …)
//   containers: []             extra container selectors, tried before the built-in ones
//   rules: []                  per-site rules: {hosts: [...], content: [...], drop: [...], title: sel}
//   rules_file: ""             YAML file with a `rules:` list (re-read on Reload / SIGHUP)
//   normalization: nfc         nfc | nfkc | nfkc_cf | none
//   max_input_bytes: 32MiB     larger pages are cut to this size (counted as "truncated")
//   dedup: {enabled: true, path: clean-simhash.db, max_distance: 3, min_chars: 50}
//
// Thread safety: like every Stage, one object is driven by one thread.
#pragma once

#include <memory>
#include <string>

#include "sluice/clean/content_extractor.h"
#include "sluice/clean/simhash.h"
#include "sluice/config.h"
#include "sluice/stage.h"

namespace sluice::clean {

// Reads the extractor keys of a config section (general_only, known_containers, containers,
// rules, normalization) into `out`, and the rules_file value (as written) into `rules_file`.
// Type errors and bad rules are recorded in `config` for its Finish().
void ReadExtractorOptions(const Config& config, ExtractorOptions* out, std::string* rules_file);

// Appends the `rules:` list of the YAML file at `path` to `out`. Returns the file's syntax or
// validation errors (file:line:col).
Status LoadRulesFile(const std::string& path, std::vector<SiteRule>* out);

struct CleanStageOptions {
  ExtractorOptions extractor;  // rules: the inline ones only
  std::string rules_file;      // resolved path; its rules are added to the inline ones
  bool keep_raw = false;
  int64_t max_input_bytes = 32 << 20;
  bool dedup = true;
  std::string dedup_path;  // resolved
  int dedup_max_distance = 3;
  int dedup_min_chars = 50;
};

class CleanStage : public Stage {
 public:
  // The factory registered as "clean": reads ctx.config, opens the simhash index in
  // ctx.data_dir. Returns the configuration or storage error.
  static Status Create(const StageContext& ctx, std::unique_ptr<Stage>* out);
  // For tests and embedding: a stage from explicit options; `counters` may be null.
  static Status Create(const CleanStageOptions& options, Counters* counters, std::unique_ptr<CleanStage>* out);
  ~CleanStage() override;

  Status Process(v1::Document& doc) override;
  // Re-reads rules_file; on error keeps the current rules and returns the error.
  Status Reload() override;

 private:
  CleanStage(const CleanStageOptions& options, Counters* counters);
  Status BuildExtractor(std::unique_ptr<ContentExtractor>* out) const;
  void Count(const char* name);

  CleanStageOptions options_;
  Counters* counters_;
  std::unique_ptr<ContentExtractor> extractor_;
  std::unique_ptr<SimhashIndex> index_;
};

}  // namespace sluice::clean
