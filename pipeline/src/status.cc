#include "sluice/status.h"

namespace sluice {

const std::string& Status::message() const {
  static const std::string kEmpty;
  return rep_ ? rep_->message : kEmpty;
}

std::string Status::ToString() const {
  if (!rep_) return "OK";
  const char* name = "Unknown";
  switch (rep_->code) {
    case Code::kOk: name = "OK"; break;
    case Code::kTransient: name = "Transient"; break;
    case Code::kPermanent: name = "Permanent"; break;
    case Code::kInvalidArgument: name = "Invalid argument"; break;
    case Code::kNotFound: name = "Not found"; break;
    case Code::kIOError: name = "IO error"; break;
    case Code::kCorruption: name = "Corruption"; break;
  }
  return std::string(name) + ": " + rep_->message;
}

Status Status::Annotate(std::string_view context) const {
  if (!rep_) return Status();
  return Status(rep_->code, std::string(context) + ": " + rep_->message);
}

}  // namespace sluice
