// White-box tests of the wire helpers (pipeline/src/wire.cc).
#include "wire.h"

#include <gtest/gtest.h>

#include "sluice/v1/document.pb.h"

namespace sluice {
namespace {

TEST(WireTest, AppendedFieldsMergeLastWins) {
  v1::Document d;
  d.set_id("x");
  d.set_attempt(1);
  d.set_text("教育强国");
  std::string bytes;
  d.SerializeToString(&bytes);
  wire::AppendString(bytes, 2, "3");
  wire::AppendVarint(bytes, 3, 7);
  wire::AppendVarint(bytes, 4, 1732500000000000ULL);
  v1::Document back;
  ASSERT_TRUE(back.ParseFromString(bytes));
  EXPECT_EQ(back.ledger_id(), "3");
  EXPECT_EQ(back.attempt(), 7u);
  EXPECT_EQ(back.emitted_us(), 1732500000000000LL);
  EXPECT_EQ(back.text(), "教育强国");
}

TEST(WireTest, ScanFindsIdsEvenInTruncatedMessages) {
  v1::Document d;
  d.set_id("doc-1");
  d.set_ledger_id("2");
  d.set_attempt(4);
  d.set_text(std::string(1000, 'x'));
  std::string bytes;
  d.SerializeToString(&bytes);
  wire::Delivery s;
  EXPECT_TRUE(wire::ScanDelivery(bytes, &s));
  EXPECT_EQ(s.id, "doc-1");
  EXPECT_EQ(s.ledger_id, "2");
  EXPECT_EQ(s.attempt, 4u);
  wire::Delivery t;
  EXPECT_FALSE(wire::ScanDelivery(std::string_view(bytes).substr(0, bytes.size() - 10), &t));
  EXPECT_EQ(t.id, "doc-1") << "fields before the damage are still found";
  wire::Delivery u;
  EXPECT_FALSE(wire::ScanDelivery("\xff\xff\xff", &u));
}

}  // namespace
}  // namespace sluice
