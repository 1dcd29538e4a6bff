// DocumentText: the part of a plugin's config shared by classifiers that label a document from
// its text (linear, fasttext): which fields they read, what they do with a document whose fields
// are all empty, and how model labels map to axis values.
//
//   fields: [title]          # any of title, text, column, publisher, document_number, site_name
//   on_empty: error          # error (nack, permanent) | other (label 其他) | skip (no label)
//   labels: {"3": 高等教育}  # model label → value written to the document (default: unchanged)
//
// Header-only on top of the plugin SDK; used only by plugins. Thread safety: immutable after
// construction.
#pragma once

#include <sluice/plugin.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::linear {

class DocumentText {
 public:
  enum class OnEmpty { kError, kOther, kSkip };

  explicit DocumentText(const sdk::Config& cfg) {
    fields_ = cfg.List("fields");
    if (fields_.empty()) fields_ = {"title"};
    for (const auto& f : fields_)
      if (!Field(sdk::Document{}, f))
        throw std::runtime_error("fields: unknown document field '" + f +
                                 "' (use title, text, column, publisher, document_number, site_name)");
    std::string on_empty = cfg.Get("on_empty", "error");
    if (on_empty == "error") on_empty_ = OnEmpty::kError;
    else if (on_empty == "other") on_empty_ = OnEmpty::kOther;
    else if (on_empty == "skip") on_empty_ = OnEmpty::kSkip;
    else throw std::runtime_error("on_empty: expected error, other or skip, got '" + on_empty + "'");
    for (const std::string& k : cfg.Keys("labels")) label_map_[k] = cfg.Get("labels." + k);
  }

  // The configured fields of `doc`, non-empty ones joined by a newline.
  std::string Build(const sdk::Document& doc) const {
    std::string out;
    for (const auto& f : fields_) {
      const std::string* v = Field(doc, f);
      if (!v || v->find_first_not_of(" \t\r\n") == std::string::npos) continue;
      if (!out.empty()) out += '\n';
      out += *v;
    }
    return out;
  }

  // What to do for a document whose fields are empty: appends the fallback label or returns the
  // error, per on_empty.
  sdk::Result Empty(const std::string& axis, std::vector<sdk::Label>& out) const {
    if (on_empty_ == OnEmpty::kError) {
      std::string names;
      for (const auto& f : fields_) names += (names.empty() ? "" : ", ") + f;
      return sdk::Result::Permanent("empty text: the document's " + names + " " +
                                    (fields_.size() > 1 ? "are" : "is") + " empty (set on_empty: other to label it 其他)");
    }
    if (on_empty_ == OnEmpty::kOther) out.push_back({axis, "其他", 0.0f});
    return sdk::Result::Ok();
  }

  const std::string& Map(const std::string& label) const {
    auto it = label_map_.find(label);
    return it == label_map_.end() ? label : it->second;
  }

  const std::vector<std::string>& fields() const { return fields_; }

 private:
  static const std::string* Field(const sdk::Document& d, const std::string& name) {
    if (name == "title") return &d.title;
    if (name == "text") return &d.text;
    if (name == "column") return &d.column;
    if (name == "publisher") return &d.publisher;
    if (name == "document_number") return &d.document_number;
    if (name == "site_name") return &d.site_name;
    return nullptr;
  }

  std::vector<std::string> fields_;
  OnEmpty on_empty_ = OnEmpty::kError;
  std::map<std::string, std::string> label_map_;
};

}  // namespace sluice::linear
