#include "stage_runner.h"

#include <unistd.h>

#include <filesystem>
#include <map>

#include "sluice/plugin_loader.h"
#include "sluice/registry.h"
#include "sluice/v1/control.pb.h"
#include "sluice/v1/document.pb.h"
#include "wire.h"

namespace sluice {

namespace {
constexpr int kMaxDocsPerPump = 256;  // yield to timers and signals at least this often
constexpr size_t kIdsPerAck = 512;
}  // namespace

StageRunner::StageRunner(const PipelineSpec& spec, size_t stage_index, uint32_t worker)
    : ProcessRunner(spec, spec.stages[stage_index].name, worker, false),
      index_(stage_index),
      stage_spec_(spec.stages[stage_index]),
      is_last_(stage_index + 1 == spec.stages.size()),
      flush_timer_(io()),
      pid_(static_cast<uint32_t>(getpid())),
      doc_(std::make_unique<v1::Document>()) {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  host_ = host;
}

StageRunner::~StageRunner() {
  if (reactor_) reactor_->Close();
}

Status CreateStage(const PipelineSpec& spec, size_t index, uint32_t worker, boost::asio::io_context* io,
                   std::shared_ptr<spdlog::logger> log, Counters* counters, StageContext* ctx, std::unique_ptr<Stage>* out) {
  const StageSpec& st = spec.stages[index];
  ctx->stage_name = st.name;
  ctx->worker = worker;
  ctx->workers = st.workers;
  ctx->data_dir = spec.data_dir;
  ctx->config_dir = spec.config_dir;
  ctx->config = st.config;
  ctx->is_last = index + 1 == spec.stages.size();
  ctx->io = io;
  ctx->log = std::move(log);
  ctx->counters = counters;
  Status s;
  if (const StageFactory* factory = Registry::Global().FindStage(st.kind)) {
    try {
      s = (*factory)(*ctx, out);
    } catch (const std::exception& e) {
      s = Status::InvalidArgument(std::string("stage threw while starting: ") + e.what());
    }
  } else {
    s = MakePluginStage(st.kind, *ctx, out);
    if (s.IsNotFound()) {
      std::string known;
      for (const auto& n : Registry::Global().StageNames()) known += (known.empty() ? "" : ", ") + n;
      s = Status::InvalidArgument(st.config.Where() + ": unknown stage '" + st.kind + "' (built-in stages: " + known +
                                  "; or a plugin name/path)\n" + s.message());
    }
  }
  if (!s.ok()) return Status::InvalidArgument("stage " + st.name + ": " + s.message());
  return ctx->config.Finish();
}

Status StageRunner::Init() {
  std::error_code ec;
  std::filesystem::create_directories(spec_.data_dir, ec);
  SLUICE_RETURN_IF_ERROR(CreateStage(spec_, index_, worker_, &io(), logger(), &stats(), &ctx_, &stage_));
  serialized_ = stage_->Serialized();

  SocketOptions in_opts;
  in_opts.rcvhwm = spec_.hwm;
  in_opts.sndhwm = spec_.hwm;
  in_opts.linger_ms = 0;  // whatever is still queued for us is lost with us; the ledger redelivers
  in_opts.max_message_bytes = spec_.max_message_bytes;
  in_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::pull);
  ApplySocketOptions(*in_, in_opts);
  SocketPlan in_plan = spec_.StageInput(index_, worker_);
  std::string err = Attach(*in_, in_plan.bind, in_plan.connect);
  if (!err.empty()) return Status::IOError("input socket: " + err);

  if (!is_last_) {
    SocketOptions out_opts;
    out_opts.sndhwm = spec_.hwm;
    out_opts.rcvhwm = spec_.hwm;
    out_opts.linger_ms = 1000;
    out_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::push);
    ApplySocketOptions(*out_, out_opts);
    SocketPlan out_plan = spec_.StageOutput(static_cast<int>(index_), worker_);
    err = Attach(*out_, out_plan.bind, out_plan.connect);
    if (!err.empty()) return Status::IOError("output socket: " + err);
  }

  // One PUSH per ledger: an ack must reach the ledger that emitted the document.
  for (uint32_t k = 0; k < spec_.source.workers; ++k) {
    auto sock = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::push);
    SocketOptions o;
    o.sndhwm = 10000;  // acks are tiny; this must never be what blocks a stage
    o.linger_ms = 5000;
    ApplySocketOptions(*sock, o);
    err = Attach(*sock, {}, spec_.LedgerAck(k).connect);
    if (!err.empty()) return Status::IOError("ack socket: " + err);
    ledgers_.push_back(std::move(sock));
  }
  control_queue_.resize(ledgers_.size());

  SLUICE_RETURN_IF_ERROR(StartCommon());

  reactor_ = std::make_unique<ZmqReactor>(io(), [this] { Pump(); });
  reactor_->Watch(*in_, [this]() -> short { return (!out_pending_ && !draining()) ? ZMQ_POLLIN : 0; });
  if (out_) reactor_->Watch(*out_, [this]() -> short { return out_pending_ ? ZMQ_POLLOUT : 0; });
  for (size_t k = 0; k < ledgers_.size(); ++k)
    reactor_->Watch(*ledgers_[k], [this, k]() -> short { return control_queue_[k].empty() ? 0 : ZMQ_POLLOUT; });
  ArmFlushTimer();
  reactor_->Kick();
  log().info("stage {} worker {} ready ({}, input {}{})", stage_spec_.name, worker_, stage_spec_.kind,
             in_plan.bind.empty() ? "connect " + in_plan.connect[0] : in_plan.bind[0], is_last_ ? ", last stage: acks" : "");
  return Status::OK();
}

Status StageRunner::CallStage(const std::function<Status()>& call, const char* what, bool record_latency) {
  int64_t t0 = MonoMicros();
  Status st;
  try {
    st = call();
  } catch (const std::exception& e) {
    st = Status::Transient(std::string(what) + " threw: " + e.what());
  } catch (...) {
    st = Status::Transient(std::string(what) + " threw a non-standard exception");
  }
  int64_t elapsed = MonoMicros() - t0;
  stats().busy_s += static_cast<double>(elapsed) / 1e6;
  if (record_latency) stats().latency.Record(elapsed);
  return st;
}

int StageRunner::LedgerIndex(const std::string& ledger_id) const {
  if (ledger_id.empty() || ledger_id.size() > 4) return -1;
  int k = 0;
  for (char c : ledger_id) {
    if (c < '0' || c > '9') return -1;
    k = k * 10 + (c - '0');
  }
  return k < static_cast<int>(ledgers_.size()) ? k : -1;
}

void StageRunner::Pump() {
  int handled = 0;
  while (true) {
    bool progress = SendControl();
    if (out_pending_) {
      if (out_->send(*out_pending_, zmq::send_flags::dontwait)) {
        out_pending_.reset();
        ++stats().docs_out;
        progress = true;
      } else {
        ++stats().blocked_sends;
      }
    }
    if (!out_pending_ && !draining() && handled < kMaxDocsPerPump) {
      zmq::message_t msg;
      if (in_->recv(msg, zmq::recv_flags::dontwait)) {
        Handle(msg);
        ++handled;
        progress = true;
      }
    }
    if (!progress) break;
    if (handled >= kMaxDocsPerPump) {
      // Let timers and signals run; the pump continues right after.
      SendControl();
      reactor_->Kick();
      return;
    }
  }
  reactor_->Rearm();
}

void StageRunner::HandleSerialized(zmq::message_t& msg) {
  std::string bytes(static_cast<const char*>(msg.data()), msg.size());
  wire::Delivery d;
  bool well_formed = wire::ScanDelivery(bytes, &d);
  int ledger = LedgerIndex(std::string(d.ledger_id));
  if (!well_formed || d.id.empty() || ledger < 0) {
    ++stats().errors;
    std::string why = "malformed document: not a well-formed protobuf message (" + std::to_string(msg.size()) + " bytes)";
    if (d.id.empty() || ledger < 0) {
      log().error("{}; no usable id/ledger in it, dropping (nothing to nack)", why);
      return;
    }
    Nack(static_cast<uint32_t>(ledger), std::string(d.id), static_cast<uint32_t>(d.attempt), Status::Permanent(why));
    return;
  }
  std::string id(d.id);
  uint32_t attempt = static_cast<uint32_t>(d.attempt);
  int64_t emitted_us = d.emitted_us;
  int64_t enter = NowMicros();
  Status st = CallStage([&] { return stage_->ProcessSerialized(bytes); }, "stage");
  if (!st.ok()) {
    ++stats().errors;
    Nack(static_cast<uint32_t>(ledger), id, attempt, st);
    return;
  }
  v1::TraceSpan span;
  span.set_stage(stage_spec_.name);
  span.set_worker(worker_);
  span.set_enter_us(enter);
  span.set_leave_us(NowMicros());
  span.set_pid(pid_);
  span.set_host(host_);
  wire::AppendString(bytes, 34, span.SerializeAsString());  // Document.trace: appending adds a span
  Forward(static_cast<uint32_t>(ledger), id, attempt, emitted_us, bytes);
}

void StageRunner::Forward(uint32_t ledger, const std::string& id, uint32_t attempt, int64_t emitted_us, const std::string& bytes) {
  if (is_last_) {
    pending_acks_.push_back(PendingAck{ledger, id, attempt, emitted_us});
    if (pending_acks_.size() >= stage_spec_.batch_size || stage_->WantsFlush()) DoFlush();
    return;
  }
  out_pending_.emplace(bytes.data(), bytes.size());
  if (out_->send(*out_pending_, zmq::send_flags::dontwait)) {
    out_pending_.reset();
    ++stats().docs_out;
  } else {
    ++stats().blocked_sends;
  }
}

void StageRunner::Handle(zmq::message_t& msg) {
  ++stats().docs_in;
  stats().bytes_in += msg.size();
  if (serialized_) return HandleSerialized(msg);
  // One Document reused for every message: Clear() keeps the capacity of its strings and
  // repeated fields, so steady state allocates little.
  v1::Document& doc = *doc_;
  doc.Clear();
  if (!doc.ParseFromArray(msg.data(), static_cast<int>(msg.size()))) {
    ++stats().errors;
    wire::Delivery ids;
    wire::ScanDelivery(std::string_view(static_cast<const char*>(msg.data()), msg.size()), &ids);
    int ledger = LedgerIndex(std::string(ids.ledger_id));
    std::string why = "malformed document: protobuf parse failed (" + std::to_string(msg.size()) + " bytes)";
    if (ids.id.empty() || ledger < 0) {
      log().error("{}; no usable id/ledger in it, dropping (nothing to nack)", why);
      return;
    }
    log().warn("{} id={}", why, std::string(ids.id));
    Nack(static_cast<uint32_t>(ledger), std::string(ids.id), static_cast<uint32_t>(ids.attempt), Status::Permanent(why));
    return;
  }
  int ledger = LedgerIndex(doc.ledger_id());
  int64_t enter = NowMicros();
  Status st = CallStage([&] { return stage_->Process(doc); }, "stage");
  if (ledger < 0) {
    ++stats().errors;
    log().error("document {} has ledger_id '{}', which names no ledger of this pipeline; dropping it", doc.id(),
                doc.ledger_id());
    return;
  }
  if (!st.ok()) {
    ++stats().errors;
    Nack(static_cast<uint32_t>(ledger), doc.id(), doc.attempt(), st);
    return;
  }
  v1::TraceSpan* span = doc.add_trace();
  span->set_stage(stage_spec_.name);
  span->set_worker(worker_);
  span->set_enter_us(enter);
  span->set_leave_us(NowMicros());
  span->set_pid(pid_);
  span->set_host(host_);
  out_bytes_.clear();
  if (!is_last_) doc.SerializeToString(&out_bytes_);
  Forward(static_cast<uint32_t>(ledger), doc.id(), doc.attempt(), doc.emitted_us(), out_bytes_);
}

void StageRunner::Nack(uint32_t ledger, const std::string& id, uint32_t attempt, const Status& why) {
  bool permanent = !why.IsTransient();
  if (permanent) ++stats().dead_letters;
  else ++stats().retries;
  log().warn("nack{} {} (attempt {}): {}", permanent ? " permanent" : "", id, attempt, why.message());
  v1::LedgerMessage m;
  v1::Nack* n = m.mutable_nack();
  n->set_id(id);
  n->set_reason(why.message());
  n->set_permanent(permanent);
  n->set_stage(stage_spec_.name);
  n->set_worker(worker_);
  n->set_attempt(attempt);
  std::string bytes;
  m.SerializeToString(&bytes);
  control_queue_[ledger].emplace_back(bytes.data(), bytes.size());
}

void StageRunner::DoFlush() {
  Status st = CallStage([&] { return stage_->Flush(); }, "flush", /*record_latency=*/false);
  if (pending_acks_.empty()) {
    if (!st.ok()) log().warn("flush failed: {}", st.ToString());
    return;
  }
  if (!st.ok()) {
    log().error("flush of {} documents failed, nacking them: {}", pending_acks_.size(), st.ToString());
    for (const auto& p : pending_acks_) {
      ++stats().errors;
      Nack(p.ledger, p.id, p.attempt, st);
    }
    pending_acks_.clear();
    return;
  }
  int64_t now = NowMicros();
  std::map<uint32_t, v1::LedgerMessage> acks;
  auto send_batch = [this](uint32_t ledger, v1::LedgerMessage& m) {
    std::string bytes;
    m.SerializeToString(&bytes);
    control_queue_[ledger].emplace_back(bytes.data(), bytes.size());
    m.Clear();
  };
  for (const auto& p : pending_acks_) {
    if (p.emitted_us > 0) stats().e2e.Record(now - p.emitted_us);
    v1::LedgerMessage& m = acks[p.ledger];
    m.mutable_ack()->add_ids(p.id);
    if (m.ack().ids_size() >= static_cast<int>(kIdsPerAck)) {
      m.mutable_ack()->set_stage(stage_spec_.name);
      send_batch(p.ledger, m);
    }
  }
  for (auto& [ledger, m] : acks) {
    if (m.ack().ids_size() == 0) continue;
    m.mutable_ack()->set_stage(stage_spec_.name);
    m.mutable_ack()->set_worker(worker_);
    send_batch(ledger, m);
  }
  stats().docs_out += pending_acks_.size();
  pending_acks_.clear();
  SendControl();
}

bool StageRunner::SendControl() {
  bool progress = false;
  for (size_t k = 0; k < ledgers_.size(); ++k) {
    auto& q = control_queue_[k];
    while (!q.empty()) {
      if (!ledgers_[k]->send(q.front(), zmq::send_flags::dontwait)) break;
      q.pop_front();
      progress = true;
    }
  }
  return progress;
}

void StageRunner::ArmFlushTimer() {
  flush_timer_.expires_after(stage_spec_.flush_interval);
  flush_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    DoFlush();
    reactor_->Kick();
    ArmFlushTimer();
  });
}

void StageRunner::OnDrain() {
  // Stop reading; finish the document waiting for the output; commit and ack what was processed.
  flush_timer_.cancel();
  DoFlush();
  FinishWhenControlSent(50);
}

void StageRunner::FinishWhenControlSent(int attempts_left) {
  SendControl();
  bool out_clear = !out_pending_ || out_->send(*out_pending_, zmq::send_flags::dontwait);
  if (out_clear && out_pending_) {
    out_pending_.reset();
    ++stats().docs_out;
  }
  bool control_clear = true;
  for (const auto& q : control_queue_) control_clear = control_clear && q.empty();
  if ((out_clear && control_clear) || attempts_left <= 0) {
    if (!control_clear) log().warn("exiting with unsent acks/nacks; the ledger will redeliver those documents");
    reactor_->Close();
    Finish(kExitOk);
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(io(), std::chrono::milliseconds(100));
  timer->async_wait([this, timer, attempts_left](const boost::system::error_code&) { FinishWhenControlSent(attempts_left - 1); });
}

void StageRunner::OnReload() {
  Status s = stage_->Reload();
  if (s.ok()) log().info("reloaded");
  else log().error("reload failed, keeping the previous state: {}", s.ToString());
}

void StageRunner::BeforeSnapshot() {}

}  // namespace sluice
