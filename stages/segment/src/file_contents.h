// Reading a resource file whole, with errors that name the file.
#pragma once

#include <string>

#include "sluice/status.h"

namespace sluice::segment {

// Reads `path` into *out. Returns NotFound when it does not exist, IOError when it cannot be
// opened or read; the message names the path.
Status ReadFileContents(const std::string& path, std::string* out);

}  // namespace sluice::segment
