#include "char_table.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include <string_view>

namespace sluice::segment {

namespace {

bool IsJoiner(char32_t c) {
  return c == 0x200D ||                      // ZERO WIDTH JOINER (emoji sequences)
         (c >= 0x1F3FB && c <= 0x1F3FF) ||   // emoji skin-tone modifiers
         (c >= 0xE0020 && c <= 0xE007F);     // tag characters (flag sequences)
}

CharClass Classify(char32_t c) {
  if (IsJoiner(c)) return CharClass::kJoiner;
  if (u_isUWhiteSpace(static_cast<UChar32>(c))) return CharClass::kSpace;
  const int8_t type = u_charType(static_cast<UChar32>(c));
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &err);
  switch (type) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      if (script == USCRIPT_HAN) return CharClass::kHan;
      if (script == USCRIPT_LATIN) return CharClass::kLatin;
      return CharClass::kLetter;
    case U_LETTER_NUMBER:
      return script == USCRIPT_HAN ? CharClass::kHan : CharClass::kSymbol;  // 〇 is Nl
    case U_DECIMAL_DIGIT_NUMBER:
      return CharClass::kDigit;
    case U_OTHER_NUMBER:
      return CharClass::kSymbol;
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
      return CharClass::kMark;
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
      return CharClass::kPunct;
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
    case U_PRIVATE_USE_CHAR:
      return CharClass::kSymbol;
    case U_SPACE_SEPARATOR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return CharClass::kSpace;
    default:  // Cc, Cf, Cs, Cn
      return CharClass::kControl;
  }
}

}  // namespace

const CharTable& CharTable::Get() {
  static const CharTable table;
  return table;
}

CharTable::CharTable() : class_(kSize), fold_(kSize) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  for (char32_t c = 0; c < kSize; ++c) {
    class_[c] = static_cast<uint8_t>(Classify(c));
    fold_[c] = c;
    if (U_FAILURE(err) || (c >= 0xD800 && c <= 0xDFFF)) continue;
    if (nfkc->isInert(static_cast<UChar32>(c))) continue;
    icu::UnicodeString s(static_cast<UChar32>(c));
    UErrorCode e = U_ZERO_ERROR;
    icu::UnicodeString n = nfkc->normalize(s, e);
    if (U_SUCCESS(e) && n.countChar32() == 1) {
      const char32_t folded = static_cast<char32_t>(n.char32At(0));
      const CharClass folded_class = Classify(folded);
      if (folded_class == static_cast<CharClass>(class_[c])) {
        fold_[c] = folded;
      } else if (folded_class == CharClass::kHan) {
        // Kangxi and CJK radicals (⼀ ⼈ …) that PDF text extraction leaves in place of the
        // ideographs they look like: read them as those ideographs.
        class_[c] = static_cast<uint8_t>(CharClass::kHan);
        fold_[c] = folded;
      }
      // Otherwise the fold would change how the character tokenises (² is no digit in the text).
    }
  }
}

CharClass CharTable::ClassSlow(char32_t c) {
  if (c > 0x10FFFF) return CharClass::kControl;
  return Classify(c);
}

int CharTable::Script(char32_t c) {
  UErrorCode err = U_ZERO_ERROR;
  return static_cast<int>(uscript_getScript(static_cast<UChar32>(c), &err));
}

bool IsHanNumeral(char32_t c) {
  static constexpr std::u32string_view kNumerals = U"〇○零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟";
  // Called for every character of every Han token: a bitmap instead of a comparison chain.
  static const std::vector<bool> bitmap = [] {
    std::vector<bool> b(0x10000, false);
    for (char32_t n : kNumerals) b[n] = true;
    return b;
  }();
  return c < 0x10000 && bitmap[c];
}

bool IsNumeralMultiplier(char32_t c) {
  return c == U'十' || c == U'百' || c == U'千' || c == U'万' || c == U'亿';
}

}  // namespace sluice::segment
