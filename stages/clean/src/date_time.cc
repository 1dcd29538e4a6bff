#include "date_time.h"

#include <cctype>
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include "html_document.h"

namespace sluice::clean::internal {

namespace {

// Full-width digits and punctuation folded to ASCII, U+3000 to a space; the rest unchanged.
std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachCodePoint(s, [&](uint32_t cp, std::string_view bytes) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) out += static_cast<char>(cp - 0xFF01 + 0x21);
    else if (cp == 0x3000 || cp == 0xA0) out += ' ';
    else out.append(bytes);
  });
  return out;
}

bool Digit(std::string_view s, size_t i) { return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); }

// Reads 1..max digits at s[i]; returns the count (0 when none).
size_t ReadInt(std::string_view s, size_t i, size_t max, int* v) {
  size_t n = 0;
  int x = 0;
  while (n < max && Digit(s, i + n)) {
    x = x * 10 + (s[i + n] - '0');
    ++n;
  }
  if (n && Digit(s, i + n)) return 0;  // longer digit run than allowed
  *v = x;
  return n;
}

bool Eat(std::string_view s, size_t* i, std::string_view what) {
  if (s.substr(*i, what.size()) == what) {
    *i += what.size();
    return true;
  }
  return false;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
  return kDays[m - 1];
}

bool ValidDate(int y, int m, int d) { return y >= 1949 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m); }

// Parses an optional time at s[*i]; fills dt on success.
void ParseTime(std::string_view s, size_t i, DateTime* dt) {
  // Separators between the date and the time.
  size_t k = i;
  bool dash = false;
  while (k < s.size()) {
    if (s[k] == ' ' || s[k] == 'T' || s[k] == '\t') {
      ++k;
    } else if (s[k] == '-' && !dash) {
      dash = true;
      ++k;
    } else {
      break;
    }
  }
  if (k - i > 4) return;
  // 2024年3月5日 星期二 10:20, 2024-03-05（周二）下午3:20: a weekday and a half of the day may
  // stand between the date and the time.
  auto skip_blanks = [&] {
    while (k < s.size() && s[k] == ' ') ++k;
  };
  {
    size_t j = k;
    bool paren = Eat(s, &j, "（") || Eat(s, &j, "(");
    if (Eat(s, &j, "星期") || Eat(s, &j, "礼拜") || Eat(s, &j, "周")) {
      bool day = false;
      for (std::string_view d : {"一", "二", "三", "四", "五", "六", "日", "天"}) day = day || Eat(s, &j, d);
      if (day && (!paren || Eat(s, &j, "）") || Eat(s, &j, ")"))) {
        k = j;
        skip_blanks();
      }
    }
  }
  int half = 0;  // 1: before noon, 2: after noon
  for (std::string_view pm : {"下午", "晚上", "傍晚", "中午", "PM", "pm", "P.M."})
    if (Eat(s, &k, pm)) half = 2;
  if (!half)
    for (std::string_view am : {"上午", "早上", "凌晨", "AM", "am", "A.M."})
      if (Eat(s, &k, am)) half = 1;
  if (half) skip_blanks();
  int h = 0, m = 0, sec = 0;
  size_t n = ReadInt(s, k, 2, &h);
  if (!n) return;
  k += n;
  bool cjk = false;
  if (Eat(s, &k, ":")) {
  } else if (Eat(s, &k, "时") || Eat(s, &k, "点")) {
    cjk = true;
  } else {
    return;
  }
  n = ReadInt(s, k, 2, &m);
  if (!n || (!cjk && n != 2)) return;
  k += n;
  if (cjk) Eat(s, &k, "分");
  if (Eat(s, &k, ":") || (cjk && Digit(s, k))) {
    n = ReadInt(s, k, 2, &sec);
    if (n) k += n;
    if (cjk) Eat(s, &k, "秒");
    if (k < s.size() && s[k] == '.')
      for (++k; Digit(s, k);) ++k;
  }
  if (!half) {
    size_t j = k;
    while (j < s.size() && s[j] == ' ') ++j;
    // 3:20 PM
    if (Eat(s, &j, "PM") || Eat(s, &j, "pm") || Eat(s, &j, "P.M.")) half = 2;
    else if (Eat(s, &j, "AM") || Eat(s, &j, "am") || Eat(s, &j, "A.M.")) half = 1;
  }
  if (half == 2 && h >= 1 && h < 12) h += 12;
  if (half == 1 && h == 12) h = 0;
  if (h > 23 || m > 59 || sec > 59) return;
  if ((h == 0 && m == 0 && sec == 0) || (h == 23 && m == 59 && sec == 59)) return;  // placeholders
  dt->hour = h;
  dt->minute = m;
  dt->second = sec;
  while (k < s.size() && s[k] == ' ') ++k;
  if (k < s.size() && s[k] == 'Z') {
    dt->offset_minutes = 0;
  } else if (k < s.size() && (s[k] == '+' || s[k] == '-') && Digit(s, k + 1) && Digit(s, k + 2)) {
    int sign = s[k] == '+' ? 1 : -1;
    int oh = (s[k + 1] - '0') * 10 + (s[k + 2] - '0');
    size_t j = k + 3;
    Eat(s, &j, ":");
    int om = 0;
    if (Digit(s, j) && Digit(s, j + 1)) om = (s[j] - '0') * 10 + (s[j + 1] - '0');
    if (oh <= 14 && om < 60) dt->offset_minutes = sign * (oh * 60 + om);
  }
}

// A date starting at the 4-digit year at s[i].
bool DateAt(std::string_view s, size_t i, DateTime* dt) {
  int y = 0, m = 0, d = 0;
  if (ReadInt(s, i, 4, &y) != 4) return false;
  size_t k = i + 4;
  std::string_view sep;
  for (std::string_view cand : {"-", "/", ".", "年"})
    if (Eat(s, &k, cand)) {
      sep = cand;
      break;
    }
  if (sep.empty()) return false;
  if (sep == "年") while (k < s.size() && s[k] == ' ') ++k;
  size_t n = ReadInt(s, k, 2, &m);
  if (!n) return false;
  k += n;
  if (sep == "年") {
    while (k < s.size() && s[k] == ' ') ++k;
    if (!Eat(s, &k, "月")) return false;
    while (k < s.size() && s[k] == ' ') ++k;
  } else if (!Eat(s, &k, sep)) {
    return false;
  }
  n = ReadInt(s, k, 2, &d);
  if (!n) return false;
  k += n;
  if (!Eat(s, &k, "日")) Eat(s, &k, "号");
  if (!ValidDate(y, m, d)) return false;
  *dt = DateTime();
  dt->year = y;
  dt->month = m;
  dt->day = d;
  ParseTime(s, k, dt);
  return true;
}

// MM-DD HH:MM (no year) at s[i]; a time is required.
bool ShortDateAt(std::string_view s, size_t i, DateTime* dt) {
  int m = 0, d = 0;
  size_t n = ReadInt(s, i, 2, &m);
  if (!n) return false;
  size_t k = i + n;
  bool cjk = false;
  if (Eat(s, &k, "月")) {
    cjk = true;
  } else if (!Eat(s, &k, "-") && !Eat(s, &k, "/")) {
    return false;
  }
  n = ReadInt(s, k, 2, &d);
  if (!n) return false;
  k += n;
  if (cjk && !Eat(s, &k, "日")) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(2000, m)) return false;
  DateTime t;
  t.year = 2000;
  t.month = m;
  t.day = d;
  ParseTime(s, k, &t);
  if (!t.has_time()) return false;
  t.has_year = false;
  *dt = t;
  return true;
}

// "March 3, 2031", "Mar. 3, 2031 10:20", "3 March 2031": the month's name at s[i].
bool EnglishDateAt(std::string_view s, size_t i, DateTime* dt) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (i > 0 && std::isalpha(static_cast<unsigned char>(s[i - 1]))) return false;
  int month = 0;
  for (int m = 0; m < 12 && !month; ++m) {
    if (i + 3 > s.size()) break;
    bool eq = true;
    for (int k = 0; k < 3; ++k) eq = eq && std::tolower(static_cast<unsigned char>(s[i + static_cast<size_t>(k)])) == kMonths[m][k];
    if (eq) month = m + 1;
  }
  if (!month) return false;
  size_t k = i + 3;
  while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
  if (k - i > 9) return false;
  if (k < s.size() && s[k] == '.') ++k;
  auto blanks = [&] { while (k < s.size() && (s[k] == ' ' || s[k] == ',')) ++k; };
  blanks();
  int day = 0, year = 0;
  size_t n = ReadInt(s, k, 2, &day);
  if (n) {
    // Month Day, Year
    k += n;
    if (s.substr(k, 2) == "st" || s.substr(k, 2) == "nd" || s.substr(k, 2) == "rd" || s.substr(k, 2) == "th") k += 2;
    blanks();
    if (ReadInt(s, k, 4, &year) != 4) return false;
    k += 4;
  } else {
    // Day Month Year: the day sits before the month name.
    size_t b = i;
    while (b > 0 && s[b - 1] == ' ') --b;
    size_t e = b;
    while (b > 0 && Digit(s, b - 1)) --b;
    if (e == b || e - b > 2) return false;
    day = std::stoi(std::string(s.substr(b, e - b)));
    if (ReadInt(s, k, 4, &year) != 4) return false;
    k += 4;
  }
  if (!ValidDate(year, month, day)) return false;
  *dt = DateTime();
  dt->year = year;
  dt->month = month;
  dt->day = day;
  ParseTime(s, k, dt);
  return true;
}

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (*m <= 2));
}

}  // namespace

bool FindDateTime(std::string_view text, DateTime* out, bool allow_no_year) {
  std::string s = Fold(text);
  std::string_view v(s);
  for (size_t i = 0; i < v.size(); ++i) {
    if (!Digit(v, i) || (i > 0 && Digit(v, i - 1))) continue;
    size_t run = 0;
    while (Digit(v, i + run)) ++run;
    if (run == 4 && DateAt(v, i, out)) return true;
    if (allow_no_year && run <= 2 && ShortDateAt(v, i, out)) return true;
    i += run - 1;
  }
  for (size_t i = 0; i + 3 <= v.size(); ++i)
    if (std::isalpha(static_cast<unsigned char>(v[i])) && EnglishDateAt(v, i, out)) return true;
  return false;
}

bool NumeralDateLine(std::string_view text, DateTime* out) {
  // Digits as a signature writes them: 二〇二四年三月五日 (〇, ○ or 零 for zero), 十二月, 三十一日.
  std::vector<uint32_t> cps;
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = NextCodePoint(text, i);
    if (!IsBlankCodePoint(cp)) cps.push_back(cp);
  }
  auto value = [](uint32_t cp) {
    static const std::u32string kDigits = U"〇一二三四五六七八九";
    if (cp == U'○' || cp == U'零' || cp == U'O' || cp == U'0') return 0;
    size_t p = kDigits.find(static_cast<char32_t>(cp));
    return p == std::u32string::npos ? -1 : static_cast<int>(p);
  };
  size_t k = 0;
  int year = 0, n = 0;
  for (; k < cps.size() && value(cps[k]) >= 0; ++k, ++n) year = year * 10 + value(cps[k]);
  if (n != 4 || k >= cps.size() || cps[k] != U'年') return false;
  // 一 … 九, 十, 十一 … 十九, 二十 … 三十一.
  auto small = [&](int* v) {
    int tens = 0, ones = 0;
    size_t start = k;
    if (k < cps.size() && value(cps[k]) > 0 && k + 1 < cps.size() && cps[k + 1] == U'十') tens = value(cps[k]), k += 2;
    else if (k < cps.size() && cps[k] == U'十') tens = 1, ++k;
    if (k < cps.size() && value(cps[k]) > 0) ones = value(cps[k]), ++k;
    *v = tens * 10 + ones;
    return k > start && *v > 0;
  };
  ++k;
  int month = 0, day = 0;
  if (!small(&month) || k >= cps.size() || cps[k] != U'月') return false;
  ++k;
  if (!small(&day) || k >= cps.size() || (cps[k] != U'日' && cps[k] != U'号')) return false;
  if (k + 1 != cps.size() || !ValidDate(year, month, day)) return false;
  *out = DateTime{};
  out->year = year;
  out->month = month;
  out->day = day;
  return true;
}

bool IsDateLine(std::string_view text) {
  DateTime dt;
  if (!FindDateTime(text, &dt)) return false;
  // Nothing but the date, a time, a weekday and blanks.
  int other = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = NextCodePoint(text, i);
    if (cp < 0x80) {
      if (std::isalpha(static_cast<int>(cp))) ++other;
      continue;
    }
    if (IsBlankCodePoint(cp)) continue;
    static const std::u32string kDateChars = U"年月日时分秒号星期周一二三四五六天上下午：（）";
    if (kDateChars.find(static_cast<char32_t>(cp)) == std::u32string::npos) other += 2;
  }
  return other <= 12;  // English month and weekday names
}

bool DateFromUrl(std::string_view url, DateTime* out) {
  size_t scheme = url.find("://");
  std::string_view path = url;
  if (scheme != std::string_view::npos) {
    size_t slash = url.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  DateTime dt;
  if (FindDateTime(path, &dt)) {
    dt.hour = -1;  // a URL never says the time
    *out = dt;
    return true;
  }
  for (size_t i = 0; i < path.size(); ++i) {
    if (!Digit(path, i) || (i > 0 && Digit(path, i - 1))) continue;
    size_t run = 0;
    while (Digit(path, i + run)) ++run;
    if (run == 8) {
      int y = 0, m = 0, d = 0;
      for (size_t k = 0; k < 4; ++k) y = y * 10 + (path[i + k] - '0');
      m = (path[i + 4] - '0') * 10 + (path[i + 5] - '0');
      d = (path[i + 6] - '0') * 10 + (path[i + 7] - '0');
      if (ValidDate(y, m, d)) {
        *out = DateTime();
        out->year = y;
        out->month = m;
        out->day = d;
        return true;
      }
    }
    i += run - 1;
  }
  return false;
}

std::string FormatDateTime(const DateTime& dt) {
  char buf[40];
  if (!dt.has_time()) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", dt.year, dt.month, dt.day);
    return buf;
  }
  int64_t minutes = DaysFromCivil(dt.year, dt.month, dt.day) * 1440 + dt.hour * 60 + dt.minute - dt.offset_minutes + 480;
  int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
  int64_t rem = minutes - days * 1440;
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, static_cast<int>(rem / 60),
                static_cast<int>(rem % 60), dt.second);
  return buf;
}

}  // namespace sluice::clean::internal
