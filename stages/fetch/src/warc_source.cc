#include "sluice/fetch/warc_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <filesystem>

#include "sluice/fetch/page.h"
#include "sluice/fetch/warc.h"

namespace sluice::fetch {

namespace fs = std::filesystem;

Status WarcSourceOptions::FromConfig(const Config& c, const std::string& config_dir, WarcSourceOptions* out) {
  WarcSourceOptions o;
  for (auto p : c.GetStringList("paths")) {
    if (!p.empty() && p[0] != '/' && !config_dir.empty()) p = config_dir + "/" + p;
    o.paths.push_back(p);
  }
  o.all_html = c.GetBool("all_html", false);
  o.batch = static_cast<int>(c.GetInt("batch", 256));
  if (o.paths.empty()) return Status::InvalidArgument(c.Where() + ": the warc source needs `paths`");
  if (o.batch < 1) o.batch = 1;
  *out = std::move(o);
  return Status::OK();
}

std::vector<std::string> ListWarcFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(p, ec)) {
      std::string name = e.path().filename().string();
      if (name.size() > 5 && (name.find(".warc") != std::string::npos)) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}

struct WarcSource::Impl {
  WarcSourceOptions opt;
  SourceContext* ctx = nullptr;
  std::vector<std::string> files;
  size_t file_index = 0;
  std::unique_ptr<WarcReader> reader;
  WarcRecord pending_response;
  bool have_response = false;
  bool finished = false, stopped = false;
  BacklogGate gate;
  uint64_t replayed = 0;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  void Post() {
    std::weak_ptr<bool> weak = alive;
    boost::asio::post(ctx->io(), [this, weak]() {
      if (!weak.expired()) Step();
    });
  }

  // Emits the buffered response (if it qualifies) as a document.
  void EmitPage(const WarcRecord& response, const WarcRecord* metadata) {
    FetchedPage page;
    Status st = PageFromRecords(response, metadata, &page);
    if (!st.ok()) {
      ctx->counters().Add("skipped_records");
      return;
    }
    if (!metadata) {
      const std::string& ct = page.response.Header("content-type");
      if (page.response.status < 200 || page.response.status >= 300 || ct.find("html") == std::string::npos) return;
    }
    v1::Document doc;
    st = BuildDocument(page, nullptr, &doc);
    if (st.ok()) st = ctx->Emit(std::move(doc));
    if (!st.ok()) {
      ctx->counters().Add("skipped_records");
      ctx->log().warn("warc: cannot replay {}: {}", response.Header("WARC-Target-URI"), st.ToString());
      return;
    }
    ctx->counters().Add("replayed");
    ++replayed;
  }

  void FlushPending() {
    if (have_response && opt.all_html) EmitPage(pending_response, nullptr);
    have_response = false;
  }

  void Step() {
    if (stopped || finished) return;
    for (int n = 0; n < opt.batch; ++n) {
      if (gate.Parked(*ctx, [this] { Step(); })) return;
      if (!reader) {
        if (file_index >= files.size()) {
          FlushPending();
          finished = true;
          ctx->log().info("warc: replay finished, {} document(s) from {} file(s)", replayed, files.size());
          return;
        }
        Status st = WarcReader::Open(files[file_index++], &reader);
        if (!st.ok()) {
          ctx->counters().Add("corrupt_files");
          ctx->log().error("warc: {}", st.ToString());
          reader.reset();
          continue;  // counts as one step of the batch
        }
      }
      WarcRecord rec;
      bool eof = false;
      Status st = reader->Next(&rec, &eof);
      if (!st.ok() || eof) {
        if (!st.ok()) {
          ctx->counters().Add("corrupt_files");
          ctx->log().error("warc: {} (rest of the file skipped)", st.ToString());
        }
        reader.reset();
        continue;
      }
      if (rec.type == "response") {
        FlushPending();
        pending_response = std::move(rec);
        have_response = true;
      } else if (rec.type == "metadata" && have_response &&
                 rec.Header("WARC-Concurrent-To") == pending_response.Header("WARC-Record-ID")) {
        EmitPage(pending_response, &rec);
        have_response = false;
      }
    }
    Post();
  }
};

WarcSource::WarcSource(WarcSourceOptions options) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(options); }
WarcSource::~WarcSource() { *impl_->alive = false; }

Status WarcSource::Start(SourceContext& ctx) {
  impl_->ctx = &ctx;
  impl_->files = ListWarcFiles(impl_->opt.paths);
  if (impl_->files.empty()) return Status::InvalidArgument("warc: no WARC files under the configured paths");
  impl_->Post();
  return Status::OK();
}

void WarcSource::Stop() {
  impl_->stopped = true;
  *impl_->alive = false;
}
bool WarcSource::Finished() const { return impl_->finished; }
uint64_t WarcSource::replayed() const { return impl_->replayed; }

}  // namespace sluice::fetch
