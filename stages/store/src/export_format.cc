#include "sluice/store/export_format.h"

#include <cstdio>
#include <ctime>

namespace sluice::store {

Json AttachmentsToJson(const std::vector<StoredAttachment>& atts) {
  Json arr = Json::Array();
  for (const auto& a : atts) {
    Json o = Json::Object();
    o.Set("name", a.name);
    o.Set("url", a.url);
    o.Set("type", a.type);
    o.Set("size", a.size);
    o.Set("sha256", a.sha256);
    arr.Push(std::move(o));
  }
  return arr;
}

Json LabelsToJson(const std::vector<StoredLabel>& labels) {
  Json arr = Json::Array();
  for (const auto& l : labels) {
    Json o = Json::Object();
    o.Set("axis", l.axis);
    o.Set("value", l.value);
    o.Set("score", l.score);
    o.Set("classifier", l.classifier);
    arr.Push(std::move(o));
  }
  return arr;
}

std::string FormatTimeUs(int64_t us) {
  if (us == 0) return "";
  time_t secs = static_cast<time_t>(us / 1000000);
  int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
  return buf;
}

Json ExportJson(const StoredDocument& d, bool with_versions) {
  Json o = Json::Object();
  o.Set("schema", kExportSchema);
  o.Set("id", d.id);
  o.Set("canonical_url", d.canonical_url);
  o.Set("url", d.url);
  o.Set("site", d.site);
  o.Set("site_name", d.site_name);
  o.Set("site_id_code", d.site_id_code);
  o.Set("source", d.source);
  o.Set("title", d.title);
  o.Set("publish_time", d.publish_time);
  o.Set("publish_date", d.publish_date.empty() ? Json() : Json(d.publish_date));
  o.Set("publisher", d.publisher);
  o.Set("document_number", d.document_number);
  o.Set("index_number", d.index_number);
  o.Set("column", d.column);
  o.Set("info_category", d.info_category);
  o.Set("language", d.language);
  Json meta = Json::Object();
  for (const auto& [k, v] : d.metadata) meta.Set(k, v);
  o.Set("metadata", std::move(meta));
  o.Set("text", d.text);
  o.Set("content_hash", d.content_hash);
  char simhash[17];
  std::snprintf(simhash, sizeof simhash, "%016llx", static_cast<unsigned long long>(d.simhash));
  o.Set("simhash", std::string(simhash));
  o.Set("duplicate_of", d.duplicate_of);
  o.Set("lexicon_version", d.lexicon_version);
  o.Set("version", d.version);
  o.Set("first_seen", FormatTimeUs(d.first_seen_us));
  o.Set("version_seen", FormatTimeUs(d.version_seen_us));
  o.Set("last_seen", FormatTimeUs(d.last_seen_us));
  o.Set("labels", LabelsToJson(d.labels));
  o.Set("attachments", AttachmentsToJson(d.attachments));
  if (with_versions) {
    Json versions = Json::Array();
    for (const auto& v : d.versions) {
      Json vj = Json::Object();
      vj.Set("version", v.version);
      vj.Set("content_hash", v.content_hash);
      vj.Set("title", v.title);
      vj.Set("publish_time", v.publish_time);
      vj.Set("publisher", v.publisher);
      vj.Set("document_number", v.document_number);
      vj.Set("text", v.text);
      vj.Set("attachments", AttachmentsToJson(v.attachments));
      vj.Set("first_seen", FormatTimeUs(v.first_seen_us));
      vj.Set("last_seen", FormatTimeUs(v.last_seen_us));
      versions.Push(std::move(vj));
    }
    o.Set("versions", std::move(versions));
  }
  return o;
}

}  // namespace sluice::store
