#include "sluice/segment/segment_stage.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sluice/v1/document.pb.h"

namespace sluice::segment {

static_assert(static_cast<int>(TokenKind::kWord) == v1::TOKEN_WORD);
static_assert(static_cast<int>(TokenKind::kLatin) == v1::TOKEN_LATIN);
static_assert(static_cast<int>(TokenKind::kNumber) == v1::TOKEN_NUMBER);
static_assert(static_cast<int>(TokenKind::kPunct) == v1::TOKEN_PUNCT);
static_assert(static_cast<int>(TokenKind::kUrl) == v1::TOKEN_URL);
static_assert(static_cast<int>(TokenKind::kDate) == v1::TOKEN_DATE);
static_assert(static_cast<int>(TokenKind::kOther) == v1::TOKEN_OTHER);

// The poll timer lives in a shared object the handler only reaches through a weak pointer, so
// a handler that runs after the stage is gone (cancelled timers still call back) does nothing.
struct SegmentStage::Watch {
  explicit Watch(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  SegmentStage* stage = nullptr;
};

namespace {

void FillTokens(const std::vector<Token>& tokens, google::protobuf::RepeatedPtrField<v1::Token>* out) {
  out->Clear();
  out->Reserve(static_cast<int>(tokens.size()));
  for (const Token& t : tokens) {
    v1::Token* p = out->Add();
    p->set_begin(t.begin);
    p->set_end(t.end);
    p->set_kind(static_cast<v1::TokenKind>(t.kind));
  }
}

}  // namespace

SegmentStageOptions SegmentStage::ReadOptions(const StageContext& ctx) {
  const Config& c = ctx.config;
  SegmentStageOptions o;
  SegmenterOptions& s = o.segmenter;
  auto path = [&](const std::string& key, const std::string& def) {
    const std::string v = c.GetString(key, def);
    return v.empty() ? v : ctx.ResolvePath(v);
  };
  s.dict_path = path("dict", s.dict_path);
  s.lexicon_path = path("lexicon", s.lexicon_path);
  s.user_dict_paths.clear();
  for (const std::string& p : c.GetStringList("user_dicts")) s.user_dict_paths.push_back(ctx.ResolvePath(p));
  const std::string mode = c.GetEnum("hmm", {"names", "all", "off"}, "names");
  ParseHmmMode(mode, &s.hmm);
  s.hmm_dir = path("hmm_model", s.hmm_dir);
  s.split_person_names = c.GetBool("split_person_names", s.split_person_names);
  s.compound_penalty = c.GetDouble("compound_penalty", s.compound_penalty);
  s.split_bias = c.GetDouble("split_bias", s.split_bias);
  s.char_model_weight = c.GetDouble("char_model_weight", s.char_model_weight);
  if (s.compound_penalty < 0) c.AddError("compound_penalty", "must be >= 0");
  o.segment_title = c.GetBool("segment_title", o.segment_title);
  o.watch_interval = c.GetDuration("watch_interval", o.watch_interval);
  o.max_text_bytes = c.GetBytes("max_text_bytes", o.max_text_bytes);
  if (o.max_text_bytes <= 0 || o.max_text_bytes > (int64_t{1} << 31) - 1) {
    c.AddError("max_text_bytes", "must be between 1 byte and 2 GiB");
    o.max_text_bytes = int64_t{16} << 20;
  }
  return o;
}

Status SegmentStage::Create(const StageContext& ctx, std::unique_ptr<Stage>* out) {
  SegmentStageOptions options = ReadOptions(ctx);
  std::unique_ptr<Segmenter> seg;
  const auto t0 = std::chrono::steady_clock::now();
  SLUICE_RETURN_IF_ERROR(Segmenter::Create(options.segmenter, &seg).Annotate("segment"));
  if (ctx.log) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    ctx.log->info("segment: loaded {} words ({} MB) in {} ms, lexicon {}", seg->dictionary().word_count(),
                  seg->dictionary().MemoryBytes() >> 20, ms, seg->version());
  }
  *out = std::make_unique<SegmentStage>(ctx, std::move(options), std::move(seg));
  return Status::OK();
}

SegmentStage::SegmentStage(const StageContext& ctx, SegmentStageOptions options, std::unique_ptr<Segmenter> segmenter)
    : ctx_(ctx), options_(std::move(options)), segmenter_(std::move(segmenter)) {
  RecordStamps();
  if (ctx_.io && options_.watch_interval.count() > 0) {
    watch_ = std::make_shared<Watch>(*ctx_.io);
    watch_->stage = this;
    ArmWatch();
  }
}

SegmentStage::~SegmentStage() {
  if (watch_) {
    watch_->stage = nullptr;
    watch_->timer.cancel();
  }
}

Status SegmentStage::Process(v1::Document& doc) {
  const std::string& text = doc.text();
  if (static_cast<int64_t>(text.size()) > options_.max_text_bytes ||
      static_cast<int64_t>(doc.title().size()) > options_.max_text_bytes) {
    return Status::Permanent("segment: text of " + std::to_string(text.size()) + " bytes exceeds max_text_bytes (" +
                             std::to_string(options_.max_text_bytes) + ")");
  }
  size_t invalid = 0;
  scratch_.clear();
  SLUICE_RETURN_IF_ERROR(segmenter_->Segment(text, &scratch_, &invalid));
  FillTokens(scratch_, doc.mutable_tokens());
  size_t count = scratch_.size();
  if (options_.segment_title) {
    scratch_.clear();
    SLUICE_RETURN_IF_ERROR(segmenter_->Segment(doc.title(), &scratch_, &invalid));
    FillTokens(scratch_, doc.mutable_title_tokens());
    count += scratch_.size();
  }
  doc.set_lexicon_version(segmenter_->version());
  if (ctx_.counters) {
    ctx_.counters->Add("tokens", count);
    if (invalid > 0) ctx_.counters->Add("invalid_utf8_bytes", invalid);
  }
  return Status::OK();
}

Status SegmentStage::Reload() {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Segmenter> fresh;
  Status st = Segmenter::Create(options_.segmenter, &fresh);
  RecordStamps();  // a broken file is reported once, not on every poll until it changes
  if (!st.ok()) {
    if (ctx_.log) ctx_.log->error("segment: reload failed, keeping lexicon {}: {}", segmenter_->version(), st.ToString());
    if (ctx_.counters) ctx_.counters->Add("reload_failed");
    return st.Annotate("segment reload");
  }
  if (ctx_.log) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    ctx_.log->info("segment: reloaded {} words in {} ms, lexicon {} -> {}", fresh->dictionary().word_count(), ms,
                   segmenter_->version(), fresh->version());
  }
  segmenter_ = std::move(fresh);
  if (ctx_.counters) ctx_.counters->Add("reloads");
  return Status::OK();
}

SegmentStage::FileStamp SegmentStage::Stamp(const std::string& path) {
  struct stat st;
  FileStamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.size = static_cast<int64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

std::map<std::string, SegmentStage::FileStamp> SegmentStage::CurrentStamps() const {
  std::map<std::string, FileStamp> stamps;
  for (const std::string& f : segmenter_->files()) stamps[f] = Stamp(f);
  for (const std::string& f : options_.segmenter.user_dict_paths) stamps[f] = Stamp(f);
  return stamps;
}

void SegmentStage::RecordStamps() { stamps_ = CurrentStamps(); }

void SegmentStage::ArmWatch() {
  watch_->timer.expires_after(options_.watch_interval);
  std::weak_ptr<Watch> weak = watch_;
  watch_->timer.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    auto w = weak.lock();
    if (!w || !w->stage) return;
    w->stage->CheckFiles();
  });
}

// A change is acted on once the files have looked the same for a whole interval, so a file
// caught half-written (an editor saving, a deploy copying) is not loaded.
void SegmentStage::CheckFiles() {
  std::map<std::string, FileStamp> now = CurrentStamps();
  if (now == stamps_) {
    pending_.clear();
  } else if (now == pending_) {
    if (ctx_.log) ctx_.log->info("segment: dictionary files changed, reloading");
    (void)Reload();
    pending_.clear();
  } else {
    pending_ = std::move(now);
  }
  ArmWatch();
}

}  // namespace sluice::segment
