// Whole-series transforms of market data: returns, calendar resampling and panel alignment.
// Returns are aligned with their input: element t is the return from t-1 to t, element 0 is NaN.
#pragma once

#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/data/market_data.hpp"
#include "finml/data/time_zone.hpp"

namespace finml::data {

enum class ReturnKind { kSimple, kLog };
[[nodiscard]] std::vector<double> Returns(const std::vector<double>& prices, ReturnKind kind,
                                          std::size_t periods = 1);

// How bars are grouped: every N minutes, hours or days, or by calendar week (Monday to Sunday)
// or month, counted in the data's own (local) time.
struct ResampleRule {
  enum class Unit { kMinute, kHour, kDay, kWeek, kMonth };
  Unit unit = Unit::kDay;
  int count = 1;
  // "5min", "15min", "1h", "4h", "D", "2D", "W", "M"; also "daily", "weekly", "monthly", "hourly".
  static ResampleRule Parse(const std::string& text);
  [[nodiscard]] std::string Text() const;
  [[nodiscard]] bool Intraday() const { return unit == Unit::kMinute || unit == Unit::kHour; }
};
// What an intraday time marks: the start of its bar ([09:30, 09:35) is 09:30, as pandas and most
// vendors write it) or its end (09:35; a 16:00 close).
enum class BarStamp { kStart, kEnd };

// Each group of bars becomes one, OHLC-aware: first open, max high, min low, last close and adj
// close, summed volume; a gap (NaN) is skipped, a group of gaps stays a gap. Intraday groups are
// [start, end) for start stamps and (start, end] for end stamps, and stamped alike, so grouping
// at the data's own frequency changes nothing; a day, week or month is stamped with its date.
// `zone` converts the stamps to local time first (none: they already are).
[[nodiscard]] MarketData Resample(const MarketData& md, const ResampleRule& rule,
                                  const Zone& zone = {}, BarStamp stamp = BarStamp::kStart);

enum class JoinKind { kInner, kOuter };
// Puts the assets of several sources on one calendar. Inner keeps dates every source has; outer
// keeps all dates and leaves NaN where a source has none (apply a missing policy afterwards).
[[nodiscard]] MarketData AlignOnCalendar(const std::vector<MarketData>& sources, JoinKind join);

}  // namespace finml::data

template <>
struct finml::options::Codec<finml::data::ResampleRule> {
  static finml::data::ResampleRule Read(const ConfigNode& n, const std::string& path,
                                        const FieldRules&) {
    const std::string text = ReadString(n, path);
    try {
      return finml::data::ResampleRule::Parse(text);
    } catch (const Error& e) {
      RethrowAt(n, path, e);
    }
  }
  static Json Write(const finml::data::ResampleRule& r) { return r.Text(); }
  static std::string Type() { return "rule (5min, 1h, D, W, M)"; }
};

template <>
struct finml::EnumNames<finml::data::BarStamp> {
  static constexpr std::string_view what = "bar stamp";
  static constexpr finml::NamedValue<finml::data::BarStamp> values[] = {
      {finml::data::BarStamp::kStart, "start"}, {finml::data::BarStamp::kEnd, "end"}};
};

template <>
struct finml::EnumNames<finml::data::ReturnKind> {
  static constexpr std::string_view what = "return kind";
  static constexpr finml::NamedValue<finml::data::ReturnKind> values[] = {
      {finml::data::ReturnKind::kSimple, "simple"}, {finml::data::ReturnKind::kLog, "log"}};
};
