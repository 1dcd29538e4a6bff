// SegmentStage: the `segment` pipeline stage. Fills Document.tokens (byte offsets into
// Document.text), Document.title_tokens (byte offsets into Document.title) and
// Document.lexicon_version, using a Segmenter built from the stage's config.
//
// Config keys (all optional):
//   dict: <path>               base frequency dictionary (default: python3-jieba's dict.txt)
//   lexicon: <path>            curated domain lexicon ("" = none; default: the bundled
//                              share/sluice/segment/education.txt beside the executable)
//   user_dicts: [<path>, …]    user dictionaries, applied after the lexicon
//   hmm: names|all|off         unknown-word model (default names, see segmenter.h)
//   hmm_model: <dir>           HMM parameters (default: python3-jieba's finalseg directory)
//   split_person_names: bool   surname and given name as two words (default true)
//   compound_penalty: <nats>   penalty for compositional dictionary phrases (default 5)
//   split_bias: <nats>         per-word bonus favouring finer segmentation (default 1)
//   char_model_weight: <w>     weight of the HMM character model in word scores (default 0.5)
//   segment_title: bool        also fill title_tokens (default true)
//   watch_interval: <duration> poll the files for changes this often (default 2s; 0 = never)
//   max_text_bytes: <bytes>    longer texts are dead-lettered with a clear reason (default 16MiB)
// Relative paths resolve against the config file's directory.
//
// Reload: Reload() (the runner calls it on SIGHUP) rebuilds the segmenter from the files; the
// file watch calls it when a file's size or modification time changes. A reload that fails
// (missing file, malformed line) is logged with its reason and the stage keeps segmenting with
// the dictionary it had. A change is reloaded once the files have been stable for one interval.
//
// Thread safety: like every Stage, used from the runner's loop thread only; the watch timer
// runs on that same loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sluice/segment/segmenter.h"
#include "sluice/stage.h"

namespace sluice::segment {

struct SegmentStageOptions {
  SegmenterOptions segmenter;
  bool segment_title = true;
  std::chrono::milliseconds watch_interval{2000};
  int64_t max_text_bytes = int64_t{16} << 20;
};

class SegmentStage : public Stage {
 public:
  // Reads every supported key of ctx.config (type errors are collected in the config, reported
  // by its Finish()) and loads the segmenter. Returns the load error, annotated, when the
  // dictionary or the HMM cannot be loaded.
  static Status Create(const StageContext& ctx, std::unique_ptr<Stage>* out);
  static SegmentStageOptions ReadOptions(const StageContext& ctx);

  SegmentStage(const StageContext& ctx, SegmentStageOptions options, std::unique_ptr<Segmenter> segmenter);
  ~SegmentStage() override;

  // Returns Permanent for a text longer than max_text_bytes; otherwise OK.
  Status Process(v1::Document& doc) override;
  // Returns the load error when the files are unusable; the old segmenter then stays in use.
  Status Reload() override;

  const Segmenter& segmenter() const { return *segmenter_; }

 private:
  struct Watch;
  struct FileStamp {
    bool exists = false;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  static FileStamp Stamp(const std::string& path);
  std::map<std::string, FileStamp> CurrentStamps() const;
  void RecordStamps();
  void ArmWatch();
  void CheckFiles();

  StageContext ctx_;
  SegmentStageOptions options_;
  std::unique_ptr<Segmenter> segmenter_;
  std::map<std::string, FileStamp> stamps_;   // as last loaded (or last failed)
  std::map<std::string, FileStamp> pending_;  // a change seen, waiting to settle
  std::shared_ptr<Watch> watch_;
  std::vector<Token> scratch_;
};

}  // namespace sluice::segment
