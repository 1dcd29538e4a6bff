// A complete sluice stage plugin: counts the paragraphs and characters of each notice and adds
// them to its metadata, and flags notices shorter than `min_chars` (default 50).
#include <sluice/plugin.hpp>

#include <string>

class ParagraphCounter : public sluice::sdk::Stage {
 public:
  explicit ParagraphCounter(const sluice::sdk::Config& config)
      : min_chars_(static_cast<size_t>(config.GetDouble("min_chars", 50))) {}

  sluice::sdk::Result Process(const sluice::sdk::Document& doc, sluice::sdk::Delta& out) override {
    size_t paragraphs = 0, chars = 0;
    bool in_paragraph = false;
    for (unsigned char c : doc.text) {
      if (c == '\n') {
        in_paragraph = false;
        continue;
      }
      if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 lead bytes: one per character
      if (!in_paragraph) ++paragraphs, in_paragraph = true;
    }
    out.metadata["paragraphs"] = std::to_string(paragraphs);
    out.metadata["chars"] = std::to_string(chars);
    if (chars < min_chars_) out.metadata["short"] = "true";
    return sluice::sdk::Result::Ok();
  }

 private:
  size_t min_chars_;
};

SLUICE_PLUGIN(ParagraphCounter, "paragraph_counter", "1.0.0")
