// The store's TextSegmenter: the segment stage's Segmenter (stages/segment) with its default
// resources — python3-jieba's dictionary and HMM, the bundled education lexicon.
//
// The store needs it rarely: texts and titles arrive segmented (Document.tokens and
// title_tokens), and a query is cut by the index's own vocabulary (search_query.h). It serves
// titles of documents that arrive without title tokens and query runs too long to cut by
// vocabulary. Loading the dictionary takes ~100 ms and ~15 MB, so it happens on first use, not
// when `sluice search` starts; when the resources are missing it cuts nothing (the store then
// falls back to grams and whole runs, as without a segmenter).
#include <mutex>

#include "sluice/segment/segmenter.h"
#include "sluice/store/store_stage.h"

namespace sluice::store {

namespace {

class LazySegmenter final : public TextSegmenter {
 public:
  void Segment(std::string_view text, std::vector<WordSpan>* words) const override {
    std::call_once(loaded_, [this] {
      std::unique_ptr<segment::Segmenter> s;
      if (segment::Segmenter::Create(segment::SegmenterOptions(), &s).ok()) segmenter_ = std::move(s);
    });
    if (!segmenter_) return;
    std::vector<segment::Token> tokens;
    if (!segmenter_->Segment(text, &tokens).ok()) return;
    for (const auto& t : tokens) words->push_back(WordSpan{t.begin, t.end});
  }

 private:
  mutable std::once_flag loaded_;
  mutable std::unique_ptr<segment::Segmenter> segmenter_;
};

}  // namespace

std::shared_ptr<const TextSegmenter> DefaultTextSegmenter() {
  static const auto segmenter = std::make_shared<LazySegmenter>();
  return segmenter;
}

}  // namespace sluice::store
