#include "zmq_reactor.h"

#include <boost/asio/post.hpp>

namespace sluice {

void ApplySocketOptions(zmq::socket_t& s, const SocketOptions& o) {
  s.set(zmq::sockopt::sndhwm, o.sndhwm);
  s.set(zmq::sockopt::rcvhwm, o.rcvhwm);
  s.set(zmq::sockopt::linger, o.linger_ms);
  if (o.max_message_bytes > 0) s.set(zmq::sockopt::maxmsgsize, o.max_message_bytes);
  if (o.immediate) s.set(zmq::sockopt::immediate, 1);
}

std::string Attach(zmq::socket_t& s, const std::vector<std::string>& bind, const std::vector<std::string>& connect) {
  for (const auto& e : bind) {
    try {
      s.bind(e);
    } catch (const zmq::error_t& err) {
      return "cannot bind " + e + ": " + err.what();
    }
  }
  for (const auto& e : connect) {
    try {
      s.connect(e);
    } catch (const zmq::error_t& err) {
      return "cannot connect " + e + ": " + err.what();
    }
  }
  return "";
}

ZmqReactor::ZmqReactor(boost::asio::io_context& io, std::function<void()> pump)
    : io_(io), pump_(std::move(pump)), alive_(std::make_shared<bool>(true)) {}

ZmqReactor::~ZmqReactor() {
  Close();
  *alive_ = false;
}

void ZmqReactor::Watch(zmq::socket_t& socket, std::function<short()> interest) {
  auto w = std::make_unique<Watched>();
  w->socket = &socket;
  w->interest = std::move(interest);
  int fd = socket.get(zmq::sockopt::fd);
  w->fd = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd);
  watched_.push_back(std::move(w));
}

void ZmqReactor::Rearm() {
  if (closed_) return;
  for (auto& w : watched_) {
    if (w->armed) continue;
    w->armed = true;
    Watched* raw = w.get();
    std::weak_ptr<bool> alive = alive_;
    w->fd->async_wait(boost::asio::posix::stream_descriptor::wait_read, [this, raw, alive](const boost::system::error_code& ec) {
      if (alive.expired() || closed_) return;
      raw->armed = false;
      if (ec) return;
      Fire();
    });
  }
  // Rule 2: read ZMQ_EVENTS after arming; this also consumes the descriptor's pending signal so
  // that the next change produces a fresh edge for the waits armed above.
  for (auto& w : watched_) {
    short want = w->interest();
    int events = w->socket->get(zmq::sockopt::events);
    if ((want & ZMQ_POLLIN) && (events & ZMQ_POLLIN)) return Kick();
    if ((want & ZMQ_POLLOUT) && (events & ZMQ_POLLOUT)) return Kick();
  }
}

void ZmqReactor::Kick() {
  if (kicked_ || closed_) return;
  kicked_ = true;
  std::weak_ptr<bool> alive = alive_;
  boost::asio::post(io_, [this, alive]() {
    if (alive.expired() || closed_) return;
    kicked_ = false;
    Fire();
  });
}

void ZmqReactor::Fire() { pump_(); }

void ZmqReactor::Close() {
  if (closed_) return;
  closed_ = true;
  for (auto& w : watched_) {
    boost::system::error_code ec;
    w->fd->cancel(ec);
    w->fd->release();  // the descriptor belongs to ZeroMQ
  }
}

}  // namespace sluice
