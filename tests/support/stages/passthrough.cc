// Test stage: forwards every document unchanged.
#include <sluice/plugin.hpp>

class Passthrough : public sluice::sdk::Stage {
 public:
  explicit Passthrough(const sluice::sdk::Config&) {}
  sluice::sdk::Result Process(const sluice::sdk::Document&, sluice::sdk::Delta&) override { return {}; }
};

SLUICE_PLUGIN(Passthrough, "passthrough", "1.0")
