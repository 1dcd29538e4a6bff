// Test stage plugin: turns each generated document into an HTML page in `raw`, as fetch would,
// so the clean stage can be run end to end. Written on the C ABI (the SDK's deltas cannot set
// bytes fields); the SDK's wire helpers decode the incoming document. Every page is a notice with
// its own title and a body that is the same for all documents whose sequence number is a
// multiple of `repost_every` (republished copies), different otherwise.
#include <sluice/plugin.hpp>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct PageMaker {
  int repost_every = 5;
  std::string error;
};

std::string Page(uint64_t seq, bool repost) {
  const std::string n = std::to_string(seq);
  std::string body =
      repost ? "<p>各县（市、区）教育局：为做好今年暑期学生安全教育工作，切实保障学生生命安全，现将有关事项通知如下。</p>"
               "<p>一、加强防溺水教育，利用班会、家长会等形式开展警示教育，落实家校共管责任。</p>"
               "<p>二、加强交通安全教育，严禁学生驾驶无牌无证机动车，做好上下学途中的安全提醒工作。</p>"
             : "<p>第" + n + "号通知正文：为做好第" + n + "项工作，经研究决定开展专项检查，请各单位按要求认真落实。</p>"
               "<p>编号" + n + "的检查内容包括制度建设、经费使用和档案管理等方面，时间为" + n + "个工作日。</p>";
  return "<html><head><meta charset=utf-8><meta name=PubDate content='2030-05-06 10:20'><title>第" + n +
         "号通知_示例教育局</title></head><body><div class=nav><a href=/>首页</a><a href=/tzgg/>通知公告</a></div>"
         "<h1>第" + n + "号通知</h1><div id=zoom>" + body + "</div><div class=footer>版权所有：示例教育局</div></body></html>";
}

void* Create(const sluice_config* config, char* error, size_t cap) {
  auto* p = new PageMaker();
  for (size_t i = 0; i < config->count; ++i) {
    if (std::strcmp(config->keys[i], "repost_every") == 0) {
      p->repost_every = std::atoi(config->values[i]);
    } else {
      std::snprintf(error, cap, "page_maker: unknown key \"%s\"", config->keys[i]);
      delete p;
      return nullptr;
    }
  }
  if (p->repost_every < 1) p->repost_every = 1;
  return p;
}

int Process(void* instance, const uint8_t* data, size_t size, sluice_emit_fn emit, void* host) {
  auto* p = static_cast<PageMaker*>(instance);
  sluice::sdk::Document doc;
  if (!sluice::sdk::wire::Decode(data, size, doc)) {
    p->error = "page_maker: malformed document";
    return SLUICE_PERMANENT;
  }
  uint64_t seq = std::strtoull(doc.id.substr(doc.id.rfind('-') + 1).c_str(), nullptr, 10);
  std::string delta;
  sluice::sdk::wire::PutBytes(delta, 10, Page(seq, seq % static_cast<uint64_t>(p->repost_every) == 0));  // raw
  sluice::sdk::wire::PutBytes(delta, 15, "");  // text: the generator's payload is not the page's
  emit(host, reinterpret_cast<const uint8_t*>(delta.data()), delta.size(), SLUICE_OUTPUT_DELTA);
  return SLUICE_OK;
}

void Destroy(void* instance) { delete static_cast<PageMaker*>(instance); }
const char* LastError(void* instance) { return static_cast<PageMaker*>(instance)->error.c_str(); }

const sluice_plugin_desc_v1 kDesc = {SLUICE_PLUGIN_MAGIC, sizeof(sluice_plugin_desc_v1), SLUICE_PLUGIN_ABI_VERSION,
                                     SLUICE_KIND_STAGE,   "page_maker",                   "1.0.0",
                                     Create,              Process,                        nullptr,
                                     Destroy,             LastError};

}  // namespace

extern "C" __attribute__((visibility("default"))) const sluice_plugin_desc_v1* sluice_plugin_v1(void) { return &kDesc; }
