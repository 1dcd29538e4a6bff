// Segmenter: splits UTF-8 text into words, as byte offsets into the text.
//
// The text is never changed; a token is [begin, end) in the caller's bytes. Characters are
// classified with ICU (script, general category) and compared in NFKC-folded form, so
// full-width ０-９ and Ｌａｔｉｎ, compatibility ideographs and radicals behave like their plain
// forms while the offsets still point at the original characters.
//
// What becomes a token:
//   * Han runs: the maximum-probability path through the DAG of dictionary words (see
//     dictionary.h for scores and the compound and lexicon conventions), then
//       - unknown words: runs of single characters the path left over are tagged by an HMM over
//         B/M/E/S (hmm.h); HmmMode::kNames accepts only the words it finds that have the shape
//         of a Chinese personal name (surname + one or two characters), kAll accepts every word
//         (jieba's behaviour), kOff none;
//       - personal names are written as surname and given name (王 小明);
//       - Chinese numerals are one token (二○○一, 三十五), with a following 年/月/日/时/分/秒
//         a date token (二○○○年, 十二月, 三十一日).
//   * numbers: digits of any script with decimal points, thousands separators, a trailing %/％/‰
//     and Chinese multipliers (3.5%, １２．５万, 1,000); with 年/月/日/时/分/秒 a date (2001年);
//     ISO-like dates and times (2024-05-01, 2024/5/1, 08:30) are one date token.
//   * URLs (scheme://…, www.…) and e-mail addresses: one token.
//   * Latin words: letters and digits together (COVID-19, 5G, MP3), with inner '-', '.', '\''.
//   * other scripts: one token per run of one script (Ελλάδα, ひらがな, 한국어).
//   * punctuation: one token per character, except runs of —, ―, …, ·, ─ (—— is one mark).
//   * symbols and emoji: one token per character, joined with its modifiers, variation
//     selectors and ZWJ sequences.
//   * white space, control and format characters, and bytes that are not UTF-8: no token.
// A token never spans white space, so joining tokens with spaces gives the usual CWS format.
//
// Long Han runs are segmented in windows of a few thousand characters, so memory stays bounded
// for any input (a 50 MB line without punctuation included); a word may be cut only at a window
// seam, which ordinary text never reaches.
//
// Thread safety: a Segmenter is immutable after Create(); Segment() is const and may be called
// from any number of threads at once (scratch space is thread-local).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/segment/dictionary.h"
#include "sluice/segment/hmm_model.h"
#include "sluice/status.h"

namespace sluice::segment {

// Mirrors sluice.v1.TokenKind (the stage converts; a static_assert keeps them equal).
enum class TokenKind : uint8_t {
  kWord = 0,
  kLatin = 1,
  kNumber = 2,
  kPunct = 3,
  kUrl = 4,
  kDate = 5,
  kOther = 6,
};

const char* TokenKindName(TokenKind kind);

struct Token {
  uint32_t begin = 0;
  uint32_t end = 0;
  TokenKind kind = TokenKind::kWord;
  bool operator==(const Token&) const = default;
};

enum class HmmMode { kOff, kNames, kAll };

// Parses "off" | "names" | "all"; false for anything else.
bool ParseHmmMode(std::string_view text, HmmMode* mode);

// The python3-jieba files (Debian), the defaults for the base dictionary and the HMM.
inline constexpr const char* kDefaultDictPath = "/usr/lib/python3/dist-packages/jieba/dict.txt";
inline constexpr const char* kDefaultHmmDir = "/usr/lib/python3/dist-packages/jieba/finalseg";

// <dir of the running executable>/../share/sluice/segment/education.txt — where the build tree
// and the install tree keep the education lexicon. "" when /proc/self/exe is unreadable.
std::string DefaultLexiconPath();

struct SegmenterOptions {
  std::string dict_path = kDefaultDictPath;
  std::string lexicon_path = DefaultLexiconPath();  // "" = no lexicon
  std::vector<std::string> user_dict_paths;
  std::string hmm_dir = kDefaultHmmDir;
  HmmMode hmm = HmmMode::kNames;
  bool split_person_names = true;
  double compound_penalty = 5.0;
  double split_bias = 1.0;
  // Weight of the HMM's character model in word scores (see DictionaryOptions); 0 = off.
  double char_model_weight = 0.5;
};

class Segmenter {
 public:
  using TokenSink = std::function<void(const Token&)>;

  // Loads the dictionary sources and (unless hmm is kOff) the HMM. Errors are those of
  // Dictionary::Load and HmmModel::Load, annotated with what was being loaded.
  static Status Create(const SegmenterOptions& options, std::unique_ptr<Segmenter>* out);
  // Wraps resources loaded elsewhere (tests, tools). `hmm` may be null when mode is kOff.
  Segmenter(std::shared_ptr<const Dictionary> dict, std::shared_ptr<const HmmModel> hmm, HmmMode mode);

  // Appends the tokens of `text` to *out, in order. Bytes that are not UTF-8 belong to no token;
  // their number is added to *invalid_bytes when it is given. Returns InvalidArgument (and
  // appends nothing) for text of 2 GiB or more.
  Status Segment(std::string_view text, std::vector<Token>* out, size_t* invalid_bytes = nullptr) const;
  // The same, handing each token to `sink` as soon as it is final (for very large inputs).
  Status Segment(std::string_view text, const TokenSink& sink, size_t* invalid_bytes = nullptr) const;

  const Dictionary& dictionary() const { return *dict_; }
  const HmmModel* hmm() const { return hmm_.get(); }
  HmmMode hmm_mode() const { return mode_; }
  // "<lexicon name>-<version>+<8 hex digits fingerprint of every resource and option>".
  const std::string& version() const { return version_; }
  // The files this segmenter was built from (for change watching).
  const std::vector<std::string>& files() const { return files_; }

 private:
  template <typename Emit>
  void Run(std::string_view text, Emit& emit, size_t* invalid_bytes) const;

  std::shared_ptr<const Dictionary> dict_;
  std::shared_ptr<const HmmModel> hmm_;
  HmmMode mode_;
  std::string version_;
  std::vector<std::string> files_;
};

}  // namespace sluice::segment
