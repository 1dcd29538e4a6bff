#include "source_runner.h"

#include <boost/asio/post.hpp>
#include <filesystem>

#include "sluice/registry.h"
#include "sluice/v1/control.pb.h"
#include "sluice/v1/document.pb.h"

namespace sluice {

namespace {
constexpr size_t kTakeBatch = 128;
constexpr int kMaxMessagesPerPump = 512;
}  // namespace

SourceRunner::SourceRunner(const PipelineSpec& spec, uint32_t worker)
    : ProcessRunner(spec, spec.source.name, worker, true),
      ledger_id_(std::to_string(worker)),
      commit_timer_(ProcessRunner::io()),
      tick_timer_(ProcessRunner::io()) {}

SourceRunner::~SourceRunner() {
  if (reactor_) reactor_->Close();
}

Status CreateSource(const PipelineSpec& spec, uint32_t worker, std::shared_ptr<spdlog::logger> log, std::unique_ptr<Source>* out) {
  const SourceFactory* factory = Registry::Global().FindSource(spec.source.kind);
  if (!factory) {
    std::string known;
    for (const auto& n : Registry::Global().SourceNames()) known += (known.empty() ? "" : ", ") + n;
    return Status::InvalidArgument(spec.source.config.Where() + ": unknown source '" + spec.source.kind + "' (known: " + known + ")");
  }
  SourceFactoryArgs args;
  args.config = spec.source.config;
  args.config_dir = spec.config_dir;
  args.data_dir = spec.data_dir;
  args.worker = worker;
  args.workers = spec.source.workers;
  args.log = std::move(log);
  Status s;
  try {
    s = (*factory)(args, out);
  } catch (const std::exception& e) {
    s = Status::InvalidArgument(std::string("source threw while starting: ") + e.what());
  }
  if (!s.ok()) return Status::InvalidArgument("source " + spec.source.name + ": " + s.message());
  return args.config.Finish();
}

Status SourceRunner::Init() {
  std::error_code ec;
  std::filesystem::create_directories(spec_.data_dir, ec);
  std::string path = spec_.data_dir + "/ledger-" + spec_.source.name + "-" + std::to_string(worker_) + ".db";
  SLUICE_RETURN_IF_ERROR(Ledger::Open(path, spec_.ledger, ledger_id_, &ledger_));

  SLUICE_RETURN_IF_ERROR(CreateSource(spec_, worker_, logger(), &source_));

  out_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::push);
  SocketOptions o;
  o.sndhwm = spec_.hwm;
  o.rcvhwm = spec_.hwm;
  o.linger_ms = 0;  // unsent documents stay in the ledger; nothing to wait for on exit
  ApplySocketOptions(*out_, o);
  SocketPlan out_plan = spec_.StageOutput(-1, worker_);
  std::string err = Attach(*out_, out_plan.bind, out_plan.connect);
  if (!err.empty()) return Status::IOError("output socket: " + err);

  acks_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::pull);
  SocketOptions a;
  a.rcvhwm = 100000;
  a.linger_ms = 0;
  ApplySocketOptions(*acks_, a);
  err = Attach(*acks_, spec_.LedgerAck(worker_).bind, {});
  if (!err.empty()) return Status::IOError("ack socket: " + err);

  SLUICE_RETURN_IF_ERROR(StartCommon());
  reactor_ = std::make_unique<ZmqReactor>(ProcessRunner::io(), [this] { Pump(); });
  reactor_->Watch(*acks_, []() -> short { return ZMQ_POLLIN; });
  reactor_->Watch(*out_, [this]() -> short { return outbox_.empty() ? 0 : ZMQ_POLLOUT; });

  uint64_t open = 0, done = 0, dead = 0;
  if (ledger_->CountStates(&open, &done, &dead).ok())
    ProcessRunner::log().info("ledger {}: {} open (resumed), {} done, {} dead letters", path, open, done, dead);
  SLUICE_RETURN_IF_ERROR(source_->Start(*this));
  ArmTick();
  reactor_->Kick();
  return Status::OK();
}

Status SourceRunner::Emit(v1::Document doc) {
  if (draining()) return Status::Transient("source is draining");
  if (doc.source().empty()) doc.set_source(spec_.source.name);
  Status s = ledger_->Add(doc);
  if (!s.ok()) return s;
  ++emitted_;
  ++stats().docs_in;
  ScheduleCommit();
  return Status::OK();
}

bool SourceRunner::Backlogged() const { return ledger_->pending() > spec_.ledger.backlog_target; }

void SourceRunner::WhenReady(std::function<void()> on_ready) {
  if (!Backlogged()) {
    boost::asio::post(ProcessRunner::io(), std::move(on_ready));
    return;
  }
  ready_waiters_.push_back(std::move(on_ready));
}

void SourceRunner::NotifyReady() {
  if (ready_waiters_.empty() || ledger_->pending() > spec_.ledger.backlog_target / 2) return;
  auto waiters = std::move(ready_waiters_);
  ready_waiters_.clear();
  for (auto& w : waiters) boost::asio::post(ProcessRunner::io(), std::move(w));
}

void SourceRunner::ScheduleCommit() {
  if (commit_scheduled_) return;
  commit_scheduled_ = true;
  commit_timer_.expires_after(spec_.ledger.commit_interval);
  commit_timer_.async_wait([this](const boost::system::error_code& ec) {
    commit_scheduled_ = false;
    if (ec) return;
    CommitNow();
  });
}

void SourceRunner::CommitNow() {
  if (!ledger_->dirty()) return;
  Status s = ledger_->Commit();
  if (!s.ok()) {
    if (!commit_failing_) ProcessRunner::log().error("ledger commit failed (will retry): {}", s.ToString());
    commit_failing_ = true;
    ++stats().errors;
    ScheduleCommit();
    return;
  }
  if (commit_failing_) ProcessRunner::log().info("ledger commits again");
  commit_failing_ = false;
  reactor_->Kick();
}

void SourceRunner::Pump() {
  int budget = kMaxMessagesPerPump;
  bool progress = true;
  while (progress && budget > 0) {
    progress = false;
    zmq::message_t msg;
    while (budget > 0 && acks_->recv(msg, zmq::recv_flags::dontwait)) {
      HandleLedgerMessage(msg);
      --budget;
      progress = true;
    }
    while (!outbox_.empty()) {
      const Ledger::Outgoing& o = outbox_.front();
      zmq::message_t m(o.bytes.data(), o.bytes.size());
      if (!out_->send(m, zmq::send_flags::dontwait)) {
        ++stats().blocked_sends;
        break;
      }
      ++stats().docs_out;
      outbox_.pop_front();
      --budget;
      progress = true;
    }
    if (outbox_.empty() && !draining() && budget > 0) {
      std::vector<Ledger::Outgoing> batch;
      Status s = ledger_->TakeReady(kTakeBatch, NowMicros(), &batch);
      if (!s.ok()) {
        ProcessRunner::log().error("ledger read failed: {}", s.ToString());
      } else if (!batch.empty()) {
        for (auto& o : batch) outbox_.push_back(std::move(o));
        progress = true;
      }
    }
  }
  NotifyReady();
  if (ledger_->dirty()) ScheduleCommit();
  if (budget <= 0) {
    reactor_->Kick();
    return;
  }
  reactor_->Rearm();
  CheckFinished();
}

void SourceRunner::HandleLedgerMessage(zmq::message_t& msg) {
  v1::LedgerMessage m;
  if (!m.ParseFromArray(msg.data(), static_cast<int>(msg.size()))) {
    ProcessRunner::log().error("malformed message on the ack endpoint ({} bytes), ignored", msg.size());
    ++stats().errors;
    return;
  }
  if (m.has_ack()) {
    for (const auto& id : m.ack().ids()) ledger_->Ack(id);
  } else if (m.has_worker_lost()) {
    const v1::WorkerLost& w = m.worker_lost();
    std::string why = "in flight when worker " + w.stage() + "/" + std::to_string(w.worker()) + " died (" + w.reason() + ")";
    size_t n = ledger_->ExpireSentBefore(w.lost_at_us(), why, NowMicros());
    if (n) ProcessRunner::log().info("worker {}/{} died: {} document(s) in flight will be redelivered", w.stage(), w.worker(), n);
  } else if (m.has_nack()) {
    const v1::Nack& n = m.nack();
    uint64_t dead_before = ledger_->dead_total();
    ledger_->Nack(n.id(), n.attempt(), n.reason(), n.permanent(), n.stage(), NowMicros());
    if (ledger_->dead_total() > dead_before)
      ProcessRunner::log().warn("dead letter {} from stage {}: {}", n.id(), n.stage(), n.reason());
  }
}

void SourceRunner::ArmTick() {
  tick_timer_.expires_after(std::chrono::milliseconds(250));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    uint64_t dead_before = ledger_->dead_total();
    ledger_->ExpireInFlight(NowMicros());
    if (ledger_->dead_total() > dead_before)
      ProcessRunner::log().warn("{} document(s) moved to the dead-letter table after repeated failures",
                                ledger_->dead_total() - dead_before);
    CommitNow();
    if (draining()) {
      bool quiet = ledger_->in_flight() == 0;
      if (quiet || NowMicros() >= drain_deadline_us_) {
        if (!quiet)
          ProcessRunner::log().warn("drain deadline reached with {} documents in flight; they are redelivered on the next start",
                                    ledger_->in_flight());
        Status s = ledger_->Commit();
        if (!s.ok()) ProcessRunner::log().error("final ledger commit failed: {}", s.ToString());
        reactor_->Close();
        Finish(kExitOk);
        return;
      }
    }
    reactor_->Kick();
    ArmTick();
  });
}

void SourceRunner::CheckFinished() {
  if (draining() || !source_->Finished()) return;
  if (ledger_->dirty() || ledger_->pending() > 0 || !ledger_->Quiet() || !outbox_.empty()) return;
  ProcessRunner::log().info("source finished: {} emitted, {} acked, {} dead letters", emitted_, ledger_->acked_total(),
                            ledger_->dead_total());
  Status s = ledger_->Commit();
  if (!s.ok()) ProcessRunner::log().error("final ledger commit failed: {}", s.ToString());
  reactor_->Close();
  tick_timer_.cancel();
  Finish(kExitOk);
}

void SourceRunner::OnDrain() {
  source_->Stop();
  // Documents taken from the ledger but not yet sent go back; they stay pending in the database.
  while (!outbox_.empty()) {
    ledger_->Unsend(std::move(outbox_.back()));
    outbox_.pop_back();
  }
  drain_deadline_us_ = NowMicros() + spec_.drain_timeout.count() * 1000;
  ProcessRunner::log().info("stopped intake; waiting for {} documents in flight", ledger_->in_flight());
}

void SourceRunner::BeforeSnapshot() {
  stats().pending = ledger_->pending();
  stats().in_flight = ledger_->in_flight();
  stats().acked = ledger_->acked_total();
  stats().retries = ledger_->redelivered_total();
  stats().dead_letters = ledger_->dead_total();
}

}  // namespace sluice
