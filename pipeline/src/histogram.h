// LatencyHistogram: fixed log-linear buckets over microseconds, cheap to record and to merge.
//
// Bucket bounds are the same in every process (they are compiled in), so the supervisor can add
// the cumulative counts of all workers of a stage and subtract the previous snapshot to get the
// distribution of one interval. Values below 16 µs have exact buckets; above, every power of two
// is split into 8 sub-buckets, so a percentile is off by at most 12.5 %. The top bucket holds
// everything above ~2^40 µs (12 days).
//
// Thread safety: none; each runner records from its one thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sluice::v1 {
class Histogram;
}

namespace sluice {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr int kBuckets = 16 + (40 - 4) * (1 << kSubBits);

  void Record(int64_t micros);
  // Adds another histogram's counts (e.g. another worker's).
  void Merge(const LatencyHistogram& other);
  // this - earlier, bucket by bucket (counts are cumulative, so this is one interval's data).
  LatencyHistogram Since(const LatencyHistogram& earlier) const;

  // The value below which `q` (0..1) of the samples fall, in microseconds (the upper bound of the
  // bucket holding that rank); 0 when empty.
  double Quantile(double q) const;
  uint64_t count() const { return total_; }
  double sum_us() const { return sum_us_; }

  // Upper bound (exclusive) of bucket i, in microseconds.
  static int64_t UpperBound(int i);
  static int BucketOf(int64_t micros);

  uint64_t bucket(int i) const { return counts_[static_cast<size_t>(i)]; }

  void ToProto(v1::Histogram* out) const;
  static LatencyHistogram FromProto(const v1::Histogram& in);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  double sum_us_ = 0;
};

}  // namespace sluice
