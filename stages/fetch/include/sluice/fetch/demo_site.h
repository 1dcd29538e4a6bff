// DemoSite: the bundled demo bureau website that `sluice demo-site` and `sluice run` serve.
//
// Two fictional bureaus on one server, in two CMS styles, built from notices the project wrote
// (stages/fetch/demo/, compiled into the binary):
//   /sjyt/  示范省教育厅 — TRS style, UTF-8: columns /sjyt/tzgg/ (通知公告) and /sjyt/jyyw/
//           (教育要闻), list pages index.html, index_1.html … with a createPageHTML pager,
//           articles /sjyt/<col>/YYYYMM/tYYYYMMDD_<id>.html, attachments P0….pdf beside them;
//   /sjyj/  示范市教育局 — Hanweb style, GBK bytes declaring gb2312: columns
//           /sjyj/col/col1001/ (工作动态) and /sjyj/col/col1002/ (通知公告), list items only in a
//           <script type="text/xml"> datastore, pages ?pageNum=N, articles
//           /sjyj/art/YYYY/M/D/art_<col>_<id>.html, attachments under /sjyj/attach/0/.
// While it runs it publishes a new notice every `publish_every` (a new article page and
// updated list pages), so a pipeline watching it shows continuous ingestion. Pages carry ETag
// and Last-Modified and answer conditional requests with 304.
//
// Thread safety: none; everything runs on the io_context thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sluice/status.h"

namespace boost::asio {
class io_context;
}

namespace sluice::fetch {

struct DemoSiteOptions {
  std::chrono::milliseconds publish_every{5000};  // 0 = never publish
  int max_published = 0;                          // stop after this many (0 = no limit)
  // Running number of the first notice this run publishes; it picks the notice's id, URL,
  // template and wording. -1 = from the wall clock (publish_every intervals since 2025-01-01), so a
  // demo site restarted later publishes notices no earlier run did and a pipeline that kept its
  // data directory still sees new notices arrive.
  int64_t first_publication = -1;
  // Called after each publication with the new article's path and title (e.g. to log it).
  std::function<void(const std::string& path, const std::string& title)> on_publish;
};

class DemoSite {
 public:
  DemoSite(boost::asio::io_context& io, DemoSiteOptions options);
  ~DemoSite();
  DemoSite(const DemoSite&) = delete;
  DemoSite& operator=(const DemoSite&) = delete;

  // Returns IOError when the address cannot be bound; port 0 picks a free one.
  Status Listen(const std::string& host, int port);
  int port() const;
  std::string base_url() const;  // http://host:port
  void Stop();

  // Publishes one new notice now (tests); returns its path.
  std::string PublishNow();
  size_t published() const;           // notices published since start
  std::vector<std::string> ArticlePaths() const;  // every article path, newest first
  uint64_t requests_served() const;

  // The fetch source `config:` section that crawls this site at `base_url` (YAML).
  static std::string SourceConfigYaml(const std::string& base_url);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice::fetch
