// Test stage written against the raw C ABI (no SDK), to prove that fields a stage does not know
// travel through the pipeline unchanged:
//   mode: inject   replaces the document with itself plus field 999 (a string no sluice knows)
//   mode: verify   fails the document permanently unless field 999 is still there, intact
#include <sluice/plugin.h>

#include <cstring>
#include <string>

namespace {

constexpr char kPayload[] = "a field from the future";

struct Instance {
  bool inject = false;
  std::string error;
  std::string scratch;
};

void* Create(const sluice_config* cfg, char* error, size_t cap) {
  auto* inst = new Instance();
  for (size_t i = 0; i < cfg->count; ++i)
    if (std::strcmp(cfg->keys[i], "mode") == 0) inst->inject = std::strcmp(cfg->values[i], "inject") == 0;
  (void)error;
  (void)cap;
  return inst;
}

// Looks for field 999 (wire type 2) at the top level of the message.
bool HasField999(const uint8_t* p, size_t n) {
  const uint8_t* end = p + n;
  auto varint = [&](uint64_t& v) {
    v = 0;
    for (int s = 0; s < 64 && p < end; s += 7) {
      uint8_t b = *p++;
      v |= uint64_t(b & 0x7f) << s;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (p < end) {
    uint64_t tag, v;
    if (!varint(tag)) return false;
    switch (tag & 7) {
      case 0: if (!varint(v)) return false; break;
      case 1: p += 8; break;
      case 5: p += 4; break;
      case 2:
        if (!varint(v) || v > uint64_t(end - p)) return false;
        if ((tag >> 3) == 999 && v == sizeof kPayload - 1 && std::memcmp(p, kPayload, v) == 0) return true;
        p += v;
        break;
      default: return false;
    }
  }
  return false;
}

int Process(void* self, const uint8_t* doc, size_t size, sluice_emit_fn emit, void* host) {
  auto* inst = static_cast<Instance*>(self);
  if (inst->inject) {
    inst->scratch.assign(reinterpret_cast<const char*>(doc), size);
    inst->scratch += static_cast<char>(0xBA);  // tag: field 999, wire type 2 → (999 << 3) | 2 = 7994 = 0xBA 0x3E
    inst->scratch += static_cast<char>(0x3E);
    inst->scratch += static_cast<char>(sizeof kPayload - 1);
    inst->scratch.append(kPayload, sizeof kPayload - 1);
    emit(host, reinterpret_cast<const uint8_t*>(inst->scratch.data()), inst->scratch.size(), SLUICE_OUTPUT_REPLACE);
    return SLUICE_OK;
  }
  if (!HasField999(doc, size)) {
    inst->error = "unknown field 999 was lost on the way";
    return SLUICE_PERMANENT;
  }
  return SLUICE_OK;
}

void Destroy(void* self) { delete static_cast<Instance*>(self); }
const char* LastError(void* self) { return static_cast<Instance*>(self)->error.c_str(); }

const sluice_plugin_desc_v1 kDescriptor = {SLUICE_PLUGIN_MAGIC, sizeof(sluice_plugin_desc_v1), SLUICE_PLUGIN_ABI_VERSION,
                                           SLUICE_KIND_STAGE,   "unknown_field",                "1.0",
                                           &Create,             &Process,                       nullptr,
                                           &Destroy,            &LastError};

}  // namespace

extern "C" __attribute__((visibility("default"))) const sluice_plugin_desc_v1* sluice_plugin_v1(void) { return &kDescriptor; }
