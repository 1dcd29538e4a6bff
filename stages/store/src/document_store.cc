// One implementation of DocumentStore over SqlSession for both back ends. The dialects differ
// in a few marked places: row locking (PostgreSQL's FOR UPDATE), the full-text index (SQLite's
// contentless FTS5 table vs PostgreSQL's tsv column) and how searches over it are planned, and
// the vocabulary query analysis consults (FTS5 itself vs the vocabulary table).
#include "sluice/store/document_store.h"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "postgres_session.h"
#include "schema.h"
#include "sluice/json.h"
#include "sluice/store/export_format.h"
#include "sluice/store/search_query.h"
#include "sluice/store/snippet.h"
#include "sluice/v1/document.pb.h"
#include "sql_session.h"
#include "sqlite_session.h"

namespace sluice::store {

namespace {

using internal::Dialect;
using internal::SqlParam;
using internal::SqlRow;
using internal::SqlSession;

// Limits that keep a document from failing inside the database (which would cost its whole
// batch): PostgreSQL's btree entries must stay under ~2.7 KB, SQLite's values under 1 GB.
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxFieldBytes = 256u << 20;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Clean(const std::string& s) {
  std::string out;
  return SanitizeUtf8(s, &out) ? out : s;
}

// YYYY-MM-DD when `t` starts with an ISO date, else "".
std::string DateOf(const std::string& t) {
  if (t.size() < 10) return "";
  for (size_t i = 0; i < 10; ++i) {
    bool digit = t[i] >= '0' && t[i] <= '9';
    if ((i == 4 || i == 7) ? t[i] != '-' : !digit) return "";
  }
  return t.substr(0, 10);
}

// What the store keeps of one incoming Document, computed once before any SQL.
struct PreparedDoc {
  std::string canonical_url, url, site, source, title, publish_time, publish_date, publisher, document_number,
      index_number, column, text, content_hash, duplicate_of, info_category, site_name, site_id_code, language,
      metadata_json, lexicon_version;
  int64_t simhash = 0;
  int64_t seen_us = 0;
  std::vector<WordSpan> title_words;
  std::vector<WordSpan> text_words;
  std::vector<StoredLabel> labels;
  std::vector<StoredAttachment> attachments;
};

std::vector<StoredAttachment> ParseAttachmentsJson(const std::string& text) {
  std::vector<StoredAttachment> out;
  Json j;
  if (!Json::Parse(text, &j).ok() || !j.is_array()) return out;
  for (const Json& o : j.items()) {
    out.push_back(StoredAttachment{o["name"].AsString(), o["url"].AsString(), o["type"].AsString(), o["size"].AsInt(),
                                   o["sha256"].AsString()});
  }
  return out;
}

// The FTS5 column values of a row: title and text as words (when segmented) and grams.
struct FtsValues {
  std::string title_w, body_w, title_g, body_g;
};

FtsValues MakeFtsValues(std::string_view title, std::string_view text, const std::vector<WordSpan>& title_words,
                        const std::vector<WordSpan>& text_words, size_t max_bytes) {
  FtsValues v;
  JoinedTokens tw, bw, tg, bg;
  if (!title_words.empty()) WordTokens(title, title_words, tw, max_bytes);
  GramTokens(title, tg, max_bytes);
  if (!text_words.empty()) {
    WordTokens(text, text_words, bw, max_bytes);
  } else {
    GramTokens(text, bg, max_bytes);
  }
  v.title_w = std::move(tw.text);
  v.body_w = std::move(bw.text);
  v.title_g = std::move(tg.text);
  v.body_g = std::move(bg.text);
  return v;
}

// Builds a tsvector literal: lexeme → positions, with streams (title words, title grams, text
// words, text grams) placed one after another with a gap, so that no phrase spans two of them.
// PostgreSQL limits: positions ≤ 16383 (later ones are clamped there), 256 positions per lexeme,
// 1 MB per tsvector (later new lexemes are dropped).
class TsvectorBuilder final : public TokenSink {
 public:
  void BeginStream(std::string_view prefix, char weight) {
    prefix_ = prefix;
    weight_ = weight;
    pos_ += 8;
  }
  void Add(std::string_view token) override {
    ++pos_;
    std::string key = prefix_ + std::string(token);
    auto it = lexemes_.find(key);
    if (it == lexemes_.end()) {
      if (bytes_ > kMaxBytes) return;
      bytes_ += key.size() + 8;
      it = lexemes_.emplace(std::move(key), std::vector<std::pair<uint16_t, char>>{}).first;
    }
    if (it->second.size() >= 256) return;
    auto p = static_cast<uint16_t>(std::min<uint32_t>(pos_, 16383));
    if (!it->second.empty() && it->second.back().first == p) return;
    it->second.emplace_back(p, weight_);
    bytes_ += 6;
  }
  // Word lexemes (no prefix) also go to the vocabulary.
  void CollectWords(std::unordered_set<std::string>* out) const {
    for (const auto& [lex, pos] : lexemes_) {
      if (lex.compare(0, kGramLexemePrefix.size(), kGramLexemePrefix) != 0) out->insert(lex);
    }
  }
  std::string Literal() const {
    std::string out;
    out.reserve(bytes_ + lexemes_.size() * 4);
    for (const auto& [lex, positions] : lexemes_) {
      if (!out.empty()) out.push_back(' ');
      out.push_back('\'');
      for (char ch : lex) {
        if (ch == '\'' || ch == '\\') out.push_back(ch);
        out.push_back(ch);
      }
      out += "':";
      for (size_t i = 0; i < positions.size(); ++i) {
        if (i) out.push_back(',');
        out += std::to_string(positions[i].first);
        if (positions[i].second != 'D') out.push_back(positions[i].second);
      }
    }
    return out;
  }

 private:
  static constexpr size_t kMaxBytes = 900 * 1024;
  std::string prefix_;
  char weight_ = 'D';
  uint32_t pos_ = 0;
  size_t bytes_ = 0;
  std::unordered_map<std::string, std::vector<std::pair<uint16_t, char>>> lexemes_;
};

// The decision at the heart of exactly-once: what to do with content `hash` seen at `seen_us`
// for a URL whose current row is `cur` (null when the URL is new).
struct CurrentRow {
  int64_t id = 0;
  int64_t version = 0;
  std::string content_hash;
  int64_t version_seen_us = 0;
  int64_t last_seen_us = 0;
};
enum class Action { kInsert, kUnchanged, kStale, kNewVersion };
Action Decide(const CurrentRow* cur, const std::string& hash, int64_t seen_us) {
  if (!cur) return Action::kInsert;
  if (cur->content_hash == hash) return Action::kUnchanged;
  // Fetched before the current version was first seen: a late copy of older content.
  if (seen_us < cur->version_seen_us) return Action::kStale;
  return Action::kNewVersion;
}

const char* kDocColumns =
    "id, canonical_url, url, site, source, title, publish_time, publish_date, publisher, document_number, "
    "index_number, column_name, text, content_hash, simhash, duplicate_of, version, first_seen_us, "
    "version_seen_us, last_seen_us, info_category, site_name, site_id_code, language, metadata, lexicon_version";

StoredDocument ReadDocRow(const SqlRow& r) {
  StoredDocument d;
  d.id = r[0].AsInt();
  d.canonical_url = r[1].AsText();
  d.url = r[2].AsText();
  d.site = r[3].AsText();
  d.source = r[4].AsText();
  d.title = r[5].AsText();
  d.publish_time = r[6].AsText();
  d.publish_date = r[7].AsText();
  d.publisher = r[8].AsText();
  d.document_number = r[9].AsText();
  d.index_number = r[10].AsText();
  d.column = r[11].AsText();
  d.text = r[12].AsText();
  d.content_hash = r[13].AsText();
  d.simhash = static_cast<uint64_t>(r[14].AsInt());
  d.duplicate_of = r[15].AsText();
  d.version = r[16].AsInt();
  d.first_seen_us = r[17].AsInt();
  d.version_seen_us = r[18].AsInt();
  d.last_seen_us = r[19].AsInt();
  d.info_category = r[20].AsText();
  d.site_name = r[21].AsText();
  d.site_id_code = r[22].AsText();
  d.language = r[23].AsText();
  Json meta;
  if (Json::Parse(r[24].AsText(), &meta).ok() && meta.is_object()) {
    for (const auto& [k, v] : meta.members()) d.metadata[k] = v.AsString();
  }
  d.lexicon_version = r[25].AsText();
  return d;
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

// Any failure of the database while writing a batch is the batch's, not the document's.
Status AsTransient(const Status& st) {
  if (st.ok() || st.IsTransient()) return st;
  return Status::Transient(st.ToString());
}

class StoreImpl final : public DocumentStore, private WordVocabulary {
 public:
  StoreImpl(const StoreOptions& options, std::unique_ptr<SqlSession> session, int version)
      : options_(options), s_(std::move(session)), version_(version) {}

  ~StoreImpl() override { s_->Rollback(); }

  int schema_version() const override { return version_; }
  Backend backend() const override { return options_.backend; }
  std::string Describe() const override { return s_->Describe(); }
  size_t batch_size() const override { return batch_; }

  Status Upsert(const v1::Document& doc, UpsertResult* result) override {
    if (options_.read_only) return Status::InvalidArgument("the store was opened read-only");
    PreparedDoc p;
    SLUICE_RETURN_IF_ERROR(Prepare(doc, &p));
    if (!poisoned_.ok()) return Status::Transient("batch aborted earlier: " + poisoned_.message());
    if (!s_->InTransaction()) {
      if (batch_ > 0) return Poison(Status::Transient("the database ended the batch transaction on its own"));
      Status st = s_->Begin();
      if (!st.ok()) return AsTransient(st);  // nothing written yet: only this document is retried
    }
    Status st = UpsertInBatch(p, result);
    if (!st.ok()) return Poison(st);
    ++batch_;
    return Status::OK();
  }

  Status Commit() override {
    size_t n = batch_;
    batch_ = 0;
    if (!poisoned_.ok()) {
      s_->Rollback();
      Status why = std::move(poisoned_);
      poisoned_ = Status::OK();
      vocabulary_batch_.clear();
      fts_batch_.clear();
      return Status::Transient("batch rolled back: " + why.message());
    }
    if (!s_->InTransaction()) {
      if (n > 0) return Status::Transient("batch lost: the database ended its transaction on its own");
      return Status::OK();
    }
    Status st = FlushVocabulary();
    if (st.ok()) st = FlushFts();
    if (st.ok()) st = s_->Commit();
    vocabulary_batch_.clear();
    fts_batch_.clear();
    if (!st.ok()) {
      s_->Rollback();
      return AsTransient(st);
    }
    return Status::OK();
  }

  void Rollback() override {
    s_->Rollback();
    batch_ = 0;
    poisoned_ = Status::OK();
    vocabulary_batch_.clear();
    fts_batch_.clear();
  }

  Status Search(const SearchRequest& req, SearchResult* result) override;
  Status GetById(int64_t id, StoredDocument* doc) override;
  Status GetByUrl(const std::string& url, StoredDocument* doc) override;
  Status Export(const ExportFilter& filter, const std::function<Status(const StoredDocument&)>& emit) override;
  Status Stats(int days, StoreStats* stats) override;

 private:
  bool pg() const { return s_->dialect() == Dialect::kPostgres; }

  Status Poison(const Status& st) {
    poisoned_ = AsTransient(st);
    return poisoned_;
  }

  Status Prepare(const v1::Document& doc, PreparedDoc* p) const;
  Status UpsertInBatch(const PreparedDoc& p, UpsertResult* result);
  Status FindCurrent(const std::string& url, CurrentRow* row, bool* found);
  Status InsertNew(const PreparedDoc& p, int64_t* id, bool* inserted);
  void BindIndexColumns(const PreparedDoc& p, std::vector<std::string>* keep, std::vector<SqlParam>* params);
  Status ReplaceContent(const CurrentRow& cur, const PreparedDoc& p);
  Status WriteChildren(int64_t id, const PreparedDoc& p);
  Status WriteLabels(int64_t id, const std::vector<StoredLabel>& labels);
  Status RelabelIfChanged(int64_t id, const PreparedDoc& p, bool* relabeled);
  Status FtsInsert(int64_t id, const PreparedDoc& p);
  Status FtsDeleteCurrent(int64_t id);
  Status FlushFts();
  std::string Tsvector(const PreparedDoc& p, bool title_only);
  Status FlushVocabulary();

  Status KnownWords(const std::vector<std::string>& candidates, std::unordered_set<std::string>* known) override;
  Status RankWindow(const SearchQuery& query, const std::string& engine, const std::string& from,
                    const std::string& match, const std::string& filters, const std::vector<std::string>& filter_params,
                    const std::string& id, int window, std::vector<int64_t>* ids, bool* full);
  Status NewestExactMatches(const std::vector<int64_t>& candidates, const std::string& exact, size_t limit,
                            std::vector<SqlRow>* out);
  Status PlannerHint(const char* settings);
  Status SearchInSnapshot(const SearchRequest& req, SearchResult* result);
  std::string FirstSeenDateSql() const;
  void AppendFilters(const std::string& site, const std::string& since, const std::string& doc_type,
                     const std::string& topic, std::string* sql, std::vector<std::string>* params) const;
  Status LoadLabels(int64_t lo, int64_t hi, std::map<int64_t, std::vector<StoredLabel>>* out);
  Status LoadAttachments(int64_t lo, int64_t hi, std::map<int64_t, std::vector<StoredAttachment>>* out);
  Status LoadVersions(int64_t lo, int64_t hi, std::map<int64_t, std::vector<StoredVersion>>* out);
  Status GetWhere(const char* where, SqlParam param, StoredDocument* doc);

  StoreOptions options_;
  std::unique_ptr<SqlSession> s_;
  int version_;
  size_t batch_ = 0;
  Status poisoned_;
  std::unordered_set<std::string> vocabulary_batch_;  // PostgreSQL: words of this batch
  // SQLite: the batch's FTS5 writes, run together just before COMMIT. FTS5 flushes its pending
  // terms to a new segment whenever another statement of the transaction opens a statement
  // savepoint (an INSERT with ON CONFLICT, a multi-row INSERT…); interleaved with the other
  // writes that was one segment — and its merges — per document, about half the cost of storing.
  struct FtsOp {
    bool remove = false;
    int64_t rowid = 0;
    FtsValues values;
  };
  std::vector<FtsOp> fts_batch_;
  bool search_txn_ = false;  // PostgreSQL: Search runs in its own read-only transaction
};

Status StoreImpl::Prepare(const v1::Document& doc, PreparedDoc* p) const {
  p->canonical_url = Clean(!doc.canonical_url().empty() ? doc.canonical_url() : doc.url());
  if (p->canonical_url.empty()) return Status::Permanent("document has neither canonical_url nor url");
  if (p->canonical_url.size() > kMaxUrlBytes) {
    return Status::Permanent("canonical URL of " + std::to_string(p->canonical_url.size()) + " bytes (at most " +
                             std::to_string(kMaxUrlBytes) + ")");
  }
  if (doc.text().size() > kMaxFieldBytes || doc.title().size() > kMaxFieldBytes) {
    return Status::Permanent("document text of " + std::to_string(doc.text().size()) + " bytes is over the store's " +
                             std::to_string(kMaxFieldBytes) + "-byte limit");
  }
  p->url = Clean(doc.url());
  p->site = Clean(doc.site());
  p->source = Clean(doc.source());
  p->title = Clean(doc.title());
  p->publish_time = Clean(doc.publish_time());
  p->publish_date = DateOf(p->publish_time);
  p->publisher = Clean(doc.publisher());
  p->document_number = Clean(doc.document_number());
  p->index_number = Clean(doc.index_number());
  p->column = Clean(doc.column());
  p->duplicate_of = Clean(doc.duplicate_of());
  p->info_category = Clean(doc.info_category());
  p->site_name = Clean(doc.site_name());
  p->site_id_code = Clean(doc.site_id_code());
  p->language = Clean(doc.language());
  p->lexicon_version = Clean(doc.lexicon_version());
  p->simhash = static_cast<int64_t>(doc.simhash());
  std::string cleaned;
  bool text_dirty = SanitizeUtf8(doc.text(), &cleaned);
  p->text = text_dirty ? std::move(cleaned) : doc.text();
  // Token offsets point into the text as sent; after repairing its bytes they may not.
  if (!text_dirty && doc.tokens_size() > 0) {
    p->text_words.reserve(static_cast<size_t>(doc.tokens_size()));
    for (const auto& t : doc.tokens()) p->text_words.push_back(WordSpan{t.begin(), t.end()});
    if (!ValidWordSpans(p->text, p->text_words)) p->text_words.clear();
  }
  // Title words: the segment stage's title_tokens, else the store's segmenter, else none (the
  // title is indexed as grams either way).
  bool title_dirty = doc.title() != p->title;
  if (!title_dirty && doc.title_tokens_size() > 0) {
    for (const auto& t : doc.title_tokens()) p->title_words.push_back(WordSpan{t.begin(), t.end()});
    if (!ValidWordSpans(p->title, p->title_words)) p->title_words.clear();
  } else if (options_.segmenter && !p->title.empty()) {
    options_.segmenter->Segment(p->title, &p->title_words);
    if (!ValidWordSpans(p->title, p->title_words)) p->title_words.clear();
  }
  std::map<std::string, std::string> meta(doc.metadata().begin(), doc.metadata().end());
  Json mj = Json::Object();
  for (const auto& [k, v] : meta) mj.Set(Clean(k), Clean(v));
  p->metadata_json = mj.Dump();
  // Labels: one row per (axis, value, classifier), the highest score if repeated.
  std::map<std::tuple<std::string, std::string, std::string>, double> labels;
  for (const auto& l : doc.labels()) {
    if (l.axis().empty() || l.value().empty()) continue;
    auto key = std::make_tuple(Clean(l.axis()), Clean(l.value()), Clean(l.classifier()));
    // float on the wire; keep the digits it has, not float-to-double noise (0.8999999761…).
    double score = std::round(static_cast<double>(l.score()) * 1e6) / 1e6;
    auto [it, fresh] = labels.emplace(key, score);
    if (!fresh) it->second = std::max(it->second, score);
  }
  for (const auto& [k, score] : labels) {
    p->labels.push_back(StoredLabel{std::get<0>(k), std::get<1>(k), score, std::get<2>(k)});
  }
  for (const auto& a : doc.attachments()) {
    p->attachments.push_back(StoredAttachment{Clean(a.name()), Clean(a.url()), Clean(a.type()), a.size(), Clean(a.sha256())});
  }
  p->content_hash = StoreContentHash(doc);
  if (doc.fetch().fetched_at_us() > 0) {
    p->seen_us = doc.fetch().fetched_at_us();
  } else if (doc.emitted_us() > 0) {
    p->seen_us = doc.emitted_us();
  } else {
    p->seen_us = NowUs();
  }
  return Status::OK();
}

Status StoreImpl::UpsertInBatch(const PreparedDoc& p, UpsertResult* result) {
  CurrentRow cur;
  bool found = false;
  SLUICE_RETURN_IF_ERROR(FindCurrent(p.canonical_url, &cur, &found));
  if (!found) {
    int64_t id = 0;
    bool inserted = false;
    SLUICE_RETURN_IF_ERROR(InsertNew(p, &id, &inserted));
    if (inserted) {
      *result = UpsertResult{id, 1, UpsertResult::Outcome::kInserted};
      return Status::OK();
    }
    // PostgreSQL: another worker inserted the URL between our look and our insert; its row is
    // committed now (ON CONFLICT waited for it), so lock it and decide as usual.
    SLUICE_RETURN_IF_ERROR(FindCurrent(p.canonical_url, &cur, &found));
    if (!found) return Status::Transient("row for " + p.canonical_url + " vanished during the upsert");
  }
  switch (Decide(&cur, p.content_hash, p.seen_us)) {
    case Action::kInsert:
      break;
    case Action::kUnchanged: {
      if (p.seen_us > cur.last_seen_us) {
        SLUICE_RETURN_IF_ERROR(s_->Exec("UPDATE documents SET last_seen_us = ? WHERE id = ?",
                                        {SqlParam::Int(p.seen_us), SqlParam::Int(cur.id)}));
      }
      bool relabeled = false;
      SLUICE_RETURN_IF_ERROR(RelabelIfChanged(cur.id, p, &relabeled));
      *result = UpsertResult{cur.id, cur.version,
                             relabeled ? UpsertResult::Outcome::kRelabeled : UpsertResult::Outcome::kUnchanged};
      return Status::OK();
    }
    case Action::kStale:
      *result = UpsertResult{cur.id, cur.version, UpsertResult::Outcome::kStale};
      return Status::OK();
    case Action::kNewVersion:
      SLUICE_RETURN_IF_ERROR(ReplaceContent(cur, p));
      *result = UpsertResult{cur.id, cur.version + 1, UpsertResult::Outcome::kNewVersion};
      return Status::OK();
  }
  return Status::OK();
}

Status StoreImpl::FindCurrent(const std::string& url, CurrentRow* row, bool* found) {
  std::vector<SqlRow> rows;
  // PostgreSQL: lock the row so that a concurrent worker's upsert of the same URL waits for our
  // commit and then decides on what we wrote (READ COMMITTED re-reads the locked row).
  const char* sql = pg() ? "SELECT id, version, content_hash, version_seen_us, last_seen_us FROM documents "
                           "WHERE canonical_url = ? FOR UPDATE"
                         : "SELECT id, version, content_hash, version_seen_us, last_seen_us FROM documents "
                           "WHERE canonical_url = ?";
  SLUICE_RETURN_IF_ERROR(s_->Exec(sql, {SqlParam::Text(url)}, &rows));
  *found = !rows.empty();
  if (*found) {
    const SqlRow& r = rows[0];
    *row = CurrentRow{r[0].AsInt(), r[1].AsInt(), r[2].AsText(), r[3].AsInt(), r[4].AsInt()};
  }
  return Status::OK();
}

// The content columns, in the order InsertNew and ReplaceContent bind them.
const char* kContentColumns[] = {"url", "site", "source", "title", "publish_time", "publish_date", "publisher",
                                 "document_number", "index_number", "column_name", "text", "content_hash", "simhash",
                                 "duplicate_of", "info_category", "site_name", "site_id_code", "language", "metadata",
                                 "lexicon_version"};

std::vector<SqlParam> ContentParams(const PreparedDoc& p) {
  return {SqlParam::Text(p.url),
          SqlParam::Text(p.site),
          SqlParam::Text(p.source),
          SqlParam::Text(p.title),
          SqlParam::Text(p.publish_time),
          p.publish_date.empty() ? SqlParam::Null() : SqlParam::Text(p.publish_date),
          SqlParam::Text(p.publisher),
          SqlParam::Text(p.document_number),
          SqlParam::Text(p.index_number),
          SqlParam::Text(p.column),
          SqlParam::Text(p.text),
          SqlParam::Text(p.content_hash),
          SqlParam::Int(p.simhash),
          SqlParam::Text(p.duplicate_of),
          SqlParam::Text(p.info_category),
          SqlParam::Text(p.site_name),
          SqlParam::Text(p.site_id_code),
          SqlParam::Text(p.language),
          SqlParam::Text(p.metadata_json),
          SqlParam::Text(p.lexicon_version)};
}

// The columns a content write sets, in the order their values are bound: the content, the
// version bookkeeping, then how the dialect indexes the row (SQLite: the word spans its FTS5 row
// was built from; PostgreSQL: the tsvector).
struct ColumnValue {
  std::string column;
  std::string value;  // "?" or an SQL expression
};
std::vector<ColumnValue> WriteColumns(bool pg, bool insert) {
  std::vector<ColumnValue> cols;
  for (const char* c : kContentColumns) cols.push_back({c, "?"});
  if (insert) {
    cols.insert(cols.end(), {{"canonical_url", "?"}, {"version", "1"}, {"first_seen_us", "?"}});
  } else {
    cols.push_back({"version", "?"});
  }
  cols.insert(cols.end(), {{"version_seen_us", "?"}, {"last_seen_us", "?"}});
  if (pg) {
    cols.insert(cols.end(), {{"tsv", "CAST(? AS tsvector)"}, {"title_tsv", "CAST(? AS tsvector)"}});
  } else {
    cols.insert(cols.end(), {{"title_words", "?"}, {"text_words", "?"}});
  }
  return cols;
}

std::string InsertSql(bool pg) {
  std::string names, values;
  for (const ColumnValue& c : WriteColumns(pg, true)) {
    names += (names.empty() ? "" : ", ") + c.column;
    values += (values.empty() ? "" : ", ") + c.value;
  }
  return "INSERT INTO documents (" + names + ") VALUES (" + values +
         ") ON CONFLICT (canonical_url) DO NOTHING RETURNING id";
}

std::string UpdateSql(bool pg) {
  std::string sets;
  for (const ColumnValue& c : WriteColumns(pg, false)) sets += (sets.empty() ? "" : ", ") + c.column + " = " + c.value;
  return "UPDATE documents SET " + sets + " WHERE id = ?";
}

// Binds the trailing values of WriteColumns: the seen times and the index columns (whose bytes
// live in `keep` until the statement has run).
void StoreImpl::BindIndexColumns(const PreparedDoc& p, std::vector<std::string>* keep, std::vector<SqlParam>* params) {
  params->push_back(SqlParam::Int(p.seen_us));
  params->push_back(SqlParam::Int(p.seen_us));
  keep->reserve(2);  // the views below point into these strings: no reallocation after this
  if (pg()) {
    keep->push_back(Tsvector(p, false));
    params->push_back(SqlParam::Text(keep->back()));
    keep->push_back(Tsvector(p, true));
    params->push_back(SqlParam::Text(keep->back()));
    return;
  }
  keep->push_back(EncodeWordSpans(p.title_words));
  params->push_back(p.title_words.empty() ? SqlParam::Null() : SqlParam::Blob(keep->back()));
  keep->push_back(EncodeWordSpans(p.text_words));
  params->push_back(p.text_words.empty() ? SqlParam::Null() : SqlParam::Blob(keep->back()));
}

Status StoreImpl::InsertNew(const PreparedDoc& p, int64_t* id, bool* inserted) {
  static const std::string kSql[2] = {InsertSql(false), InsertSql(true)};
  std::vector<SqlParam> params = ContentParams(p);
  params.push_back(SqlParam::Text(p.canonical_url));
  params.push_back(SqlParam::Int(p.seen_us));  // first_seen_us
  std::vector<std::string> keep;
  BindIndexColumns(p, &keep, &params);
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec(kSql[pg()], params, &rows));
  *inserted = !rows.empty();
  if (!*inserted) return Status::OK();
  *id = rows[0][0].AsInt();
  if (!pg()) SLUICE_RETURN_IF_ERROR(FtsInsert(*id, p));
  return WriteChildren(*id, p);
}

Status StoreImpl::ReplaceContent(const CurrentRow& cur, const PreparedDoc& p) {
  // The current content becomes a version, with its attachments as JSON.
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec(
      "SELECT name, url, type, size, sha256 FROM attachments WHERE doc_id = ? ORDER BY position",
      {SqlParam::Int(cur.id)}, &rows));
  std::vector<StoredAttachment> old_atts;
  for (const SqlRow& r : rows) {
    old_atts.push_back(StoredAttachment{r[0].AsText(), r[1].AsText(), r[2].AsText(), r[3].AsInt(), r[4].AsText()});
  }
  std::string atts_json = AttachmentsToJson(old_atts).Dump();
  SLUICE_RETURN_IF_ERROR(s_->Exec(
      "INSERT INTO versions (doc_id, version, content_hash, title, publish_time, publisher, document_number, text, "
      "attachments, first_seen_us, last_seen_us) SELECT id, version, content_hash, title, publish_time, publisher, "
      "document_number, text, ?, version_seen_us, last_seen_us FROM documents WHERE id = ?",
      {SqlParam::Text(atts_json), SqlParam::Int(cur.id)}));
  if (!pg()) SLUICE_RETURN_IF_ERROR(FtsDeleteCurrent(cur.id));

  static const std::string kSql[2] = {UpdateSql(false), UpdateSql(true)};
  std::vector<SqlParam> params = ContentParams(p);
  params.push_back(SqlParam::Int(cur.version + 1));
  std::vector<std::string> keep;
  BindIndexColumns(p, &keep, &params);
  params.push_back(SqlParam::Int(cur.id));
  SLUICE_RETURN_IF_ERROR(s_->Exec(kSql[pg()], params, nullptr));
  SLUICE_RETURN_IF_ERROR(s_->Exec("DELETE FROM labels WHERE doc_id = ?", {SqlParam::Int(cur.id)}));
  SLUICE_RETURN_IF_ERROR(s_->Exec("DELETE FROM attachments WHERE doc_id = ?", {SqlParam::Int(cur.id)}));
  if (!pg()) SLUICE_RETURN_IF_ERROR(FtsInsert(cur.id, p));
  return WriteChildren(cur.id, p);
}

// Rows per multi-row INSERT: few statements per document, well under SQLite's 999 parameters.
constexpr size_t kRowsPerStatement = 64;

Status StoreImpl::WriteLabels(int64_t id, const std::vector<StoredLabel>& labels) {
  for (size_t i = 0; i < labels.size(); i += kRowsPerStatement) {
    size_t n = std::min(kRowsPerStatement, labels.size() - i);
    std::string sql = "INSERT INTO labels (doc_id, axis, value, score, classifier) VALUES ";
    std::vector<SqlParam> params;
    for (size_t k = 0; k < n; ++k) {
      const StoredLabel& l = labels[i + k];
      sql += k ? ",(?,?,?,?,?)" : "(?,?,?,?,?)";
      params.insert(params.end(), {SqlParam::Int(id), SqlParam::Text(l.axis), SqlParam::Text(l.value),
                                   SqlParam::Real(l.score), SqlParam::Text(l.classifier)});
    }
    SLUICE_RETURN_IF_ERROR(s_->Exec(sql, params, nullptr));
  }
  return Status::OK();
}

// Unchanged content: the labels are replaced when the incoming ones differ. A document with no
// labels at all (a pipeline without a classify stage, a replay through a store-only pipeline)
// leaves the stored labels alone rather than erasing them. Scores compare with a tolerance so a
// value that went through the database's REAL compares equal to itself.
Status StoreImpl::RelabelIfChanged(int64_t id, const PreparedDoc& p, bool* relabeled) {
  *relabeled = false;
  if (p.labels.empty()) return Status::OK();
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec("SELECT axis, value, classifier, score FROM labels WHERE doc_id = ?",
                                  {SqlParam::Int(id)}, &rows));
  // p.labels is in byte order of (axis, value, classifier); sorted here too rather than by the
  // database, whose collation (PostgreSQL's locale) may order Chinese text differently.
  std::vector<StoredLabel> stored;
  for (const SqlRow& r : rows) stored.push_back(StoredLabel{r[0].AsText(), r[1].AsText(), r[3].AsDouble(), r[2].AsText()});
  auto key = [](const StoredLabel& l) { return std::tie(l.axis, l.value, l.classifier); };
  std::sort(stored.begin(), stored.end(), [&](const StoredLabel& a, const StoredLabel& b) { return key(a) < key(b); });
  bool same = stored.size() == p.labels.size();
  for (size_t i = 0; same && i < stored.size(); ++i) {
    const StoredLabel& l = p.labels[i];
    same = key(stored[i]) == key(l) && std::fabs(stored[i].score - l.score) <= 1e-9 * std::max(1.0, std::fabs(l.score));
  }
  if (same) return Status::OK();
  SLUICE_RETURN_IF_ERROR(s_->Exec("DELETE FROM labels WHERE doc_id = ?", {SqlParam::Int(id)}));
  SLUICE_RETURN_IF_ERROR(WriteLabels(id, p.labels));
  *relabeled = true;
  return Status::OK();
}

Status StoreImpl::WriteChildren(int64_t id, const PreparedDoc& p) {
  SLUICE_RETURN_IF_ERROR(WriteLabels(id, p.labels));
  for (size_t i = 0; i < p.attachments.size(); i += kRowsPerStatement) {
    size_t n = std::min(kRowsPerStatement, p.attachments.size() - i);
    std::string sql = "INSERT INTO attachments (doc_id, position, name, url, type, size, sha256) VALUES ";
    std::vector<SqlParam> params;
    for (size_t k = 0; k < n; ++k) {
      const StoredAttachment& a = p.attachments[i + k];
      sql += k ? ",(?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?)";
      params.insert(params.end(), {SqlParam::Int(id), SqlParam::Int(static_cast<int64_t>(i + k)), SqlParam::Text(a.name),
                                   SqlParam::Text(a.url), SqlParam::Text(a.type), SqlParam::Int(a.size),
                                   SqlParam::Text(a.sha256)});
    }
    SLUICE_RETURN_IF_ERROR(s_->Exec(sql, params, nullptr));
  }
  return Status::OK();
}

// SQLite: queues the FTS5 row of a document (see fts_batch_).
Status StoreImpl::FtsInsert(int64_t id, const PreparedDoc& p) {
  fts_batch_.push_back(
      FtsOp{false, id, MakeFtsValues(p.title, p.text, p.title_words, p.text_words, options_.max_index_bytes)});
  return Status::OK();
}

// SQLite: queues the removal of a document's FTS5 row. A contentless table must be told the
// exact tokens the row was indexed with, rebuilt here from the stored text and word spans.
Status StoreImpl::FtsDeleteCurrent(int64_t id) {
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec("SELECT title, text, title_words, text_words FROM documents WHERE id = ?",
                                  {SqlParam::Int(id)}, &rows));
  if (rows.empty()) return Status::OK();
  std::string title = rows[0][0].AsText();
  std::string text = rows[0][1].AsText();
  std::vector<WordSpan> title_words, text_words;
  if (!DecodeWordSpans(rows[0][2].AsText(), &title_words) || !DecodeWordSpans(rows[0][3].AsText(), &text_words)) {
    return Status::Corruption("stored word spans of document " + std::to_string(id) + " are malformed");
  }
  fts_batch_.push_back(
      FtsOp{true, id, MakeFtsValues(title, text, title_words, text_words, options_.max_index_bytes)});
  return Status::OK();
}

// SQLite: runs the queued FTS5 writes in order, one after another.
Status StoreImpl::FlushFts() {
  for (const FtsOp& op : fts_batch_) {
    const FtsValues& v = op.values;
    std::initializer_list<SqlParam> params{SqlParam::Int(op.rowid), SqlParam::Text(v.title_w), SqlParam::Text(v.body_w),
                                           SqlParam::Text(v.title_g), SqlParam::Text(v.body_g)};
    SLUICE_RETURN_IF_ERROR(
        s_->Exec(op.remove ? "INSERT INTO documents_fts (documents_fts, rowid, title_w, body_w, title_g, body_g) "
                             "VALUES ('delete', ?, ?, ?, ?, ?)"
                           : "INSERT INTO documents_fts (rowid, title_w, body_w, title_g, body_g) VALUES (?, ?, ?, ?, ?)",
                 params));
  }
  return Status::OK();
}

// PostgreSQL: the tsv value of a document (the same tokens as SQLite's four FTS5 columns).
// The title alone goes into title_tsv as well: small enough to stay inline in the row, it lets
// the title-first ranking of unselective queries test titles without reading each row's large
// tsv from TOAST.
std::string StoreImpl::Tsvector(const PreparedDoc& p, bool title_only) {
  TsvectorBuilder b;
  size_t max = options_.max_index_bytes;
  b.BeginStream("", 'A');
  if (!p.title_words.empty()) WordTokens(p.title, p.title_words, b, max);
  b.BeginStream(kGramLexemePrefix, 'A');
  GramTokens(p.title, b, max);
  if (title_only) return b.Literal();
  if (!p.text_words.empty()) {
    b.BeginStream("", 'D');
    WordTokens(p.text, p.text_words, b, max);
  } else {
    b.BeginStream(kGramLexemePrefix, 'D');
    GramTokens(p.text, b, max);
  }
  b.CollectWords(&vocabulary_batch_);
  return b.Literal();
}

// PostgreSQL: adds the batch's words to the vocabulary, in sorted order so that two workers
// inserting overlapping words wait for each other instead of deadlocking.
Status StoreImpl::FlushVocabulary() {
  if (!pg() || vocabulary_batch_.empty()) return Status::OK();
  std::vector<std::string> words(vocabulary_batch_.begin(), vocabulary_batch_.end());
  std::sort(words.begin(), words.end());
  constexpr size_t kChunk = 5000;
  for (size_t i = 0; i < words.size(); i += kChunk) {
    std::string joined;
    for (size_t k = i; k < std::min(words.size(), i + kChunk); ++k) {
      if (k > i) joined.push_back('\n');
      joined += words[k];
    }
    SLUICE_RETURN_IF_ERROR(s_->Exec(
        "INSERT INTO vocabulary (term) SELECT t FROM unnest(string_to_array(?, E'\\n')) AS t ORDER BY t "
        "ON CONFLICT DO NOTHING",
        {SqlParam::Text(joined)}));
  }
  return Status::OK();
}

Status StoreImpl::KnownWords(const std::vector<std::string>& candidates, std::unordered_set<std::string>* known) {
  if (pg()) {
    std::string joined;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (i) joined.push_back('\n');
      joined += candidates[i];
    }
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(s_->Exec("SELECT term FROM vocabulary WHERE term = ANY(string_to_array(?, E'\\n'))",
                                    {SqlParam::Text(joined)}, &rows));
    for (const SqlRow& r : rows) known->insert(r[0].AsText());
    return Status::OK();
  }
  // SQLite: is there a document with this token in a words column? One index seek each.
  for (const std::string& c : candidates) {
    std::string match = RenderFts5WordProbe(c);
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(
        s_->Exec("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT 1", {SqlParam::Text(match)}, &rows));
    if (!rows.empty()) known->insert(c);
  }
  return Status::OK();
}

std::string StoreImpl::FirstSeenDateSql() const {
  return pg() ? "to_char(to_timestamp(d.first_seen_us / 1000000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
              : "date(d.first_seen_us / 1000000, 'unixepoch')";
}

void StoreImpl::AppendFilters(const std::string& site, const std::string& since, const std::string& doc_type,
                              const std::string& topic, std::string* sql, std::vector<std::string>* params) const {
  if (!site.empty()) {
    *sql += " AND d.site = ?";
    params->push_back(site);
  }
  if (!since.empty()) {
    *sql += " AND COALESCE(d.publish_date, " + FirstSeenDateSql() + ") >= ?";
    params->push_back(since);
  }
  if (!doc_type.empty()) {
    *sql += " AND EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = d.id AND l.axis = 'doc_type' AND l.value = ?)";
    params->push_back(doc_type);
  }
  if (!topic.empty()) {
    *sql += " AND EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = d.id AND l.axis = 'topic' AND l.value = ?)";
    params->push_back(topic);
  }
}

// The rank window: the ids of the `window` most recent matches, newest first, or fewer when
// there are fewer matches. SQLite walks its index backwards from the newest row and returns
// only the window-th id (its FTS5 index finds the rest again at no cost). PostgreSQL would walk
// the table backwards reading every row's tsvector from TOAST to test the phrases; instead the
// GIN index answers the relaxed query (phrases as conjunctions: a superset of the matches)
// without reading any tsvector, and its ids — candidates — are returned for the later steps.
Status StoreImpl::RankWindow(const SearchQuery& query, const std::string& engine, const std::string& from,
                             const std::string& match, const std::string& filters,
                             const std::vector<std::string>& filter_params, const std::string& id, int window,
                             std::vector<int64_t>* ids, bool* full) {
  std::string expr = pg() ? RenderTsquery(query, /*relaxed=*/true) : engine;
  std::string sql = "SELECT " + id + " " + from + match + filters + " ORDER BY " + id + " DESC LIMIT ?" +
                    (pg() ? "" : " OFFSET ?");
  std::vector<SqlParam> params{SqlParam::Text(expr)};
  for (const auto& f : filter_params) params.push_back(SqlParam::Text(f));
  params.push_back(SqlParam::Int(pg() ? window : 1));
  if (!pg()) params.push_back(SqlParam::Int(window - 1));
  SLUICE_RETURN_IF_ERROR(PlannerHint("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off"));
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->ExecPlanned(sql, params, &rows));
  for (const SqlRow& r : rows) ids->push_back(r[0].AsInt());
  *full = pg() ? rows.size() == static_cast<size_t>(window) : !rows.empty();
  return Status::OK();
}

// PostgreSQL: the newest of `candidates` (newest first) that match `exact`, at most `limit`,
// testing them a few at a time so that only as many tsvectors are read as it takes.
Status StoreImpl::NewestExactMatches(const std::vector<int64_t>& candidates, const std::string& exact, size_t limit,
                                     std::vector<SqlRow>* out) {
  constexpr size_t kChunk = 64;
  for (size_t i = 0; i < candidates.size() && out->size() < limit; i += kChunk) {
    std::string list;
    for (size_t k = i; k < std::min(candidates.size(), i + kChunk); ++k) {
      if (k > i) list.push_back(',');
      list += std::to_string(candidates[k]);
    }
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(s_->ExecPlanned(
        "SELECT d.id, 0 AS score FROM documents d WHERE d.id = ANY(CAST(string_to_array(?, ',') AS bigint[])) "
        "AND d.tsv @@ CAST(? AS tsquery) ORDER BY d.id DESC",
        {SqlParam::Text(list), SqlParam::Text(exact)}, &rows));
    for (SqlRow& r : rows) {
      if (out->size() < limit) out->push_back(std::move(r));
    }
  }
  return Status::OK();
}

// PostgreSQL, inside Search's read-only transaction: steers the next statement's plan.
Status StoreImpl::PlannerHint(const char* settings) {
  if (!pg() || !search_txn_) return Status::OK();
  return s_->ExecScript("RESET enable_indexscan; RESET enable_seqscan; RESET enable_bitmapscan; " + std::string(settings));
}

// PostgreSQL searches in one read-only transaction: one snapshot for all its statements, and a
// scope for the planner settings that keep each statement from reading every row's tsvector.
Status StoreImpl::Search(const SearchRequest& req, SearchResult* result) {
  if (!pg() || s_->InTransaction()) return SearchInSnapshot(req, result);
  SLUICE_RETURN_IF_ERROR(s_->Begin());
  search_txn_ = true;
  Status st = s_->ExecScript("SET TRANSACTION READ ONLY");
  if (st.ok()) st = SearchInSnapshot(req, result);
  search_txn_ = false;
  if (st.ok()) return s_->Commit();
  s_->Rollback();
  return st;
}

Status StoreImpl::SearchInSnapshot(const SearchRequest& req, SearchResult* result) {
  *result = SearchResult();
  if (req.limit <= 0) return Status::OK();
  SearchQuery query;
  SLUICE_RETURN_IF_ERROR(ParseSearchQuery(req.query, options_.segmenter.get(), this, &query));
  std::string engine = pg() ? RenderTsquery(query) : RenderFts5Query(query);
  result->engine_query = engine;

  std::vector<std::string> filter_params;
  std::string filters;
  AppendFilters(req.site, req.since, req.doc_type, req.topic, &filters, &filter_params);
  // Dialect: what the match reads from, its condition, its score (higher is better) and the id
  // column. SQLite joins documents only when a filter needs its columns, and orders and bounds
  // by the FTS5 rowid so that FTS5 itself walks the index in that order.
  std::string from, match, score, id;
  if (pg()) {
    from = "FROM documents d";
    match = " WHERE d.tsv @@ CAST(? AS tsquery)";
    score = "ts_rank_cd(d.tsv, CAST(? AS tsquery))";
    id = "d.id";
  } else {
    from = filters.empty() ? "FROM documents_fts" : "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid";
    match = " WHERE documents_fts MATCH ?";
    score = "-bm25(documents_fts, 8.0, 1.0, 4.0, 0.5)";
    id = "documents_fts.rowid";
  }

  // The rank window: the id of the rank_window-th most recent match, when there are that many.
  int64_t lowest_id = 0;
  std::vector<int64_t> candidates;  // PostgreSQL: the window's candidate ids, newest first
  if (req.rank_window > 0) {
    bool full = false;
    SLUICE_RETURN_IF_ERROR(
        RankWindow(query, engine, from, match, filters, filter_params, id, req.rank_window, &candidates, &full));
    if (full) {
      lowest_id = candidates.back();
      result->windowed = true;
    }
  }
  // Ranked by BM25 (ts_rank_cd) over every match — or, past the window, over the window's matches
  // with the query in their title, followed by the window's newest other matches (score 0).
  // BM25 costs ~15 µs per matching notice when phrases of frequent words must be located in it,
  // so it is spent on the title matches only; for so unselective a query they are the relevant
  // ones, and recency orders the rest.
  // `column` (PostgreSQL): the tsvector to match and rank on.
  auto rank = [&](const std::string& expr, bool by_score, int limit, const std::string& column,
                  std::vector<SqlRow>* out) {
    std::string m = match, sc = score;
    if (pg()) {
      m = " WHERE " + column + " @@ CAST(? AS tsquery)";
      sc = "ts_rank_cd(" + column + ", CAST(? AS tsquery))";
    }
    std::string sql = "SELECT " + id + ", " + (by_score ? sc : std::string("0")) + " AS score " + from + m + filters +
                      (lowest_id > 0 ? " AND " + id + " >= ?" : "") + " ORDER BY " +
                      (by_score ? "score DESC, " : "") + id + " DESC LIMIT ?";
    std::vector<SqlParam> params;
    if (pg() && by_score) params.push_back(SqlParam::Text(expr));
    params.push_back(SqlParam::Text(expr));
    for (const auto& f : filter_params) params.push_back(SqlParam::Text(f));
    if (lowest_id > 0) params.push_back(SqlParam::Int(lowest_id));
    params.push_back(SqlParam::Int(limit));
    return s_->ExecPlanned(sql, params, out);
  };
  std::vector<SqlRow> ranked;
  if (lowest_id == 0) {
    SLUICE_RETURN_IF_ERROR(PlannerHint(""));
    SLUICE_RETURN_IF_ERROR(rank(engine, true, req.limit, "d.tsv", &ranked));
  } else {
    // PostgreSQL: titles are matched on the small title_tsv through its GIN index, and the newest
    // other matches are the window's candidates that pass the exact test, newest first.
    SLUICE_RETURN_IF_ERROR(PlannerHint("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off"));
    std::string title = pg() ? engine : RenderFts5TitleQuery(query);
    SLUICE_RETURN_IF_ERROR(rank(title, true, req.limit, "d.title_tsv", &ranked));
    if (ranked.size() < static_cast<size_t>(req.limit)) {
      std::vector<SqlRow> recent;
      size_t want = static_cast<size_t>(req.limit) + ranked.size();
      if (pg()) {
        SLUICE_RETURN_IF_ERROR(PlannerHint(""));
        SLUICE_RETURN_IF_ERROR(NewestExactMatches(candidates, engine, want, &recent));
      } else {
        SLUICE_RETURN_IF_ERROR(rank(engine, false, static_cast<int>(want), "d.tsv", &recent));
      }
      std::unordered_set<int64_t> seen;
      for (const SqlRow& r : ranked) seen.insert(r[0].AsInt());
      for (SqlRow& r : recent) {
        if (ranked.size() >= static_cast<size_t>(req.limit)) break;
        if (seen.insert(r[0].AsInt()).second) ranked.push_back(std::move(r));
      }
    }
  }
  if (ranked.empty()) return Status::OK();

  std::vector<SqlParam> ids;
  for (const SqlRow& r : ranked) ids.push_back(SqlParam::Int(r[0].AsInt()));
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec(
      "SELECT id, canonical_url, site, title, publish_time, publish_date, publisher, document_number, text "
      "FROM documents WHERE id IN (" + Placeholders(ids.size()) + ")",
      ids, &rows));
  std::unordered_map<int64_t, const SqlRow*> by_id;
  for (const SqlRow& r : rows) by_id[r[0].AsInt()] = &r;
  std::vector<SqlRow> label_rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec("SELECT doc_id, axis, value, score, classifier FROM labels WHERE doc_id IN (" +
                                      Placeholders(ids.size()) + ") ORDER BY doc_id, axis, score DESC",
                                  ids, &label_rows));
  std::map<int64_t, std::vector<StoredLabel>> labels;
  for (const SqlRow& r : label_rows) {
    labels[r[0].AsInt()].push_back(StoredLabel{r[1].AsText(), r[2].AsText(), r[3].AsDouble(), r[4].AsText()});
  }
  for (const SqlRow& rank : ranked) {
    auto it = by_id.find(rank[0].AsInt());
    if (it == by_id.end()) continue;
    const SqlRow& r = *it->second;
    SearchHit hit;
    hit.doc_id = r[0].AsInt();
    hit.score = rank[1].AsDouble();
    hit.canonical_url = r[1].AsText();
    hit.site = r[2].AsText();
    hit.publish_time = r[4].AsText();
    hit.publish_date = r[5].AsText();
    hit.publisher = r[6].AsText();
    hit.document_number = r[7].AsText();
    hit.labels = std::move(labels[hit.doc_id]);
    std::string title = r[3].AsText();
    Snippet t = MakeSnippet(title, HighlightNeedles(query, title), SIZE_MAX / 2);
    hit.title = std::move(t.text);
    hit.title_highlights = std::move(t.highlights);
    std::string text = r[8].AsText();
    Snippet s = MakeSnippet(text, HighlightNeedles(query, text), req.snippet_chars);
    hit.snippet = std::move(s.text);
    hit.highlights = std::move(s.highlights);
    result->hits.push_back(std::move(hit));
  }
  return Status::OK();
}

Status StoreImpl::LoadLabels(int64_t lo, int64_t hi, std::map<int64_t, std::vector<StoredLabel>>* out) {
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec("SELECT doc_id, axis, value, score, classifier FROM labels WHERE doc_id BETWEEN ? AND ? "
                                  "ORDER BY doc_id, axis, score DESC, value",
                                  {SqlParam::Int(lo), SqlParam::Int(hi)}, &rows));
  for (const SqlRow& r : rows) {
    (*out)[r[0].AsInt()].push_back(StoredLabel{r[1].AsText(), r[2].AsText(), r[3].AsDouble(), r[4].AsText()});
  }
  return Status::OK();
}

Status StoreImpl::LoadAttachments(int64_t lo, int64_t hi, std::map<int64_t, std::vector<StoredAttachment>>* out) {
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec("SELECT doc_id, name, url, type, size, sha256 FROM attachments "
                                  "WHERE doc_id BETWEEN ? AND ? ORDER BY doc_id, position",
                                  {SqlParam::Int(lo), SqlParam::Int(hi)}, &rows));
  for (const SqlRow& r : rows) {
    (*out)[r[0].AsInt()].push_back(
        StoredAttachment{r[1].AsText(), r[2].AsText(), r[3].AsText(), r[4].AsInt(), r[5].AsText()});
  }
  return Status::OK();
}

Status StoreImpl::LoadVersions(int64_t lo, int64_t hi, std::map<int64_t, std::vector<StoredVersion>>* out) {
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(s_->Exec(
      "SELECT doc_id, version, content_hash, title, publish_time, publisher, document_number, text, attachments, "
      "first_seen_us, last_seen_us FROM versions WHERE doc_id BETWEEN ? AND ? ORDER BY doc_id, version",
      {SqlParam::Int(lo), SqlParam::Int(hi)}, &rows));
  for (const SqlRow& r : rows) {
    StoredVersion v;
    v.version = r[1].AsInt();
    v.content_hash = r[2].AsText();
    v.title = r[3].AsText();
    v.publish_time = r[4].AsText();
    v.publisher = r[5].AsText();
    v.document_number = r[6].AsText();
    v.text = r[7].AsText();
    v.attachments = ParseAttachmentsJson(r[8].AsText());
    v.first_seen_us = r[9].AsInt();
    v.last_seen_us = r[10].AsInt();
    (*out)[r[0].AsInt()].push_back(std::move(v));
  }
  return Status::OK();
}

Status StoreImpl::GetWhere(const char* where, SqlParam param, StoredDocument* doc) {
  std::vector<SqlRow> rows;
  SLUICE_RETURN_IF_ERROR(
      s_->Exec(std::string("SELECT ") + kDocColumns + " FROM documents WHERE " + where, {param}, &rows));
  if (rows.empty()) return Status::NotFound("no such document");
  *doc = ReadDocRow(rows[0]);
  std::map<int64_t, std::vector<StoredLabel>> labels;
  std::map<int64_t, std::vector<StoredAttachment>> atts;
  std::map<int64_t, std::vector<StoredVersion>> versions;
  SLUICE_RETURN_IF_ERROR(LoadLabels(doc->id, doc->id, &labels));
  SLUICE_RETURN_IF_ERROR(LoadAttachments(doc->id, doc->id, &atts));
  SLUICE_RETURN_IF_ERROR(LoadVersions(doc->id, doc->id, &versions));
  doc->labels = std::move(labels[doc->id]);
  doc->attachments = std::move(atts[doc->id]);
  doc->versions = std::move(versions[doc->id]);
  return Status::OK();
}

Status StoreImpl::GetById(int64_t id, StoredDocument* doc) { return GetWhere("id = ?", SqlParam::Int(id), doc); }

Status StoreImpl::GetByUrl(const std::string& url, StoredDocument* doc) {
  Status st = GetWhere("canonical_url = ?", SqlParam::Text(url), doc);
  if (st.IsNotFound()) st = GetWhere("url = ? ORDER BY id LIMIT 1", SqlParam::Text(url), doc);
  return st;
}

Status StoreImpl::Export(const ExportFilter& filter, const std::function<Status(const StoredDocument&)>& emit) {
  constexpr int kPage = 500;
  int64_t after = filter.after_id;
  while (true) {
    std::string sql = std::string("SELECT ") + kDocColumns + " FROM documents d WHERE d.id > ?";
    std::vector<std::string> filter_params;
    AppendFilters(filter.site, filter.since, "", "", &sql, &filter_params);
    sql += " ORDER BY d.id LIMIT ?";
    std::vector<SqlParam> params{SqlParam::Int(after)};
    for (const auto& f : filter_params) params.push_back(SqlParam::Text(f));
    params.push_back(SqlParam::Int(kPage));
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(s_->Exec(sql, params, &rows));
    if (rows.empty()) return Status::OK();
    int64_t lo = rows.front()[0].AsInt();
    int64_t hi = rows.back()[0].AsInt();
    std::map<int64_t, std::vector<StoredLabel>> labels;
    std::map<int64_t, std::vector<StoredAttachment>> atts;
    std::map<int64_t, std::vector<StoredVersion>> versions;
    SLUICE_RETURN_IF_ERROR(LoadLabels(lo, hi, &labels));
    SLUICE_RETURN_IF_ERROR(LoadAttachments(lo, hi, &atts));
    if (filter.with_versions) SLUICE_RETURN_IF_ERROR(LoadVersions(lo, hi, &versions));
    for (const SqlRow& r : rows) {
      StoredDocument d = ReadDocRow(r);
      d.labels = std::move(labels[d.id]);
      d.attachments = std::move(atts[d.id]);
      d.versions = std::move(versions[d.id]);
      SLUICE_RETURN_IF_ERROR(emit(d));
    }
    after = hi;
    if (rows.size() < static_cast<size_t>(kPage)) return Status::OK();
  }
}

Status StoreImpl::Stats(int days, StoreStats* stats) {
  *stats = StoreStats();
  auto count = [&](const char* sql, int64_t* out) -> Status {
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(s_->Exec(sql, {}, &rows));
    *out = rows.empty() ? 0 : rows[0][0].AsInt();
    return Status::OK();
  };
  auto groups = [&](const std::string& sql, int64_t limit, std::vector<std::pair<std::string, int64_t>>* out) -> Status {
    std::vector<SqlRow> rows;
    SLUICE_RETURN_IF_ERROR(s_->Exec(sql, {SqlParam::Int(limit)}, &rows));
    for (const SqlRow& r : rows) out->emplace_back(r[0].AsText(), r[1].AsInt());
    return Status::OK();
  };
  SLUICE_RETURN_IF_ERROR(count("SELECT COUNT(*) FROM documents", &stats->documents));
  SLUICE_RETURN_IF_ERROR(count("SELECT COUNT(*) FROM versions", &stats->versions));
  SLUICE_RETURN_IF_ERROR(count("SELECT COUNT(*) FROM attachments", &stats->attachments));
  SLUICE_RETURN_IF_ERROR(count("SELECT COUNT(*) FROM labels", &stats->labels));
  SLUICE_RETURN_IF_ERROR(groups("SELECT d.site, COUNT(*) AS n FROM documents d GROUP BY d.site ORDER BY n DESC, d.site LIMIT ?",
                                100, &stats->per_site));
  std::string fs = FirstSeenDateSql();
  SLUICE_RETURN_IF_ERROR(groups("SELECT COALESCE(d.publish_date, " + fs +
                                    ") AS day, COUNT(*) FROM documents d GROUP BY day ORDER BY day DESC LIMIT ?",
                                days, &stats->per_day));
  SLUICE_RETURN_IF_ERROR(groups("SELECT " + fs + " AS day, COUNT(*) FROM documents d GROUP BY day ORDER BY day DESC LIMIT ?",
                                days, &stats->per_stored_day));
  SLUICE_RETURN_IF_ERROR(groups("SELECT axis || '=' || value AS label, COUNT(*) AS n FROM labels GROUP BY axis, value "
                                "ORDER BY n DESC, label LIMIT ?",
                                200, &stats->per_label));
  return Status::OK();
}

}  // namespace

int LatestSchemaVersion() { return internal::LatestVersion(); }

bool PostgresBackendAvailable() { return internal::PostgresAvailable(); }

Status DocumentStore::Open(const StoreOptions& options, std::unique_ptr<DocumentStore>* store) {
  std::unique_ptr<SqlSession> session;
  if (options.backend == Backend::kSqlite) {
    SLUICE_RETURN_IF_ERROR(internal::OpenSqliteSession(options, &session));
  } else {
    if (!internal::PostgresAvailable()) {
      return Status::InvalidArgument("this sluice was built without the PostgreSQL back end (SLUICE_WITH_POSTGRES=OFF)");
    }
    SLUICE_RETURN_IF_ERROR(internal::OpenPostgresSession(options, &session));
  }
  int version = 0;
  if (options.read_only) {
    SLUICE_RETURN_IF_ERROR(internal::CheckVersionReadOnly(*session, &version));
  } else {
    SLUICE_RETURN_IF_ERROR(internal::Migrate(*session, options.target_schema_version, &version));
  }
  *store = std::make_unique<StoreImpl>(options, std::move(session), version);
  return Status::OK();
}

std::string StoreContentHash(const v1::Document& doc) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  auto field = [&](const std::string& s) {
    uint64_t len = s.size();
    XXH3_128bits_update(state, &len, sizeof len);
    XXH3_128bits_update(state, s.data(), s.size());
  };
  field(doc.title());
  field(doc.text());
  field(doc.publish_time());
  field(doc.publisher());
  field(doc.document_number());
  field(doc.index_number());
  field(doc.column());
  for (const auto& a : doc.attachments()) {
    field(a.name());
    field(a.url());
  }
  XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

std::string RedactDsn(const std::string& dsn) {
  std::string out = dsn;
  // URI form: scheme://user:password@host
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t at = out.find('@', scheme + 3);
    size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Keyword form and URI query parameters: password=value
  for (size_t pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
    size_t begin = pos + 9;
    size_t end = begin;
    if (end < out.size() && out[end] == '\'') {
      ++end;
      while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
      if (end < out.size()) ++end;
    } else {
      while (end < out.size() && out[end] != ' ' && out[end] != '&') ++end;
    }
    out.replace(begin, std::min(end, out.size()) - begin, "***");
  }
  return out;
}

}  // namespace sluice::store
