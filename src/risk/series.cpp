#include "finml/risk/series.hpp"

#include <algorithm>
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml::risk {

std::string BarUnit(const std::vector<data::Timestamp>& time, bool calendar) {
  if (!calendar || time.size() < 2) return "day";
  const data::Timestamp step = data::MedianStep(time);
  const double days = static_cast<double>(step) / data::kSecondsPerDay;
  if (days >= 27 && days <= 32) return "month";
  if (days >= 85 && days <= 95) return "quarter";
  if (days >= 6 && days <= 8) return "week";
  if (days >= 0.99 && days <= 4) return "day";  // trading days, weekends between
  if (days > 4) return fmt::format("{:.0f}-day bar", days);
  if (step % 3600 == 0) return fmt::format("{}-hour bar", step / 3600);
  if (step % 60 == 0) return fmt::format("{}-minute bar", step / 60);
  return fmt::format("{}-second bar", step);
}

double PeriodsPerYear(const std::vector<data::Timestamp>& time, bool calendar) {
  const std::string bar = BarUnit(time, calendar);
  if (bar == "day") return 252;
  if (bar == "week") return 52;
  if (bar == "month") return 12;
  if (bar == "quarter") return 4;
  const double years =
      static_cast<double>(time.back() - time.front()) / (365.25 * data::kSecondsPerDay);
  return static_cast<double>(time.size() - 1) / years;
}

double RatioPerUnit(const std::vector<double>& values, ReturnUnits units) {
  if (units == ReturnUnits::kAuto) {
    const bool large =
        std::any_of(values.begin(), values.end(), [](double v) { return std::fabs(v) > 1; });
    units = large ? ReturnUnits::kPercent : ReturnUnits::kRatio;
  }
  return units == ReturnUnits::kPercent ? 0.01 : 1.0;
}

namespace {

// The market-data loader reads the file, so a risk series takes the same column choices, time
// settings and missing/order/duplicates policies as every other command that reads prices.
data::LoadOptions SeriesLoadOptions(const std::string& file, const std::string& column,
                                    SeriesKind kind, const data::LoadOptions& options) {
  data::LoadOptions load = options;
  load.signed_values = kind == SeriesKind::kReturns;
  if (kind == SeriesKind::kReturns && load.missing == data::MissingPolicy::kForwardFill) {
    throw InvalidInput(
        fmt::format("{}: missing: ffill would repeat the previous day's return", file) +
        " (fix: missing: drop leaves the day out; or fill the file, or pass prices with --prices, "
        "where a carried price is a zero return)");
  }
  FINML_REQUIRE(load.missing != data::MissingPolicy::kKeep,
                "{}: missing: keep leaves gaps a risk series cannot have (fix: {})", file,
                kind == SeriesKind::kReturns ? "error or drop" : "error, ffill or drop");
  if (!column.empty()) {
    FINML_REQUIRE(load.symbols.empty() || load.symbols == std::vector<std::string>{column},
                  "{}: give the series' column once, with column or with symbols, not both", file);
    load.symbols = {column};
  }
  return load;
}

// The price field an OHLCV file's `column` names ("Open", "Adj Close"); close by default.
data::Field FieldOf(const data::MarketData& md, const std::string& column,
                    const std::string& file) {
  if (md.shape != data::Shape::kOhlcv || column.empty() || column == md.assets.front().symbol)
    return md.assets.front().Has(data::Field::kClose) ? data::Field::kClose
                                                      : data::Field::kAdjClose;
  if (const auto field = data::FieldFromHeader(column); field && *field != data::Field::kVolume) {
    FINML_REQUIRE(md.assets.front().Has(*field), "{}: no {} column", file, EnumName(*field));
    return *field;
  }
  throw DataError(
      {file, 1, 0},
      fmt::format("--column {}: a series is one price of this OHLCV file", Excerpt(column)),
      "name a price column: Open, High, Low, Close or Adj Close");
}

ReturnSeries SeriesOf(const data::MarketData& md, const std::string& file, SeriesKind kind,
                      bool log_returns, const std::string& column) {
  if (md.assets.size() != 1) {
    const auto names = md.Symbols();
    throw DataError({file, 1, 2},
                    fmt::format("{} value columns ({}); which one?", names.size(),
                                Excerpt(JoinStrings(names, ", "), 300)),
                    "name it with --column (column: in an experiment file)");
  }
  const data::Bars& bars = md.assets.front();
  const data::Field field = FieldOf(md, column, file);
  const std::vector<double>& raw = bars.Get(field);
  ReturnSeries s;
  s.source = file;
  s.column = md.shape == data::Shape::kOhlcv && !column.empty()
                 ? bars.symbol + " " + std::string(EnumName(field))
                 : bars.symbol;
  s.calendar = md.calendar;
  if (kind == SeriesKind::kReturns) {
    s.values = raw;
    s.label = md.time_label;
    s.time = md.time;
    return s;
  }
  FINML_REQUIRE(raw.size() >= 2, "{}: need at least two prices for a return", file);
  for (std::size_t i = 1; i < raw.size(); ++i)
    s.values.push_back(log_returns ? std::log(raw[i] / raw[i - 1]) : raw[i] / raw[i - 1] - 1);
  s.label.assign(md.time_label.begin() + 1, md.time_label.end());
  s.time.assign(md.time.begin() + 1, md.time.end());
  return s;
}

}  // namespace

ReturnSeries ParseReturnSeries(const std::string& text, const std::string& file,
                               const std::string& column, SeriesKind kind, bool log_returns,
                               const data::LoadOptions& options) {
  const auto load = SeriesLoadOptions(file, column, kind, options);
  return SeriesOf(data::ParseMarketData(text, file, load), file, kind, log_returns, column);
}

ReturnSeries LoadReturnSeries(const std::string& path, const std::string& column, SeriesKind kind,
                              bool log_returns, const data::LoadOptions& options) {
  const auto load = SeriesLoadOptions(path, column, kind, options);
  return SeriesOf(data::LoadMarketData(path, load), path, kind, log_returns, column);
}

}  // namespace finml::risk
