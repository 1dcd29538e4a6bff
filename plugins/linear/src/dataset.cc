#include "sluice/linear/dataset.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sluice::linear {

namespace {

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

bool ParseExampleLine(const std::string& raw, Example* out, std::string* why) {
  std::string line = raw;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  out->labels.clear();
  out->text.clear();
  if (Trim(line).empty()) {
    why->clear();
    return false;
  }
  static const std::string kPrefix = "__label__";
  if (line.compare(0, kPrefix.size(), kPrefix) == 0) {
    size_t pos = 0;
    while (line.compare(pos, kPrefix.size(), kPrefix) == 0) {
      size_t end = line.find_first_of(" \t", pos);
      std::string label = line.substr(pos + kPrefix.size(), end == std::string::npos ? std::string::npos : end - pos - kPrefix.size());
      if (label.empty()) {
        *why = "empty __label__";
        return false;
      }
      out->labels.push_back(label);
      if (end == std::string::npos) {
        pos = line.size();
        break;
      }
      pos = line.find_first_not_of(" \t", end);
      if (pos == std::string::npos) pos = line.size();
    }
    out->text = line.substr(pos);
    return true;
  }
  size_t tab = line.rfind('\t');
  if (tab == std::string::npos) {
    *why = "no label (expected text<TAB>label, or __label__name text)";
    return false;
  }
  out->text = line.substr(0, tab);
  std::string labels = line.substr(tab + 1);
  size_t start = 0;
  while (start <= labels.size()) {
    size_t comma = labels.find(',', start);
    if (comma == std::string::npos) comma = labels.size();
    std::string l = Trim(labels.substr(start, comma - start));
    if (!l.empty()) out->labels.push_back(l);
    start = comma + 1;
  }
  if (out->labels.empty()) {
    *why = "empty label after the last TAB";
    return false;
  }
  return true;
}

bool ReadDataset(const std::string& path, std::vector<Example>* out, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  out->clear();
  std::string line, why;
  size_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (n == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    Example ex;
    if (!ParseExampleLine(line, &ex, &why)) {
      if (why.empty()) continue;
      *error = path + ":" + std::to_string(n) + ": " + why;
      return false;
    }
    ex.line = n;
    out->push_back(std::move(ex));
  }
  if (f.bad()) {
    *error = path + ": read error: " + std::strerror(errno);
    return false;
  }
  if (out->empty()) {
    *error = path + ": no examples (expected lines of text<TAB>label)";
    return false;
  }
  return true;
}

}  // namespace sluice::linear
