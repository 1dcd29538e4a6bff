#include "file_contents.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice::segment {

Status ReadFileContents(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return errno == ENOENT ? Status::NotFound("cannot open " + path + ": no such file")
                           : Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  *out = std::move(ss).str();
  return Status::OK();
}

}  // namespace sluice::segment
