// Labelled text for training and evaluating linear models.
//
// ReadDataset accepts the formats people already have:
//   * TSV: `text<TAB>label` — the label is the last column (THUCNews-title `title<TAB>3` is this
//     format), text is everything before it; several labels of a multi-label example are joined
//     by ',' (`中小学安全工作通知<TAB>安全稳定,基础教育`);
//   * fastText: `__label__a __label__b text` — one or more leading `__label__` prefixes.
// The format is detected per line (a line starting with `__label__` is fastText). Empty lines are
// skipped; a non-empty line without a label is an error naming the file and line.
//
// Thread safety: plain functions over caller-owned values.
#pragma once

#include <string>
#include <vector>

namespace sluice::linear {

struct Example {
  std::string text;
  std::vector<std::string> labels;  // at least one
  size_t line = 0;                  // 1-based line in its file (0 when built in memory)
};

// Reads `path`. Returns false and sets *error ("data.tsv:17: no label (expected text<TAB>label)")
// on the first bad line or when the file cannot be read or holds no example.
bool ReadDataset(const std::string& path, std::vector<Example>* out, std::string* error);

// Parses one line (without its newline) as ReadDataset does. Returns false with a reason when it
// has no label; an empty line returns false with an empty reason.
bool ParseExampleLine(const std::string& line, Example* out, std::string* why);

}  // namespace sluice::linear
