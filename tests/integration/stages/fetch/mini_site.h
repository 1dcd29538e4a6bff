// MiniSite: a small TRS-style bureau site written into a temporary directory by the test itself
// (so these tests need no shared data): one column with two list pages, four articles (one in
// GBK bytes served with a lying HTTP charset), an attachment, and a robots.txt.
#pragma once

#include <filesystem>
#include <string>

#include "test_env.h"

namespace sluice::testing {

class MiniSite {
 public:
  MiniSite() {
    namespace fs = std::filesystem;
    root_ = dir_.path() + "/site";
    fs::create_directories(root_ + "/news/202501");
    Write("/robots.txt", "User-agent: *\nDisallow: /admin/\n");
    Write("/news/index.html", List({{"./202501/t20250104_4.html", "关于开展寒假安全教育的通知", "2025-01-04"},
                                    {"./202501/t20250103_3.html", "关于公布2025年课题立项名单的通知", "2025-01-03"},
                                    {"./202501/t20250102_2.html", "教育部通知", "2025-01-02"},
                                    {"/admin/202501/t20250101_9.html", "内部页面", "2025-01-01"}},
                                   0));
    Write("/news/index_1.html", List({{"./202501/t20250101_1.html", "全市教育工作会议召开", "2025-01-01"}}, 1));
    Write("/news/202501/t20250101_1.html", Article("全市教育工作会议召开", "1月1日，全市教育工作会议召开，会议部署加快建设教育强国各项任务。", ""));
    // GBK bytes: 教育部通知 (BDCC D3FD B2BF CDA8 D6AA) and a GBK-only em dash pair (A1AA A1AA).
    Write("/news/202501/t20250102_2.html",
          "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"><title>t</title></head><body>"
          "<div class=\"TRS_Editor\"><p>\xBD\xCC\xD3\xFD\xB2\xBF\xCD\xA8\xD6\xAA\xA1\xAA\xA1\xAA</p></div></body></html>");
    Write("/news/202501/t20250103_3.html",
          Article("关于公布2025年课题立项名单的通知", "经专家评审，现将2025年度课题立项名单予以公布。",
                  "<p>附件：<a href=\"./P020250103000001.pdf\">附件1：立项名单.pdf</a></p>"));
    Write("/news/202501/P020250103000001.pdf", "%PDF-1.4\n% sluice test attachment\n%%EOF\n");
    Write("/news/202501/t20250104_4.html", Article("关于开展寒假安全教育的通知", "寒假将至，各校要做好学生安全教育工作，落实双减要求。", ""));
  }

  const std::string& root() const { return root_; }
  void Write(const std::string& path, const std::string& content) { WriteFile(root_ + path, content); }

  struct Item {
    std::string href, title, date;
  };
  static std::string List(const std::vector<Item>& items, int page) {
    std::string s = "<html><head><meta charset=\"utf-8\"><title>通知公告</title></head><body><ul id=\"list\">\n";
    for (const auto& i : items) s += "<li><a href=\"" + i.href + "\" title=\"" + i.title + "\">" + i.title + "</a><span>" + i.date + "</span></li>\n";
    s += "</ul><script>createPageHTML(2, " + std::to_string(page) + ", \"index\", \"html\");</script></body></html>\n";
    return s;
  }
  static std::string Article(const std::string& title, const std::string& text, const std::string& extra) {
    return "<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title +
           "</h1><div class=\"TRS_Editor\"><p>" + text + "</p>" + extra + "</div></body></html>\n";
  }

 private:
  TempDir dir_;
  std::string root_;
};

}  // namespace sluice::testing
