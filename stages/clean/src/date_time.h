// Dates and times as Chinese pages write them (internal to the clean stage).
//
// Recognised: 2024-03-05, 2024/3/5, 2024.03.05, 2024年3月5日, 20240305 (only as a whole 8-digit
// run, as in URLs), each optionally followed by a time (09:30, 09:30:15, 9时30分, T09:30:00Z,
// +08:00 offsets, gov.cn's 2007-08-20-23:59:59); full-width digits and colons are folded first.
// With `allow_no_year`, 01-14 17:58 (a time is then required) is read as a date whose year the
// caller fills in. 00:00(:00) and 23:59:59 are placeholders CMSes write when they know only the
// day: they count as "no time".
//
// Thread safety: reentrant; nothing is shared between calls.
#pragma once

#include <string>
#include <string_view>

namespace sluice::clean::internal {

struct DateTime {
  int year = 0, month = 0, day = 0;
  int hour = -1, minute = -1, second = 0;  // hour < 0: the day only
  int offset_minutes = 480;                // the page's UTC offset (China: +08:00)
  bool has_year = true;
  bool has_time() const { return hour >= 0; }
  bool SameDay(const DateTime& o) const { return year == o.year && month == o.month && day == o.day; }
};

// Finds the first date in `text`. Returns false when there is none.
bool FindDateTime(std::string_view text, DateTime* out, bool allow_no_year = false);

// True when `text` holds a date and little else (a dateline such as "2024年3月5日 星期二" or
// "March 3, 2031").
bool IsDateLine(std::string_view text);

// True when `text` is nothing but a date in Chinese numerals (二〇二四年三月五日, as the signature
// of a notice writes it); fills `out` with the day.
bool NumeralDateLine(std::string_view text, DateTime* out);

// The date in a URL path: /202403/t20240305_1118201.html, /art/2025/2/28/art_….html,
// /2019-10-23/doc-….shtml. Returns false when there is none.
bool DateFromUrl(std::string_view url, DateTime* out);

// 2024-03-05T09:30:00+08:00 (converted to +08:00), or 2024-03-05 when there is no time.
std::string FormatDateTime(const DateTime& dt);

}  // namespace sluice::clean::internal
