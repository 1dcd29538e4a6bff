// Fuzz target: what a stage does with bytes off the wire — the delivery-field scan (used to nack
// messages that do not parse), the Document parser, the ledger's stamping — must never crash,
// and a message that parses must survive re-serialisation with its delivery fields intact.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sluice/v1/document.pb.h"
#include "wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  sluice::wire::Delivery d;
  bool well_formed = sluice::wire::ScanDelivery(bytes, &d);
  sluice::v1::Document doc;
  if (!doc.ParseFromString(bytes)) return 0;
  if (!well_formed) std::abort();  // protobuf accepted what the scanner called malformed
  if (doc.id() != d.id || doc.attempt() != static_cast<uint32_t>(d.attempt)) std::abort();
  // Stamping by appending must merge exactly like setting the fields.
  sluice::wire::AppendString(bytes, 2, "7");
  sluice::wire::AppendVarint(bytes, 3, 9);
  sluice::v1::Document stamped;
  if (!stamped.ParseFromString(bytes) || stamped.ledger_id() != "7" || stamped.attempt() != 9 || stamped.id() != doc.id())
    std::abort();
  return 0;
}
