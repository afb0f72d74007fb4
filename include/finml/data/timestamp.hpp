// Time points of market data. A Timestamp is seconds since 1970-01-01 00:00:00 UTC; a plain date
// is its midnight. Data without calendar dates (an observation counter or a decimal year) keeps
// its row order as the key and its original text as the label.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finml::data {

using Timestamp = std::int64_t;

constexpr Timestamp kSecondsPerDay = 86400;

struct CivilDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};

[[nodiscard]] std::int64_t DaysFromCivil(CivilDate date);
[[nodiscard]] CivilDate CivilFromDays(std::int64_t days);
// ISO 8601 date or date-time: 2001-09-27, 2001-09-27 15:30, 2001-09-27T15:30:00(.123), with
// Z or a UTC offset (+05:00, -0330), converted to UTC.
[[nodiscard]] std::optional<Timestamp> ParseTimestamp(std::string_view text);
// The same, saying whether the text named its offset (Z counts as +00:00): a time without one is
// wall-clock time of a zone the caller knows.
struct ParsedTime {
  Timestamp time = 0;  // UTC when `offset` is set, else the wall-clock time as written
  std::optional<std::int64_t> offset;
  bool has_time = false;  // false: a date alone, which no zone moves
};
[[nodiscard]] std::optional<ParsedTime> ParseTime(std::string_view text);
// Date only when at midnight, unless `with_time` (intraday data labels every bar alike).
[[nodiscard]] std::string FormatTimestamp(Timestamp t, bool with_time = false);
[[nodiscard]] CivilDate DateOf(Timestamp t);
// Days since 1970-01-01, rounded down (a time before the epoch is on the day before).
[[nodiscard]] std::int64_t DayNumber(Timestamp t);
// The median gap between consecutive times (0 for fewer than two): the data's usual step.
[[nodiscard]] Timestamp MedianStep(const std::vector<Timestamp>& time);
// Monday = 0 ... Sunday = 6.
[[nodiscard]] int Weekday(Timestamp t);

}  // namespace finml::data
