// Helpers shared by the fetch benchmarks: RSS, timing, synthetic pages.
#pragma once

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

namespace sluice::bench {

inline long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

inline double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A notice page of about `bytes` bytes of UTF-8 HTML, different for each id.
inline std::string ArticleHtml(int id, size_t bytes) {
  std::string s = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>关于做好第" + std::to_string(id) +
                  "号工作的通知</title></head><body><div class=\"nav\"><a href=\"/\">首页</a></div><div class=\"TRS_Editor\">";
  static const char* kPara = "<p>各市、县（区）教育局：为深入贯彻全国教育大会精神，加快建设教育强国，持续巩固双减成果，深化产教融合，现就有关事项通知如下。</p>\n";
  while (s.size() < bytes) s += kPara;
  s += "<p>编号" + std::to_string(id) + "</p></div></body></html>\n";
  return s;
}

}  // namespace sluice::bench
