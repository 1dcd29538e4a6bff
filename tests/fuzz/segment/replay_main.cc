// Replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer, so the corpus runs as a
// plain test with any compiler: segment_fuzz_replay FILE|DIR…  Each input is also run with its
// bytes repeated to 64 KiB, to reach the long-run and window paths.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int Run(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  if (!data.empty()) {
    std::string big;
    while (big.size() < 65536) big += data;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(big.data()), big.size());
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(p)) {
        if (entry.is_regular_file()) inputs += Run(entry.path());
      }
    } else {
      inputs += Run(p);
    }
  }
  std::printf("segment_fuzz_replay: %d inputs replayed, all tokens well formed\n", inputs);
  return inputs > 0 ? 0 : 1;
}
