#include "finml/data/loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"

namespace finml::data {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<Field> FieldFromHeader(const std::string& lower) {
  if (lower == "open") return Field::kOpen;
  if (lower == "high") return Field::kHigh;
  if (lower == "low") return Field::kLow;
  if (lower == "close" || lower == "price") return Field::kClose;
  if (lower == "adj close" || lower == "adj_close" || lower == "adjclose" ||
      lower == "adjusted" || lower == "adj.close")
    return Field::kAdjClose;
  if (lower == "volume" || lower == "vol") return Field::kVolume;
  return std::nullopt;
}

bool IsDateHeader(const std::string& lower) {
  return lower == "date" || lower == "datetime" || lower == "timestamp" || lower == "time" ||
         lower == "t" || lower == "obs" || lower == "index" || lower.empty();
}

bool IsMissingText(std::string_view s) {
  return s.empty() || s == "NA" || s == "NaN" || s == "nan" || s == "null" || s == "NULL" ||
         s == "#N/A";
}

// Parses a number; NaN for a missing marker. Throws with the cell's location otherwise.
double ParseNumber(std::string_view text, const CsvReader& reader, std::size_t col,
                   const std::string& column_name) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (IsMissingText(s)) return kNaN;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) {
    throw DataError(reader.Where(col),
                    fmt::format("cannot parse '{}' as a number in column '{}'", text, column_name),
                    "write a plain decimal number, or leave the cell empty for a missing value");
  }
  return value;
}

struct ColumnPlan {
  std::size_t date_col = 0;
  std::optional<std::size_t> symbol_col;
  // For OHLCV / long: field -> column. For wide / close-only: symbol columns.
  std::vector<std::pair<Field, std::size_t>> fields;
  std::vector<std::pair<std::string, std::size_t>> symbol_columns;
  Shape shape = Shape::kCloseOnly;
};

ColumnPlan PlanColumns(const std::vector<std::string>& header, const LoadOptions& options,
                       const std::string& file) {
  ColumnPlan plan;
  std::vector<std::string> lower;
  for (const auto& h : header) lower.push_back(ToLower(Trim(h)));
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (IsDateHeader(lower[i]) && lower[i] != "") {
      plan.date_col = i;
      break;
    }
  }
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (i != plan.date_col && (lower[i] == "symbol" || lower[i] == "ticker")) plan.symbol_col = i;
  }
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (i == plan.date_col || (plan.symbol_col && i == *plan.symbol_col)) continue;
    if (auto f = FieldFromHeader(lower[i])) {
      for (const auto& [existing, col] : plan.fields) {
        if (existing == *f) {
          throw DataError(SourceLocation{file, 1, i + 1},
                          fmt::format("column '{}' repeats field '{}' (already column {})",
                                      header[i], EnumName(*f), col + 1),
                          "rename or remove one of the two columns");
        }
      }
      plan.fields.emplace_back(*f, i);
    } else {
      unknown.push_back(i);
    }
  }
  bool has_close = std::any_of(plan.fields.begin(), plan.fields.end(), [](const auto& p) {
    return p.first == Field::kClose || p.first == Field::kAdjClose;
  });

  Shape shape;
  if (options.shape) {
    shape = *options.shape;
  } else if (plan.symbol_col) {
    shape = Shape::kLongPanel;
  } else if (has_close && plan.fields.size() >= 2) {
    // Several OHLCV names make the intent clear; any other column is then reported as unexpected.
    shape = Shape::kOhlcv;
  } else if (has_close && unknown.empty()) {
    shape = Shape::kCloseOnly;
  } else if (header.size() == 2) {
    shape = Shape::kCloseOnly;
  } else {
    shape = Shape::kWidePanel;
  }
  plan.shape = shape;

  if (shape == Shape::kLongPanel || shape == Shape::kOhlcv) {
    if (shape == Shape::kLongPanel && !plan.symbol_col) {
      throw DataError(SourceLocation{file, 1, 0}, "a long panel needs a 'symbol' column",
                      "add a symbol column or load the file as another shape");
    }
    if (!has_close) {
      throw DataError(SourceLocation{file, 1, 0}, "no 'close' column in the header",
                      "name the closing-price column Close (or Adj Close)");
    }
    if (!unknown.empty()) {
      throw DataError(SourceLocation{file, 1, unknown.front() + 1},
                      fmt::format("unexpected column '{}' in {} data (expected one of date, "
                                  "symbol, open, high, low, close, adj close, volume)",
                                  header[unknown.front()], EnumName(shape)),
                      "remove the column, or load the file as a wide panel");
    }
  } else {
    // Close-only and wide panels: every non-date column is one symbol's closing price.
    plan.fields.clear();
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i == plan.date_col) continue;
      std::string name = Trim(header[i]);
      if (name.empty()) {
        throw DataError(SourceLocation{file, 1, i + 1}, "empty column name",
                        "give every price column a symbol name");
      }
      if (shape == Shape::kCloseOnly && (lower[i] == "close" || lower[i] == "price")) {
        name = options.symbol.empty() ? std::filesystem::path(file).stem().string()
                                      : options.symbol;
      }
      plan.symbol_columns.emplace_back(name, i);
    }
    if (plan.symbol_columns.empty()) {
      throw DataError(SourceLocation{file, 1, 0}, "no price column besides the date",
                      "add at least one price column");
    }
  }
  return plan;
}

struct RawRow {
  Timestamp time;
  std::string label;
  std::size_t line;
  std::vector<double> values;  // in plan order (fields, or symbol columns)
};

void CheckRowValues(const ColumnPlan& plan, const RawRow& row, const std::string& file,
                    const std::vector<std::string>& header) {
  auto loc = [&](std::size_t col) { return SourceLocation{file, row.line, col + 1}; };
  auto price_check = [&](double v, std::size_t col) {
    if (!std::isnan(v) && v <= 0) {
      throw DataError(loc(col), fmt::format("non-positive price {} in column '{}'", v, header[col]),
                      "prices must be > 0; correct the value or leave it empty as missing");
    }
  };
  if (plan.shape == Shape::kWidePanel || plan.shape == Shape::kCloseOnly) {
    for (std::size_t k = 0; k < plan.symbol_columns.size(); ++k)
      price_check(row.values[k], plan.symbol_columns[k].second);
    return;
  }
  double high = kNaN, low = kNaN;
  std::size_t high_col = 0;
  for (std::size_t k = 0; k < plan.fields.size(); ++k) {
    auto [field, col] = plan.fields[k];
    double v = row.values[k];
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

// Orders rows by time and resolves duplicates under the policies; logs each repair.
void OrderRows(std::vector<RawRow>& rows, const LoadOptions& options, const std::string& file,
               std::size_t date_col, const std::string& what, std::vector<Repair>& repairs) {
  bool sorted = true;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].time < rows[i - 1].time) {
      if (options.order == OrderPolicy::kError) {
        throw DataError(SourceLocation{file, rows[i].line, date_col + 1},
                        fmt::format("{}date '{}' comes before the previous row's '{}' (line {})",
                                    what, rows[i].label, rows[i - 1].label, rows[i - 1].line),
                        "sort the file by date, or load with order policy 'sort'");
      }
      sorted = false;
    }
  }
  if (!sorted) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const RawRow& a, const RawRow& b) { return a.time < b.time; });
    repairs.push_back({what + "rows sorted by date", rows.size()});
  }
  bool has_duplicates = false;
  for (std::size_t i = 1; i < rows.size() && !has_duplicates; ++i)
    has_duplicates = rows[i].time == rows[i - 1].time;
  if (!has_duplicates) return;  // the usual case: nothing to copy
  std::size_t removed = 0;
  std::vector<RawRow> kept;
  kept.reserve(rows.size());
  for (auto& row : rows) {
    if (!kept.empty() && kept.back().time == row.time) {
      if (options.duplicates == DuplicatePolicy::kError) {
        throw DataError(SourceLocation{file, row.line, date_col + 1},
                        fmt::format("{}duplicate date '{}' (also on line {})", what, row.label,
                                    kept.back().line),
                        "remove the duplicate row, or load with duplicates policy 'keep_last'");
      }
      kept.back() = std::move(row);
      ++removed;
    } else {
      kept.push_back(std::move(row));
    }
  }
  if (removed > 0) repairs.push_back({what + "duplicate dates resolved (kept last)", removed});
  rows = std::move(kept);
}

// Applies the missing-value policy across every asset and field at once, so a dropped date
// disappears for all assets and the panel stays aligned.
// Line numbers per asset; assets read from one row share one vector.
using LineMap = std::vector<std::shared_ptr<const std::vector<std::size_t>>>;

void ApplyMissingPolicy(MarketData& md, const LineMap& lines,
                        const std::vector<std::vector<std::size_t>>& field_columns,
                        const LoadOptions& options, const std::vector<std::string>& header) {
  constexpr Field kFields[] = {Field::kOpen,     Field::kHigh,   Field::kLow,
                               Field::kClose,    Field::kAdjClose, Field::kVolume};
  auto describe = [&](std::size_t a, std::size_t fi, std::size_t row) {
    std::size_t line = (*lines[a])[row];
    std::size_t col = field_columns[a][fi];
    std::string column = col < header.size() ? header[col] : EnumName(kFields[fi]);
    if (line == 0) {
      return std::make_pair(SourceLocation{md.source, 0, 0},
                            fmt::format("symbol '{}' has no row for date '{}'",
                                        md.assets[a].symbol, md.time_label[row]));
    }
    return std::make_pair(SourceLocation{md.source, line, col + 1},
                          fmt::format("missing value in column '{}' on date '{}'", column,
                                      md.time_label[row]));
  };
  const std::size_t n = md.rows();
  if (options.missing == MissingPolicy::kError) {
    // Column by column (cache-friendly), remembering the earliest row so the error names the
    // first problem in the file.
    std::size_t first_row = n, first_asset = 0, first_field = 0;
    for (std::size_t a = 0; a < md.assets.size(); ++a) {
      for (std::size_t fi = 0; fi < 6; ++fi) {
        const auto& v = md.assets[a].Get(kFields[fi]);
        auto it = std::find_if(v.begin(), v.end(), [](double x) { return std::isnan(x); });
        auto row = static_cast<std::size_t>(it - v.begin());
        if (it != v.end() && row < first_row) {
          first_row = row;
          first_asset = a;
          first_field = fi;
        }
      }
    }
    if (first_row < n) {
      auto [where, problem] = describe(first_asset, first_field, first_row);
      throw DataError(where, problem,
                      "fill the value, or set the missing policy to 'ffill' or 'drop'");
    }
    return;
  }
  if (options.missing == MissingPolicy::kKeep) {
    std::size_t kept = 0;
    for (const auto& asset : md.assets)
      for (Field f : kFields) {
        const auto& v = asset.Get(f);
        kept += static_cast<std::size_t>(std::count_if(v.begin(), v.end(),
                                                       [](double x) { return std::isnan(x); }));
      }
    if (kept > 0) md.repairs.push_back({"missing values kept as gaps (halted or not listed)", kept});
    return;
  }
  if (options.missing == MissingPolicy::kForwardFill) {
    std::size_t filled = 0;
    for (std::size_t a = 0; a < md.assets.size(); ++a) {
      for (std::size_t fi = 0; fi < 6; ++fi) {
        auto& v = md.assets[a].Get(kFields[fi]);
        for (std::size_t row = 0; row < v.size(); ++row) {
          if (!std::isnan(v[row])) continue;
          if (row == 0 || std::isnan(v[row - 1])) {
            auto [where, problem] = describe(a, fi, row);
            throw DataError(where, problem + " and no earlier value to carry forward",
                            "use the missing policy 'drop', or trim the leading rows");
          }
          v[row] = v[row - 1];
          ++filled;
        }
      }
    }
    if (filled > 0) md.repairs.push_back({"missing values forward-filled", filled});
    return;
  }
  std::vector<char> keep(n, 1);
  for (std::size_t a = 0; a < md.assets.size(); ++a) {
    for (std::size_t fi = 0; fi < 6; ++fi) {
      const auto& v = md.assets[a].Get(kFields[fi]);
      for (std::size_t row = 0; row < v.size(); ++row)
        if (std::isnan(v[row])) keep[row] = 0;
    }
  }
  std::size_t dropped = n - static_cast<std::size_t>(std::count(keep.begin(), keep.end(), 1));
  if (dropped == 0) return;
  auto compact = [&](auto& vec) {
    if (vec.empty()) return;
    std::size_t out = 0;
    for (std::size_t row = 0; row < n; ++row)
      if (keep[row]) vec[out++] = vec[row];
    vec.resize(out);
  };
  compact(md.time);
  compact(md.time_label);
  for (auto& asset : md.assets)
    for (Field f : kFields) compact(asset.Get(f));
  md.repairs.push_back({"dates with a missing value dropped", dropped});
  if (md.rows() == 0) {
    throw InvalidInput(fmt::format("{}: every date had a missing value; nothing left after 'drop'",
                                   md.source));
  }
}

}  // namespace

Timestamp DecimalYearToTimestamp(double year) {
  const int whole = static_cast<int>(std::floor(year));
  const std::int64_t start = DaysFromCivil({whole, 1, 1});
  const std::int64_t next = DaysFromCivil({whole + 1, 1, 1});
  const double day = (year - whole) * static_cast<double>(next - start);
  return (start + static_cast<std::int64_t>(std::floor(day + 1e-9))) * kSecondsPerDay;
}

const options::Schema<LoadOptions>& LoadOptions::Schema() {
  static const auto schema = [] {
    using L = LoadOptions;
    options::Schema<L> s;
    s.Add("shape", &L::shape,
          "the file's shape (ohlcv, close_only, wide_panel, long_panel), or auto to detect it")
        .NullWord("auto");
    s.Add("symbol", &L::symbol, "the asset of a single-asset file (default: the file's name)");
    s.Add("missing", &L::missing,
          "missing values: error, ffill (carry the last value), drop (the row) or keep (gaps)");
    s.Add("order", &L::order, "dates out of order: error or sort");
    s.Add("duplicates", &L::duplicates, "repeated dates: error or keep_last");
    s.Add("decimal_year", &L::decimal_year,
          "the index is a decimal year (an R ts, e.g. 1991.4962), read as calendar days");
    return s;
  }();
  return schema;
}

MarketData LoadMarketData(const std::string& path, const LoadOptions& options) {
  std::string text = ReadFile(path);
  return ParseMarketData(text, path, options);
}

MarketData ParseMarketData(std::string_view text, const std::string& file_label,
                           const LoadOptions& options) {
  CsvReader reader(file_label, text);
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) {
    throw DataError(SourceLocation{file_label, 1, 0}, "the file is empty",
                    "provide a header row and at least two data rows");
  }
  std::vector<std::string> header(fields.begin(), fields.end());
  ColumnPlan plan = PlanColumns(header, options, file_label);

  MarketData md;
  md.source = file_label;
  md.shape = plan.shape;

  const bool by_symbol_columns =
      plan.shape == Shape::kWidePanel || plan.shape == Shape::kCloseOnly;
  const std::size_t width = by_symbol_columns ? plan.symbol_columns.size() : plan.fields.size();

  // Long panels: rows per symbol, in first-seen symbol order.
  std::vector<std::string> symbol_order;
  std::map<std::string, std::vector<RawRow>, std::less<>> per_symbol;
  std::vector<RawRow> rows;
  bool decided_calendar = false;
  std::size_t ordinal = 0;

  while (reader.Next(fields)) {
    if (fields.size() != header.size()) {
      throw DataError(SourceLocation{file_label, reader.line(), 0},
                      fmt::format("{} fields where the header has {}", fields.size(),
                                  header.size()),
                      "every row needs one value per header column; quote fields with commas");
    }
    RawRow row;
    row.line = reader.line();
    row.label = std::string(fields[plan.date_col]);
    auto t = ParseTimestamp(Trim(row.label));
    if (!decided_calendar) {
      md.calendar = t.has_value();
      decided_calendar = true;
    }
    if (md.calendar) {
      if (!t) {
        throw DataError(reader.Where(plan.date_col),
                        fmt::format("cannot parse '{}' as a date", row.label),
                        "use ISO dates like 2001-09-27 or 2001-09-27 15:30:00");
      }
      row.time = *t;
    } else {
      // No calendar: the column must be an increasing number (observation index, decimal year).
      double key = ParseNumber(row.label, reader, plan.date_col, header[plan.date_col]);
      if (std::isnan(key)) {
        throw DataError(reader.Where(plan.date_col), "missing date/index value",
                        "fill the date column");
      }
      if (!rows.empty() && !(key > std::stod(rows.back().label))) {
        throw DataError(reader.Where(plan.date_col),
                        fmt::format("index '{}' does not increase (previous '{}')", row.label,
                                    rows.back().label),
                        "sort the file by its index column");
      }
      row.time = options.decimal_year ? DecimalYearToTimestamp(key) : static_cast<Timestamp>(ordinal);
    }
    ++ordinal;
    row.values.resize(width);
    for (std::size_t k = 0; k < width; ++k) {
      std::size_t col = by_symbol_columns ? plan.symbol_columns[k].second : plan.fields[k].second;
      row.values[k] = ParseNumber(fields[col], reader, col, header[col]);
    }
    CheckRowValues(plan, row, file_label, header);
    if (plan.shape == Shape::kLongPanel) {
      std::string_view symbol = fields[*plan.symbol_col];
      if (Trim(symbol).empty()) {
        throw DataError(reader.Where(*plan.symbol_col), "empty symbol", "fill the symbol column");
      }
      auto it = per_symbol.find(symbol);
      if (it == per_symbol.end()) {
        symbol_order.emplace_back(symbol);
        it = per_symbol.emplace(std::string(symbol), std::vector<RawRow>{}).first;
      }
      it->second.push_back(std::move(row));
    } else {
      rows.push_back(std::move(row));
    }
  }
  if (ordinal == 0) {
    throw DataError(SourceLocation{file_label, 2, 0}, "no data rows after the header",
                    "add at least two rows of prices");
  }
  if (!md.calendar && options.decimal_year) {
    md.calendar = true;
    md.repairs.push_back({"decimal-year index read as approximate calendar dates", ordinal});
  }

  // Per asset: line of each aligned row (0 = no row) and source column of each field.
  LineMap lines;
  std::vector<std::vector<std::size_t>> field_columns;
  constexpr Field kFieldOrder[] = {Field::kOpen,     Field::kHigh,   Field::kLow,
                                   Field::kClose,    Field::kAdjClose, Field::kVolume};
  auto field_index = [&](Field f) {
    return static_cast<std::size_t>(std::find(std::begin(kFieldOrder), std::end(kFieldOrder), f) -
                                    std::begin(kFieldOrder));
  };
  const std::size_t kNoColumn = static_cast<std::size_t>(-1);

  if (plan.shape != Shape::kLongPanel) {
    OrderRows(rows, options, file_label, plan.date_col, "", md.repairs);
    const std::size_t n = rows.size();
    md.time.reserve(n);
    md.time_label.reserve(n);
    const bool intraday = std::any_of(rows.begin(), rows.end(), [](const RawRow& r) {
      return r.time % kSecondsPerDay != 0;
    });
    for (const auto& row : rows) {
      md.time.push_back(row.time);
      md.time_label.push_back(md.calendar ? FormatTimestamp(row.time, intraday) : Trim(row.label));
    }
    auto row_lines = std::make_shared<std::vector<std::size_t>>(n);
    for (std::size_t i = 0; i < n; ++i) (*row_lines)[i] = rows[i].line;
    if (by_symbol_columns) {
      for (std::size_t k = 0; k < width; ++k) {
        Bars bars;
        bars.symbol = plan.symbol_columns[k].first;
        bars.close.resize(n);
        for (std::size_t i = 0; i < n; ++i) bars.close[i] = rows[i].values[k];
        md.assets.push_back(std::move(bars));
        lines.push_back(row_lines);
        std::vector<std::size_t> cols(6, kNoColumn);
        cols[field_index(Field::kClose)] = plan.symbol_columns[k].second;
        field_columns.push_back(cols);
      }
    } else {
      Bars bars;
      bars.symbol = options.symbol.empty() ? std::filesystem::path(file_label).stem().string()
                                           : options.symbol;
      std::vector<std::size_t> cols(6, kNoColumn);
      for (std::size_t k = 0; k < width; ++k) {
        auto [field, col] = plan.fields[k];
        auto& v = bars.Get(field);
        v.resize(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = rows[i].values[k];
        cols[field_index(field)] = col;
      }
      md.assets.push_back(std::move(bars));
      lines.push_back(row_lines);
      field_columns.push_back(cols);
    }
  } else {
    // Long panel: order each symbol's rows, then align all symbols on the union calendar.
    std::vector<Timestamp> calendar;
    std::map<Timestamp, std::string> labels;
    for (const auto& symbol : symbol_order) {
      auto& srows = per_symbol[symbol];
      OrderRows(srows, options, file_label, plan.date_col, "symbol '" + symbol + "': ",
                md.repairs);
      for (const auto& r : srows) labels.emplace(r.time, r.label);
    }
    const bool intraday = std::any_of(labels.begin(), labels.end(), [](const auto& entry) {
      return entry.first % kSecondsPerDay != 0;
    });
    for (const auto& [t, label] : labels) {
      md.time.push_back(t);
      md.time_label.push_back(md.calendar ? FormatTimestamp(t, intraday) : Trim(label));
    }
    const std::size_t n = md.time.size();
    for (const auto& symbol : symbol_order) {
      const auto& srows = per_symbol[symbol];
      Bars bars;
      bars.symbol = symbol;
      std::vector<std::size_t> cols(6, kNoColumn);
      for (auto [field, col] : plan.fields) {
        bars.Get(field).assign(n, kNaN);
        cols[field_index(field)] = col;
      }
      std::vector<std::size_t> row_lines(n, 0);
      std::size_t j = 0;
      for (std::size_t i = 0; i < n && j < srows.size(); ++i) {
        if (md.time[i] != srows[j].time) continue;
        for (std::size_t k = 0; k < plan.fields.size(); ++k)
          bars.Get(plan.fields[k].first)[i] = srows[j].values[k];
        row_lines[i] = srows[j].line;
        ++j;
      }
      md.assets.push_back(std::move(bars));
      lines.push_back(std::make_shared<const std::vector<std::size_t>>(std::move(row_lines)));
      field_columns.push_back(cols);
    }
  }
  ApplyMissingPolicy(md, lines, field_columns, options, header);
  return md;
}

}  // namespace finml::data
