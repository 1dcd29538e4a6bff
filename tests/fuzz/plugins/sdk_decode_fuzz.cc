// Fuzz target: the plugin SDK's wire decoder (what every SDK-based plugin runs on the bytes the
// host sends) and its label encoder.
#include <sluice/plugin.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sluice::sdk::Document doc;
  if (!sluice::sdk::wire::Decode(data, size, doc)) return 0;
  for (std::string_view w : doc.Words())
    if (w.data() < doc.text.data() || w.data() + w.size() > doc.text.data() + doc.text.size()) std::abort();
  std::string out;
  for (const auto& l : doc.labels) sluice::sdk::wire::EncodeLabel(out, l, "fuzz");
  sluice::sdk::Document back;
  if (!sluice::sdk::wire::Decode(reinterpret_cast<const uint8_t*>(out.data()), out.size(), back)) std::abort();
  if (back.labels.size() != doc.labels.size()) std::abort();
  return 0;
}
