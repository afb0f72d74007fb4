// The clock of market data: which zone times are read and shown in, and dates that look like
// something else (decimal years).
#include <algorithm>
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "loading.hpp"

namespace finml::data::loading {

void ApplySourceZone(ParsedRows& parsed, const Zone& zone, const ColumnPlan& plan,
                     const std::string& file) {
  if (!parsed.calendar || !parsed.timed || zone.IsNone()) return;
  auto convert = [&](Table& rows) {
    std::optional<Timestamp> previous;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Timestamp& time = rows.time[i];
      if (!rows.naive[i]) {
        previous = time;
        continue;
      }
      bool skipped = false;
      time = zone.FromLocal(time, &skipped, previous);
      previous = time;
      if (skipped) {
        throw DataError(
            SourceLocation{file, rows.line[i], plan.date_col + 1},
            fmt::format("'{}' never happened in {}: the clocks jumped over it (daylight saving)",
                        Excerpt(rows.label[i]), zone.name()),
            "the file's times are probably in another zone: name it with source_timezone "
            "(--source-timezone UTC, or the zone the data was recorded in)");
      }
    }
  };
  convert(parsed.table);
  for (auto& [symbol, rows] : parsed.per_symbol) convert(rows);
}

// The zone times are shown in: the one named; else the one offset every time was written with
// (times as written); else UTC when offsets differ (daylight saving in the file).
Zone TargetZone(const LoadOptions& options, const ParsedRows& parsed, MarketData& md) {
  if (!parsed.timed) return Zone{};  // dates alone: a daily bar keeps its day in every zone
  // Times with offsets and times without, with no zone named for the latter, cannot be ordered.
  if (!parsed.offsets.empty() && parsed.naive_times && options.source_timezone.empty() &&
      options.timezone.empty()) {
    throw DataError(SourceLocation{md.source, 0, 0},
                    "some times carry a UTC offset and some do not",
                    "name the zone of those without: --source-timezone ZONE (source_timezone in "
                    "a file), e.g. UTC or Europe/Zurich");
  }
  if (!options.timezone.empty()) return Zone::Parse(options.timezone, "timezone");
  if (parsed.offsets.size() == 1) return Zone::FixedOffset(*parsed.offsets.begin());
  // Offsets that differ (daylight saving written into the file) have no one zone to show them
  // in; choosing one from the whole file would let a later row move the days of earlier ones.
  if (parsed.offsets.size() > 1) {
    throw DataError(SourceLocation{md.source, 0, 0},
                    fmt::format("the times carry {} different UTC offsets (daylight saving?), so "
                                "days and labels need a zone",
                                parsed.offsets.size()),
                    "name it: --timezone Europe/Zurich (the zone they were written in) or "
                    "--timezone UTC (timezone in a file)");
  }
  return Zone{};
}

// 1991.4962, 1991.5000, ...: fractional years of a plausible era, less than a year apart.
bool LooksLikeDecimalYears(const std::vector<std::string>& labels) {
  if (labels.size() < 2) return false;
  double first = 0, second = 0;
  try {
    first = std::stod(labels[0]);
    second = std::stod(labels[1]);
  } catch (const std::exception&) {
    return false;
  }
  return first >= 1800 && first <= 2200 && first != std::floor(first) && second > first &&
         second - first < 1;
}

std::vector<std::string> CalendarLabels(const std::vector<Timestamp>& time) {
  const bool intraday =
      std::any_of(time.begin(), time.end(), [](Timestamp t) { return t % kSecondsPerDay != 0; });
  // A million bars make a million strings: formatted on every core, each thread its own range.
  std::vector<std::string> labels(time.size());
  const unsigned threads = ParseThreads(time.size() * 20);
  RunParallel(threads, [&](unsigned part) {
    const std::size_t begin = time.size() * part / threads;
    const std::size_t end = time.size() * (part + 1) / threads;
    for (std::size_t i = begin; i < end; ++i) labels[i] = FormatTimestamp(time[i], intraday);
  });
  return labels;
}

// UTC instants become the zone's wall-clock times, the stamps every consumer compares. Intraday
// times of a zone with daylight saving repeat an hour each autumn: that needs resampling or a
// fixed offset, since two bars cannot share a time.
void ToZoneTime(MarketData& md, const Zone& zone, const std::string& file) {
  for (auto& t : md.time) t = zone.ToLocal(t);
  CheckIncreasing(md, zone, file);
  md.time_label = CalendarLabels(md.time);
}

void CheckIncreasing(const MarketData& md, const Zone& zone, const std::string& file) {
  for (std::size_t i = 1; i < md.rows(); ++i) {
    if (md.time[i] <= md.time[i - 1]) {
      throw DataError(
          SourceLocation{file, 0, 0},
          fmt::format("in {} the time {} comes twice (the clocks went back), so the bars "
                      "cannot keep their order",
                      zone.name(), FormatTimestamp(md.time[i], true)),
          "resample to days or longer (--resample D; resample: D in a file), or show the times "
          "in a fixed offset (--timezone UTC or +01:00)");
    }
  }
}

}  // namespace finml::data::loading
