// A toy B/M/E/S model in jieba's finalseg file format, for tests of the HMM and of the
// segmenter's unknown-word handling. Start and transition probabilities are fixed (typical
// values); the emissions (`emit_dict`, a Python dict literal) decide what the model does.
#pragma once

#include <string>

#include "test_env.h"

namespace sluice::segment {

inline void WriteToyHmm(const sluice::testing::TempDir& dir, const std::string& emit_dict) {
  sluice::testing::WriteFile(dir.File("prob_start.py"), "P={'B': -0.5,\n 'E': -3.14e+100,\n 'M': -3.14e+100,\n 'S': -1.0}\n");
  sluice::testing::WriteFile(dir.File("prob_trans.py"),
                             "P={'B': {'E': -0.5, 'M': -1.0},\n 'E': {'B': -0.6, 'S': -0.8},\n"
                             " 'M': {'E': -0.3, 'M': -1.3},\n 'S': {'B': -0.7, 'S': -0.7}}\n");
  sluice::testing::WriteFile(dir.File("prob_emit.py"), "from __future__ import unicode_literals\n# comment\nP=" + emit_dict + "\n");
}

}  // namespace sluice::segment
