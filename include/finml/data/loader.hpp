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

#include "finml/data/market_data.hpp"

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
  // A numeric index is a decimal year (R's ts time, e.g. 1991.4962): read it as the calendar
  // day it falls on, an approximation the repairs log records.
  bool decimal_year = false;
};

[[nodiscard]] Timestamp DecimalYearToTimestamp(double year);

[[nodiscard]] MissingPolicy ParseMissingPolicy(std::string_view name);
[[nodiscard]] OrderPolicy ParseOrderPolicy(std::string_view name);
[[nodiscard]] DuplicatePolicy ParseDuplicatePolicy(std::string_view name);
[[nodiscard]] Shape ParseShape(std::string_view name);

[[nodiscard]] MarketData LoadMarketData(const std::string& path, const LoadOptions& options = {});
// `file_label` names the source in error messages.
[[nodiscard]] MarketData ParseMarketData(std::string_view text, const std::string& file_label,
                                         const LoadOptions& options = {});

}  // namespace finml::data
