// Chinese surnames, for the person-name convention of the segmenter: a Chinese personal name
// is written as two words, surname and given name (江 泽民, 欧阳 修), as the Peking University
// corpus standard and its successors do. The list is general knowledge (the most common single
// and compound surnames of the population registers), not derived from any evaluation data.
//
// Thread safety: pure functions over constant tables.
#pragma once

namespace sluice::segment {

bool IsSurname(char32_t c);
bool IsCompoundSurname(char32_t first, char32_t second);

}  // namespace sluice::segment
