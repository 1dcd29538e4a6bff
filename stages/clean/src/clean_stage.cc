#include "sluice/clean/clean_stage.h"

#include <xxhash.h>

#include <cstdio>
#include <filesystem>

#include "sluice/v1/document.pb.h"
#include "sluice/common/charset.h"

namespace sluice::clean {

namespace {

std::string Resolve(const std::string& base, const std::string& path) {
  if (path.empty() || path[0] == '/' || base.empty()) return path;
  return (std::filesystem::path(base) / path).string();
}

void ReadRules(const Config& list_owner, std::vector<SiteRule>* out) {
  for (const Config& r : list_owner.List("rules")) {
    SiteRule rule;
    rule.hosts = r.GetStringList("hosts");
    rule.content = r.GetStringList("content");
    rule.drop = r.GetStringList("drop");
    rule.title = r.GetString("title");
    if (rule.hosts.empty()) {
      r.AddError("hosts", "a rule needs hosts (use \"*\" for every site)");
      continue;
    }
    out->push_back(std::move(rule));
  }
}

// A UTF-8-safe cut at `max` bytes.
void TruncateUtf8(std::string* s, size_t max) {
  if (s->size() <= max) return;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xC0) == 0x80) --cut;
  s->resize(cut);
}

std::string Hex128(std::string_view text) {
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

int NonBlankChars(std::string_view s) {
  int n = 0;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80 && u != ' ' && u != '\n' && u != '\t' && u != '\r') ++n;
  }
  return n;
}

}  // namespace

void ReadExtractorOptions(const Config& config, ExtractorOptions* out, std::string* rules_file) {
  bool general_only = config.GetBool("general_only", false);
  out->known_containers = config.GetBool("known_containers", true) && !general_only;
  out->site_rules = !general_only;
  out->extra_containers = config.GetStringList("containers");
  out->normalization = config.GetEnum("normalization", {"nfc", "nfkc", "nfkc_cf", "none"}, "nfc");
  out->rules.clear();
  ReadRules(config, &out->rules);
  *rules_file = config.GetString("rules_file");
}

Status LoadRulesFile(const std::string& path, std::vector<SiteRule>* out) {
  Config file = Config::LoadFile(path);
  SLUICE_RETURN_IF_ERROR(file.status());
  ReadRules(file, out);
  return file.Finish();
}

CleanStage::CleanStage(const CleanStageOptions& options, Counters* counters) : options_(options), counters_(counters) {}
CleanStage::~CleanStage() = default;

Status CleanStage::Create(const StageContext& ctx, std::unique_ptr<Stage>* out) {
  const Config& c = ctx.config;
  CleanStageOptions o;
  std::string rules_file;
  ReadExtractorOptions(c, &o.extractor, &rules_file);
  if (!rules_file.empty()) o.rules_file = ctx.ResolvePath(rules_file);
  o.keep_raw = c.GetBool("keep_raw", false);
  o.max_input_bytes = c.GetBytes("max_input_bytes", 32 << 20);
  Config dedup = c.Child("dedup");
  o.dedup = dedup.GetBool("enabled", true);
  o.dedup_path = Resolve(ctx.data_dir, dedup.GetString("path", "clean-simhash.db"));
  o.dedup_max_distance = static_cast<int>(dedup.GetInt("max_distance", 3));
  o.dedup_min_chars = static_cast<int>(dedup.GetInt("min_chars", 50));
  if (o.dedup_max_distance < 0 || o.dedup_max_distance > 3) dedup.AddError("max_distance", "must be 0…3");
  std::unique_ptr<CleanStage> stage;
  SLUICE_RETURN_IF_ERROR(Create(o, ctx.counters, &stage));
  *out = std::move(stage);
  return Status::OK();
}

Status CleanStage::Create(const CleanStageOptions& options, Counters* counters, std::unique_ptr<CleanStage>* out) {
  std::unique_ptr<CleanStage> s(new CleanStage(options, counters));
  SLUICE_RETURN_IF_ERROR(s->BuildExtractor(&s->extractor_));
  if (options.dedup) {
    if (options.dedup_path.empty()) {
      s->index_ = std::make_unique<MemorySimhashIndex>(options.dedup_max_distance);
    } else {
      std::unique_ptr<SqliteSimhashIndex> idx;
      SLUICE_RETURN_IF_ERROR(SqliteSimhashIndex::Open(options.dedup_path, options.dedup_max_distance, &idx));
      s->index_ = std::move(idx);
    }
  }
  *out = std::move(s);
  return Status::OK();
}

Status CleanStage::BuildExtractor(std::unique_ptr<ContentExtractor>* out) const {
  ExtractorOptions o = options_.extractor;
  if (!options_.rules_file.empty()) SLUICE_RETURN_IF_ERROR(LoadRulesFile(options_.rules_file, &o.rules));
  return ContentExtractor::Create(o, out);
}

Status CleanStage::Reload() {
  // On error the current extractor stays.
  std::unique_ptr<ContentExtractor> next;
  SLUICE_RETURN_IF_ERROR(BuildExtractor(&next));
  extractor_ = std::move(next);
  return Status::OK();
}

void CleanStage::Count(const char* name) {
  if (counters_) counters_->Add(name);
}

Status CleanStage::Process(v1::Document& doc) {
  if (doc.fetch().challenge()) {
    Count("challenge");
    return Status::Permanent("challenge: flagged by fetch (HTTP " + std::to_string(doc.fetch().status()) + ")");
  }
  std::string* raw = doc.mutable_raw();
  if (raw->empty()) {
    Count("empty");
    return Status::Permanent("empty: the document has no page bytes (raw)");
  }
  if (raw->size() > static_cast<size_t>(options_.max_input_bytes)) {
    TruncateUtf8(raw, static_cast<size_t>(options_.max_input_bytes));
    Count("truncated");
  }
  if (LooksBinary(*raw)) {
    Count("binary");
    return Status::Permanent("binary: the page bytes are not text (" + std::to_string(raw->size()) + " bytes)");
  }
  if (!common::IsValidUtf8(*raw)) Count("invalid_utf8");

  std::string url = doc.fetch().final_url();
  if (url.empty()) url = doc.url();
  if (url.empty()) url = doc.canonical_url();
  Extraction ex;
  Status st = extractor_->Extract(*raw, url, &ex);
  if (!st.ok()) {
    Count("binary");
    return Status::Permanent("binary: " + st.message());
  }
  if (ex.challenge) {
    Count("challenge");
    return Status::Permanent("challenge: " + ex.challenge_reason);
  }
  if (ex.text.empty() && ex.attachments.empty()) {
    Count("empty");
    return Status::Permanent(ex.images > 0 ? "empty: the article holds only images"
                                           : "empty: no article text or attachments found in the page");
  }

  doc.set_title(ex.title);
  doc.set_text(ex.text);
  doc.set_publish_time(ex.publish_time);
  doc.set_publisher(ex.publisher);
  doc.set_document_number(ex.document_number);
  doc.set_index_number(ex.index_number);
  doc.set_info_category(ex.info_category);
  doc.set_column(ex.column);
  doc.set_site_name(ex.site_name);
  doc.set_site_id_code(ex.site_id_code);
  doc.set_language(ex.language);
  doc.clear_attachments();
  for (const AttachmentLink& a : ex.attachments) {
    v1::Attachment* at = doc.add_attachments();
    at->set_name(a.name);
    at->set_url(a.url);
    at->set_type(a.type);
  }
  auto& meta = *doc.mutable_metadata();
  for (const auto& [k, v] : ex.metadata) meta[k] = v;
  if (!ex.site_domain.empty()) meta["site_domain"] = ex.site_domain;
  if (!ex.canonical_url.empty()) meta["page_canonical_url"] = ex.canonical_url;
  meta["content_origin"] = ex.content_origin;
  doc.clear_origins();
  for (const auto& [field, where] : ex.origins) {
    v1::FieldOrigin* o = doc.add_origins();
    o->set_field(field);
    o->set_origin(where);
  }
  doc.set_content_hash(Hex128(ex.text));
  doc.set_simhash(ex.text.empty() ? 0 : Simhash64(ex.text));
  doc.clear_duplicate_of();
  if (index_ && doc.simhash() != 0 && NonBlankChars(ex.text) >= options_.dedup_min_chars) {
    std::string key = doc.canonical_url().empty() ? doc.url() : doc.canonical_url();
    if (key.empty()) key = url;
    std::string original;
    SLUICE_RETURN_IF_ERROR(index_->FindOrAdd(doc.simhash(), key, &original));
    if (!original.empty()) {
      doc.set_duplicate_of(original);
      Count("duplicates");
    }
  }
  if (!options_.keep_raw) doc.clear_raw();
  return Status::OK();
}

}  // namespace sluice::clean
