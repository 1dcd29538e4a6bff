#include "store_fixtures.h"

#include <glob.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "test_env.h"

namespace sluice::store::testing {

v1::Document MakeDoc(const std::string& url, const std::string& title, const std::string& segmented,
                     const std::string& site, const std::string& publish_time) {
  v1::Document doc;
  doc.set_url(url);
  doc.set_canonical_url(url);
  doc.set_site(site);
  doc.set_source("fixture");
  // A title written with '|' between words carries title_tokens, as the segment stage sends.
  std::string plain_title;
  for (size_t i = 0, begin = 0; i <= title.size(); ++i) {
    if (i == title.size() || title[i] == '|') {
      if (title.find('|') != std::string::npos && plain_title.size() > begin) {
        v1::Token* t = doc.add_title_tokens();
        t->set_begin(static_cast<uint32_t>(begin));
        t->set_end(static_cast<uint32_t>(plain_title.size()));
      }
      begin = plain_title.size();
    } else {
      plain_title.push_back(title[i]);
    }
  }
  doc.set_title(plain_title);
  doc.set_publish_time(publish_time);
  std::string text;
  bool segmented_input = segmented.find('|') != std::string::npos;
  size_t word_begin = 0;
  auto close_word = [&] {
    if (segmented_input && text.size() > word_begin) {
      v1::Token* t = doc.add_tokens();
      t->set_begin(static_cast<uint32_t>(word_begin));
      t->set_end(static_cast<uint32_t>(text.size()));
    }
    word_begin = text.size();
  };
  for (char ch : segmented) {
    if (ch == '|' || ch == '\n') {
      close_word();
      if (ch == '\n') {
        text.push_back('\n');
        word_begin = text.size();
      }
      continue;
    }
    text.push_back(ch);
  }
  close_word();
  doc.set_text(text);
  doc.mutable_fetch()->set_fetched_at_us(1769150000000000);  // 2026-01-23
  return doc;
}

void AddLabel(v1::Document* doc, const std::string& axis, const std::string& value, float score) {
  v1::Label* l = doc->add_labels();
  l->set_axis(axis);
  l->set_value(value);
  l->set_score(score);
  l->set_classifier("rules");
}

std::vector<v1::Document> FixtureCorpus() {
  std::vector<v1::Document> docs;
  // 0: 教育强国 segmented as one word, in title and text.
  docs.push_back(MakeDoc("https://jyt.example.gov.cn/zwgk/2026/0123/a1.html", "关于|加快|建设|教育强国|的|实施|意见",
                         "为|深入|贯彻|全国|教育|大会|精神|，|加快|建设|教育强国|，|现|提出|如下|实施|意见|。\n"
                         "一|、|坚持|立德树人|根本|任务|，|办好|人民|满意|的|教育|。\n"
                         "二|、|推进|产教融合|，|服务|高质量|发展|。"));
  AddLabel(&docs.back(), "doc_type", "意见");
  AddLabel(&docs.back(), "topic", "教育改革");
  // 1: the same phrase cut by another segmentation (教育|强国) — a query must still find it.
  docs.push_back(MakeDoc("https://jyt.example.gov.cn/xwzx/2026/0120/b2.html", "全区教育工作会议召开",
                         "会议|指出|，|要|围绕|加快|建设|教育|强国|目标|，|安排|部署|今年|重点|工作|。\n"
                         "会议|强调|，|全面|落实|双减|政策|。",
                         "jyt.example.gov.cn", "2026-01-20T09:30:00+08:00"));
  AddLabel(&docs.back(), "doc_type", "新闻");
  AddLabel(&docs.back(), "topic", "会议");
  // 2: 双减 only.
  docs.push_back(MakeDoc("https://jyj.example.gov.cn/tzgg/2025/1103/c3.html", "关于进一步做好双减工作的通知",
                         "各|县|（|市|、|区|）|教育局|：\n"
                         "为|进一步|减轻|义务|教育|阶段|学生|作业|负担|和|校外|培训|负担|，|现|就|做好|双减|工作|通知|如下|。",
                         "jyj.example.gov.cn", "2025-11-03"));
  AddLabel(&docs.back(), "doc_type", "通知");
  AddLabel(&docs.back(), "topic", "基础教育");
  // 3: 体育强国 — shares 强国 and 育强 with the query 教育强国 but must not match it.
  docs.push_back(MakeDoc("https://jyj.example.gov.cn/tzgg/2025/0901/d4.html", "市教育局推进体育强国建设的工作方案",
                         "为|推进|体育强国|建设|，|增强|学生|体质|，|制定|本|方案|。", "jyj.example.gov.cn", "2025-09-01"));
  AddLabel(&docs.back(), "doc_type", "方案");
  // 4: arrived without tokens (no segment stage): indexed by grams.
  docs.push_back(MakeDoc("https://jyj.example.gov.cn/zcjd/2026/0110/e5.html", "教育强国建设规划纲要解读",
                         "《教育强国建设规划纲要》明确了建设教育强国的目标任务。", "jyj.example.gov.cn", "2026-01-10"));
  AddLabel(&docs.back(), "doc_type", "解读");
  // 5: Latin and digits inside Chinese.
  docs.push_back(MakeDoc("https://jyt.example.gov.cn/tzgg/2022/0305/f6.html", "关于做好COVID-19疫情防控期间线上教学的通知",
                         "各|学校|要|做好|COVID|-|19|疫情|防控|期间|的|线上|教学|安排|。", "jyt.example.gov.cn",
                         "2022-03-05"));
  AddLabel(&docs.back(), "doc_type", "通知");
  // 6: 产教融合, older.
  docs.push_back(MakeDoc("https://jyt.example.gov.cn/zyjy/2025/0601/g7.html", "职业教育产教融合典型案例",
                         "深化|产教融合|，|推动|职业|教育|高质量|发展|。", "jyt.example.gov.cn", "2025-06-01"));
  AddLabel(&docs.back(), "topic", "职业教育");
  // 7: a mixed token (2026年) and an attachment.
  docs.push_back(MakeDoc("https://jyt.example.gov.cn/tzgg/2026/0105/h8.html", "2026年高考报名工作通知",
                         "2026年|普通|高校|招生|考试|报名|工作|即将|开始|。", "jyt.example.gov.cn", "2026-01-05"));
  v1::Attachment* a = docs.back().add_attachments();
  a->set_name("附件1：报名表.xlsx");
  a->set_url("https://jyt.example.gov.cn/tzgg/2026/0105/P020260105.xlsx");
  a->set_type("xlsx");
  AddLabel(&docs.back(), "doc_type", "通知");
  return docs;
}

namespace {

std::string FindPostgresBin() {
  glob_t g{};
  std::string found;
  if (glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0) {
    std::vector<std::string> paths(g.gl_pathv, g.gl_pathv + g.gl_pathc);
    std::sort(paths.begin(), paths.end());
    if (!paths.empty()) found = std::filesystem::path(paths.back()).parent_path().string();
  }
  globfree(&g);
  return found;
}

}  // namespace

std::vector<std::string> PostgresCluster::AsPostgres(const std::vector<std::string>& argv) const {
  if (geteuid() != 0) return argv;
  std::vector<std::string> out{"runuser", "-u", "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

bool PostgresCluster::Start(std::string* why, bool durable) {
  bin_ = FindPostgresBin();
  if (bin_.empty()) {
    *why = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)";
    return false;
  }
  if (geteuid() == 0 && getpwnam("postgres") == nullptr) {
    *why = "running as root and there is no postgres user to run initdb as";
    return false;
  }
  char tmpl[] = "/tmp/sluice-pg-XXXXXX";
  if (!mkdtemp(tmpl)) {
    *why = "mkdtemp failed";
    return false;
  }
  dir_ = tmpl;
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      *why = "cannot chown " + dir_ + " to postgres";
      return false;
    }
  }
  std::string out;
  int rc = sluice::testing::RunCommand(AsPostgres({bin_ + "/initdb", "-D", dir_ + "/data", "-A", "trust", "-U",
                                                   "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-N"}),
                                       &out, std::chrono::seconds(120));
  if (rc != 0) {
    *why = "initdb failed (" + std::to_string(rc) + "): " + out;
    return false;
  }
  port_ = sluice::testing::FreeTcpPort();
  server_options_ = std::string("-p ") += std::to_string(port_);
  server_options_ += " -k " + dir_ + " -c listen_addresses=127.0.0.1 -c max_connections=40 -c deadlock_timeout=50ms";
  server_options_ += durable ? " -c shared_buffers=256MB"
                             : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB";
  return StartServer(why);
}

bool PostgresCluster::StartServer(std::string* why) {
  std::string out;
  int rc = sluice::testing::RunCommand(AsPostgres({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-o", server_options_, "-l",
                                                   dir_ + "/server.log", "-w", "-t", "60", "start"}),
                                       &out, std::chrono::seconds(90));
  if (rc != 0) {
    *why = "pg_ctl start failed (" + std::to_string(rc) + "): " + out + sluice::testing::ReadFile(dir_ + "/server.log");
    return false;
  }
  running_ = true;
  return true;
}

bool PostgresCluster::StopServer() {
  std::string out;
  int rc = sluice::testing::RunCommand(AsPostgres({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"}),
                                       &out, std::chrono::seconds(60));
  running_ = rc != 0;
  return rc == 0;
}

bool PostgresCluster::CreateDatabase(const std::string& name, std::string* why) {
  std::string out;
  int rc = sluice::testing::RunCommand(
      {bin_ + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "postgres", name}, &out);
  if (rc != 0) {
    *why = "createdb " + name + " failed: " + out;
    return false;
  }
  return true;
}

std::string PostgresCluster::Dsn(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

PostgresCluster::~PostgresCluster() {
  if (running_) {
    std::string out;
    sluice::testing::RunCommand(AsPostgres({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}), &out,
                                std::chrono::seconds(60));
  }
  if (!dir_.empty() && !std::getenv("SLUICE_KEEP_TEST_DIRS")) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string FreshPostgresDatabase(std::string* why) {
  static std::unique_ptr<PostgresCluster> cluster;
  static std::string failure;
  static int counter = 0;
  if (!PostgresBackendAvailable()) {
    *why = "this build has no PostgreSQL back end (SLUICE_WITH_POSTGRES=OFF or libpqxx-dev missing)";
    return "";
  }
  if (!cluster && failure.empty()) {
    auto c = std::make_unique<PostgresCluster>();
    if (c->Start(&failure)) cluster = std::move(c);
  }
  if (!cluster) {
    *why = failure;
    return "";
  }
  std::string name = std::to_string(++counter);
  name.insert(0, 1, 't');
  if (!cluster->CreateDatabase(name, why)) return "";
  return cluster->Dsn(name);
}

}  // namespace sluice::store::testing
