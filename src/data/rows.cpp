// Row parsing: each line's date (or increasing index) and values, checked cell by cell.
#include <fast_float/fast_float.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "loading.hpp"

namespace finml::data::loading {
namespace {

bool IsMissingText(std::string_view s) {
  return s.empty() || s == "NA" || s == "NaN" || s == "nan" || s == "null" || s == "NULL" ||
         s == "#N/A";
}

// Parses a number; NaN for a missing marker. Throws with the cell's location otherwise.
double ParseNumber(std::string_view text, const CsvReader& reader, std::size_t col,
                   const std::string& column_name) {
  if (const auto value = ReadNumber(text)) return *value;
  throw DataError(reader.Where(col),
                  fmt::format("cannot parse '{}' as a number in column '{}'", Excerpt(text),
                              Excerpt(column_name)),
                  "write a plain decimal number, or leave the cell empty for a missing value");
}

}  // namespace

// Rewritten so that it is read exactly as a date in the extended form is. Only eight digits naming
// a real day from 1800 to 2200 qualify.
std::optional<std::string> ExtendedFromBasicDate(std::string_view text) {
  if (text.size() != 8 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const CivilDate date{number(0, 4), static_cast<unsigned>(number(4, 2)),
                       static_cast<unsigned>(number(6, 2))};
  if (date.year < 1800 || date.year > 2200 || date.month < 1 || date.month > 12 || date.day < 1)
    return std::nullopt;
  const CivilDate round_trip = CivilFromDays(DaysFromCivil(date));
  if (round_trip.month != date.month || round_trip.day != date.day) return std::nullopt;
  return fmt::format("{}-{}-{}", text.substr(0, 4), text.substr(4, 2), text.substr(6, 2));
}

std::optional<double> ReadNumber(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (IsMissingText(s)) return kNaN;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  const char* end = s.data() + s.size();
  const auto fast = fast_float::from_chars(s.data(), end, value);
  // fast_float reads what std::from_chars reads, to the same double, except that it rounds a
  // number too small for a double to zero where std::from_chars reports it out of range: a zero
  // is settled by std::from_chars, as it always was.
  const auto [ptr, ec] = fast.ec == std::errc() && value == 0
                             ? std::from_chars(s.data(), end, value)
                             : std::from_chars_result{fast.ptr, fast.ec};
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

void CheckRowValues(const ColumnPlan& plan, const double* values, std::size_t line,
                    const std::string& file, const std::vector<std::string>& header) {
  auto loc = [&](std::size_t col) { return SourceLocation{file, line, col + 1}; };
  auto price_check = [&](double v, std::size_t col) {
    if (!std::isnan(v) && v <= 0) {
      throw DataError(loc(col), fmt::format("non-positive price {} in column '{}'", v, header[col]),
                      "prices must be > 0; correct the value or leave it empty as missing (a "
                      "file of returns is read by risk var and risk garch with --returns)");
    }
  };
  if (plan.shape == Shape::kWidePanel || plan.shape == Shape::kCloseOnly) {
    for (std::size_t k = 0; k < plan.symbol_columns.size(); ++k)
      price_check(values[k], plan.symbol_columns[k].second);
    return;
  }
  double high = kNaN, low = kNaN;
  std::size_t high_col = 0;
  for (std::size_t k = 0; k < plan.fields.size(); ++k) {
    auto [field, col] = plan.fields[k];
    double v = values[k];
    if (field == Field::kVolume) {
      if (!std::isnan(v) && v < 0) {
        throw DataError(loc(col), fmt::format("negative volume {}", v),
                        "volume must be >= 0; correct the value");
      }
    } else {
      price_check(v, col);
    }
    if (field == Field::kHigh) {
      high = v;
      high_col = col;
    }
    if (field == Field::kLow) low = v;
  }
  if (!std::isnan(high) && !std::isnan(low) && high < low) {
    throw DataError(loc(high_col), fmt::format("high {} is below low {}", high, low),
                    "swap or correct the high and low of this bar");
  }
}

namespace {

bool LooksNumeric(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

namespace {

ParsedRows ReadRowsOf(CsvReader& reader, const ColumnPlan& plan,
                      const std::vector<std::string>& header, const LoadOptions& options,
                      const std::string& file);

}  // namespace

ParsedRows ReadRows(CsvReader& reader, const ColumnPlan& plan,
                    const std::vector<std::string>& header, const LoadOptions& options,
                    const std::string& file) {
  const std::string_view data = reader.rest();
  if (auto parsed = ReadRowsInParallel(data, reader.next_line(), plan, header, options, file,
                                       ParseThreads(data.size())))
    return std::move(*parsed);
  return ReadRowsSerial(reader, plan, header, options, file);
}

// A file without a date column is read as prices indexed by its first column; when that fails,
// the likelier story is a table (loans, applicants) given to a command that reads prices.
ParsedRows ReadRowsSerial(CsvReader& reader, const ColumnPlan& plan,
                          const std::vector<std::string>& header, const LoadOptions& options,
                          const std::string& file) {
  try {
    return ReadRowsOf(reader, plan, header, options, file);
  } catch (const DataError& e) {
    if (plan.date_named || header.empty()) throw;
    throw DataError(
        e.where(),
        fmt::format("{}; the file has no date column (none is named date, datetime, timestamp, "
                    "time or index), so it was read as prices indexed by its first column '{}'",
                    e.problem(), Excerpt(header[plan.date_col])),
        FieldFromHeader(header[plan.date_col])
            ? "prices need a date column, first or named 'date' (finml orders and joins rows by "
              "their time)"
            : "prices need a date column, first or named 'date'; a table of applicants or loans "
              "goes to `finml credit train --data FILE --target COLUMN` or `finml credit score`");
  }
}

namespace {

// A long panel's rename, drop and symbols name symbols: rename the file's, drop and symbols the
// names after renaming (as for columns); two symbols may not end up with one name.
void CheckSymbolChoices(const ColumnPlan& plan, const std::set<std::string, std::less<>>& seen,
                        const std::string& file) {
  auto missing = [&](const std::string& key, const std::string& name,
                     const std::set<std::string, std::less<>>& names) {
    std::vector<std::string> all(names.begin(), names.end());
    throw DataError(SourceLocation{file, 1, 0},
                    fmt::format("{}: no column or symbol '{}' in the file", key, Excerpt(name)),
                    fmt::format("did you mean '{}'? symbols: {}", ClosestMatch(name, all),
                                Excerpt(JoinStrings(all, ", "), 400)));
  };
  for (const auto& [from, to] : plan.symbol_rename)
    if (!seen.count(from)) missing("rename", from, seen);
  std::set<std::string, std::less<>> renamed;
  for (const auto& symbol : seen) {
    const auto it = plan.symbol_rename.find(symbol);
    const std::string& name = it == plan.symbol_rename.end() ? symbol : it->second;
    if (!renamed.insert(name).second) {
      throw DataError(SourceLocation{file, 1, 0},
                      fmt::format("rename gives two symbols the name '{}'", Excerpt(name)),
                      "rename to a name the file does not use");
    }
  }
  auto check = [&](const std::string& key, const std::string& name) {
    if (renamed.count(name)) return;
    if (const auto it = plan.symbol_rename.find(name); it != plan.symbol_rename.end())
      ThrowRenamed(file, key, name, it->second);
    missing(key, name, renamed);
  };
  for (const auto& name : plan.symbol_drop) check("drop", name);
  for (const auto& name : plan.symbol_keep) check("symbols", name);
}

// The record being read; its values wait in a buffer reused for every record.
struct Row {
  Timestamp time = 0;
  std::size_t line = 0;
  std::string_view label;
  bool naive = false;
};

void Append(Table& table, const Row& row, const std::vector<double>& values,
            const CsvReader& reader) {
  table.time.push_back(row.time);
  table.line.push_back(row.line);
  // A quoted date with doubled quotes lives in the reader's scratch until the next record.
  table.label.push_back(reader.InText(row.label) ? row.label
                                                 : table.owned_labels.emplace_back(row.label));
  table.naive.push_back(row.naive ? 1 : 0);
  for (std::size_t k = 0; k < values.size(); ++k) table.values[k].push_back(values[k]);
}

ParsedRows ReadRowsOf(CsvReader& reader, const ColumnPlan& plan,
                      const std::vector<std::string>& header, const LoadOptions& options,
                      const std::string& file) {
  std::set<std::string, std::less<>> seen_symbols;
  const bool by_symbol_columns = plan.shape == Shape::kWidePanel || plan.shape == Shape::kCloseOnly;
  const std::size_t width = by_symbol_columns ? plan.symbol_columns.size() : plan.fields.size();
  ParsedRows out;
  out.table = Table(width);
  auto& rows = out.table;
  std::vector<std::string_view> fields;
  std::vector<double> values(width);
  bool decided_calendar = false;
  bool basic_dates = false;  // 19850102
  bool labels_only = false;
  double previous_key = 0;
  std::size_t ordinal = 0;

  while (reader.Next(fields)) {
    if (fields.size() != header.size()) {
      throw DataError(
          SourceLocation{file, reader.line(), 0},
          fmt::format("{} fields where the header has {}", fields.size(), header.size()),
          "every row needs one value per header column; quote fields with commas");
    }
    Row row;
    row.line = reader.line();
    row.label = fields[plan.date_col];
    std::optional<std::string> extended;
    if (basic_dates ||
        (!decided_calendar && plan.date_named && !Trim(header[plan.date_col]).empty()))
      extended = ExtendedFromBasicDate(Trim(row.label));
    if (!decided_calendar && extended) basic_dates = true;
    const auto parsed_time = ParseTime(extended ? std::string_view(*extended) : Trim(row.label));
    std::optional<Timestamp> t;
    if (parsed_time) {
      t = parsed_time->time;
      out.timed |= parsed_time->has_time;
      if (parsed_time->offset) {
        out.offsets.insert(*parsed_time->offset);
      } else {
        out.naive_times = true;
        row.naive = true;
      }
    }
    if (!decided_calendar) {
      // Dates, or else an increasing number (an observation index or a decimal year); a first
      // cell that is neither is a date finml cannot read, not a number gone wrong.
      out.calendar = t.has_value();
      // A returns file keeps its rows in order whatever labels them (1990-01, Q1 2001): the
      // risk commands read it as a sequence, as they always have.
      labels_only = !out.calendar && options.signed_values && !LooksNumeric(Trim(row.label));
      if (!out.calendar && !labels_only && !LooksNumeric(Trim(row.label))) {
        throw DataError(reader.Where(plan.date_col),
                        fmt::format("cannot read '{}' as a date", Excerpt(row.label)),
                        "use ISO dates like 2001-09-27, 2001-09-27 15:30:00 or "
                        "2001-09-27T15:30:00+05:00 (US dates like 09/27/2001 are ambiguous)");
      }
      decided_calendar = true;
    }
    if (out.calendar) {
      if (!t) {
        throw DataError(reader.Where(plan.date_col),
                        fmt::format("cannot read '{}' as a date", Excerpt(row.label)),
                        basic_dates ? std::string("the first dates are written YYYYMMDD "
                                                  "(19850102): write every date so")
                                    : std::string("use ISO dates like 2001-09-27, 2001-09-27 "
                                                  "15:30:00 or 2001-09-27T15:30:00+05:00"));
      }
      row.time = *t;
    } else if (labels_only) {
      row.time = static_cast<Timestamp>(ordinal);
    } else {
      // No calendar: the column must be an increasing number (observation index, decimal year).
      double key = ParseNumber(row.label, reader, plan.date_col, header[plan.date_col]);
      if (std::isnan(key)) {
        throw DataError(reader.Where(plan.date_col), "missing date/index value",
                        "fill the date column");
      }
      // The previous key as parsed, not re-read from its text (std::stod throws on a
      // subnormal such as 1e-320, which from_chars accepts).
      if (rows.size() > 0 && !(key > previous_key)) {
        throw DataError(reader.Where(plan.date_col),
                        fmt::format("index '{}' does not increase (previous '{}')", row.label,
                                    rows.label.back()),
                        options.date_column.empty()
                            ? "sort the file by its index column"
                            : fmt::format("sort the file by it, or choose the column of dates "
                                          "with date_column (now '{}')",
                                          Excerpt(options.date_column)));
      }
      previous_key = key;
      if (options.decimal_year && !(key >= 1 && key < 10000)) {
        throw DataError(reader.Where(plan.date_col),
                        fmt::format("'{}' is not a decimal year", Excerpt(row.label)),
                        "decimal_year reads years such as 1991.4962; leave it out for an "
                        "observation index");
      }
      row.time =
          options.decimal_year ? DecimalYearToTimestamp(key) : static_cast<Timestamp>(ordinal);
    }
    ++ordinal;
    // A long panel's unwanted symbols are skipped before their values are read.
    std::string symbol;
    if (plan.shape == Shape::kLongPanel) {
      symbol = Trim(fields[*plan.symbol_col]);
      if (symbol.empty()) {
        throw DataError(reader.Where(*plan.symbol_col), "empty symbol", "fill the symbol column");
      }
      if (seen_symbols.size() < 100000) seen_symbols.insert(symbol);
      if (auto it = plan.symbol_rename.find(symbol); it != plan.symbol_rename.end())
        symbol = it->second;
      const auto listed = [&](const std::vector<std::string>& names) {
        return std::find(names.begin(), names.end(), symbol) != names.end();
      };
      if (listed(plan.symbol_drop) || (!plan.symbol_keep.empty() && !listed(plan.symbol_keep)))
        continue;
    }
    for (std::size_t k = 0; k < width; ++k) {
      std::size_t col = by_symbol_columns ? plan.symbol_columns[k].second : plan.fields[k].second;
      values[k] = ParseNumber(fields[col], reader, col, header[col]);
    }
    if (!options.signed_values) CheckRowValues(plan, values.data(), row.line, file, header);
    if (plan.shape == Shape::kLongPanel) {
      auto it = out.per_symbol.find(symbol);
      if (it == out.per_symbol.end()) {
        out.symbol_order.emplace_back(symbol);
        it = out.per_symbol.emplace(std::string(symbol), Table(width)).first;
      }
      Append(it->second, row, values, reader);
    } else {
      Append(rows, row, values, reader);
    }
  }
  if (ordinal == 0) {
    throw DataError(SourceLocation{file, 2, 0}, "no data rows after the header",
                    "add at least two rows of prices");
  }

  if (plan.shape == Shape::kLongPanel) {
    CheckSymbolChoices(plan, seen_symbols, file);
    if (out.per_symbol.empty()) {
      throw DataError(SourceLocation{file, 1, 0}, "drop and symbols leave no symbol to load",
                      "keep at least one of the file's symbols");
    }
    if (!plan.symbol_keep.empty()) {
      // The user's order, not the file's.
      std::vector<std::string> ordered;
      for (const auto& s : plan.symbol_keep)
        if (out.per_symbol.count(s)) ordered.push_back(s);
      out.symbol_order = std::move(ordered);
    }
  }
  out.count = ordinal;
  return out;
}

}  // namespace

}  // namespace finml::data::loading
