#include "sluice/clean/content_extractor.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "boilerplate.h"
#include "challenge.h"
#include "html_document.h"
#include "main_content.h"
#include "metadata.h"
#include "normalize.h"
#include "selector.h"
#include "sluice/ascii.h"
#include "text_render.h"

namespace sluice::clean {

using namespace internal;

namespace {

// Containers of the CMSes Chinese government sites are built with: TRS WCM (.TRS_Editor,
// .TRS_UEDITOR), Hanweb/大汉 (#zoom), 开普云/UCAP (#UCAP-CONTENT), 集约化 platforms
// (#fontzoom, .article-content), VSB/博达 (#vsb_content, .v_news_content), WebPlus
// (.wp_articlecontent), gov.cn (.pages_content), WeChat articles (#js_content). Generic names
// such as #content or .main are deliberately absent: on many templates they wrap the whole page.
const std::vector<std::string>& BuiltinContainers() {
  static const std::vector<std::string> list = {
      ".TRS_Editor",   ".TRS_UEDITOR", "#UCAP-CONTENT",    "#zoom",          "#fontzoom",
      "#zoomcon",      ".article-content", "#vsb_content", ".v_news_content", ".wp_articlecontent",
      ".pages_content", "#js_content",  ".Custom_UnionStyle",
  };
  return list;
}

std::string HostOf(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) return "";
  size_t b = p + 3;
  size_t e = url.find_first_of("/?#", b);
  std::string host = AsciiLower(url.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
  if (size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
  return host;
}

bool HostMatches(const std::string& host, const std::string& pattern) {
  if (pattern == "*") return true;
  std::string p = AsciiLower(pattern);
  if (host == p) return true;
  return host.size() > p.size() && host.compare(host.size() - p.size(), p.size(), p) == 0 &&
         host[host.size() - p.size() - 1] == '.';
}

// SLUICE_CLEAN_DEBUG=1 prints the scorer's view of each page to stderr (a development aid).
bool DebugEnabled() {
  static const bool on = [] {
    const char* v = std::getenv("SLUICE_CLEAN_DEBUG");
    return v && *v && *v != '0';
  }();
  return on;
}

std::string Describe(const HtmlDocument& doc, int i) {
  std::string out;
  for (int k = 0, cur = i; cur >= 0 && k < 4; ++k, cur = doc.element(cur).parent) {
    const xmlNode* n = doc.element(cur).node;
    std::string part = reinterpret_cast<const char*>(n->name);
    if (const char* id = HtmlDocument::Attr(n, "id")) part.append("#").append(id);
    if (const char* c = HtmlDocument::Attr(n, "class")) part.append(".").append(c);
    if (!out.empty()) part.append(" < ").append(out);
    out.swap(part);
  }
  std::string head = "[";
  head.append(std::to_string(i)).append("] ");
  return head.append(out);
}

void DebugScores(const HtmlDocument& doc, const SubtreeScores& scores) {
  std::vector<int> order;
  for (int i = 0; i < doc.size(); ++i)
    if (!(doc.element(i).flags & kSkipped) && scores.score[static_cast<size_t>(i)] > 0) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return scores.score[static_cast<size_t>(a)] > scores.score[static_cast<size_t>(b)]; });
  for (size_t k = 0; k < order.size() && k < 10; ++k)
    std::fprintf(stderr, "  score %8.1f size %5d  %s\n", scores.score[static_cast<size_t>(order[k])],
                 doc.element(order[k]).end - order[k], Describe(doc, order[k]).c_str());
  if (std::getenv("SLUICE_CLEAN_DEBUG_BLOCKS")) {
    for (const TextRun& r : doc.runs()) {
      double w = scores.own[static_cast<size_t>(r.owner)];
      if (w == 0) continue;
      std::string t(r.text.substr(0, 90));
      while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
      if (!t.empty() && static_cast<unsigned char>(t.back()) >= 0xC0) t.pop_back();
      for (char& c : t) if (c == '\n') c = ' ';
      std::fprintf(stderr, "    block [%d] w=%.1f %s\n", r.owner, w, t.c_str());
    }
  }
}

Status CompileContainer(const std::string& text, ContainerSelector* out) {
  out->text = text;
  if (SimpleSelector(text, &out->klass, &out->id)) return Status::OK();
  return CompileSelector(text, &out->xpath);
}

}  // namespace

struct ContentExtractor::Impl {
  struct Rule {
    std::vector<std::string> hosts;
    std::vector<std::pair<std::string, std::string>> content;  // (selector, xpath)
    std::vector<std::string> drop;                             // xpath
    std::string title;                                         // xpath
  };
  ExtractorOptions options;
  std::vector<ContainerSelector> containers;
  std::vector<Rule> rules;
  TextNormalizer normalizer;
};

ContentExtractor::ContentExtractor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContentExtractor::~ContentExtractor() = default;

const std::vector<std::string>& ContentExtractor::KnownContainers() { return BuiltinContainers(); }

Status ContentExtractor::Create(const ExtractorOptions& options, std::unique_ptr<ContentExtractor>* out) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  SLUICE_RETURN_IF_ERROR(TextNormalizer::Create(options.normalization, &impl->normalizer));
  for (const std::string& s : options.extra_containers) {
    ContainerSelector c;
    SLUICE_RETURN_IF_ERROR(CompileContainer(s, &c));
    impl->containers.push_back(std::move(c));
  }
  for (const std::string& s : BuiltinContainers()) {
    ContainerSelector c;
    SLUICE_RETURN_IF_ERROR(CompileContainer(s, &c));
    impl->containers.push_back(std::move(c));
  }
  for (const SiteRule& r : options.rules) {
    Impl::Rule rule;
    rule.hosts = r.hosts;
    if (rule.hosts.empty()) return Status::InvalidArgument("site rule without hosts (use \"*\" for every site)");
    for (const std::string& s : r.content) {
      std::string x;
      SLUICE_RETURN_IF_ERROR(CompileSelector(s, &x));
      rule.content.emplace_back(s, x);
    }
    for (const std::string& s : r.drop) {
      std::string x;
      SLUICE_RETURN_IF_ERROR(CompileSelector(s, &x));
      rule.drop.push_back(x);
    }
    if (!r.title.empty()) SLUICE_RETURN_IF_ERROR(CompileSelector(r.title, &rule.title));
    impl->rules.push_back(std::move(rule));
  }
  out->reset(new ContentExtractor(std::move(impl)));
  return Status::OK();
}

bool LooksBinary(std::string_view data) {
  std::string_view head = data.substr(0, 1024);
  if (head.empty()) return false;
  static const std::string_view kMagic[] = {"%PDF-", "PK\x03\x04", "\x89PNG", "GIF8", "\xFF\xD8\xFF", "\xD0\xCF\x11\xE0",
                                            "Rar!", "7z\xBC\xAF"};
  for (std::string_view m : kMagic)
    if (head.substr(0, m.size()) == m) return true;
  int control = 0;
  for (char ch : head) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == 0) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) ++control;
  }
  return control * 10 > static_cast<int>(head.size());
}

Status ContentExtractor::Extract(std::string_view html, std::string_view url, Extraction* out) const {
  *out = Extraction();
  if (LooksBinary(html)) return Status::InvalidArgument("binary data, not an HTML page");
  std::unique_ptr<HtmlDocument> doc;
  SLUICE_RETURN_IF_ERROR(HtmlDocument::Parse(html, &doc));

  std::string reason;
  if (DetectChallenge(*doc, &reason)) {
    out->challenge = true;
    out->challenge_reason = reason;
    out->content_origin = "none";
    return Status::OK();
  }

  // Site rules for this host: drops first, then content and title selectors.
  const std::string page_url(url);
  const std::string host = HostOf(url);
  std::vector<std::pair<std::string, std::string>> content_selectors;
  std::string title_xpath;
  if (impl_->options.site_rules) {
    for (const Impl::Rule& rule : impl_->rules) {
      if (!std::any_of(rule.hosts.begin(), rule.hosts.end(), [&](const std::string& h) { return HostMatches(host, h); }))
        continue;
      for (const std::string& x : rule.drop)
        for (int i : EvaluateXPath(*doc, x)) doc->Skip(i);
      for (const auto& c : rule.content) content_selectors.push_back(c);
      if (title_xpath.empty()) title_xpath = rule.title;
    }
  }

  const SubtreeScores scores = ScoreSubtrees(*doc);
  std::vector<int> roots;
  std::string content_origin;
  for (const auto& [sel, xpath] : content_selectors) {
    std::vector<int> found = EvaluateXPath(*doc, xpath);
    // Outermost matches only, in document order.
    int end = -1;
    for (int i : found) {
      if (i < end) continue;
      roots.push_back(i);
      end = doc->element(i).end;
    }
    if (!roots.empty()) {
      content_origin = "rule:" + sel;
      break;
    }
  }
  if (roots.empty()) {
    const int general = BestByScore(*doc, scores);
    int known = -1;
    std::string which;
    if (impl_->options.known_containers) known = FindKnownContainer(*doc, scores, impl_->containers, &which);
    if (known >= 0 && general >= 0) {
      const Element& k = doc->element(known);
      const Element& g = doc->element(general);
      bool nested = (general >= known && general < k.end) || (known >= general && known < g.end);
      const double ks = scores.score[static_cast<size_t>(known)], gs = scores.score[static_cast<size_t>(general)];
      // A known class used for some other box (a teaser, a sidebar) while the article is elsewhere;
      // but a known container of images only (an 图解 notice) stands unless a real article is
      // elsewhere.
      const bool images_only = scores.chars[static_cast<size_t>(known)] == 0 && (k.flags & kHasImage);
      if (!nested && ks < 0.5 * gs && !(images_only && gs < 300)) known = -1;

    }
    if (known >= 0) {
      roots.push_back(known);
      content_origin = "known:" + which;
    } else if (general >= 0) {
      roots.push_back(general);
      content_origin = "scorer";
    } else {
      content_origin = "none";
    }
  }
  out->content_origin = content_origin;
  if (DebugEnabled()) {
    std::fprintf(stderr, "clean debug %s: %s\n", page_url.c_str(), content_origin.c_str());
    DebugScores(*doc, scores);
    for (int r : roots) std::fprintf(stderr, "  chosen %s\n", Describe(*doc, r).c_str());
  }

  std::vector<uint8_t> drop(static_cast<size_t>(doc->size()), 0);
  std::vector<Line> lines;
  // The scorer's own pick stops where its best run of blocks ends; a known or configured
  // container is the article by definition and is only pruned.
  const bool scored = content_origin == "scorer";
  for (int root : roots) {
    PruneContainer(*doc, scores, root, FirstProse(*doc, scores, root), &drop);
    if (scored)
      for (int k = CutPoint(*doc, scores, root); k < doc->element(root).end; ++k) drop[static_cast<size_t>(k)] = 1;
    int images = 0;
    RenderLines(*doc, root, drop, &lines, &images);
    out->images += images;
  }
  const int container = roots.empty() ? -1 : roots.front();

  std::string rule_title;
  if (!title_xpath.empty()) {
    std::vector<int> t = EvaluateXPath(*doc, title_xpath);
    if (!t.empty()) {
      std::vector<Line> tl;
      RenderLines(*doc, t.front(), {}, &tl);
      for (const Line& l : tl) rule_title += l.text;
    }
  }
  const int body_start = FirstProse(*doc, scores, container);
  TitleResult title = FindTitle(*doc, body_start, lines, rule_title);
  if (title.element >= container && container >= 0 && title.origin != "container") {
    // The container holds the heading: the article starts after it (breadcrumbs, the heading
    // itself and anything else above it are not text).
    const int title_end = doc->element(title.element).end;
    lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const Line& l) { return l.elem >= 0 && l.elem < title_end; }),
                lines.end());
  }
  FilterNotes notes;
  FilterLines(&lines, title.title, &notes);

  std::string text;
  for (const Line& l : lines) {
    if (!text.empty()) text += '\n';
    text += l.text;
  }
  const TextNormalizer& norm = impl_->normalizer;
  out->text = norm.Apply(text);
  out->title = norm.Apply(title.title);
  if (!title.title.empty()) out->origins.emplace_back("title", title.origin);
  FindMetadata(*doc, container, body_start, title.element, page_url, notes, out);
  for (std::string* f : {&out->publisher, &out->document_number, &out->index_number, &out->info_category,
                         &out->column, &out->site_name})
    *f = norm.Apply(*f);
  out->language = DetectLanguage(out->text.empty() ? out->title : out->text, doc->lang());
  if (!out->language.empty()) out->origins.emplace_back("language", "text");
  out->origins.emplace_back("text", content_origin);
  return Status::OK();
}

}  // namespace sluice::clean
