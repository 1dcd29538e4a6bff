// Fuzz target: a linear model file's bytes. Loading must fail cleanly or give a model that
// predicts within bounds.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sluice/linear/linear_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto model = sluice::linear::LinearModel::FromBytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.bin", &error);
  if (!model) {
    if (error.rfind("fuzz.bin: ", 0) != 0) std::abort();  // every error names the file
    return 0;
  }
  sluice::linear::Prediction p;
  model->Predict("关于做好2025年招生工作的通知", {}, &p);
  if (p.best < 0 || size_t(p.best) >= model->labels().size()) std::abort();
  for (float s : p.probability)
    if (!(s >= 0 && s <= 1)) std::abort();
  return 0;
}
