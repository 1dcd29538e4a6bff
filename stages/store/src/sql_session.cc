#include "sql_session.h"

#include <charconv>
#include <cstdlib>

namespace sluice::store::internal {

int64_t SqlValue::AsInt() const {
  switch (kind) {
    case Kind::kInt:
      return i;
    case Kind::kReal:
      return static_cast<int64_t>(d);
    case Kind::kText: {
      int64_t v = 0;
      std::from_chars(s.data(), s.data() + s.size(), v);
      return v;
    }
    case Kind::kNull:
      break;
  }
  return 0;
}

double SqlValue::AsDouble() const {
  switch (kind) {
    case Kind::kInt:
      return static_cast<double>(i);
    case Kind::kReal:
      return d;
    case Kind::kText:
      return std::strtod(s.c_str(), nullptr);
    case Kind::kNull:
      break;
  }
  return 0;
}

std::string SqlValue::AsText() const {
  switch (kind) {
    case Kind::kInt:
      return std::to_string(i);
    case Kind::kReal:
      return std::to_string(d);
    case Kind::kText:
      return s;
    case Kind::kNull:
      break;
  }
  return "";
}

}  // namespace sluice::store::internal
