// Tests stages/segment/lexicon/education.txt with the shipped resources: every lexicon term comes
// out whole, in isolation and in the sentences of data/education_sentences.txt (our own
// bureau-notice sentences), and the ordinary words next to the terms are not swallowed. The
// held-out sets data/education_heldout*.txt (fully segmented sentences written apart from the
// lexicon) check the same on text the lexicon was not written from, plus a floor on whole-sentence
// agreement with their gold segmentation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sluice/segment/segmenter.h"
#include "test_env.h"

namespace sluice::segment {
namespace {

std::string LexiconPath() { return sluice::testing::SourceDir() + "/stages/segment/lexicon/education.txt"; }

std::vector<std::string> LexiconTerms() {
  std::vector<std::string> terms;
  std::istringstream in(sluice::testing::ReadFile(LexiconPath()));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    terms.push_back(line.substr(0, line.find_first_of(" \t\r")));
  }
  return terms;
}

class EducationLexiconTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDefaultDictPath) || !std::filesystem::exists(kDefaultHmmDir)) {
      GTEST_SKIP() << "python3-jieba is not installed (" << kDefaultDictPath << "): apt-get install python3-jieba";
    }
    SegmenterOptions o;
    o.lexicon_path = LexiconPath();
    Status st = Segmenter::Create(o, &seg_);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  std::vector<std::string> Words(const std::string& text) const {
    std::vector<Token> tokens;
    EXPECT_TRUE(seg_->Segment(text, &tokens).ok());
    std::vector<std::string> words;
    for (const Token& t : tokens) words.push_back(text.substr(t.begin, t.end - t.begin));
    return words;
  }

  static std::string Join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) {
      if (!s.empty()) s += ' ';
      s += w;
    }
    return s;
  }

  std::unique_ptr<Segmenter> seg_;
};

TEST_F(EducationLexiconTest, HasSeveralHundredTermsAndAVersion) {
  const std::vector<std::string> terms = LexiconTerms();
  EXPECT_GE(terms.size(), 500u);
  EXPECT_EQ(std::set<std::string>(terms.begin(), terms.end()).size(), terms.size()) << "duplicate terms";
  EXPECT_EQ(seg_->dictionary().lexicon_version().rfind("education-", 0), 0u) << seg_->dictionary().lexicon_version();
  EXPECT_NE(seg_->version().find('+'), std::string::npos);
}

TEST_F(EducationLexiconTest, EveryTermIsOneTokenAloneAndInAFrame) {
  for (const std::string& term : LexiconTerms()) {
    EXPECT_EQ(Join(Words(term)), term) << "alone";
    const std::string framed = "关于做好" + term + "工作的通知";
    std::vector<Token> tokens;
    ASSERT_TRUE(seg_->Segment(framed, &tokens).ok());
    const uint32_t b = static_cast<uint32_t>(std::string("关于做好").size());
    const uint32_t e = b + static_cast<uint32_t>(term.size());
    bool whole = false;
    for (const Token& t : tokens) whole |= (t.begin == b && t.end == e);
    EXPECT_TRUE(whole) << term << " in: " << Join(Words(framed));
  }
}

// One sentence of the data file with its markup resolved.
struct Sentence {
  int line = 0;
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> terms;                // [term]
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> groups;  // {a b c}
};

// In a fully segmented line (`segmented`), spaces outside {..} separate the gold words and are
// removed; *gold receives the gold words' spans.
bool ParseSentence(const std::string& line, int line_no, Sentence* out, std::string* error, bool segmented = false,
                   std::vector<std::pair<uint32_t, uint32_t>>* gold = nullptr) {
  out->line = line_no;
  enum { kText, kTerm, kGroup } mode = kText;
  uint32_t start = 0;
  uint32_t word_start = 0;
  auto end_word = [&](uint32_t at) {
    if (gold != nullptr && at > word_start) gold->push_back({word_start, at});
    word_start = at;
  };
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const uint32_t at = static_cast<uint32_t>(out->text.size());
    if (segmented && c == ' ' && mode != kGroup) {
      end_word(at);
      continue;
    }
    if (segmented && c == ' ' && mode == kGroup) end_word(at);
    if (c == '[' && mode == kText) {
      mode = kTerm;
      start = at;
    } else if (c == ']' && mode == kTerm) {
      out->terms.push_back({start, at});
      mode = kText;
    } else if (c == '{' && mode == kText) {
      mode = kGroup;
      start = at;
      out->groups.emplace_back();
    } else if ((c == ' ' || c == '}') && mode == kGroup) {
      if (at > start) out->groups.back().push_back({start, at});
      start = at;
      if (c == '}') mode = kText;
    } else if (c == '[' || c == ']' || c == '{' || c == '}') {
      *error = "unbalanced markup";
      return false;
    } else {
      out->text.push_back(c);
    }
  }
  end_word(static_cast<uint32_t>(out->text.size()));
  if (mode != kText) *error = "unterminated markup";
  return mode == kText;
}

TEST_F(EducationLexiconTest, BureauNoticeSentences) {
  const std::vector<std::string> terms = LexiconTerms();
  const std::set<std::string> term_set(terms.begin(), terms.end());
  std::istringstream in(
      sluice::testing::ReadFile(sluice::testing::SourceDir() + "/tests/unit/stages/segment/data/education_sentences.txt"));
  std::string line;
  int line_no = 0;
  int sentences = 0;
  int checked_terms = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    Sentence s;
    std::string error;
    ASSERT_TRUE(ParseSentence(line, line_no, &s, &error)) << "line " << line_no << ": " << error;
    ++sentences;
    std::vector<Token> tokens;
    ASSERT_TRUE(seg_->Segment(s.text, &tokens).ok());
    std::set<std::pair<uint32_t, uint32_t>> spans;
    for (const Token& t : tokens) spans.insert({t.begin, t.end});
    const std::string got = Join(Words(s.text));

    for (const auto& [b, e] : s.terms) {
      const std::string term = s.text.substr(b, e - b);
      EXPECT_TRUE(term_set.count(term)) << "line " << line_no << ": [" << term << "] is not a lexicon term";
      EXPECT_TRUE(spans.count({b, e})) << "line " << line_no << ": " << term << " split or merged: " << got;
      ++checked_terms;
    }
    for (const auto& group : s.groups) {
      for (const auto& [b, e] : group) {
        EXPECT_TRUE(spans.count({b, e})) << "line " << line_no << ": expected word " << s.text.substr(b, e - b)
                                         << ": " << got;
      }
    }
    // Every occurrence of a lexicon term must be covered by the markup.
    for (const std::string& term : terms) {
      for (size_t at = s.text.find(term); at != std::string::npos; at = s.text.find(term, at + 1)) {
        const uint32_t ob = static_cast<uint32_t>(at);
        const uint32_t oe = ob + static_cast<uint32_t>(term.size());
        bool covered = false;
        for (const auto& [b, e] : s.terms) covered |= ob < e && b < oe;
        for (const auto& group : s.groups) {
          if (!group.empty()) covered |= ob < group.back().second && group.front().first < oe;
        }
        EXPECT_TRUE(covered) << "line " << line_no << ": lexicon term " << term << " is not marked in: " << s.text;
      }
    }
  }
  EXPECT_GE(sentences, 100);
  EXPECT_GE(checked_terms, 250);
}

// The held-out sets: every [term] is one token, every {trap} word comes out as written, and most
// sentences agree with the gold segmentation word for word (the rest differ in ordinary words:
// 不 少于, 相结合, 三 岁 — see the README's "Domain sentences").
void CheckHeldOut(const Segmenter& seg, const std::string& file, double min_exact, size_t min_sentences) {
  std::istringstream in(sluice::testing::ReadFile(sluice::testing::SourceDir() + "/tests/unit/stages/segment/data/" + file));
  std::string line;
  int line_no = 0;
  size_t sentences = 0;
  size_t exact = 0;
  size_t terms = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    Sentence s;
    std::string error;
    std::vector<std::pair<uint32_t, uint32_t>> gold;
    ASSERT_TRUE(ParseSentence(line, line_no, &s, &error, /*segmented=*/true, &gold)) << file << ":" << line_no << ": " << error;
    ++sentences;
    std::vector<Token> tokens;
    ASSERT_TRUE(seg.Segment(s.text, &tokens).ok());
    std::vector<std::pair<uint32_t, uint32_t>> got;
    std::string joined;
    for (const Token& t : tokens) {
      got.push_back({t.begin, t.end});
      if (!joined.empty()) joined += ' ';
      joined += s.text.substr(t.begin, t.end - t.begin);
    }
    const std::set<std::pair<uint32_t, uint32_t>> spans(got.begin(), got.end());
    exact += got == gold;
    for (const auto& [b, e] : s.terms) {
      ++terms;
      EXPECT_TRUE(spans.count({b, e})) << file << ":" << line_no << ": " << s.text.substr(b, e - b)
                                       << " split or merged: " << joined;
    }
    for (const auto& group : s.groups) {
      for (const auto& [b, e] : group) {
        EXPECT_TRUE(spans.count({b, e})) << file << ":" << line_no << ": expected word " << s.text.substr(b, e - b)
                                         << ": " << joined;
      }
    }
  }
  EXPECT_GE(sentences, min_sentences) << file;
  EXPECT_GE(terms, sentences) << file;
  EXPECT_GE(static_cast<double>(exact), min_exact * static_cast<double>(sentences))
      << file << ": " << exact << " of " << sentences << " sentences match the gold segmentation";
}

TEST_F(EducationLexiconTest, HeldOutSentences) { CheckHeldOut(*seg_, "education_heldout.txt", 0.85, 150); }

TEST_F(EducationLexiconTest, SecondHeldOutSentences) { CheckHeldOut(*seg_, "education_heldout2.txt", 0.85, 50); }

}  // namespace
}  // namespace sluice::segment
