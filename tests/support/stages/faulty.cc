// Test stage that misbehaves on purpose, selected by the document's metadata "seq":
//   crash_every: N      abort() the process when seq % N == crash_at (a poison document)
//   throw_every: N      throw std::runtime_error when seq % N == throw_at
//   permanent_every: N  return a permanent failure when seq % N == permanent_at
//   sleep_us: U         sleep U microseconds per document (a slow stage)
#include <sluice/plugin.hpp>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

class Faulty : public sluice::sdk::Stage {
 public:
  explicit Faulty(const sluice::sdk::Config& c)
      : crash_every_(Num(c, "crash_every")), crash_at_(Num(c, "crash_at")),
        throw_every_(Num(c, "throw_every")), throw_at_(Num(c, "throw_at")),
        permanent_every_(Num(c, "permanent_every")), permanent_at_(Num(c, "permanent_at")),
        sleep_us_(Num(c, "sleep_us")) {}

  sluice::sdk::Result Process(const sluice::sdk::Document& doc, sluice::sdk::Delta&) override {
    auto it = doc.metadata.find("seq");
    long long seq = it == doc.metadata.end() ? -1 : std::atoll(it->second.c_str());
    if (sleep_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleep_us_));
    if (crash_every_ > 0 && seq % crash_every_ == crash_at_) std::abort();
    if (throw_every_ > 0 && seq % throw_every_ == throw_at_) throw std::runtime_error("faulty plugin throws on seq " + std::to_string(seq));
    if (permanent_every_ > 0 && seq % permanent_every_ == permanent_at_)
      return sluice::sdk::Result::Permanent("faulty plugin rejects seq " + std::to_string(seq));
    return {};
  }

 private:
  static long long Num(const sluice::sdk::Config& c, const char* key) { return static_cast<long long>(c.GetDouble(key, 0)); }
  long long crash_every_, crash_at_, throw_every_, throw_at_, permanent_every_, permanent_at_, sleep_us_;
};

SLUICE_PLUGIN(Faulty, "faulty", "1.0")
