#include "sluice/segment/dictionary.h"

#include <unicode/utf8.h>
#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t on the stack
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "char_table.h"
#include "file_contents.h"
#include "person_names.h"

namespace sluice::segment {

namespace {

enum Source : uint8_t { kBase = 0, kLexicon = 1, kUser = 2 };
enum Tag : uint8_t { kTagOther, kTagPersonName, kTagOrganisation, kTagOtherProper, kTagIdiom };

Tag ParseTag(std::string_view t) {
  if (t == "nr") return kTagPersonName;
  if (t == "nt") return kTagOrganisation;
  if (t == "nz") return kTagOtherProper;
  if (t == "i") return kTagIdiom;
  return kTagOther;
}

// How much a lexicon word without a frequency must beat its best split by (nats): e^3 ≈ 20×.
constexpr double kLexiconMargin = 3.0;

struct Entry {
  uint32_t offset = 0;  // into the flat code point array
  uint32_t length = 0;  // code points
  uint32_t order = 0;   // input order, so later sources and later lines win
  int64_t freq = -1;    // -1: not given
  Source source = kBase;
  Tag tag = kTagOther;
  bool has_tag = false;
};

// What a trie node's word ends up as, once every source is merged.
struct WordInfo {
  uint32_t entry = 0;      // an entry spelling the word (for its code points)
  int64_t base_freq = -1;
  int64_t override_freq = -1;  // from the lexicon or a user dictionary
  Tag tag = kTagOther;
  bool lexicon = false;
};


std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

// Builds a Dictionary from sources; a friend of Dictionary so it can fill the arrays.
class DictionaryBuilder {
 public:
  explicit DictionaryBuilder(const DictionaryOptions& options) : options_(options) {
    XXH64_reset(&hash_, 0);
    const double knobs[] = {options.compound_penalty, options.split_bias, options.split_person_names ? 1.0 : 0.0,
                            options.char_model ? options.char_model_weight : 0.0,
                            options.char_model ? static_cast<double>(options.char_model->fingerprint()) : 0.0};
    XXH64_update(&hash_, knobs, sizeof knobs);
  }

  Status AddFile(const std::string& path, Source source) {
    std::string text;
    SLUICE_RETURN_IF_ERROR(ReadFileContents(path, &text));
    XXH64_update(&hash_, text.data(), text.size());
    if (source == kLexicon) {
      const size_t slash = path.find_last_of('/');
      std::string stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
      lexicon_name_ = stem.substr(0, stem.find('.'));
    }
    return AddText(path, text, source);
  }

  Status Build(std::shared_ptr<const Dictionary>* out);

  std::string lexicon_name_;
  std::string lexicon_version_;

 private:
  Status AddText(const std::string& path, std::string_view text, Source source);
  bool Fold(std::string_view word, bool* all_han);
  void BuildTrie(Dictionary* d, const std::vector<uint32_t>& unique, std::vector<int64_t>* node_word);
  double BestSplit(const Dictionary& d, const char32_t* w, size_t n) const;
  bool IsTwoWordPhrase(const Dictionary& d, const char32_t* w, size_t n) const;
  bool IsLexiconCompound(const Dictionary& d, const char32_t* w, size_t n) const;

  const DictionaryOptions& options_;
  XXH64_state_t hash_;
  std::vector<char32_t> cps_;
  std::vector<Entry> entries_;
  int64_t total_ = 0;
  std::vector<bool> lexicon_first_;  // characters that start / end a lexicon word
  std::vector<bool> lexicon_last_;
};

bool DictionaryBuilder::Fold(std::string_view word, bool* all_han) {
  const CharTable& table = CharTable::Get();
  *all_han = true;
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return false;
    const char32_t u = static_cast<char32_t>(c);
    if (table.Class(u) != CharClass::kHan) *all_han = false;
    cps_.push_back(table.Fold(u));
  }
  return true;
}

Status DictionaryBuilder::AddText(const std::string& path, std::string_view text, Source source) {
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) text.remove_prefix(3);
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (source == kLexicon) {
        std::string_view body = Trim(line.substr(1));
        if (body.substr(0, 8) == "version:") lexicon_version_ = std::string(Trim(body.substr(8)));
        if (body.substr(0, 5) == "name:") lexicon_name_ = std::string(Trim(body.substr(5)));
      }
      continue;
    }
    // word [freq] [tag], separated by blanks (jieba's dict.txt and user dictionary format).
    std::string_view fields[3];
    size_t nf = 0;
    size_t k = 0;
    while (k < line.size()) {
      while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
      size_t start = k;
      while (k < line.size() && line[k] != ' ' && line[k] != '\t') ++k;
      if (k > start) {
        if (nf == 3) return Status::Corruption(path + ":" + std::to_string(line_no) + ": more than three fields");
        fields[nf++] = line.substr(start, k - start);
      }
    }
    Entry e;
    e.source = source;
    e.order = static_cast<uint32_t>(entries_.size());
    size_t next = 1;
    if (nf > 1 && std::all_of(fields[1].begin(), fields[1].end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      if (fields[1].size() > 15) return Status::Corruption(path + ":" + std::to_string(line_no) + ": frequency too large");
      e.freq = std::stoll(std::string(fields[1]));
      next = 2;
    } else if (source == kBase) {
      return Status::Corruption(path + ":" + std::to_string(line_no) + ": expected \"word frequency [tag]\"");
    }
    if (next < nf) {
      e.tag = ParseTag(fields[next]);
      e.has_tag = true;
      ++next;
    }
    if (next < nf) return Status::Corruption(path + ":" + std::to_string(line_no) + ": unexpected \"" + std::string(fields[next]) + "\"");
    e.offset = static_cast<uint32_t>(cps_.size());
    bool all_han = false;
    if (!Fold(fields[0], &all_han)) {
      return Status::Corruption(path + ":" + std::to_string(line_no) + ": word is not valid UTF-8");
    }
    e.length = static_cast<uint32_t>(cps_.size() - e.offset);
    if (!all_han) {
      // Text outside Han runs is tokenised by rules (numbers, Latin words, URLs), so a word
      // with such characters could never match. The base dictionary has a few (T恤, 3G);
      // they are skipped. In our own files it is a mistake worth stopping for.
      cps_.resize(e.offset);
      if (source == kBase) continue;
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": \"" + std::string(fields[0]) +
                                     "\": only words of Han characters are supported");
    }
    if (e.length > 255) return Status::Corruption(path + ":" + std::to_string(line_no) + ": word longer than 255 characters");
    if (e.freq > 0) total_ += e.freq;  // as jieba does, user frequencies count in the total
    entries_.push_back(e);
  }
  return Status::OK();
}

void DictionaryBuilder::BuildTrie(Dictionary* d, const std::vector<uint32_t>& unique, std::vector<int64_t>* node_word) {
  // Breadth-first over ranges of the sorted unique words: all children of a node are created
  // together, so they are contiguous and sorted.
  struct Pending {
    uint32_t lo, hi, depth;
    Dictionary::NodeId node;
  };
  const size_t estimate = cps_.size() + 1;
  d->nodes_.reserve(estimate);
  node_word->reserve(estimate);
  auto new_node = [&](char32_t label) {
    Dictionary::Node n;
    n.label = label;
    d->nodes_.push_back(n);
    node_word->push_back(-1);
    return static_cast<Dictionary::NodeId>(d->nodes_.size() - 1);
  };
  new_node(0);
  std::vector<Pending> queue;
  queue.push_back({0, static_cast<uint32_t>(unique.size()), 0, 0});
  for (size_t q = 0; q < queue.size(); ++q) {
    Pending p = queue[q];
    if (p.lo < p.hi && entries_[unique[p.lo]].length == p.depth) {
      (*node_word)[p.node] = p.lo;
      ++p.lo;
    }
    d->nodes_[p.node].first_child = static_cast<uint32_t>(d->nodes_.size());
    uint32_t count = 0;
    for (uint32_t i = p.lo; i < p.hi;) {
      const char32_t c = cps_[entries_[unique[i]].offset + p.depth];
      uint32_t j = i + 1;
      while (j < p.hi && cps_[entries_[unique[j]].offset + p.depth] == c) ++j;
      queue.push_back({i, j, p.depth + 1, new_node(c)});
      ++count;
      i = j;
    }
    d->nodes_[p.node].child_count = count;
  }
  d->nodes_.shrink_to_fit();
  node_word->shrink_to_fit();
  // Children of wide nodes (the root included) go into the hash table.
  size_t wide_children = 0;
  for (const Dictionary::Node& n : d->nodes_) {
    if (n.child_count > Dictionary::kLinearChildren) wide_children += n.child_count;
  }
  size_t capacity = 16;
  while (capacity < wide_children * 2) capacity <<= 1;
  d->wide_.assign(capacity, Dictionary::WideSlot{});
  d->wide_mask_ = capacity - 1;
  for (Dictionary::NodeId node = 0; node < d->nodes_.size(); ++node) {
    const Dictionary::Node& n = d->nodes_[node];
    if (n.child_count <= Dictionary::kLinearChildren) continue;
    for (uint32_t k = 0; k < n.child_count; ++k) {
      const Dictionary::NodeId child = n.first_child + k;
      const char32_t label = d->nodes_[child].label;
      size_t i = Dictionary::WideHash(node, label) & d->wide_mask_;
      while (d->wide_[i].parent != Dictionary::kEmptySlot) i = (i + 1) & d->wide_mask_;
      d->wide_[i] = Dictionary::WideSlot{node, label, child};
    }
  }
  d->root_table_.assign(Dictionary::kRootTableSize, Dictionary::kNoNode);
  for (uint32_t k = 0; k < d->nodes_[0].child_count; ++k) {
    const Dictionary::NodeId child = d->nodes_[0].first_child + k;
    if (d->nodes_[child].label < Dictionary::kRootTableSize) d->root_table_[d->nodes_[child].label] = child;
  }
}

// The best score of `w` split into at least two pieces (dictionary words or single characters).
double DictionaryBuilder::BestSplit(const Dictionary& d, const char32_t* w, size_t n) const {
  std::vector<double> best(n + 1, -1e30);
  best[n] = 0;
  for (size_t i = n; i-- > 0;) {
    double b = d.UnknownCharScore(w[i]) + best[i + 1];
    Dictionary::NodeId node = d.Root(w[i]);
    for (size_t j = i; j < n && node != Dictionary::kNoNode; ++j) {
      if (j > i) node = d.Child(node, w[j]);
      if (node == Dictionary::kNoNode) break;
      if (i == 0 && j + 1 == n) break;  // the word itself
      if (d.IsWord(node)) b = std::max(b, static_cast<double>(d.Score(node)) + best[j + 1]);
    }
    best[i] = b;
  }
  return best[0];
}

// True when `w` is two dictionary words of at least two characters each (经济|建设, 高等|教育).
bool DictionaryBuilder::IsTwoWordPhrase(const Dictionary& d, const char32_t* w, size_t n) const {
  Dictionary::NodeId prefix = d.Root(w[0]);
  for (size_t k = 1; k + 3 <= n && prefix != Dictionary::kNoNode; ++k) {
    prefix = d.Child(prefix, w[k]);  // prefix = w[0..k], suffix = w[k+1..n)
    if (prefix == Dictionary::kNoNode || !d.IsWord(prefix)) continue;
    Dictionary::NodeId suffix = d.Root(w[k + 1]);
    for (size_t j = k + 2; j < n && suffix != Dictionary::kNoNode; ++j) suffix = d.Child(suffix, w[j]);
    if (suffix != Dictionary::kNoNode && d.IsWord(suffix)) return true;
  }
  return false;
}

// True when `w` is a lexicon word plus a word or a character on either side (各|考点,
// 教育局|长): our lexicon defines the domain's units, so a base entry wrapped around one is a
// phrase, and must not swallow the lexicon word.
bool DictionaryBuilder::IsLexiconCompound(const Dictionary& d, const char32_t* w, size_t n) const {
  // Cheap filter first: a lexicon word can only start w if w[0] starts one, end w if w[n-1]
  // ends one. Most base entries pass neither and need no trie walks.
  const bool may_prefix = w[0] < lexicon_first_.size() && lexicon_first_[w[0]];
  const bool may_suffix = w[n - 1] < lexicon_last_.size() && lexicon_last_[w[n - 1]];
  if (!may_prefix && !may_suffix) return false;
  auto node_of = [&](const char32_t* p, size_t len) {
    Dictionary::NodeId node = d.Root(p[0]);
    for (size_t k = 1; k < len && node != Dictionary::kNoNode; ++k) node = d.Child(node, p[k]);
    return node;
  };
  auto is_lexicon = [&](Dictionary::NodeId node) {
    return node != Dictionary::kNoNode && d.IsWord(node) && (d.Flags(node) & kWordLexicon);
  };
  auto is_piece = [&](const char32_t* p, size_t len) {
    if (len == 1) return true;
    const Dictionary::NodeId node = node_of(p, len);
    return node != Dictionary::kNoNode && d.IsWord(node);
  };
  for (size_t k = 1; k < n; ++k) {
    if (may_prefix && k >= 2 && is_lexicon(node_of(w, k)) && is_piece(w + k, n - k)) return true;
    if (may_suffix && n - k >= 2 && is_lexicon(node_of(w + k, n - k)) && is_piece(w, k)) return true;
  }
  return false;
}

Status DictionaryBuilder::Build(std::shared_ptr<const Dictionary>* out) {
  if (entries_.empty()) return Status::InvalidArgument("the dictionary sources hold no word");
  // Sort by spelling, then by input order, so equal words sit together with the last one last.
  std::vector<uint32_t> order(entries_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto spelling_less = [&](uint32_t a, uint32_t b) {
    const Entry& x = entries_[a];
    const Entry& y = entries_[b];
    const char32_t* px = cps_.data() + x.offset;
    const char32_t* py = cps_.data() + y.offset;
    return std::lexicographical_compare(px, px + x.length, py, py + y.length);
  };
  std::stable_sort(order.begin(), order.end(), spelling_less);

  // Merge equal spellings into one WordInfo; `unique` keeps one entry per spelling.
  std::vector<uint32_t> unique;
  std::vector<WordInfo> infos;
  unique.reserve(order.size());
  infos.reserve(order.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && !spelling_less(order[i], order[j])) ++j;
    WordInfo info;
    info.entry = order[i];
    for (size_t k = i; k < j; ++k) {
      const Entry& e = entries_[order[k]];
      if (e.source == kBase) {
        info.base_freq = e.freq;
        info.tag = e.tag;
      } else {
        info.lexicon = true;
        if (e.freq >= 0) info.override_freq = e.freq;
        if (e.has_tag) info.tag = e.tag;
      }
    }
    unique.push_back(order[i]);
    infos.push_back(info);
    i = j;
  }

  auto dict = std::shared_ptr<Dictionary>(new Dictionary());
  std::vector<int64_t> node_word;
  BuildTrie(dict.get(), unique, &node_word);
  const size_t nodes = dict->nodes_.size();
  dict->flags_.assign(nodes, 0);

  const double log_total = std::log(static_cast<double>(std::max<int64_t>(total_, 1)));
  const double bias = options_.split_bias;
  dict->unknown_score_ = static_cast<float>(-log_total + bias);
  if (options_.char_model && options_.char_model_weight != 0) {
    dict->char_model_ = options_.char_model;
    dict->char_model_weight_ = options_.char_model_weight;
  }
  auto log_prob = [&](int64_t freq) { return std::log(static_cast<double>(std::max<int64_t>(freq, 1))) - log_total + bias; };
  auto char_score = [&](Dictionary::NodeId node) {
    if (!dict->char_model_) return 0.0;
    const Entry& e = entries_[infos[node_word[node]].entry];
    return dict->char_model_weight_ * dict->char_model_->WordScore(cps_.data() + e.offset, e.length);
  };

  // Pass 1: every word's plain score, so phrase checks and lexicon splits can look words up.
  std::vector<Dictionary::NodeId> lexicon_nodes;  // lexicon words without a frequency
  std::vector<Dictionary::NodeId> all_lexicon;
  for (Dictionary::NodeId node = 0; node < nodes; ++node) {
    if (node_word[node] < 0) continue;
    const WordInfo& info = infos[node_word[node]];
    int64_t freq = info.lexicon && info.override_freq >= 0 ? info.override_freq : info.base_freq;
    if (info.lexicon && info.override_freq == 0) continue;  // "word 0" deletes it
    if (info.lexicon) {
      dict->flags_[node] |= kWordLexicon;
      if (info.override_freq < 0) lexicon_nodes.push_back(node);
      all_lexicon.push_back(node);
    }
    if (freq < 0) freq = 1;  // placeholder for lexicon words without frequency (pass 3)
    if (freq == 0) continue;
    dict->nodes_[node].score = static_cast<float>(log_prob(freq) + char_score(node));
  }

  lexicon_first_.assign(0x110000, false);
  lexicon_last_.assign(0x110000, false);
  for (Dictionary::NodeId node : all_lexicon) {
    const Entry& e = entries_[infos[node_word[node]].entry];
    lexicon_first_[cps_[e.offset]] = true;
    lexicon_last_[cps_[e.offset + e.length - 1]] = true;
  }

  // Pass 2: conventions for base entries (phrases, personal names).
  for (Dictionary::NodeId node = 0; node < nodes; ++node) {
    if (node_word[node] < 0 || !dict->IsWord(node) || (dict->flags_[node] & kWordLexicon)) continue;
    const WordInfo& info = infos[node_word[node]];
    const Entry& e = entries_[info.entry];
    const char32_t* w = cps_.data() + e.offset;
    const size_t n = e.length;
    // Idioms (成语) are words however they decompose; they have four characters. Longer
    // entries tagged as idioms in the base dictionary (进一步提高) are phrases like others.
    const bool idiom = info.tag == kTagIdiom && n == 4;
    bool phrase = false;
    if (n >= 3 && (info.tag == kTagOrganisation || info.tag == kTagOtherProper)) phrase = true;
    if (n >= 4 && !idiom && IsTwoWordPhrase(*dict, w, n)) phrase = true;
    if (phrase) dict->flags_[node] |= kWordPhrase;
    if (n >= 3 && IsLexiconCompound(*dict, w, n)) {
      dict->flags_[node] |= kWordLexiconCompound;
      phrase = true;
    }
    if (phrase) dict->nodes_[node].score -= static_cast<float>(options_.compound_penalty);
    if (options_.split_person_names && info.tag == kTagPersonName) {
      if (n == 3 && IsSurname(w[0])) dict->flags_[node] |= kWordNameSplit1;
      if (n == 4 && IsCompoundSurname(w[0], w[1])) dict->flags_[node] |= kWordNameSplit2;
    }
  }

  // Pass 3: lexicon words without a frequency beat every split of themselves by a margin,
  // shortest first so that lexicon words inside longer ones are final when those are scored.
  std::sort(lexicon_nodes.begin(), lexicon_nodes.end(), [&](auto a, auto b) {
    return entries_[infos[node_word[a]].entry].length < entries_[infos[node_word[b]].entry].length;
  });
  for (Dictionary::NodeId node : lexicon_nodes) {
    const WordInfo& info = infos[node_word[node]];
    const Entry& e = entries_[info.entry];
    double score = e.length == 1 ? log_prob(info.base_freq) + char_score(node)
                                 : BestSplit(*dict, cps_.data() + e.offset, e.length) + kLexiconMargin;
    if (info.base_freq > 0) score = std::max(score, log_prob(info.base_freq) + char_score(node));
    dict->nodes_[node].score = static_cast<float>(score);
  }

  size_t words = 0;
  size_t longest = 0;
  for (Dictionary::NodeId node = 0; node < nodes; ++node) {
    if (!dict->IsWord(node)) continue;
    ++words;
    longest = std::max<size_t>(longest, entries_[infos[node_word[node]].entry].length);
  }
  if (words == 0) return Status::InvalidArgument("the dictionary sources hold no word");
  dict->word_count_ = words;
  dict->split_person_names_ = options_.split_person_names;
  dict->max_word_length_ = longest;
  dict->fingerprint_ = XXH64_digest(&hash_);
  if (!options_.lexicon_path.empty()) {
    dict->lexicon_version_ = lexicon_name_ + "-" + (lexicon_version_.empty() ? "unversioned" : lexicon_version_);
  }
  *out = std::move(dict);
  return Status::OK();
}

Status Dictionary::Load(const DictionaryOptions& options, std::shared_ptr<const Dictionary>* out) {
  DictionaryBuilder builder(options);
  if (!options.base_path.empty()) SLUICE_RETURN_IF_ERROR(builder.AddFile(options.base_path, kBase));
  if (!options.lexicon_path.empty()) SLUICE_RETURN_IF_ERROR(builder.AddFile(options.lexicon_path, kLexicon));
  for (const std::string& path : options.user_paths) SLUICE_RETURN_IF_ERROR(builder.AddFile(path, kUser));
  return builder.Build(out);
}

Dictionary::NodeId Dictionary::FindChild(NodeId node, char32_t c) const {
  for (size_t i = WideHash(node, c) & wide_mask_;; i = (i + 1) & wide_mask_) {
    const WideSlot& slot = wide_[i];
    if (slot.parent == node && slot.label == c) return slot.child;
    if (slot.parent == kEmptySlot) return kNoNode;
  }
}

Dictionary::NodeId Dictionary::Find(std::string_view word) const {
  const CharTable& table = CharTable::Get();
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  int32_t i = 0;
  NodeId node = kNoNode;
  bool first = true;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return kNoNode;
    const char32_t f = table.Fold(static_cast<char32_t>(c));
    node = first ? Root(f) : Child(node, f);
    first = false;
    if (node == kNoNode) return kNoNode;
  }
  return (node != kNoNode && IsWord(node)) ? node : kNoNode;
}

size_t Dictionary::MemoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + flags_.capacity() * sizeof(uint8_t) + root_table_.capacity() * sizeof(NodeId) +
         wide_.capacity() * sizeof(WideSlot);
}

}  // namespace sluice::segment
