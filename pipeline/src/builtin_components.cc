// The runtime's own built-ins: the `generate` source (synthetic documents for load tests,
// benchmarks and the runtime's own tests) and the `passthrough` stage. Deterministic ids (prefix-N) and a cursor kept in the ledger make it exactly-once across
// kill -9 of its process.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include "sluice/registry.h"
#include "sluice/source.h"
#include "sluice/v1/document.pb.h"

namespace sluice {

namespace {

class GeneratorSource : public Source {
 public:
  explicit GeneratorSource(const SourceFactoryArgs& args)
      : count_(static_cast<uint64_t>(args.config.GetInt("count", 0))),
        rate_(args.config.GetDouble("rate", 0)),
        payload_bytes_(static_cast<size_t>(args.config.GetBytes("payload_bytes", 200))),
        batch_(static_cast<uint32_t>(args.config.GetInt("batch", 256))),
        prefix_(args.config.GetString("id_prefix", "gen")),
        site_(args.config.GetString("site", "generator.local")),
        worker_(args.worker),
        workers_(args.workers) {
    if (batch_ < 1) args.config.AddError("batch", "must be at least 1");
    if (rate_ < 0) args.config.AddError("rate", "must not be negative");
    // A pattern with some Han text, so text-processing test stages have something to chew on.
    const std::string unit = "教育强国建设规划纲要 sluice test payload 0123456789 ";
    while (body_.size() < payload_bytes_) body_ += unit;
    body_.resize(payload_bytes_);
    // Cut at a character boundary: proto3 strings must be valid UTF-8 or they do not parse.
    while (!body_.empty() && (static_cast<unsigned char>(body_.back()) & 0xC0) == 0x80) body_.pop_back();
    if (!body_.empty() && static_cast<unsigned char>(body_.back()) >= 0xC0) body_.pop_back();
  }

  Status Start(SourceContext& ctx) override {
    ctx_ = &ctx;
    if (auto v = ctx.state().Get("generate", "next")) next_ = std::stoull(*v);
    timer_ = std::make_unique<boost::asio::steady_timer>(ctx.io());
    ctx.log().info("generate: starting at {} of {}", next_, count_ ? std::to_string(count_) : std::string("unbounded"));
    boost::asio::post(ctx.io(), [this] { Produce(); });
    return Status::OK();
  }

  void Stop() override {
    stopped_ = true;
    if (timer_) timer_->cancel();
  }

  bool Finished() const override { return count_ > 0 && next_ >= count_; }

 private:
  void Produce() {
    if (stopped_ || Finished()) return;
    if (ctx_->Backlogged()) {
      ctx_->WhenReady([this] { Produce(); });
      return;
    }
    uint32_t n = batch_;
    if (count_ > 0) n = static_cast<uint32_t>(std::min<uint64_t>(n, count_ - next_));
    for (uint32_t i = 0; i < n; ++i) {
      // Each source worker produces its own share: sequence numbers congruent to its index.
      uint64_t seq = next_ * workers_ + worker_;
      v1::Document doc;
      doc.set_id(prefix_ + "-" + std::to_string(seq));
      doc.set_site(site_);
      doc.set_url("http://" + site_ + "/doc/" + std::to_string(seq));
      doc.set_canonical_url(doc.url());
      doc.set_title("generated document " + std::to_string(seq));
      doc.set_text(body_);
      (*doc.mutable_metadata())["seq"] = std::to_string(seq);
      Status s = ctx_->Emit(std::move(doc));
      if (!s.ok()) {
        ctx_->log().warn("generate: emit failed, retrying in 1s: {}", s.ToString());
        Later(std::chrono::milliseconds(1000));
        return;
      }
      ++next_;
    }
    Status s = ctx_->state().Put("generate", "next", std::to_string(next_));
    if (!s.ok()) ctx_->log().warn("generate: cannot record cursor: {}", s.ToString());
    if (rate_ > 0) {
      Later(std::chrono::milliseconds(static_cast<int64_t>(1000.0 * n / rate_)));
    } else {
      boost::asio::post(ctx_->io(), [this] { Produce(); });
    }
  }

  void Later(std::chrono::milliseconds d) {
    timer_->expires_after(d);
    timer_->async_wait([this](const boost::system::error_code& ec) {
      if (!ec) Produce();
    });
  }

  uint64_t count_;
  double rate_;
  size_t payload_bytes_;
  uint32_t batch_;
  std::string prefix_, site_, body_;
  uint32_t worker_, workers_;
  uint64_t next_ = 0;
  bool stopped_ = false;
  SourceContext* ctx_ = nullptr;
  std::unique_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace

namespace {
// Forwards documents unchanged: for wiring a pipeline up before its real stages exist, and for
// measuring the runtime's own overhead (tests/bench/pipeline).
class PassthroughStage : public Stage {
 public:
  Status Process(v1::Document&) override { return Status::OK(); }
};
}  // namespace

void RegisterRuntimeComponents(Registry& registry) {
  registry.AddStage("passthrough", [](const StageContext&, std::unique_ptr<Stage>* out) {
    *out = std::make_unique<PassthroughStage>();
    return Status::OK();
  });
  registry.AddSource("generate", [](const SourceFactoryArgs& args, std::unique_ptr<Source>* out) {
    *out = std::make_unique<GeneratorSource>(args);
    return Status::OK();
  });
}

}  // namespace sluice
