// Reads market data CSVs in the shapes they really come in, validating as it goes:
//   OHLCV for one asset     Date,Open,High,Low,Close[,Adj Close],Volume   (header case-insensitive)
//   close-only series       Date,Close  or  Date,<name>
//   wide panel              Date,<sym1>,<sym2>,...        (one close column per symbol)
//   long panel              date,symbol,open,high,low,close,volume   (close required)
// By default every problem is an error naming file, line, column and the fix; the policies below
// turn some into repairs, each logged in MarketData::repairs with a count.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/data/market_data.hpp"
#include "finml/data/transforms.hpp"

namespace finml::data {

// kKeep leaves gaps as NaN (a halted or not-yet-listed symbol), for consumers that handle them
// per asset, such as the backtester; the forecasting pipeline refuses it.
enum class MissingPolicy { kError, kForwardFill, kDrop, kKeep };
enum class OrderPolicy { kError, kSort };
enum class DuplicatePolicy { kError, kKeepLast };

struct LoadOptions {
  MissingPolicy missing = MissingPolicy::kError;
  OrderPolicy order = OrderPolicy::kError;
  DuplicatePolicy duplicates = DuplicatePolicy::kError;
  std::optional<Shape> shape;  // force a shape instead of detecting it
  std::string symbol;          // name of a single-asset file's asset (default: file stem)
  // Column choices, applied in this order: rename (old name -> new), drop, then keep only
  // `symbols` (in that order). In a long panel, names that are not columns are symbols.
  std::vector<std::pair<std::string, std::string>> rename;
  std::vector<std::string> drop;
  std::vector<std::string> symbols;
  std::string date_column;  // empty: detected (a column named date, or the one holding dates)
  // Zone the times are shown and counted in (days, resampling); empty: as written. Times written
  // without an offset are in `source_timezone` (default: `timezone`).
  std::string timezone;
  std::string source_timezone;
  std::optional<ResampleRule> resample;
  BarStamp bar_stamp = BarStamp::kStart;
  // A numeric index is a decimal year (R's ts time, e.g. 1991.4962): read it as the calendar
  // day it falls on, an approximation the repairs log records.
  bool decimal_year = false;
  // Not a setting: the values are returns (any sign), not prices, for the risk commands.
  bool signed_values = false;
  // Not a setting: when the file holds one asset named after the file (OHLCV columns, or one
  // close column headed close or price) and `symbol` is empty, the asset takes this name instead
  // (a model trained on one asset predicts a copy of its file under any name); md.notes says so
  // when the name changes. A close column headed with an asset's name keeps it.
  std::string single_asset_as;
  static const options::Schema<LoadOptions>& Schema();
};

[[nodiscard]] Timestamp DecimalYearToTimestamp(double year);

[[nodiscard]] MarketData LoadMarketData(const std::string& path, const LoadOptions& options = {});
// `file_label` names the source in error messages.
[[nodiscard]] MarketData ParseMarketData(std::string_view text, const std::string& file_label,
                                         const LoadOptions& options = {});

}  // namespace finml::data

template <>
struct finml::EnumNames<finml::data::MissingPolicy> {
  static constexpr std::string_view what = "missing-value policy";
  static constexpr finml::NamedValue<finml::data::MissingPolicy> values[] = {
      {finml::data::MissingPolicy::kError, "error"},
      {finml::data::MissingPolicy::kForwardFill, "ffill"},
      {finml::data::MissingPolicy::kDrop, "drop"},
      {finml::data::MissingPolicy::kKeep, "keep"},
      {finml::data::MissingPolicy::kForwardFill, "forward_fill"}};
};

template <>
struct finml::EnumNames<finml::data::OrderPolicy> {
  static constexpr std::string_view what = "order policy";
  static constexpr finml::NamedValue<finml::data::OrderPolicy> values[] = {
      {finml::data::OrderPolicy::kError, "error"}, {finml::data::OrderPolicy::kSort, "sort"}};
};

template <>
struct finml::EnumNames<finml::data::DuplicatePolicy> {
  static constexpr std::string_view what = "duplicates policy";
  static constexpr finml::NamedValue<finml::data::DuplicatePolicy> values[] = {
      {finml::data::DuplicatePolicy::kError, "error"},
      {finml::data::DuplicatePolicy::kKeepLast, "keep_last"}};
};
