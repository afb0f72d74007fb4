#include "finml/risk/series.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"

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

// Returns move both ways; a long series of positive values only is prices, or sizes of losses
// or claims, given as returns: every figure would then be about the wrong thing.
void WarnIfNotReturns(const ReturnSeries& s) {
  constexpr std::size_t kEnough = 30;
  std::size_t finite = 0, positive = 0;
  for (double v : s.values) {
    if (!std::isfinite(v)) continue;
    ++finite;
    positive += v > 0;
  }
  if (finite >= kEnough && positive == finite)
    std::fprintf(stderr,
                 "finml: warning: %s: all %zu values of '%s' are positive, which returns are not "
                 "(prices? pass them with --prices; losses or claim sizes? their risk is not a "
                 "return's VaR)\n",
                 s.source.c_str(), finite, s.column.c_str());
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
    WarnIfNotReturns(s);
    return s;
  }
  FINML_REQUIRE(raw.size() >= 2, "{}: need at least two prices for a return", file);
  for (std::size_t i = 1; i < raw.size(); ++i)
    s.values.push_back(log_returns ? std::log(raw[i] / raw[i - 1]) : raw[i] / raw[i - 1] - 1);
  s.label.assign(md.time_label.begin() + 1, md.time_label.end());
  s.time.assign(md.time.begin() + 1, md.time.end());
  return s;
}

std::vector<std::string> ValueColumns(const std::vector<std::string>& names) {
  std::vector<std::string> values;
  for (const auto& name : names) {
    const std::string lower = ToLower(name);
    if (lower != "date" && lower != "time" && lower != "datetime" && lower != "timestamp" &&
        lower != "index" && !lower.empty())
      values.push_back(name);
  }
  return values;
}

// The loader reads `column` as a symbol and says so when the file has none of that name; a user
// who gave --column wants to hear about columns.
[[noreturn]] void RethrowAsColumnError(const DataError& e, const std::string& file,
                                       const std::string& column, std::string_view header_line) {
  if (column.empty() || e.problem().rfind("symbols: no asset", 0) != 0) throw e;
  std::vector<std::string> names;
  data::CsvReader reader(file, header_line);
  std::vector<std::string_view> fields;
  if (reader.Next(fields))
    for (auto f : fields) names.emplace_back(Trim(f));
  bool ohlcv = false;
  for (const auto& name : names) ohlcv |= data::FieldFromHeader(name).has_value();
  throw DataError(
      e.where(),
      fmt::format("--column {}: no such column (the columns are {})", Excerpt(column),
                  Excerpt(JoinStrings(names, ", "), 300)),
      ohlcv ? std::string("name a price field of this OHLCV file: Open, High, Low, Close or Adj "
                          "Close")
            : fmt::format("name one of the value columns: {}",
                          Excerpt(JoinStrings(ValueColumns(names), ", "), 300)));
}

}  // namespace

ReturnSeries ParseReturnSeries(const std::string& text, const std::string& file,
                               const std::string& column, SeriesKind kind, bool log_returns,
                               const data::LoadOptions& options) {
  const auto load = SeriesLoadOptions(file, column, kind, options);
  try {
    return SeriesOf(data::ParseMarketData(text, file, load), file, kind, log_returns, column);
  } catch (const DataError& e) {
    RethrowAsColumnError(e, file, column, std::string_view(text).substr(0, text.find('\n')));
  }
}

ReturnSeries LoadReturnSeries(const std::string& path, const std::string& column, SeriesKind kind,
                              bool log_returns, const data::LoadOptions& options) {
  const auto load = SeriesLoadOptions(path, column, kind, options);
  try {
    return SeriesOf(data::LoadMarketData(path, load), path, kind, log_returns, column);
  } catch (const DataError& e) {
    std::ifstream in(path, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    RethrowAsColumnError(e, path, column, std::string_view(head).substr(0, head.find('\n')));
  }
}

}  // namespace finml::risk
