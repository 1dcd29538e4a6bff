#include "sluice/store/store_source.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <chrono>

#include "sluice/v1/document.pb.h"
#include "store_location.h"

namespace sluice::store {

namespace {
// Source state namespace: "run" (the current run's token), "cursor" (last id emitted), "done".
constexpr const char* kStateNs = "store-source";
}  // namespace

Status StoreSourceOptions::FromConfig(const SourceFactoryArgs& args, StoreSourceOptions* out) {
  const Config& c = args.config;
  StoreSourceOptions o;
  bool ok = ReadStoreLocation(c, [&](const std::string& p) { return args.ResolvePath(p); }, args.data_dir, &o.store);
  o.store.read_only = true;
  o.site = c.GetString("site", "");
  o.since = c.GetString("since", "");
  o.batch = static_cast<int>(c.GetInt("batch", 256));
  if (o.batch < 1) {
    c.AddError("batch", "must be at least 1");
    ok = false;
  }
  if (!ok || !c.status().ok()) {
    Status st = c.Finish();
    return st.ok() ? c.status() : st;
  }
  *out = std::move(o);
  return Status::OK();
}

void DocumentFromStored(const StoredDocument& s, v1::Document* doc) {
  doc->set_source(s.source);
  doc->set_site(s.site);
  doc->set_url(s.url.empty() ? s.canonical_url : s.url);
  doc->set_canonical_url(s.canonical_url);
  doc->set_content_hash(s.content_hash);
  doc->set_title(s.title);
  doc->set_text(s.text);
  doc->set_publish_time(s.publish_time);
  doc->set_publisher(s.publisher);
  doc->set_document_number(s.document_number);
  doc->set_index_number(s.index_number);
  doc->set_info_category(s.info_category);
  doc->set_column(s.column);
  doc->set_site_name(s.site_name);
  doc->set_site_id_code(s.site_id_code);
  doc->set_language(s.language);
  for (const auto& a : s.attachments) {
    v1::Attachment* out = doc->add_attachments();
    out->set_name(a.name);
    out->set_url(a.url);
    out->set_type(a.type);
    out->set_size(a.size);
    out->set_sha256(a.sha256);
  }
  for (const auto& [k, v] : s.metadata) (*doc->mutable_metadata())[k] = v;
  doc->set_duplicate_of(s.duplicate_of);
  doc->set_simhash(s.simhash);
  doc->set_lexicon_version(s.lexicon_version);
}

struct StoreSource::Impl {
  StoreSourceOptions opt;
  SourceContext* ctx = nullptr;
  std::unique_ptr<DocumentStore> store;
  std::string run;      // token of this run: part of every document id
  int64_t cursor = 0;   // last id emitted
  bool finished = false, stopped = false;
  BacklogGate gate;
  uint64_t emitted = 0;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  void Post() {
    std::weak_ptr<bool> weak = alive;
    boost::asio::post(ctx->io(), [this, weak]() {
      if (!weak.expired()) Step();
    });
  }

  void Later(std::chrono::milliseconds d) {
    auto timer = std::make_shared<boost::asio::steady_timer>(ctx->io(), d);
    std::weak_ptr<bool> weak = alive;
    timer->async_wait([this, weak, timer](const boost::system::error_code& ec) {
      if (!ec && !weak.expired()) Step();
    });
  }

  void Step() {
    if (stopped || finished) return;
    if (gate.Parked(*ctx, [this] { Step(); })) return;
    ExportFilter filter;
    filter.site = opt.site;
    filter.since = opt.since;
    filter.after_id = cursor;
    int n = 0;
    bool emit_failed = false, paused = false;
    Status st = store->Export(filter, [&](const StoredDocument& s) {
      v1::Document doc;
      DocumentFromStored(s, &doc);
      doc.set_id("store:" + run + ":" + std::to_string(s.id) + ":" + std::to_string(s.version));
      doc.mutable_fetch()->set_fetched_at_us(s.version_seen_us - 1);
      Status e = ctx->Emit(std::move(doc));
      if (!e.ok()) {
        emit_failed = true;
        return e;
      }
      cursor = s.id;
      ++emitted;
      ctx->counters().Add("replayed");
      if (++n < opt.batch) return Status::OK();
      paused = true;  // a turn's worth: stop Export and let the loop breathe
      return Status::Transient("paused");
    });
    if (n > 0) {
      Status put = ctx->state().Put(kStateNs, "cursor", std::to_string(cursor));
      if (!put.ok()) ctx->log().warn("store source: cannot record the cursor: {}", put.ToString());
    }
    if (paused) {
      Post();
      return;
    }
    if (st.ok()) {
      Finish();
      return;
    }
    // The ledger or the database refused: nothing after the cursor was recorded; try again.
    ctx->counters().Add(emit_failed ? "emit_errors" : "read_errors");
    ctx->log().warn("store source: {} (retrying in 1s)", st.ToString());
    Later(std::chrono::milliseconds(1000));
  }

  void Finish() {
    finished = true;
    Status st = ctx->state().Put(kStateNs, "done", "1");
    if (!st.ok()) ctx->log().warn("store source: cannot record the end of the run: {}", st.ToString());
    ctx->log().info("store source: run {} finished, {} document(s) from {}", run, emitted, store->Describe());
  }
};

StoreSource::StoreSource(StoreSourceOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
}
StoreSource::~StoreSource() { *impl_->alive = false; }

Status StoreSource::Start(SourceContext& ctx) {
  Impl& m = *impl_;
  m.ctx = &ctx;
  SLUICE_RETURN_IF_ERROR(DocumentStore::Open(m.opt.store, &m.store));
  SourceState& state = ctx.state();
  auto run = state.Get(kStateNs, "run");
  auto done = state.Get(kStateNs, "done");
  if (run && !done) {
    m.run = *run;
    if (auto c = state.Get(kStateNs, "cursor")) m.cursor = std::stoll(*c);
    ctx.log().info("store source: resuming run {} after document id {}", m.run, m.cursor);
  } else {
    m.run = std::to_string(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    SLUICE_RETURN_IF_ERROR(state.Put(kStateNs, "run", m.run));
    SLUICE_RETURN_IF_ERROR(state.Delete(kStateNs, "done"));
    SLUICE_RETURN_IF_ERROR(state.Put(kStateNs, "cursor", "0"));
    ctx.log().info("store source: run {} re-emits the documents of {}", m.run, m.store->Describe());
  }
  m.Post();
  return Status::OK();
}

void StoreSource::Stop() {
  impl_->stopped = true;
  *impl_->alive = false;
}

bool StoreSource::Finished() const { return impl_->finished; }

}  // namespace sluice::store
