#include "sluice/log.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <mutex>

namespace sluice {

namespace {
std::mutex g_mu;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

// %* in a pattern: the message escaped for a JSON string, so JSON lines stay valid whatever a
// stage logs (quotes in titles, newlines in error messages).
class JsonEscapedMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\r': dest.append(std::string_view("\\r")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", c);
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

spdlog::sink_ptr Sink() {
  if (!g_sink) {
    g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    g_sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l [%n] %v");
  }
  return g_sink;
}
}  // namespace

void SetupLogging(const std::string& level_in, const std::string& format_in) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::string level = level_in, format = format_in;
  if (const char* e = std::getenv("SLUICE_LOG_LEVEL"); e && *e) level = e;
  if (const char* e = std::getenv("SLUICE_LOG_FORMAT"); e && *e) format = e;
  auto lvl = spdlog::level::from_str(level);
  bool bad_level = (lvl == spdlog::level::off && level != "off");
  g_level = bad_level ? spdlog::level::info : lvl;
  auto sink = Sink();
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","pid":%P,"msg":"%*"})");
    sink->set_formatter(std::move(formatter));
  } else {
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l [%n] %v");
  }
  auto def = std::make_shared<spdlog::logger>("sluice", sink);
  def->set_level(g_level);
  spdlog::set_default_logger(def);
  spdlog::apply_all([](std::shared_ptr<spdlog::logger> l) { l->set_level(g_level); });
  // protobuf reports malformed input (e.g. invalid UTF-8 in a string field) through its own
  // logger; send it through ours so it keeps the log format.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level, const char* file, int line, const std::string& msg) {
    auto lvl = level >= google::protobuf::LOGLEVEL_ERROR ? spdlog::level::warn : spdlog::level::debug;
    spdlog::default_logger_raw()->log(lvl, "protobuf: {} ({}:{})", msg, file, line);
  });
  if (bad_level) def->warn("unknown log level '{}', using info", level);
  if (format != "text" && format != "json") def->warn("unknown log format '{}', using text", format);
}

std::shared_ptr<spdlog::logger> Logger(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, Sink());
  logger->set_level(g_level);
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace sluice
