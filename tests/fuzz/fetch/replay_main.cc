// Plain driver: runs the fuzz target over every file of the corpus directories given (a ctest
// with LABELS fuzz), for builds without libFuzzer.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      // Each input once per parser: the first byte selects it.
      for (uint8_t sel = 0; sel < 6; ++sel) {
        std::string with = std::string(1, static_cast<char>(sel)) + s;
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(with.data()), with.size());
      }
      ++n;
    }
  }
  std::printf("replayed %d corpus file(s) through 6 parsers\n", n);
  return n > 0 ? 0 : 1;
}
