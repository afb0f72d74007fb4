// The steps of reading a market-data CSV, private to data/: the header becomes a column plan
// (shape detection), each line a checked row (row parsing), and the rows an aligned MarketData
// after the order, duplicate and missing-value policies (repairs).
#pragma once

#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "finml/data/csv_reader.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/time_zone.hpp"

namespace finml::data::loading {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The fields in the order every per-field table below uses.
constexpr Field kFieldOrder[] = {Field::kOpen,  Field::kHigh,     Field::kLow,
                                 Field::kClose, Field::kAdjClose, Field::kVolume};
constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
[[nodiscard]] std::size_t FieldIndex(Field f);

struct ColumnPlan {
  std::size_t date_col = 0;
  bool date_named = false;  // a header says which column is the date; else the first column
  std::optional<std::size_t> symbol_col;
  // For OHLCV / long: field -> column. For wide / close-only: symbol columns.
  std::vector<std::pair<Field, std::size_t>> fields;
  std::vector<std::pair<std::string, std::size_t>> symbol_columns;
  Shape shape = Shape::kCloseOnly;
  std::vector<std::string> names;  // the header after `rename`
  // A long panel's symbol choices: the names of rename, drop and symbols that are not columns.
  std::map<std::string, std::string, std::less<>> symbol_rename;
  std::vector<std::string> symbol_drop, symbol_keep;
  std::vector<std::string> notes;  // columns left out without being asked, and why
};

// "drop: 'gold' was renamed to 'XAU'": a choice that names a column or symbol by its old name.
[[noreturn]] void ThrowRenamed(const std::string& file, const std::string& key,
                               const std::string& old_name, const std::string& new_name);

// Which column is the date, the symbol, each field or each symbol's price; the shape. The first
// data row (empty if none) tells which columns hold dates.
[[nodiscard]] ColumnPlan PlanColumns(const std::vector<std::string>& header,
                                     const std::vector<std::string>& first_row,
                                     const LoadOptions& options, const std::string& file);

struct RawRow {
  Timestamp time;  // UTC when the text had an offset; else as written, until ApplySourceZone
  std::string label;
  std::size_t line;
  bool naive = false;          // written without an offset
  std::vector<double> values;  // in plan order (fields, or symbol columns)
};

// The data rows, in file order: one list for a single table, one per symbol (in first-seen order)
// for a long panel. Every value is parsed and checked with its file, line and column.
struct ParsedRows {
  std::vector<RawRow> rows;
  std::vector<std::string> symbol_order;
  std::map<std::string, std::vector<RawRow>, std::less<>> per_symbol;
  bool calendar = false;
  std::size_t count = 0;
  // UTC offsets the times were written with, and whether some had none.
  std::set<std::int64_t> offsets;
  bool naive_times = false;
  bool timed = false;  // some cell has a time of day; else every one is a date alone
};
[[nodiscard]] ParsedRows ReadRows(CsvReader& reader, const ColumnPlan& plan,
                                  const std::vector<std::string>& header,
                                  const LoadOptions& options, const std::string& file);
// Times written without an offset are wall-clock times of `zone`: they become UTC instants. Dates
// alone stay dates (a daily bar keeps its day whatever the zone); a time the zone skips (the
// clocks jumped over it) is an error at its line.
void ApplySourceZone(ParsedRows& parsed, const Zone& zone, const ColumnPlan& plan,
                     const std::string& file);

// Line numbers per asset (0: no row on that date); assets read from one row share one vector.
using LineMap = std::vector<std::shared_ptr<const std::vector<std::size_t>>>;

// Orders rows by time and resolves duplicates under the policies; logs each repair.
void OrderRows(std::vector<RawRow>& rows, const LoadOptions& options, const std::string& file,
               std::size_t date_col, const std::string& what, std::vector<Repair>& repairs);

// Applies the missing-value policy across every asset and field at once, so a dropped date
// disappears for all assets and the panel stays aligned.
void ApplyMissingPolicy(MarketData& md, const LineMap& lines,
                        const std::vector<std::vector<std::size_t>>& field_columns,
                        const LoadOptions& options, const std::vector<std::string>& header);

// Labels of calendar times: dates, or date and time on every row when any row has a time of day
// (intraday data labels every bar alike, midnight included).
[[nodiscard]] std::vector<std::string> CalendarLabels(const std::vector<Timestamp>& time);

// The zone times are shown in: the one named; else the one offset every time was written with
// (times as written); else UTC when offsets differ (daylight saving in the file), with a note.
[[nodiscard]] Zone TargetZone(const LoadOptions& options, const ParsedRows& parsed, MarketData& md);
// UTC instants become the zone's wall-clock times, the stamps every consumer compares; an hour
// the zone repeats (daylight saving ends) is an error, since two bars cannot share a time.
void ToZoneTime(MarketData& md, const Zone& zone, const std::string& file);
// The same refusal for times already local (resampled bars of a repeated hour).
void CheckIncreasing(const MarketData& md, const Zone& zone, const std::string& file);
[[nodiscard]] bool LooksLikeDecimalYears(const std::vector<std::string>& labels);

// Names prices beyond 1e12 and thousandfold one-bar moves in MarketData::warnings.
void WarnAbsurdMagnitudes(MarketData& md);

}  // namespace finml::data::loading
