// Fuzz target: any bytes as a pipeline file must give a spec or an error message, never a crash.
#include <cstdint>
#include <string>

#include "sluice/pipeline_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  sluice::PipelineSpec spec;
  sluice::Status s = sluice::PipelineSpec::Parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml", "/tmp", &spec);
  if (!s.ok() && s.message().empty()) __builtin_trap();
  return 0;
}
