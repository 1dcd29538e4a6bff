#include "wire.h"

namespace sluice::wire {

namespace {
bool ReadVarint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    uint8_t b = *p++;
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}
// Skips a field of wire type `wt` whose tag was just read; for a group (wire type 3) skips up
// to and including its matching end-group tag. Protobuf parsers accept groups as unknown
// fields, so the scanner must too.
bool SkipField(const uint8_t*& p, const uint8_t* end, uint64_t tag, int depth) {
  uint64_t v;
  switch (tag & 7) {
    case 0: return ReadVarint(p, end, v);
    case 1:
      if (end - p < 8) return false;
      p += 8;
      return true;
    case 2:
      if (!ReadVarint(p, end, v) || v > static_cast<uint64_t>(end - p)) return false;
      p += v;
      return true;
    case 3: {
      if (depth > 64) return false;
      while (p < end) {
        uint64_t inner;
        if (!ReadVarint(p, end, inner)) return false;
        if ((inner & 7) == 4) return (inner >> 3) == (tag >> 3);
        if (!SkipField(p, end, inner, depth + 1)) return false;
      }
      return false;
    }
    case 5:
      if (end - p < 4) return false;
      p += 4;
      return true;
    default: return false;
  }
}

}  // namespace

bool ScanDelivery(std::string_view msg, Delivery* out) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(msg.data());
  const uint8_t* end = p + msg.size();
  while (p < end) {
    uint64_t tag, v;
    if (!ReadVarint(p, end, tag)) return false;
    uint32_t field = static_cast<uint32_t>(tag >> 3);
    switch (tag & 7) {
      case 0:
        if (!ReadVarint(p, end, v)) return false;
        if (field == 3) out->attempt = v;
        if (field == 4) out->emitted_us = static_cast<int64_t>(v);
        break;
      case 2:
        if (!ReadVarint(p, end, v) || v > static_cast<uint64_t>(end - p)) return false;
        if (field == 1) out->id = std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(v));
        if (field == 2) out->ledger_id = std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(v));
        p += v;
        break;
      default:
        if (!SkipField(p, end, tag, 0)) return false;
    }
  }
  return true;
}

}  // namespace sluice::wire
