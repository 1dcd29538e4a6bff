// Status: the outcome of an operation that can fail.
//
// An OK status is a null pointer, so returning and testing success costs nothing; a failure
// carries a code and a message that says why, for the log and for the dead-letter table. The
// code tells the runtime what to do with the document that failed:
//   * Transient — may succeed later (busy database, full disk, timeout): nack, redeliver, retry.
//   * Permanent — will never succeed (malformed page, challenge stub, poison input): dead letter.
//   * InvalidArgument / NotFound / IOError / Corruption — for APIs outside the document path;
//     the runtime treats all of them as permanent when they reach it from a stage.
//
// Thread safety: a Status is a value; distinct objects may be used from distinct threads freely,
// a single object needs external synchronisation like any value type.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace sluice {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kTransient = 1,
    kPermanent = 2,
    kInvalidArgument = 3,
    kNotFound = 4,
    kIOError = 5,
    kCorruption = 6,
  };

  Status() noexcept = default;
  Status(const Status& other) : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status Transient(std::string_view why) { return Status(Code::kTransient, why); }
  static Status Permanent(std::string_view why) { return Status(Code::kPermanent, why); }
  static Status InvalidArgument(std::string_view why) { return Status(Code::kInvalidArgument, why); }
  static Status NotFound(std::string_view why) { return Status(Code::kNotFound, why); }
  static Status IOError(std::string_view why) { return Status(Code::kIOError, why); }
  static Status Corruption(std::string_view why) { return Status(Code::kCorruption, why); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  bool IsTransient() const { return code() == Code::kTransient; }
  bool IsPermanent() const { return !ok() && !IsTransient(); }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }

  // The reason alone, without the code ("" when OK).
  const std::string& message() const;
  // "OK" or "<Code>: <message>", for logs.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context + ": "`; OK stays OK.
  Status Annotate(std::string_view context) const;

 private:
  struct Rep {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view why) : rep_(std::make_unique<Rep>(Rep{code, std::string(why)})) {}
  std::unique_ptr<Rep> rep_;
};

// Evaluates an expression returning Status and returns it from the caller when it is not OK.
#define SLUICE_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::sluice::Status _sluice_st = (expr);     \
    if (!_sluice_st.ok()) return _sluice_st;  \
  } while (0)

}  // namespace sluice
