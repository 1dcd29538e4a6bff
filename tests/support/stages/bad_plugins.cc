// Plugins the loader must refuse, each built from this file with one of:
//   BAD_ABI     a descriptor that claims ABI version 999
//   BAD_MAGIC   a descriptor without the sluice magic
//   NO_ENTRY    no sluice_plugin_v1 symbol at all
//   CLASSIFIER  a valid classifier plugin (refused where a stage is expected)
#include <sluice/plugin.h>

namespace {
void* Create(const sluice_config*, char*, size_t) { return nullptr; }
int Process(void*, const uint8_t*, size_t, sluice_emit_fn, void*) { return SLUICE_OK; }
void Destroy(void*) {}
const char* LastError(void*) { return ""; }
}  // namespace

#if defined(BAD_ABI) || defined(BAD_MAGIC) || defined(CLASSIFIER)
namespace {
#if defined(BAD_ABI)
const sluice_plugin_desc_v1 kDescriptor = {SLUICE_PLUGIN_MAGIC, sizeof(sluice_plugin_desc_v1), 999, SLUICE_KIND_STAGE, "bad_abi", "1",
                                           &Create, &Process, nullptr, &Destroy, &LastError};
#elif defined(BAD_MAGIC)
const sluice_plugin_desc_v1 kDescriptor = {0xDEADBEEF, sizeof(sluice_plugin_desc_v1), SLUICE_PLUGIN_ABI_VERSION, SLUICE_KIND_STAGE,
                                           "bad_magic", "1", &Create, &Process, nullptr, &Destroy, &LastError};
#else
const sluice_plugin_desc_v1 kDescriptor = {SLUICE_PLUGIN_MAGIC, sizeof(sluice_plugin_desc_v1), SLUICE_PLUGIN_ABI_VERSION,
                                           SLUICE_KIND_CLASSIFIER, "a_classifier", "1", &Create, &Process, nullptr, &Destroy,
                                           &LastError};
#endif
}  // namespace
extern "C" __attribute__((visibility("default"))) const sluice_plugin_desc_v1* sluice_plugin_v1(void) { return &kDescriptor; }
#else
extern "C" __attribute__((visibility("default"))) int not_a_sluice_plugin(void) { return 42; }
#endif
