#include "sluice/fetch/demo_site.h"

#include <unicode/ucnv.h>
#include <xxhash.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <ctime>
#include <map>
#include <sstream>

#include "sluice/http_server.h"

namespace sluice::fetch {

namespace demo {
struct EmbeddedFile {
  const char* name;
  const unsigned char* data;
  size_t size;
};
extern const EmbeddedFile kEmbeddedFiles[];
}  // namespace demo

namespace {

std::string Embedded(const std::string& name) {
  for (const demo::EmbeddedFile* f = demo::kEmbeddedFiles; f->name; ++f)
    if (name == f->name) return std::string(reinterpret_cast<const char*>(f->data), f->size);
  return "";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string ToGbk(const std::string& utf8) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(utf8.size() * 2 + 16, '\0');
  int32_t n = ucnv_convert("GBK", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &err);
  if (U_FAILURE(err)) return utf8;
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string HttpDate(time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

struct Notice {
  std::string site, column, source, number, title;
  std::vector<std::string> attach, paragraphs;
  int y = 2025, m = 1, d = 1, hh = 9, mi = 0;
  int64_t id = 0;
  int seq = 0;  // publication order across both sites
  std::string path;
  std::vector<std::pair<std::string, std::string>> attachment_paths;  // name, path
};

// Parses the notices.txt / publish.txt block format.
std::vector<Notice> ParseNotices(const std::string& text) {
  std::vector<Notice> out;
  Notice cur;
  bool any = false;
  for (const auto& line : Lines(text)) {
    if (line == "%%") {
      if (any) out.push_back(cur);
      cur = Notice();
      any = false;
      continue;
    }
    if (line.empty() || (line[0] == '#' && line.size() > 1 && line[1] != ' ' && !any)) continue;
    if (line.rfind("# ", 0) == 0 && !any && cur.site.empty()) continue;  // file comment
    if (line[0] == '@') {
      size_t sp = line.find(' ');
      std::string k = line.substr(1, sp - 1), v = sp == std::string::npos ? "" : line.substr(sp + 1);
      if (k == "site") cur.site = v;
      else if (k == "column") cur.column = v;
      else if (k == "source") cur.source = v;
      else if (k == "number") cur.number = v;
      else if (k == "date") sscanf(v.c_str(), "%d-%d-%d %d:%d", &cur.y, &cur.m, &cur.d, &cur.hh, &cur.mi);
      else if (k == "attach") {
        size_t b = 0;
        while (b <= v.size()) {
          size_t e = v.find(',', b);
          if (e == std::string::npos) e = v.size();
          if (e > b) cur.attach.push_back(v.substr(b, e - b));
          b = e + 1;
        }
      }
      any = true;
      continue;
    }
    if (line.rfind("# ", 0) == 0 && cur.title.empty()) {
      cur.title = line.substr(2);
      any = true;
      continue;
    }
    if (!cur.site.empty()) {
      cur.paragraphs.push_back(line);
      any = true;
    }
  }
  return out;
}

std::map<std::string, std::vector<std::string>> ParseWords(const std::string& text) {
  std::map<std::string, std::vector<std::string>> out;
  std::string cur;
  for (const auto& line : Lines(text)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '@') cur = line.substr(1);
    else if (!cur.empty()) out[cur].push_back(line);
  }
  return out;
}

const char* ColumnName(const std::string& site, const std::string& col) {
  if (site == "sjyt") return col == "tzgg" ? "通知公告" : "教育要闻";
  return col == "1002" ? "通知公告" : "工作动态";
}

std::string Ext(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? "pdf" : name.substr(dot + 1);
}

}  // namespace

struct DemoSite::Impl : std::enable_shared_from_this<DemoSite::Impl> {
  struct Page {
    std::string body, type, etag, last_modified;
  };
  boost::asio::io_context& io;
  DemoSiteOptions opt;
  std::unique_ptr<HttpServer> server;
  boost::asio::steady_timer timer;
  std::vector<Notice> notices;  // all, any order
  std::vector<Notice> templates;
  std::map<std::string, std::vector<std::string>> words;
  std::map<std::string, Page> pages;
  int next_trs_id = 1001, next_hanweb_id = 580001, next_seq = 0;
  size_t published = 0;
  int64_t first_publication = 0;
  static constexpr int64_t kPublishedIdBase = 1000000;
  std::string host = "127.0.0.1";
  bool stopped = false;

  Impl(boost::asio::io_context& io_, DemoSiteOptions o) : io(io_), opt(o), timer(io_) {
    notices = ParseNotices(Embedded("notices.txt"));
    templates = ParseNotices(Embedded("publish.txt"));
    words = ParseWords(Embedded("words.txt"));
    // Oldest first, so ids grow with dates as in a real CMS.
    std::sort(notices.begin(), notices.end(), [](const Notice& a, const Notice& b) {
      return std::tie(a.y, a.m, a.d, a.hh, a.mi) < std::tie(b.y, b.m, b.d, b.hh, b.mi);
    });
    for (auto& n : notices) Assign(n);
    first_publication = FirstPublication();
    Put("/robots.txt", "User-agent: *\nDisallow: /sjyt/search/\n", "text/plain");
    Put("/", Home(), "text/html; charset=utf-8");
    RenderAll();
  }

  // Gives `n` its order, id, path and attachment paths; `id` > 0 overrides the next id of its CMS.
  void Assign(Notice& n, int64_t id = 0) {
    n.seq = next_seq++;
    char buf[256];
    if (n.site == "sjyt") {
      n.id = id > 0 ? id : next_trs_id++;
      snprintf(buf, sizeof buf, "/sjyt/%s/%04d%02d/t%04d%02d%02d_%lld.html", n.column.c_str(), n.y, n.m, n.y, n.m, n.d,
               static_cast<long long>(n.id));
      n.path = buf;
      for (size_t k = 0; k < n.attach.size(); ++k) {
        snprintf(buf, sizeof buf, "/sjyt/%s/%04d%02d/P0%04d%02d%02d%06lld%02zu.%s", n.column.c_str(), n.y, n.m, n.y, n.m, n.d,
                 static_cast<long long>(n.id), k,
                 Ext(n.attach[k]).c_str());
        n.attachment_paths.emplace_back(n.attach[k], buf);
      }
    } else {
      n.id = id > 0 ? id : next_hanweb_id++;
      snprintf(buf, sizeof buf, "/sjyj/art/%d/%d/%d/art_%s_%lld.html", n.y, n.m, n.d, n.column.c_str(),
               static_cast<long long>(n.id));
      n.path = buf;
      for (size_t k = 0; k < n.attach.size(); ++k) {
        uint64_t h = XXH64(n.path.data(), n.path.size(), k);
        snprintf(buf, sizeof buf, "/sjyj/attach/0/%016llx.%s", static_cast<unsigned long long>(h), Ext(n.attach[k]).c_str());
        n.attachment_paths.emplace_back(n.attach[k], buf);
      }
    }
  }

  void Put(const std::string& path, const std::string& body, const std::string& type) {
    Page& p = pages[path];
    if (p.body == body && !p.etag.empty()) return;
    p.body = body;
    p.type = type;
    char etag[32];
    snprintf(etag, sizeof etag, "\"%016llx\"", static_cast<unsigned long long>(XXH64(body.data(), body.size(), 0)));
    p.etag = etag;
    p.last_modified = HttpDate(time(nullptr));
  }

  std::vector<const Notice*> Column(const std::string& site, const std::string& col) const {
    std::vector<const Notice*> out;
    for (const auto& n : notices)
      if (n.site == site && n.column == col) out.push_back(&n);
    std::sort(out.begin(), out.end(), [](const Notice* a, const Notice* b) { return a->id > b->id; });
    return out;
  }

  static std::string Date(const Notice& n) {
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", n.y, n.m, n.d);
    return buf;
  }
  static std::string DateTime(const Notice& n) {
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", n.y, n.m, n.d, n.hh, n.mi);
    return buf;
  }

  std::string Home() const {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sluice 演示站点</title></head><body>"
           "<h1>sluice 演示站点（虚构机构）</h1><ul>"
           "<li><a href=\"/sjyt/tzgg/index.html\">示范省教育厅 · 通知公告</a></li>"
           "<li><a href=\"/sjyt/jyyw/index.html\">示范省教育厅 · 教育要闻</a></li>"
           "<li><a href=\"/sjyj/col/col1001/index.html\">示范市教育局 · 工作动态</a></li>"
           "<li><a href=\"/sjyj/col/col1002/index.html\">示范市教育局 · 通知公告</a></li></ul>"
           "<p>本站内容为 sluice 项目编写的演示数据，机构、人名、文号与电话均为虚构。</p></body></html>\n";
  }

  void RenderAll() {
    for (const auto& n : notices) RenderArticle(n);
    for (const char* col : {"tzgg", "jyyw"}) RenderTrsLists(col);
    for (const char* col : {"1001", "1002"}) RenderHanwebLists(col);
  }

  // --- TRS style (示范省教育厅), UTF-8 ---

  std::string TrsHeader(const std::string& title, const std::string& column, const std::string& extra_meta) const {
    return "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
           "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
           "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
           "<meta name=\"SiteName\" content=\"示范省教育厅\" />\n<meta name=\"SiteDomain\" content=\"jyt.example.gov.cn\" />\n"
           "<meta name=\"SiteIDCode\" content=\"9900000001\" />\n<meta name=\"ColumnName\" content=\"" + column + "\" />\n" +
           extra_meta + "<title>" + Escape(title) + " - 示范省教育厅</title>\n"
           "<link href=\"/sjyt/images/style.css\" rel=\"stylesheet\" type=\"text/css\" />\n</head>\n<body>\n"
           "<div class=\"top-bar\"><span>欢迎访问示范省教育厅门户网站（演示）</span> <a href=\"/sjyt/fanti/\">繁體</a> | <a href=\"/sjyt/wza/\">无障碍</a></div>\n"
           "<div class=\"header\"><a href=\"/sjyt/\"><img src=\"/sjyt/images/logo.png\" alt=\"示范省教育厅\" /></a>"
           "<form action=\"/sjyt/search/\"><input name=\"q\" /><input type=\"submit\" value=\"搜索\" /></form></div>\n"
           "<div class=\"nav\"><a href=\"/sjyt/\">首页</a> <a href=\"/sjyt/jyyw/index.html\">教育要闻</a> "
           "<a href=\"/sjyt/tzgg/index.html\">通知公告</a> <a href=\"/sjyt/zcjd/\">政策解读</a> <a href=\"/sjyt/xxgk/\">信息公开</a></div>\n";
  }

  static std::string TrsFooter() {
    return "<div class=\"footer\"><p><a href=\"/sjyt/gywm/\">关于我们</a> | <a href=\"/sjyt/wzdt/\">网站地图</a> | "
           "<a href=\"/sjyt/lxwm/\">联系我们</a></p><p>主办：示范省教育厅（演示站点，内容虚构）　网站标识码：9900000001</p>"
           "<p>示ICP备00000000号</p></div>\n</body>\n</html>\n";
  }

  void RenderTrsLists(const std::string& col) {
    auto items = Column("sjyt", col);
    const int per = 5;
    int count = std::max<int>(1, static_cast<int>((items.size() + per - 1) / per));
    std::string column = ColumnName("sjyt", col);
    for (int p = 0; p < count; ++p) {
      std::string s = TrsHeader(column, column, "") + "<div class=\"main\"><div class=\"position\">您现在的位置：<a href=\"/sjyt/\">首页</a> &gt; " +
                      column + "</div>\n<div class=\"list-title\"><h2>" + column + "</h2></div>\n<ul class=\"list\" id=\"list\">\n";
      for (int k = p * per; k < std::min<int>(static_cast<int>(items.size()), (p + 1) * per); ++k) {
        const Notice& n = *items[k];
        std::string rel = "." + n.path.substr(std::string("/sjyt/").size() + col.size());
        s += "<li><a href=\"" + rel + "\" target=\"_blank\" title=\"" + Escape(n.title) + "\">" + Escape(n.title) + "</a><span>" +
             Date(n) + "</span></li>\n";
      }
      s += "</ul>\n<div class=\"page\" id=\"fenye\"><script type=\"text/javascript\">\ncreatePageHTML(" + std::to_string(count) + ", " +
           std::to_string(p) + ", \"index\", \"html\");\n</script><noscript>";
      for (int q = 0; q < count; ++q)
        s += q == p ? "<span>" + std::to_string(q + 1) + "</span> "
                    : "<a href=\"" + (q == 0 ? std::string("index.html") : "index_" + std::to_string(q) + ".html") + "\">" +
                          std::to_string(q + 1) + "</a> ";
      s += "</noscript></div></div>\n" + TrsFooter();
      Put("/sjyt/" + col + "/" + (p == 0 ? std::string("index.html") : "index_" + std::to_string(p) + ".html"), s,
          "text/html; charset=utf-8");
    }
    // A pager that shrank never leaves stale pages: there is no un-publishing in the demo.
  }

  std::string TrsArticle(const Notice& n) const {
    std::string column = ColumnName("sjyt", n.column);
    std::string meta = "<meta name=\"ArticleTitle\" content=\"" + Escape(n.title) + "\" />\n<meta name=\"PubDate\" content=\"" +
                       DateTime(n) + "\" />\n<meta name=\"ContentSource\" content=\"" + Escape(n.source) + "\" />\n";
    std::string s = TrsHeader(n.title, column, meta);
    s += "<div class=\"main\"><div class=\"position\">您现在的位置：<a href=\"/sjyt/\">首页</a> &gt; <a href=\"/sjyt/" + n.column +
         "/index.html\">" + column + "</a> &gt; 正文</div>\n<div class=\"detail\">\n<h1 class=\"detail-title\">" + Escape(n.title) +
         "</h1>\n<div class=\"detail-info\"><span>发布时间：" + DateTime(n) + "</span> <span>来源：" + Escape(n.source) +
         "</span> <span>【字体：<a href=\"javascript:;\">大</a> <a href=\"javascript:;\">中</a> <a href=\"javascript:;\">小</a>】</span>"
         " <a href=\"javascript:window.print()\">打印</a></div>\n";
    if (!n.number.empty()) s += "<div class=\"doc-number\" style=\"text-align:center\">" + Escape(n.number) + "</div>\n";
    s += "<div id=\"content_body\"><div class=\"TRS_Editor\">\n";
    for (const auto& para : n.paragraphs) s += "<p>" + Escape(para) + "</p>\n";
    s += "</div></div>\n";
    if (!n.attachment_paths.empty()) {
      s += "<div class=\"fujian\"><p>附件：</p>";
      for (const auto& [name, path] : n.attachment_paths)
        s += "<p><a href=\"./" + path.substr(path.rfind('/') + 1) + "\" target=\"_blank\">" + Escape(name) + "</a></p>";
      s += "</div>\n";
    }
    s += "<div class=\"share\">分享到：<a href=\"javascript:;\">微信</a> <a href=\"javascript:;\">微博</a></div>\n</div></div>\n";
    return s + TrsFooter();
  }

  // --- Hanweb style (示范市教育局), GBK ---

  std::string HanwebHeader(const std::string& title, const std::string& extra_meta, const std::string& charset) const {
    return "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n"
           "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=" + charset + "\">\n" + extra_meta +
           "<title>" + Escape(title) + "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"/sjyj/script/common.css\">\n</head>\n"
           "<body leftmargin=\"0\" topmargin=\"0\">\n"
           "<table width=\"1000\" align=\"center\"><tr><td class=\"topbar\">今天是：<script>document.write(new Date().toLocaleDateString());</script>"
           " <a href=\"javascript:void(0)\">设为首页</a> | <a href=\"/sjyj/col/col1099/index.html\">联系我们</a></td></tr></table>\n"
           "<table width=\"1000\" align=\"center\" class=\"nav\"><tr><td><a href=\"/sjyj/\">首页</a></td>"
           "<td><a href=\"/sjyj/col/col1001/index.html\">工作动态</a></td><td><a href=\"/sjyj/col/col1002/index.html\">通知公告</a></td>"
           "<td><a href=\"/sjyj/col/col1003/index.html\">政务公开</a></td></tr></table>\n";
  }

  static std::string HanwebFooter() {
    return "<table width=\"1000\" align=\"center\" class=\"footer\"><tr><td align=\"center\">"
           "<p>主办单位：示范市教育局（演示站点，内容虚构）　网站标识码：9900000002</p><p>技术支持：演示</p></td></tr></table>\n"
           "</body>\n</html>\n";
  }

  void RenderHanwebLists(const std::string& col) {
    auto items = Column("sjyj", col);
    const int per = 4;
    int count = std::max<int>(1, static_cast<int>((items.size() + per - 1) / per));
    std::string column = ColumnName("sjyj", col);
    for (int p = 0; p < count; ++p) {
      std::string s = HanwebHeader(column, "", "gbk") + "<table width=\"1000\" align=\"center\"><tr><td class=\"bt_link\">当前位置：<a href=\"/sjyj/\">首页</a> &gt; " +
                      column + "</td></tr></table>\n<table width=\"1000\" align=\"center\"><tr><td>\n<div id=\"" + col +
                      "9\"><script type=\"text/xml\"><datastore>\n<recordset>\n";
      for (int k = p * per; k < std::min<int>(static_cast<int>(items.size()), (p + 1) * per); ++k) {
        const Notice& n = *items[k];
        s += "<record><![CDATA[\n<li><a href=\"" + n.path + "\" target=\"_blank\" title=\"" + Escape(n.title) + "\">" + Escape(n.title) +
             "</a><span class=\"bt_time\">" + Date(n) + "</span></li>\n]]></record>\n";
      }
      s += "</recordset>\n</datastore></script></div>\n<script language=\"javascript\">var totalRecord=" + std::to_string(items.size()) +
           "; var perpage=" + std::to_string(per) + "; jpage_init(\"" + col + "9\");</script>\n</td></tr></table>\n" + HanwebFooter();
      std::string path = "/sjyj/col/col" + col + "/index.html" + (p == 0 ? "" : "?pageNum=" + std::to_string(p + 1));
      Put(path, ToGbk(s), "text/html");
    }
  }

  std::string HanwebArticle(const Notice& n) const {
    std::string meta = "<meta name=\"ArticleTitle\" content=\"" + Escape(n.title) + "\">\n<meta name=\"contentSource\" content=\"" +
                       Escape(n.source) + "\">\n<meta name=\"Maketime\" content=\"" + DateTime(n) + "\">\n";
    std::string s = HanwebHeader(n.title, meta, "gb2312");
    s += "<table width=\"1000\" align=\"center\"><tr><td class=\"bt_link\">当前位置：<a href=\"/sjyj/\">首页</a> &gt; <a href=\"/sjyj/col/col" +
         n.column + "/index.html\">" + ColumnName("sjyj", n.column) + "</a></td></tr></table>\n"
         "<table width=\"1000\" align=\"center\" class=\"article\"><tr><td class=\"title\" align=\"center\"><h2>" + Escape(n.title) + "</h2></td></tr>\n";
    if (!n.number.empty()) s += "<tr><td align=\"center\">" + Escape(n.number) + "</td></tr>\n";
    s += "<tr><td class=\"info\" align=\"center\">发布日期：" + DateTime(n) + "　信息来源：" + Escape(n.source) +
         "　浏览次数：<span id=\"hits\"></span>　字号：[ <a href=\"javascript:;\">大</a> <a href=\"javascript:;\">中</a> <a href=\"javascript:;\">小</a> ]</td></tr>\n"
         "<tr><td><div id=\"zoom\"><!--<$[信息内容]>begin-->\n";
    for (const auto& para : n.paragraphs) s += "<p style=\"text-indent:2em\">" + Escape(para) + "</p>\n";
    s += "<!--<$[信息内容]>end--></div></td></tr>\n";
    if (!n.attachment_paths.empty()) {
      s += "<tr><td class=\"fj\">附件：";
      for (const auto& [name, path] : n.attachment_paths) s += "<p><a href=\"" + path + "\">" + Escape(name) + "</a></p>";
      s += "</td></tr>\n";
    }
    s += "<tr><td align=\"right\">【<a href=\"javascript:window.print()\">打印本页</a>】【<a href=\"javascript:window.close()\">关闭窗口</a>】</td></tr></table>\n";
    return ToGbk(s + HanwebFooter());
  }

  void RenderArticle(const Notice& n) {
    if (n.site == "sjyt") Put(n.path, TrsArticle(n), "text/html; charset=utf-8");
    else Put(n.path, HanwebArticle(n), "text/html");
    for (const auto& [name, path] : n.attachment_paths) {
      std::string ext = Ext(path);
      if (ext == "pdf") Put(path, Embedded("attachment.pdf"), "application/pdf");
      else Put(path, "sluice demo attachment: " + name + "\n", StaticFiles::ContentType(path));
    }
  }

  // --- publishing ---

  std::string Word(const std::string& list, int64_t k) {
    const auto& w = words[list];
    return w.empty() ? "" : w[static_cast<size_t>(k) % w.size()];
  }

  // The running number of this run's first publication (see DemoSiteOptions).
  int64_t FirstPublication() const {
    if (opt.first_publication >= 0) return opt.first_publication;
    constexpr int64_t k2025Ms = 1735689600000;  // 2025-01-01T00:00:00Z
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    int64_t step_ms = std::max<int64_t>(1, opt.publish_every.count());
    return std::max<int64_t>(0, (now_ms - k2025Ms) / step_ms);
  }

  std::string Publish() {
    if (templates.empty()) return "";
    // Ids of published notices sit above every id of the bundled notices, so they never collide.
    int64_t k = first_publication + static_cast<int64_t>(published++);
    Notice n = templates[static_cast<size_t>(k) % templates.size()];
    time_t now = time(nullptr) + 8 * 3600;  // the bureaus publish in China Standard Time
    std::tm tm{};
    gmtime_r(&now, &tm);
    n.y = tm.tm_year + 1900;
    n.m = tm.tm_mon + 1;
    n.d = tm.tm_mday;
    n.hh = tm.tm_hour;
    n.mi = tm.tm_min;
    std::map<std::string, std::string> vars = {
        {"{n}", std::to_string(k / static_cast<int64_t>(templates.size()) % 99 + 1)},
        {"{date}", std::to_string(n.y) + "年" + std::to_string(n.m) + "月" + std::to_string(n.d) + "日"},
        {"{md}", std::to_string(n.m) + "月" + std::to_string(n.d) + "日"},
        {"{school}", Word("school", k * 3 + 1)},
        {"{district}", Word("district", k * 5 + 2)},
        {"{topic}", Word("topic", k * 7 + 3)},
        {"{count}", std::to_string(5 + (k * 13) % 40)},
    };
    auto fill = [&vars](std::string s) {
      for (const auto& [key, value] : vars)
        for (size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), value);
      return s;
    };
    n.title = fill(n.title);
    for (auto& p : n.paragraphs) p = fill(p);
    Assign(n, kPublishedIdBase + k);
    notices.push_back(n);
    RenderArticle(n);
    if (n.site == "sjyt") RenderTrsLists(n.column);
    else RenderHanwebLists(n.column);
    if (opt.on_publish) opt.on_publish(n.path, n.title);
    return n.path;
  }

  void Arm() {
    if (opt.publish_every.count() <= 0 || stopped) return;
    if (opt.max_published > 0 && static_cast<int>(published) >= opt.max_published) return;
    timer.expires_after(opt.publish_every);
    std::weak_ptr<Impl> weak = shared_from_this();
    timer.async_wait([weak](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec || self->stopped) return;
      self->Publish();
      self->Arm();
    });
  }

  void Serve(const HttpRequest& req, HttpResponse& resp) {
    std::string key = req.path;
    if (!key.empty() && key.back() == '/') key += "index.html";
    if (key == "/index.html") key = "/";
    // Hanweb pages: ?pageNum=N (N ≥ 2) selects a page; other parameters are ignored.
    size_t pn = req.query.find("pageNum=");
    if (pn != std::string::npos && (pn == 0 || req.query[pn - 1] == '&')) {
      int n = std::atoi(req.query.c_str() + pn + 8);
      if (n >= 2) key += "?pageNum=" + std::to_string(n);
    }
    auto it = pages.find(key);
    if (it == pages.end()) {
      resp.status = 404;
      resp.headers["Content-Type"] = "text/html; charset=utf-8";
      resp.body = "<html><body><h1>404 页面不存在</h1></body></html>\n";
      return;
    }
    const Page& p = it->second;
    resp.headers["ETag"] = p.etag;
    resp.headers["Last-Modified"] = p.last_modified;
    auto inm = req.headers.find("if-none-match");
    auto ims = req.headers.find("if-modified-since");
    if ((inm != req.headers.end() && inm->second == p.etag) ||
        (inm == req.headers.end() && ims != req.headers.end() && ims->second == p.last_modified)) {
      resp.status = 304;
      return;
    }
    resp.status = 200;
    resp.headers["Content-Type"] = p.type;
    resp.body = p.body;
  }
};

DemoSite::DemoSite(boost::asio::io_context& io, DemoSiteOptions options) : impl_(std::make_shared<Impl>(io, options)) {}
DemoSite::~DemoSite() { Stop(); }

Status DemoSite::Listen(const std::string& host, int port) {
  std::weak_ptr<Impl> weak = impl_;
  impl_->server = std::make_unique<HttpServer>(impl_->io, [weak](const HttpRequest& req, HttpResponse& resp) {
    if (auto self = weak.lock()) self->Serve(req, resp);
  });
  SLUICE_RETURN_IF_ERROR(impl_->server->Listen(host, port));
  impl_->host = host.empty() ? "127.0.0.1" : host;
  impl_->Arm();
  return Status::OK();
}

int DemoSite::port() const { return impl_->server ? impl_->server->port() : 0; }
std::string DemoSite::base_url() const {
  std::string h = impl_->host == "0.0.0.0" ? "127.0.0.1" : impl_->host;
  return "http://" + h + ":" + std::to_string(port());
}
void DemoSite::Stop() {
  impl_->stopped = true;
  impl_->timer.cancel();
  if (impl_->server) impl_->server->Stop();
}
std::string DemoSite::PublishNow() { return impl_->Publish(); }
size_t DemoSite::published() const { return impl_->published; }
uint64_t DemoSite::requests_served() const { return impl_->server ? impl_->server->requests_served() : 0; }
std::vector<std::string> DemoSite::ArticlePaths() const {
  std::vector<const Notice*> all;
  for (const auto& n : impl_->notices) all.push_back(&n);
  std::sort(all.begin(), all.end(), [](const Notice* a, const Notice* b) { return a->seq > b->seq; });
  std::vector<std::string> out;
  for (const auto* n : all) out.push_back(n->path);
  return out;
}

std::string DemoSite::SourceConfigYaml(const std::string& base) {
  return "# The bundled demo site (sluice demo-site), crawled like a real bureau site.\n"
         "user_agent: sluice-demo/0.1\n"
         "allow_networks: [127.0.0.1/32, \"::1/128\"]   # the demo site runs on loopback\n"
         "min_delay: 20ms\n"
         "max_connections: 4\n"
         "attachments: {probe: head}\n"
         "sites:\n"
         "  - name: demo-sjyt\n"
         "    preset: trs\n"
         "    lists: [" + base + "/sjyt/tzgg/index.html, " + base + "/sjyt/jyyw/index.html]\n"
         "    max_pages: 5\n"
         "    poll_interval: 5s\n"
         "    min_interval: 2s\n"
         "    max_interval: 30s\n"
         "  - name: demo-sjyj\n"
         "    preset: hanweb\n"
         "    lists: [" + base + "/sjyj/col/col1001/index.html, " + base + "/sjyj/col/col1002/index.html]\n"
         "    max_pages: 5\n"
         "    poll_interval: 5s\n"
         "    min_interval: 2s\n"
         "    max_interval: 30s\n";
}

}  // namespace sluice::fetch
