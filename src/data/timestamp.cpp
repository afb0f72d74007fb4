#include "finml/data/timestamp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace finml::data {

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
std::int64_t DaysFromCivil(CivilDate date) {
  int y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

namespace {

bool ParseDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view text) {
  const auto parsed = ParseTime(text);
  if (!parsed) return std::nullopt;
  return parsed->time;
}

std::optional<ParsedTime> ParseTime(std::string_view text) {
  int year, month, day;
  if (text.size() < 10 || !ParseDigits(text, 0, 4, year) || !ParseDigits(text, 5, 2, month) ||
      !ParseDigits(text, 8, 2, day)) {
    return std::nullopt;
  }
  char sep = text[4];
  if ((sep != '-' && sep != '/') || text[7] != sep) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  Timestamp t = DaysFromCivil({year, static_cast<unsigned>(month), static_cast<unsigned>(day)}) *
                kSecondsPerDay;
  if (text.size() == 10) return ParsedTime{t, std::nullopt, false};
  if (text[10] != ' ' && text[10] != 'T') return std::nullopt;
  int hour, minute, second = 0;
  if (!ParseDigits(text, 11, 2, hour) || text.size() < 16 || text[13] != ':' ||
      !ParseDigits(text, 14, 2, minute)) {
    return std::nullopt;
  }
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!ParseDigits(text, pos + 1, 2, second)) return std::nullopt;
    pos += 3;
    // Sub-second digits are accepted but truncated: daily and intraday bars use whole seconds.
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    }
  }
  // A UTC offset (+05:00, -0330, +05) is converted: every timestamp is UTC.
  std::optional<std::int64_t> offset;
  if (pos < text.size() && text[pos] == 'Z') {
    offset = 0;
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!ParseDigits(text, pos + 1, 2, oh)) return std::nullopt;
    pos += 3;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (pos < text.size()) {
      if (!ParseDigits(text, pos, 2, om)) return std::nullopt;
      pos += 2;
    }
    if (oh > 14 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (pos != text.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return ParsedTime{t + hour * 3600 + minute * 60 + second - offset.value_or(0), offset, true};
}

std::int64_t DayNumber(Timestamp t) {
  return t >= 0 ? t / kSecondsPerDay : (t - kSecondsPerDay + 1) / kSecondsPerDay;
}

Timestamp MedianStep(const std::vector<Timestamp>& time) {
  if (time.size() < 2) return 0;
  std::vector<Timestamp> gaps;
  gaps.reserve(time.size() - 1);
  for (std::size_t i = 1; i < time.size(); ++i) gaps.push_back(time[i] - time[i - 1]);
  const auto middle = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
  std::nth_element(gaps.begin(), middle, gaps.end());
  return *middle;
}

CivilDate DateOf(Timestamp t) { return CivilFromDays(DayNumber(t)); }

int Weekday(Timestamp t) {
  const std::int64_t days = DayNumber(t);
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::string FormatTimestamp(Timestamp t, bool with_time) {
  CivilDate d = DateOf(t);
  std::int64_t seconds = t - DaysFromCivil(d) * kSecondsPerDay;
  // The years a file can hold are written by hand, a labelled bar each: fmt is the slow part of
  // a large load. Years beyond four digits are left to fmt.
  if (d.year >= 0 && d.year <= 9999) {
    char text[19];
    const auto put = [&](std::size_t at, std::int64_t value, int digits) {
      for (int i = digits - 1; i >= 0; --i, value /= 10)
        text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, d.year, 4);
    text[4] = '-';
    put(5, d.month, 2);
    text[7] = '-';
    put(8, d.day, 2);
    if (seconds == 0 && !with_time) return std::string(text, 10);
    text[10] = ' ';
    put(11, seconds / 3600, 2);
    text[13] = ':';
    put(14, seconds / 60 % 60, 2);
    text[16] = ':';
    put(17, seconds % 60, 2);
    return std::string(text, 19);
  }
  if (seconds == 0 && !with_time)
    return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", d.year, d.month, d.day,
                     seconds / 3600, seconds / 60 % 60, seconds % 60);
}

}  // namespace finml::data
