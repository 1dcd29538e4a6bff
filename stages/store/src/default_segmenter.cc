// The seam between the store and the segment stage's library (stages/segment), which is being
// written in parallel. When it lands, this returns an adapter around its segmenter (loaded with
// the shipped dictionary and lexicon), e.g.
//
//   class SegmentLibrarySegmenter : public TextSegmenter {
//     void Segment(std::string_view text, std::vector<WordSpan>* words) const override { … }
//   };
//
// and the store starts indexing titles by word (title_w) and offering the segmenter's cut of
// each query term as one more alternative. Nothing else changes: documents already stored keep
// their title tokens (the spans are stored beside them), and queries still try the vocabulary
// cuts and grams, so old and new rows are found alike.
#include "sluice/store/store_stage.h"

namespace sluice::store {

std::shared_ptr<const TextSegmenter> DefaultTextSegmenter() { return nullptr; }

}  // namespace sluice::store
