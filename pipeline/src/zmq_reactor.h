// ZmqReactor: drives ZeroMQ sockets from a Boost.Asio io_context, with no polling thread and no
// sleeps.
//
// Design note — ZMQ_FD is edge-triggered. The descriptor a ZeroMQ socket exposes does not mean
// "a message is waiting"; it means "ZMQ_EVENTS may have changed", and it is re-armed only when
// ZMQ_EVENTS is read. Asio's epoll reactor is edge-triggered as well. Two rules follow:
//   1. whoever owns the sockets keeps sending/receiving until ZMQ_EVENTS says there is nothing
//      more to do (the owner's `pump` function runs until it makes no progress), and
//   2. after arming the asio waits, ZMQ_EVENTS is read once more: anything that arrived between
//      the owner's last check and the arming would otherwise have signalled an edge nobody was
//      waiting for, and the loop would stall with messages queued.
// Rearm() implements rule 2 and re-runs the pump when something slipped through.
//
// Thread safety: everything runs on the io_context's one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <vector>
#include <zmq.hpp>

namespace sluice {

// Socket options every sluice socket gets explicitly; the ZeroMQ defaults hang on exit (LINGER
// infinite) or let queues grow to 1000 messages of any size.
struct SocketOptions {
  int sndhwm = 200;
  int rcvhwm = 200;
  int linger_ms = 0;
  int64_t max_message_bytes = -1;
  bool immediate = false;  // ZMQ_IMMEDIATE: do not queue on connections not yet established
};
void ApplySocketOptions(zmq::socket_t& s, const SocketOptions& o);
// Binds or connects per endpoint list; returns a description of the failure or "".
std::string Attach(zmq::socket_t& s, const std::vector<std::string>& bind, const std::vector<std::string>& connect);

class ZmqReactor {
 public:
  // `pump` does all pending socket work; it must not block.
  ZmqReactor(boost::asio::io_context& io, std::function<void()> pump);
  ~ZmqReactor();

  // Watches `socket` for the events `interest()` returns (ZMQ_POLLIN / ZMQ_POLLOUT bits); the
  // interest may change as the owner's state changes (e.g. POLLOUT only while a send is pending).
  void Watch(zmq::socket_t& socket, std::function<short()> interest);
  // Arms waits on all watched sockets and re-checks their events (rule 2 above). Call at the end
  // of every pump.
  void Rearm();
  // Runs the pump soon (posted), e.g. after new work was queued from a timer.
  void Kick();
  // Stops waiting; pending waits are cancelled and descriptors released (ZeroMQ owns them).
  void Close();

 private:
  struct Watched {
    zmq::socket_t* socket;
    std::function<short()> interest;
    std::unique_ptr<boost::asio::posix::stream_descriptor> fd;
    bool armed = false;
  };
  void Fire();
  boost::asio::io_context& io_;
  std::function<void()> pump_;
  std::vector<std::unique_ptr<Watched>> watched_;
  bool kicked_ = false;
  bool closed_ = false;
  std::shared_ptr<bool> alive_;
};

}  // namespace sluice
