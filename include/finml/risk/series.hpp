// A return series for the risk commands, from a returns file or from prices. Returns files are
// `<date or index>,<column>[,...]` with any numbers (negative included); a missing cell is an
// error naming file, line, column and the fix unless a missing policy says otherwise, since a
// silently dropped day would shift every VaR exception after it.
#pragma once

#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/timestamp.hpp"

namespace finml::risk {

enum class SeriesKind { kReturns, kPrices };
// How a returns file writes a return: 0.01 (ratio) or 1 (percent) for 1%. Auto: percent when some
// |return| exceeds 1 (a simple return cannot fall below -100%, and a daily +100% is rare), else
// ratio. Returns computed from prices are ratios.
enum class ReturnUnits { kAuto, kRatio, kPercent };

struct ReturnSeries {
  std::string source, column;
  bool calendar = false;              // true when the first column holds dates
  std::vector<data::Timestamp> time;  // dates (calendar) or row numbers
  std::vector<std::string> label;     // as written in the file
  std::vector<double> values;         // the returns
  double unit = 1;  // one unit of `values` as a ratio: 1, or 0.01 for returns in percent
};

// `column` empty: the only value column (an error naming the choices if there are several).
// From prices, returns are simple (p_t / p_{t-1} - 1) or `log`; the first date has none.
// What one step of the series is, for people: "day" for daily (or undated) data, else "1-hour
// bar", "5-minute bar": a VaR "over 1 day" on hourly data would be read five times too small.
[[nodiscard]] std::string BarUnit(const std::vector<data::Timestamp>& time, bool calendar);
// Bars in a year, to annualise a variance: 252 trading days, 52 weeks, 12 months, 4 quarters;
// any other step (intraday bars) from the data's own span. Undated data counts as daily.
[[nodiscard]] double PeriodsPerYear(const std::vector<data::Timestamp>& time, bool calendar);
// The ratio one unit of `values` stands for (ReturnUnits): 1 or 0.01.
[[nodiscard]] double RatioPerUnit(const std::vector<double>& values, ReturnUnits units);

// `options` are the market-data loader's (column choices, time zone, missing values...).
[[nodiscard]] ReturnSeries LoadReturnSeries(const std::string& path, const std::string& column,
                                            SeriesKind kind, bool log_returns = false,
                                            const data::LoadOptions& options = {});
[[nodiscard]] ReturnSeries ParseReturnSeries(const std::string& text, const std::string& label,
                                             const std::string& column, SeriesKind kind,
                                             bool log_returns = false,
                                             const data::LoadOptions& options = {});

}  // namespace finml::risk

template <>
struct finml::EnumNames<finml::risk::SeriesKind> {
  static constexpr std::string_view what = "series kind";
  static constexpr finml::NamedValue<finml::risk::SeriesKind> values[] = {
      {finml::risk::SeriesKind::kReturns, "returns"}, {finml::risk::SeriesKind::kPrices, "prices"}};
};

template <>
struct finml::EnumNames<finml::risk::ReturnUnits> {
  static constexpr std::string_view what = "return units";
  static constexpr finml::NamedValue<finml::risk::ReturnUnits> values[] = {
      {finml::risk::ReturnUnits::kAuto, "auto"},
      {finml::risk::ReturnUnits::kRatio, "ratio"},
      {finml::risk::ReturnUnits::kPercent, "percent"}};
};
