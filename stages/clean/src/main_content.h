// Finding the element that holds the article (internal to the clean stage).
//
// The general scorer weighs every block of text (the inline text owned by one block element):
//   + its length when it reads like prose — enough characters and sentence punctuation, few links
//     — and half of it for long unpunctuated text or the cells of a data table (a 名单);
//   − its length (doubled) when it is page furniture (版权所有, 上一篇, 分享到 …) or mostly links;
//   0 for headings, dated meta lines, attachment links and short labels (they go with whichever
//     container holds them).
// class/id hints damp furniture: strong ones (footer, nav, share, related, comment, and boxes
// headed 推荐阅读/相关新闻 …) every block inside them, weak ones (side, tools, top …) less. A
// subtree scores the best prefix of its blocks in document order, so trailing furniture costs
// nothing — on malformed pages the pager and footer end up inside the last paragraph. The
// highest-scoring element wins; among near-ties the smallest, so a wrapper adding only the title
// and a date line loses to the body inside it — except that a lone paragraph or table climbs to
// the box around it when that box adds nothing negative (a salutation, a signature, a note).
//
// Known CMS containers are matched by class/id tokens in one walk; the outermost match with the
// best score is used when it holds text or images, and the general scorer otherwise.
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <vector>

#include "html_document.h"

namespace sluice::clean::internal {

// One compiled container selector: either a class token, an id or an XPath.
struct ContainerSelector {
  std::string text;   // as configured, for origins ("known:.TRS_Editor")
  std::string klass;  // exact class token (case-sensitive like CSS), or
  std::string id;     // exact id, or
  std::string xpath;  // anything else, evaluated by libxml2
};

// Per-subtree sums, indexed like doc.elements().
struct SubtreeScores {
  std::vector<double> score;     // see above
  std::vector<double> own;       // the element's own block weight (before summing)
  std::vector<int> cut;          // where the subtree's best prefix of blocks ends (pre-order index)
  std::vector<double> negative;  // sum of the negative block weights in the subtree
  std::vector<int> chars;        // non-link text
  std::vector<int> link_chars;   // link text
  std::vector<int> links;        // <a href> count
  std::vector<uint8_t> headed_box;  // 1: a box headed 相关新闻, 最新评论, 学校简介 … (furniture)
};

// Scores every element's subtree (see above).
SubtreeScores ScoreSubtrees(const HtmlDocument& doc);

// Where rendering element `i` should stop: past its best prefix and the neutral blocks after it,
// at the first furniture block (pre-order index; the subtree's end when nothing is cut).
int CutPoint(const HtmlDocument& doc, const SubtreeScores& scores, int i);

// The best element by the general scorer, or -1 when no subtree has a positive score.
int BestByScore(const HtmlDocument& doc, const SubtreeScores& scores);

// The best match of `selectors` (tried in order; the first selector with a usable match wins):
// among the outermost matches of a selector, the one with the highest score. A match is usable
// when it holds text or images. Returns -1 when nothing matches; *which receives the selector.
int FindKnownContainer(const HtmlDocument& doc, const SubtreeScores& scores,
                       const std::vector<ContainerSelector>& selectors, std::string* which);

// The first element of `container`'s subtree that owns prose (a block with positive weight),
// or the container's end when there is none: what comes before it is the article's header.
int FirstProse(const HtmlDocument& doc, const SubtreeScores& scores, int container);

// Elements matched by an XPath expression, in document order (only indexed, non-skipped ones).
std::vector<int> EvaluateXPath(const HtmlDocument& doc, const std::string& xpath);

// Nested children of `root` to leave out when rendering it: link lists, share/related/comment
// bars that hold only a small part of the container's score, media teasers, and the header line
// (date, source, byline) above `head_end`, the first prose element. Sets entries of `drop`.
void PruneContainer(const HtmlDocument& doc, const SubtreeScores& scores, int root, int head_end,
                    std::vector<uint8_t>* drop);

}  // namespace sluice::clean::internal
