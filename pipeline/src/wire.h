// Protobuf wire-format helpers for the runtime's hot paths: stamping delivery fields onto a
// serialized document without parsing it, and finding a document's id and ledger in bytes that
// may not parse (so a malformed message can still be nacked to the right ledger).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::wire {

inline void AppendVarintRaw(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Appends field `field` as a varint. Appending a field to a serialized message merges it: for a
// scalar, the last occurrence wins when parsed.
inline void AppendVarint(std::string& out, uint32_t field, uint64_t v) {
  AppendVarintRaw(out, (uint64_t{field} << 3) | 0);
  AppendVarintRaw(out, v);
}

inline void AppendString(std::string& out, uint32_t field, std::string_view s) {
  AppendVarintRaw(out, (uint64_t{field} << 3) | 2);
  AppendVarintRaw(out, s.size());
  out.append(s.data(), s.size());
}

// The delivery fields of a serialized Document: id (1), ledger_id (2), attempt (3),
// emitted_us (4), from the last occurrence of each at the top level. Returns false when the
// bytes are not a well-formed message; the fields found before the damage are still filled in,
// so a malformed document can often still be nacked to its ledger.
struct Delivery {
  std::string_view id, ledger_id;
  uint64_t attempt = 0;
  int64_t emitted_us = 0;
};
bool ScanDelivery(std::string_view msg, Delivery* out);

}  // namespace sluice::wire
