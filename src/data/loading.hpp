// The steps of reading a market-data CSV, private to data/: the header becomes a column plan
// (shape detection), each line a checked row (row parsing), and the rows an aligned MarketData
// after the order, duplicate and missing-value policies (repairs).
#pragma once

#include <deque>
#include <functional>
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

// A date in ISO 8601's basic form (19850102) rewritten in the extended one (1985-01-02); none for
// anything else. Read only in a column headed as dates, where an eight-digit number is not a count.
[[nodiscard]] std::optional<std::string> ExtendedFromBasicDate(std::string_view text);

// Which column is the date, the symbol, each field or each symbol's price; the shape. The first
// data row (empty if none) tells which columns hold dates.
[[nodiscard]] ColumnPlan PlanColumns(const std::vector<std::string>& header,
                                     const std::vector<std::string>& first_row,
                                     const LoadOptions& options, const std::string& file);

// The rows of one table column by column, in file order until OrderRows: no object per row, so
// the values move into the Bars as they are.
struct Table {
  std::vector<Timestamp> time;  // UTC when the text had an offset; else as written
  std::vector<std::size_t> line;
  // The date cell as written: a view into the file's text, or into owned_labels for a quoted
  // cell whose doubled quotes had to be undone.
  std::vector<std::string_view> label;
  std::vector<char> naive;                  // written without an offset
  std::vector<std::vector<double>> values;  // one per plan column (fields, or symbol columns)
  std::deque<std::string> owned_labels;     // a deque: the views into it survive growth

  explicit Table(std::size_t width = 0) : values(width) {}
  [[nodiscard]] std::size_t size() const { return time.size(); }
  // Keeps the rows at `rows`, in that order.
  void Gather(const std::vector<std::size_t>& rows);
};

// The data rows, in file order: one table for a single table, one per symbol (in first-seen
// order) for a long panel. Every value is parsed and checked with its file, line and column.
struct ParsedRows {
  Table table;
  std::vector<std::string> symbol_order;
  std::map<std::string, Table, std::less<>> per_symbol;
  bool calendar = false;
  std::size_t count = 0;
  // UTC offsets the times were written with, and whether some had none.
  std::set<std::int64_t> offsets;
  bool naive_times = false;
  bool timed = false;  // some cell has a time of day; else every one is a date alone
};
// Every data row after the header `reader` has read: in parallel chunks when the file allows
// (ReadRowsInParallel), else record by record (ReadRowsSerial).
[[nodiscard]] ParsedRows ReadRows(CsvReader& reader, const ColumnPlan& plan,
                                  const std::vector<std::string>& header,
                                  const LoadOptions& options, const std::string& file);
// The reference reader: every record through CsvReader, every problem an error at its cell.
[[nodiscard]] ParsedRows ReadRowsSerial(CsvReader& reader, const ColumnPlan& plan,
                                        const std::vector<std::string>& header,
                                        const LoadOptions& options, const std::string& file);
// The fast reader for the common file, a single table of calendar times without quotes, split
// into `threads` chunks at line ends. Nothing if the file is anything else or has any problem:
// ReadRowsSerial then reads it again and reports the first problem as it always has.
// `data` starts where `first_line` does, just after the header.
[[nodiscard]] std::optional<ParsedRows> ReadRowsInParallel(
    std::string_view data, std::size_t first_line, const ColumnPlan& plan,
    const std::vector<std::string>& header, const LoadOptions& options, const std::string& file,
    unsigned threads);
// The threads ReadRows uses for a data section of `bytes`: one per core, with chunks of at least
// a few hundred kilobytes (smaller ones cost more to start than they save).
[[nodiscard]] unsigned ParseThreads(std::size_t bytes);
// Runs task(0) .. task(count - 1) on count threads (task 0 on the caller's) and rethrows the
// first exception any of them threw.
void RunParallel(unsigned count, const std::function<void(unsigned)>& task);

// A cell as a number: NaN for a missing marker (empty, NA, NaN, null, #N/A), nothing when it is
// not a finite number. Spaces around it and a leading '+' are allowed.
[[nodiscard]] std::optional<double> ReadNumber(std::string_view text);
// Prices > 0, volume >= 0, high >= low: the first value that breaks one is an error at its cell.
// `values` are in plan order.
void CheckRowValues(const ColumnPlan& plan, const double* values, std::size_t line,
                    const std::string& file, const std::vector<std::string>& header);

// Times written without an offset are wall-clock times of `zone`: they become UTC instants. Dates
// alone stay dates (a daily bar keeps its day whatever the zone); a time the zone skips (the
// clocks jumped over it) is an error at its line.
void ApplySourceZone(ParsedRows& parsed, const Zone& zone, const ColumnPlan& plan,
                     const std::string& file);

// Line numbers per asset (0: no row on that date); assets read from one row share one vector.
using LineMap = std::vector<std::shared_ptr<const std::vector<std::size_t>>>;

// Orders rows by time and resolves duplicates under the policies; logs each repair.
void OrderRows(Table& rows, const LoadOptions& options, const std::string& file,
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
