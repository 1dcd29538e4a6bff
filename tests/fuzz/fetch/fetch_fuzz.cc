// Fuzz target for the fetch stage's parsers of untrusted bytes. The first input byte picks the
// parser: link extraction (HTML, datastore, pager scripts), challenge detection, robots.txt,
// selectors, WARC reading, charset decision + document building. Any crash, hang or sanitizer
// report is a bug; wrong answers on garbage are not.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "sluice/fetch/links.h"
#include "sluice/fetch/page.h"
#include "sluice/fetch/robots.h"
#include "sluice/fetch/warc.h"

using namespace sluice::fetch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      Selector sel;
      Selector::Parse("ul.more-list li a, #list > li > a[target]", &sel);
      PageLinks links;
      ExtractLinks(in, "http://fuzz.example.cn/a/b/index.html", &sel, &links);
      FindAttachments(links);
      break;
    }
    case 1:
      DetectChallenge(200, in);
      break;
    case 2: {
      RobotsTxt r = RobotsTxt::Parse(in, "sluice-fetch/0.1");
      r.Allowed("/a/b?c=d");
      r.Allowed(in.substr(0, 64));
      break;
    }
    case 3: {
      Selector sel;
      if (Selector::Parse(in, &sel).ok()) {
        PageLinks links;
        ExtractLinks("<ul class='x'><li><a href='/t1.html'>a</a></li></ul>", "http://f.cn/", &sel, &links);
      }
      break;
    }
    case 4: {
      char path[] = "/tmp/sluice-fuzz-warc-XXXXXX";
      int fd = mkstemp(path);
      if (fd < 0) return 0;
      if (write(fd, in.data(), in.size()) < 0) {
      }
      close(fd);
      std::unique_ptr<WarcReader> r;
      if (WarcReader::Open(path, &r).ok()) {
        WarcRecord rec, prev;
        bool eof = false;
        for (int i = 0; i < 1000 && r->Next(&rec, &eof).ok() && !eof; ++i) {
          FetchedPage page;
          if (rec.type == "metadata") PageFromRecords(prev, &rec, &page);
          prev = rec;
        }
      }
      unlink(path);
      break;
    }
    case 5: {
      FetchedPage p;
      p.response.url = p.response.final_url = "http://fuzz.example.cn/x.html";
      p.response.status = 200;
      p.response.headers = {{"content-type", "text/html; charset=gb2312"}};
      p.response.body = in;
      sluice::v1::Document d;
      BuildDocument(p, nullptr, &d);
      break;
    }
  }
  return 0;
}
