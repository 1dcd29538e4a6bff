// Replay driver for the fuzz targets when libFuzzer is not available (gcc builds, ctest): runs
// LLVMFuzzerTestOneInput on every file of the given corpus directories and on deterministic
// mutations of each (truncations, byte flips, splices), so the ctest exercises more than the
// seeds. A crash or a hang fails the test; the target's own checks abort on wrong results.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i], ec)) {
      if (!e.is_regular_file()) continue;
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      inputs.push_back(ss.str());
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "fuzz replay: no corpus files under the given directories\n");
    return 1;
  }
  std::mt19937_64 rng(20261125);
  size_t runs = 0;
  auto run = [&](const std::string& s) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ++runs;
  };
  for (const std::string& seed : inputs) {
    run(seed);
    for (int m = 0; m < 300; ++m) {
      std::string s = seed;
      switch (m % 4) {
        case 0: s.resize(s.empty() ? 0 : rng() % s.size()); break;
        case 1:
          for (int k = 0; k < 1 + int(rng() % 4) && !s.empty(); ++k) s[rng() % s.size()] ^= char(1 << (rng() % 8));
          break;
        case 2:
          if (!s.empty()) s.insert(rng() % s.size(), inputs[rng() % inputs.size()].substr(0, 64));
          break;
        case 3:
          for (int k = 0; k < 4 && !s.empty(); ++k) s[rng() % s.size()] = char(rng());
          break;
      }
      run(s);
    }
  }
  std::printf("fuzz replay: %zu inputs run\n", runs);
  return 0;
}
