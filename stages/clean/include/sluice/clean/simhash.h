// Near-duplicate detection: 64-bit simhash over character shingles, and indexes of seen hashes.
//
// A notice republished by another bureau (【转载学习】…) keeps its body but changes title, date,
// URL and template, so the hash covers the extracted text only. The text is NFKC-folded with
// blanks removed (a repost that retypes full-width punctuation or re-wraps lines hashes the same),
// cut into overlapping 4-character shingles, and each shingle's 64-bit xxHash votes on every bit.
// Two notices are near-duplicates when their hashes differ in at most `max_distance` bits (3 by
// default). Indexes find candidates by the pigeonhole principle: split into four 16-bit bands,
// two hashes within distance 3 share at least one band exactly, so each lookup reads only the
// entries with an equal band.
//
// The first URL recorded with a hash is the original; later URLs within the distance are its
// duplicates. Seeing the original's URL again (a re-crawl, a redelivery) is not a duplicate.
//
// Thread safety: Simhash64 is reentrant. MemorySimhashIndex is not thread-safe (one per
// thread or external locking). SqliteSimhashIndex may be used by many processes at once — each
// FindOrAdd is one IMMEDIATE transaction, so concurrent clean workers agree on which URL came
// first — but one object belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sluice/status.h"

namespace sluice::clean {

// The simhash of `text` (UTF-8); 0 for text with fewer than 4 non-blank characters.
uint64_t Simhash64(std::string_view text);

// Number of differing bits.
inline int HammingDistance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

class SimhashIndex {
 public:
  virtual ~SimhashIndex() = default;

  // Looks for an entry within the distance recorded under another URL before any entry of `url`;
  // sets *original to that URL ("" when `url` is the first), and records (hash, url) unless
  // already present. Returns IOError / Transient on storage failure (nothing recorded).
  virtual Status FindOrAdd(uint64_t hash, const std::string& url, std::string* original) = 0;
};

// An in-memory index (the `sluice extract --jsonl` run, tests).
class MemorySimhashIndex : public SimhashIndex {
 public:
  // `max_distance` 0…3 (larger values are clamped to 3: the band lookup is exact only up to 3).
  explicit MemorySimhashIndex(int max_distance = 3);
  Status FindOrAdd(uint64_t hash, const std::string& url, std::string* original) override;

 private:
  struct Entry {
    uint64_t hash;
    std::string url;
  };
  int max_distance_;
  std::vector<Entry> entries_;
  std::unordered_multimap<uint32_t, size_t> bands_;  // (band number << 16 | band value) → entry
};

// A persistent index in SQLite (WAL, busy_timeout), shared by every clean worker of a pipeline
// and kept across restarts.
class SqliteSimhashIndex : public SimhashIndex {
 public:
  // Opens or creates the database at `path`. Returns IOError when it cannot be opened or its
  // schema created.
  static Status Open(const std::string& path, int max_distance, std::unique_ptr<SqliteSimhashIndex>* out);
  ~SqliteSimhashIndex() override;
  Status FindOrAdd(uint64_t hash, const std::string& url, std::string* original) override;

 private:
  struct Impl;
  explicit SqliteSimhashIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::clean
