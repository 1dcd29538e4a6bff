// Tests of pipeline/include/sluice/source.h: BacklogGate, the wait every producing source uses.
#include "sluice/source.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <memory>
#include <vector>

#include "sluice/v1/document.pb.h"

namespace sluice {
namespace {

// A context whose backlog the test switches, and which holds WhenReady callbacks until Ready().
class SwitchedContext final : public SourceContext, public Counters {
 public:
  boost::asio::io_context& io() override { return io_; }
  Status Emit(v1::Document) override { return Status::OK(); }
  SourceState& state() override { std::abort(); }
  bool Backlogged() const override { return backlogged; }
  void WhenReady(std::function<void()> on_ready) override { waiting.push_back(std::move(on_ready)); }
  Counters& counters() override { return *this; }
  spdlog::logger& log() override { return *log_; }
  const std::string& ledger_id() const override { return id_; }
  uint32_t worker() const override { return 0; }
  uint32_t workers() const override { return 1; }
  const std::string& data_dir() const override { return id_; }
  void Add(const std::string&, uint64_t) override {}

  void Ready() {
    backlogged = false;
    auto callbacks = std::move(waiting);
    waiting.clear();
    for (auto& f : callbacks) f();
  }

  bool backlogged = false;
  std::vector<std::function<void()>> waiting;

 private:
  boost::asio::io_context io_;
  std::string id_ = "test";
  std::shared_ptr<spdlog::logger> log_ =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
};

TEST(BacklogGateTest, OpenWhileTheLedgerHasRoom) {
  SwitchedContext ctx;
  BacklogGate gate;
  int resumed = 0;
  EXPECT_FALSE(gate.Parked(ctx, [&] { ++resumed; }));
  EXPECT_TRUE(ctx.waiting.empty());
  EXPECT_EQ(resumed, 0);
}

TEST(BacklogGateTest, ParkedLoopIsResumedOnceWhateverItAsked) {
  SwitchedContext ctx;
  ctx.backlogged = true;
  BacklogGate gate;
  int resumed = 0;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(gate.Parked(ctx, [&] { ++resumed; }));
  EXPECT_EQ(ctx.waiting.size(), 1u) << "one wake-up, not one per question";
  ctx.Ready();
  EXPECT_EQ(resumed, 1);
  // Backlogged again after the wake-up: the gate asks for a new one.
  ctx.backlogged = true;
  EXPECT_TRUE(gate.Parked(ctx, [&] { ++resumed; }));
  EXPECT_EQ(ctx.waiting.size(), 1u);
  ctx.Ready();
  EXPECT_EQ(resumed, 2);
}

TEST(BacklogGateTest, NoResumeAfterTheGateIsGone) {
  SwitchedContext ctx;
  ctx.backlogged = true;
  int resumed = 0;
  {
    BacklogGate gate;
    EXPECT_TRUE(gate.Parked(ctx, [&] { ++resumed; }));
  }
  ctx.Ready();
  EXPECT_EQ(resumed, 0);
}

}  // namespace
}  // namespace sluice
