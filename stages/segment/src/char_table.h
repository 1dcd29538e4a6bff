// CharTable: what the segmenter needs to know about one code point, from ICU, at table speed.
//
// ICU answers every question (general category, script, NFKC), but one call per character is
// too slow for 20 MB/s. The table asks ICU once per BMP code point at first use (~10 ms) and
// keeps the answers in two flat arrays; code points beyond the BMP (CJK extensions, emoji) are
// rare and asked on the fly.
//
// Fold() is the NFKC form of a single code point when that form is a single code point
// (full-width Ｌａｔｉｎ and ０-９ → ASCII, CJK compatibility ideographs and Kangxi radicals →
// unified ideographs), else the code point itself. The segmenter looks words up and classifies
// characters by their folded form but never changes the text: tokens are offsets into the
// original bytes.
//
// Thread safety: Get() builds the table once (thread-safe static initialisation); reads are
// const.
#pragma once

#include <cstdint>
#include <vector>

namespace sluice::segment {

enum class CharClass : uint8_t {
  kSpace,    // white space (including U+3000)
  kControl,  // Cc, Cf (other than the joiners below), unassigned, surrogates: belong to no token
  kHan,      // Han ideographs (script Hani: Lo, Lm, Nl)
  kDigit,    // decimal digits of any script (Nd), full-width included
  kLatin,    // letters of the Latin script
  kLetter,   // letters of other scripts (Greek, Cyrillic, kana, Hangul, Thai …)
  kMark,     // combining marks (Mn, Mc, Me): extend the previous token
  kJoiner,   // ZWJ, emoji modifiers, tag characters: extend the previous symbol
  kPunct,    // P*
  kSymbol,   // S*, private use, other numbers (No, Nl outside Han)
};

class CharTable {
 public:
  static const CharTable& Get();

  CharClass Class(char32_t c) const {
    if (c < kSize) return static_cast<CharClass>(class_[c]);
    return ClassSlow(c);
  }
  char32_t Fold(char32_t c) const { return c < kSize ? fold_[c] : c; }
  // ICU script code (UScriptCode) of a letter, for grouping runs of kLetter by script.
  static int Script(char32_t c);

 private:
  static constexpr char32_t kSize = 0x10000;
  CharTable();
  static CharClass ClassSlow(char32_t c);

  std::vector<uint8_t> class_;
  std::vector<char32_t> fold_;
};

// Chinese numeral characters (〇一二…十百千万亿两 and the financial forms) after folding; the
// white circle ○ that People's Daily style text uses for zero counts as 〇.
bool IsHanNumeral(char32_t c);
// Multipliers that continue an Arabic number: 3万, 1.5亿, 20余万 is not included.
bool IsNumeralMultiplier(char32_t c);

}  // namespace sluice::segment
