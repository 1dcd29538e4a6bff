// White-box tests of LatencyHistogram (pipeline/src/histogram.cc).
#include "histogram.h"

#include <gtest/gtest.h>

#include "sluice/v1/control.pb.h"

namespace sluice {
namespace {

TEST(HistogramTest, BucketsAreContiguousAndTight) {
  for (int i = 1; i < LatencyHistogram::kBuckets - 1; ++i) {
    int64_t lo = LatencyHistogram::UpperBound(i - 1);
    EXPECT_EQ(LatencyHistogram::BucketOf(lo), i) << "bucket " << i << " starts where " << i - 1 << " ends";
    EXPECT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::UpperBound(i) - 1), i);
    double width = static_cast<double>(LatencyHistogram::UpperBound(i) - lo);
    if (lo >= 16) {
      EXPECT_LE(width / static_cast<double>(lo), 0.125 + 1e-9);
    }
  }
}

TEST(HistogramTest, QuantilesOfKnownDistribution) {
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.Record(i * 10);  // 10 µs … 10 ms uniform
  EXPECT_NEAR(h.Quantile(0.5), 5000, 5000 * 0.125);
  EXPECT_NEAR(h.Quantile(0.99), 9900, 9900 * 0.125);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(LatencyHistogram().Quantile(0.5), 0);
}

TEST(HistogramTest, SinceGivesOneIntervalAndProtoRoundTrips) {
  LatencyHistogram a;
  for (int i = 0; i < 100; ++i) a.Record(100);
  LatencyHistogram b = a;
  for (int i = 0; i < 100; ++i) b.Record(100000);
  LatencyHistogram d = b.Since(a);
  EXPECT_EQ(d.count(), 100u);
  EXPECT_GE(d.Quantile(0.01), 100000);
  v1::Histogram p;
  b.ToProto(&p);
  LatencyHistogram back = LatencyHistogram::FromProto(p);
  EXPECT_EQ(back.count(), b.count());
  EXPECT_EQ(back.Quantile(0.75), b.Quantile(0.75));
}

}  // namespace
}  // namespace sluice
