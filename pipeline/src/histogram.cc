#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "sluice/v1/control.pb.h"

namespace sluice {

int LatencyHistogram::BucketOf(int64_t micros) {
  if (micros < 16) return micros < 0 ? 0 : static_cast<int>(micros);
  uint64_t v = static_cast<uint64_t>(micros);
  int msb = 63 - std::countl_zero(v);  // >= 4
  if (msb >= 40) return kBuckets - 1;
  int sub = static_cast<int>((v >> (msb - kSubBits)) & ((1 << kSubBits) - 1));
  return 16 + (msb - 4) * (1 << kSubBits) + sub;
}

int64_t LatencyHistogram::UpperBound(int i) {
  if (i < 16) return i + 1;
  int k = i - 16;
  int msb = 4 + k / (1 << kSubBits);
  int sub = k % (1 << kSubBits);
  return (int64_t{1} << msb) + (static_cast<int64_t>(sub + 1) << (msb - kSubBits));
}

void LatencyHistogram::Record(int64_t micros) {
  ++counts_[static_cast<size_t>(BucketOf(micros))];
  ++total_;
  sum_us_ += static_cast<double>(std::max<int64_t>(micros, 0));
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[static_cast<size_t>(i)] += other.counts_[static_cast<size_t>(i)];
  total_ += other.total_;
  sum_us_ += other.sum_us_;
}

LatencyHistogram LatencyHistogram::Since(const LatencyHistogram& earlier) const {
  LatencyHistogram d;
  for (int i = 0; i < kBuckets; ++i) {
    size_t k = static_cast<size_t>(i);
    d.counts_[k] = counts_[k] >= earlier.counts_[k] ? counts_[k] - earlier.counts_[k] : counts_[k];
  }
  d.total_ = total_ >= earlier.total_ ? total_ - earlier.total_ : total_;
  d.sum_us_ = sum_us_ >= earlier.sum_us_ ? sum_us_ - earlier.sum_us_ : sum_us_;
  return d;
}

double LatencyHistogram::Quantile(double q) const {
  if (total_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[static_cast<size_t>(i)];
    if (seen >= rank) return static_cast<double>(UpperBound(i));
  }
  return static_cast<double>(UpperBound(kBuckets - 1));
}

void LatencyHistogram::ToProto(v1::Histogram* out) const {
  out->Clear();
  // Trailing empty buckets are not sent; a reader treats missing buckets as zero.
  int last = kBuckets - 1;
  while (last >= 0 && counts_[static_cast<size_t>(last)] == 0) --last;
  for (int i = 0; i <= last; ++i) out->add_counts(counts_[static_cast<size_t>(i)]);
  out->set_total(total_);
  out->set_sum_us(sum_us_);
}

LatencyHistogram LatencyHistogram::FromProto(const v1::Histogram& in) {
  LatencyHistogram h;
  for (int i = 0; i < in.counts_size() && i < kBuckets; ++i) h.counts_[static_cast<size_t>(i)] = in.counts(i);
  h.total_ = in.total();
  h.sum_us_ = in.sum_us();
  return h;
}

}  // namespace sluice
