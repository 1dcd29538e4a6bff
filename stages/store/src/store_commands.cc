#include "sluice/store/store_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sluice/cli_args.h"
#include "sluice/config.h"
#include "sluice/json.h"
#include "sluice/store/document_store.h"
#include "sluice/store/export_format.h"
#include "sluice/store/search_query.h"
#include "sluice/store/snippet.h"
#include "sluice/store/store_stage.h"

namespace sluice::store {

namespace {

constexpr int kExitNothing = 1;
constexpr int kExitDatabase = 2;
constexpr const char* kDefaultDb = "./sluice-data/sluice.db";

// Where the database is: the options every command shares.
struct DatabaseOptions {
  std::string db;
  std::string dsn;
  std::string config;

  void AddTo(CLI::App& app) {
    app.add_option("--db", db, "SQLite database file (default: $SLUICE_DB or " + std::string(kDefaultDb) + ")");
    app.add_option("--dsn", dsn, "PostgreSQL connection string (instead of --db)");
    app.add_option("--config", config, "pipeline.yaml: use its store stage's database");
  }

  Status Resolve(StoreOptions* out) const {
    StoreOptions o;
    o.read_only = true;
    o.segmenter = DefaultTextSegmenter();
    if (!dsn.empty()) {
      o.backend = Backend::kPostgres;
      o.dsn = dsn;
    } else if (!db.empty()) {
      o.path = db;
    } else if (!config.empty()) {
      SLUICE_RETURN_IF_ERROR(FromConfig(&o));
    } else if (const char* env = std::getenv("SLUICE_DB"); env && *env) {
      o.path = env;
    } else {
      o.path = kDefaultDb;
    }
    *out = std::move(o);
    return Status::OK();
  }

  // The store stage of a pipeline file: its backend, path or dsn; <data_dir>/sluice.db by default.
  Status FromConfig(StoreOptions* o) const {
    Config c = Config::LoadFile(config);
    SLUICE_RETURN_IF_ERROR(c.status());
    std::string config_dir = std::filesystem::path(config).parent_path().string();
    std::string data_dir = c.GetString("data_dir", "sluice-data");
    o->path = data_dir + "/sluice.db";
    for (const Config& stage : c.List("stages")) {
      std::string name = stage.GetString("name", stage.GetString("stage", ""));
      if (name != "store" && stage.GetString("stage", "") != "store") continue;
      Config sc = stage.Child("config");
      if (sc.GetString("backend", "sqlite") == "postgres") {
        o->backend = Backend::kPostgres;
        o->dsn = sc.GetString("dsn", "");
        std::string env = sc.GetString("dsn_env", "");
        if (!env.empty() && std::getenv(env.c_str())) o->dsn = std::getenv(env.c_str());
        if (o->dsn.empty()) return Status::InvalidArgument(config + ": the store stage uses PostgreSQL but has no dsn");
      } else if (std::string path = sc.GetString("path", ""); !path.empty()) {
        o->path = (path[0] == '/' || config_dir.empty()) ? path : config_dir + "/" + path;
      }
      break;
    }
    return Status::OK();
  }
};

int OpenOrExplain(const DatabaseOptions& where, std::unique_ptr<DocumentStore>* store) {
  StoreOptions options;
  Status st = where.Resolve(&options);
  if (st.ok()) st = DocumentStore::Open(options, store);
  if (st.ok()) return 0;
  if (st.IsNotFound()) {
    std::fprintf(stderr,
                 "sluice: %s\n(run `sluice run` first to fill it, or point at a database with --db PATH, "
                 "--config pipeline.yaml or --dsn)\n",
                 st.message().c_str());
  } else {
    std::fprintf(stderr, "sluice: %s\n", st.ToString().c_str());
  }
  return kExitDatabase;
}

bool UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

std::string Marked(const std::string& text, const std::vector<std::pair<size_t, size_t>>& hl, bool color) {
  Snippet s{text, hl};
  return color ? MarkSnippet(s, "\x1b[1;33m", "\x1b[0m") : MarkSnippet(s, "[", "]");
}

Json OffsetsJson(const std::string& text, const std::vector<std::pair<size_t, size_t>>& hl) {
  Json arr = Json::Array();
  for (const auto& [b, e] : HighlightCharOffsets(Snippet{text, hl})) {
    Json pair = Json::Array();
    pair.Push(static_cast<uint64_t>(b));
    pair.Push(static_cast<uint64_t>(e));
    arr.Push(std::move(pair));
  }
  return arr;
}

// Terminal columns of a UTF-8 string: East Asian wide and full-width characters take two.
size_t DisplayWidth(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = c;
    if (len > 1 && i + len <= s.size()) {
      cp = c & (0xFF >> (len + 1));
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string PadRight(const std::string& s, size_t columns) {
  size_t w = DisplayWidth(s);
  return w >= columns ? s : s + std::string(columns - w, ' ');
}

std::string LabelValue(const std::vector<StoredLabel>& labels, const std::string& axis) {
  std::string out;
  for (const auto& l : labels) {
    if (l.axis != axis) continue;
    if (!out.empty()) out += ",";
    out += l.value;
  }
  return out;
}

}  // namespace

int RunSearchCommand(int argc, char** argv) {
  CLI::App app{"Full-text search over stored notices (Chinese queries are cut into words; all terms must match)",
               "sluice search"};
  DatabaseOptions where;
  std::vector<std::string> words;
  SearchRequest req;
  bool json = false;
  std::string color = "auto";
  app.add_option("query", words, "what to search for, e.g. 教育强国 or \"教育强国 建设\"")->required();
  app.add_option("--site", req.site, "only documents of this site (host)");
  app.add_option("--since", req.since, "only documents published (or first seen) on or after YYYY-MM-DD");
  app.add_option("--type", req.doc_type, "only documents labelled doc_type=T");
  app.add_option("--topic", req.topic, "only documents labelled topic=T");
  app.add_option("--limit,-n", req.limit, "how many results (default 10)");
  app.add_option("--rank-window", req.rank_window,
                 "rank only the N most recently stored matches of very common queries (default 2000; 0 = all)");
  app.add_option("--snippet-chars", req.snippet_chars, "snippet length in characters (default 100)");
  app.add_flag("--json", json, "one JSON object with every hit (highlights as code point offsets)");
  app.add_option("--color", color, "highlight with colour: auto, always, never (default auto)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  where.AddTo(app);
  if (int code = ParseArgs(app, argc, argv); code >= 0) return code;
  for (const auto& w : words) {
    if (!req.query.empty()) req.query += ' ';
    req.query += w;
  }

  SearchQuery parsed;  // a query with nothing to search for is a usage error, before any database
  if (Status st = ParseSearchQuery(req.query, nullptr, nullptr, &parsed); !st.ok()) {
    std::fprintf(stderr, "sluice search: %s\n", st.message().c_str());
    return kExitUsage;
  }
  std::unique_ptr<DocumentStore> store;
  if (int code = OpenOrExplain(where, &store); code != 0) return code;
  SearchResult result;
  Status st = store->Search(req, &result);
  if (!st.ok()) {
    std::fprintf(stderr, "sluice search: %s\n", st.ToString().c_str());
    return kExitDatabase;
  }
  if (json) {
    Json out = Json::Object();
    out.Set("query", req.query);
    out.Set("engine_query", result.engine_query);
    out.Set("windowed", result.windowed);
    Json hits = Json::Array();
    for (const SearchHit& h : result.hits) {
      Json o = Json::Object();
      o.Set("id", h.doc_id);
      o.Set("score", h.score);
      o.Set("url", h.canonical_url);
      o.Set("site", h.site);
      o.Set("title", h.title);
      o.Set("title_highlights", OffsetsJson(h.title, h.title_highlights));
      o.Set("publish_time", h.publish_time);
      o.Set("publish_date", h.publish_date);
      o.Set("publisher", h.publisher);
      o.Set("document_number", h.document_number);
      o.Set("labels", LabelsToJson(h.labels));
      o.Set("snippet", h.snippet);
      o.Set("highlights", OffsetsJson(h.snippet, h.highlights));
      hits.Push(std::move(o));
    }
    out.Set("hits", std::move(hits));
    std::printf("%s\n", out.Dump().c_str());
    return result.hits.empty() ? kExitNothing : 0;
  }
  bool c = UseColor(color);
  const char* bold = c ? "\x1b[1m" : "";
  const char* dim = c ? "\x1b[2m" : "";
  const char* reset = c ? "\x1b[0m" : "";
  int rank = 0;
  for (const SearchHit& h : result.hits) {
    ++rank;
    std::string title = h.title.empty() ? "(untitled)" : Marked(h.title, h.title_highlights, c);
    std::printf("%2d. %s%s%s\n", rank, bold, title.c_str(), reset);
    std::string meta = h.site;
    if (!h.publish_date.empty()) meta += " · " + h.publish_date;
    if (!h.publisher.empty()) meta += " · " + h.publisher;
    if (!h.document_number.empty()) meta += " · " + h.document_number;
    std::string type = LabelValue(h.labels, "doc_type");
    if (!type.empty()) meta += " · " + type;
    char tail[64];
    std::snprintf(tail, sizeof tail, " · id %lld · score %.3g", static_cast<long long>(h.doc_id), h.score);
    std::printf("    %s%s%s%s\n", dim, meta.c_str(), tail, reset);
    std::printf("    %s\n", h.canonical_url.c_str());
    if (!h.snippet.empty()) std::printf("    %s\n", Marked(h.snippet, h.highlights, c).c_str());
    std::printf("\n");
  }
  if (result.hits.empty()) {
    std::fprintf(stderr, "no results for %s\n", req.query.c_str());
    return kExitNothing;
  }
  if (result.windowed) {
    std::fprintf(stderr, "(very common query: ranked among the %d most recently stored matches; --rank-window 0 ranks all)\n",
                 req.rank_window);
  }
  return 0;
}

int RunShowCommand(int argc, char** argv) {
  CLI::App app{"Show one stored document: metadata, labels, attachments, previous versions, text", "sluice show"};
  DatabaseOptions where;
  std::string key;
  bool json = false;
  bool no_text = false;
  app.add_option("id_or_url", key, "document id (as search prints it) or URL")->required();
  app.add_flag("--json", json, "the document as one JSON object (the export schema, with versions)");
  app.add_flag("--no-text", no_text, "leave out the text");
  where.AddTo(app);
  if (int code = ParseArgs(app, argc, argv); code >= 0) return code;
  std::unique_ptr<DocumentStore> store;
  if (int code = OpenOrExplain(where, &store); code != 0) return code;
  StoredDocument d;
  bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos && key.size() < 19;
  Status st = numeric ? store->GetById(std::stoll(key), &d) : store->GetByUrl(key, &d);
  if (st.IsNotFound()) {
    std::fprintf(stderr, "sluice show: no document %s\n", key.c_str());
    return kExitNothing;
  }
  if (!st.ok()) {
    std::fprintf(stderr, "sluice show: %s\n", st.ToString().c_str());
    return kExitDatabase;
  }
  if (no_text) {
    d.text.clear();
    for (auto& v : d.versions) v.text.clear();
  }
  if (json) {
    std::printf("%s\n", ExportJson(d, true).Dump(2).c_str());
    return 0;
  }
  auto line = [](const char* name, const std::string& value) {
    if (!value.empty()) std::printf("%s %s\n", PadRight(name, 14).c_str(), value.c_str());
  };
  std::printf("document %lld  version %lld\n", static_cast<long long>(d.id), static_cast<long long>(d.version));
  line("title:", d.title);
  line("url:", d.canonical_url);
  if (d.url != d.canonical_url) line("fetched as:", d.url);
  line("site:", d.site + (d.site_name.empty() ? "" : " (" + d.site_name + ")") +
                    (d.source.empty() ? "" : "  source " + d.source));
  line("published:", d.publish_time);
  line("publisher:", d.publisher);
  line("number:", d.document_number);
  line("index:", d.index_number);
  line("column:", d.column);
  line("category:", d.info_category);
  line("site id:", d.site_id_code);
  line("duplicate of:", d.duplicate_of);
  line("first seen:", FormatTimeUs(d.first_seen_us));
  line("this version:", "since " + FormatTimeUs(d.version_seen_us) + ", last seen " + FormatTimeUs(d.last_seen_us));
  line("content hash:", d.content_hash);
  for (const auto& l : d.labels) {
    char score[32];
    std::snprintf(score, sizeof score, "%.2f", l.score);
    line("label:", l.axis + "=" + l.value + "  (" + score + (l.classifier.empty() ? "" : ", " + l.classifier) + ")");
  }
  for (const auto& a : d.attachments) {
    line("attachment:", a.name + "  " + a.url + (a.type.empty() ? "" : "  [" + a.type + "]"));
  }
  for (const auto& v : d.versions) {
    line("old version:", std::to_string(v.version) + "  " + FormatTimeUs(v.first_seen_us) + " – " +
                             FormatTimeUs(v.last_seen_us) + "  " + v.title + "  (" + std::to_string(v.text.size()) +
                             " bytes, hash " + v.content_hash.substr(0, 12) + ")");
  }
  if (!d.text.empty()) std::printf("\n%s\n", d.text.c_str());
  return 0;
}

int RunExportCommand(int argc, char** argv) {
  CLI::App app{"Export stored documents as JSON lines (schema: stages/store/README.md, " +
                   std::string(kExportSchema) + ")",
               "sluice export"};
  DatabaseOptions where;
  bool jsonl = false;
  std::string output;
  ExportFilter filter;
  app.add_flag("--jsonl", jsonl, "one JSON object per line (the only format so far)")->required();
  app.add_option("--output,-o", output, "write to this file instead of stdout");
  app.add_option("--site", filter.site, "only documents of this site");
  app.add_option("--since", filter.since, "only documents published (or first seen) on or after YYYY-MM-DD");
  app.add_option("--after-id", filter.after_id, "resume after this document id");
  app.add_flag("--with-versions", filter.with_versions, "include every previous version's content");
  where.AddTo(app);
  if (int code = ParseArgs(app, argc, argv); code >= 0) return code;
  std::unique_ptr<DocumentStore> store;
  if (int code = OpenOrExplain(where, &store); code != 0) return code;
  std::ofstream file;
  if (!output.empty()) {
    file.open(output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::fprintf(stderr, "sluice export: cannot write %s\n", output.c_str());
      return kExitDatabase;
    }
  }
  std::ostream& out = output.empty() ? std::cout : file;
  int64_t n = 0;
  Status st = store->Export(filter, [&](const StoredDocument& d) {
    out << ExportJson(d, filter.with_versions).Dump() << '\n';
    ++n;
    return out ? Status::OK() : Status::IOError("write failed");
  });
  out.flush();
  if (!st.ok() || !out) {
    std::fprintf(stderr, "sluice export: %s\n", st.ok() ? "write failed" : st.ToString().c_str());
    return kExitDatabase;
  }
  if (!output.empty()) std::fprintf(stderr, "exported %lld documents to %s\n", static_cast<long long>(n), output.c_str());
  return 0;
}

int RunStatsCommand(int argc, char** argv) {
  CLI::App app{"Counts of stored documents: per site, per day, per label", "sluice stats"};
  DatabaseOptions where;
  bool json = false;
  int days = 14;
  app.add_flag("--json", json, "as one JSON object");
  app.add_option("--days", days, "how many most recent days to list (default 14)");
  where.AddTo(app);
  if (int code = ParseArgs(app, argc, argv); code >= 0) return code;
  std::unique_ptr<DocumentStore> store;
  if (int code = OpenOrExplain(where, &store); code != 0) return code;
  StoreStats s;
  Status st = store->Stats(days, &s);
  if (!st.ok()) {
    std::fprintf(stderr, "sluice stats: %s\n", st.ToString().c_str());
    return kExitDatabase;
  }
  auto groups_json = [](const std::vector<std::pair<std::string, int64_t>>& g) {
    Json o = Json::Object();
    for (const auto& [k, n] : g) o.Set(k, n);
    return o;
  };
  if (json) {
    Json o = Json::Object();
    o.Set("database", store->Describe());
    o.Set("documents", s.documents);
    o.Set("versions", s.versions);
    o.Set("attachments", s.attachments);
    o.Set("labels", s.labels);
    o.Set("per_site", groups_json(s.per_site));
    o.Set("per_day", groups_json(s.per_day));
    o.Set("per_stored_day", groups_json(s.per_stored_day));
    o.Set("per_label", groups_json(s.per_label));
    std::printf("%s\n", o.Dump().c_str());
    return 0;
  }
  std::printf("%s\n", store->Describe().c_str());
  std::printf("documents %lld   previous versions %lld   attachments %lld   labels %lld\n",
              static_cast<long long>(s.documents), static_cast<long long>(s.versions),
              static_cast<long long>(s.attachments), static_cast<long long>(s.labels));
  auto table = [](const char* heading, const std::vector<std::pair<std::string, int64_t>>& g) {
    if (g.empty()) return;
    std::printf("\n%s\n", heading);
    for (const auto& [k, n] : g) {
      std::printf("  %s %8lld\n", PadRight(k.empty() ? "(none)" : k, 40).c_str(), static_cast<long long>(n));
    }
  };
  table("per site:", s.per_site);
  table("per day (publish date, else first-seen date):", s.per_day);
  table("per day stored (first seen, UTC):", s.per_stored_day);
  table("per label:", s.per_label);
  return 0;
}

void RegisterStoreCommands(Registry& registry) {
  registry.AddCommand("search", "full-text search over stored notices, with highlighted snippets", RunSearchCommand);
  registry.AddCommand("show", "one stored document: metadata, labels, attachments, versions, text", RunShowCommand);
  registry.AddCommand("export", "stored documents as JSON lines (--jsonl)", RunExportCommand);
  registry.AddCommand("stats", "counts of stored documents per site, per day, per label", RunStatsCommand);
}

}  // namespace sluice::store
