#include "finml/data/loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/mapped_file.hpp"
#include "finml/core/strings.hpp"
#include "loading.hpp"

namespace finml::data {

using namespace loading;

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
    s.Add("rename", &L::rename,
          "columns (or a long panel's symbols) to rename, OLD=NEW,..., before drop and symbols");
    s.Add("drop", &L::drop, "columns (or a long panel's symbols) to leave out");
    s.Add("symbols", &L::symbols, "the assets to keep, in this order (default: every one)");
    s.Add("date_column", &L::date_column,
          "the column of dates or times (default: the one named date, or the one holding dates)");
    s.Add("timezone", &L::timezone,
          "zone to show and count times in: an IANA name (Europe/Zurich), UTC or +02:00 "
          "(default: as written)");
    s.Add("source_timezone", &L::source_timezone,
          "zone of times written without an offset (default: timezone)");
    s.Add("resample", &L::resample,
          "group bars: Nmin, Nh, D, W or M (first open, max high, min low, last close, summed "
          "volume), or none")
        .NullWord("none");
    s.Add("bar_stamp", &L::bar_stamp,
          "what an intraday time marks: start (of its bar; pandas, most vendors) or end (e.g. "
          "16:00 closes); resampled bars are stamped the same way");
    s.Add("decimal_year", &L::decimal_year,
          "the index is a decimal year (an R ts, e.g. 1991.4962), read as calendar days");
    return s;
  }();
  return schema;
}

MarketData LoadMarketData(const std::string& path, const LoadOptions& options) {
  const MappedFile file(path);
  MarketData md;
  try {
    md = ParseMarketData(file.text(), path, options);
  } catch (const std::exception&) {
    // What failed to parse may be the zeros that stand in for the cut bytes: say what happened.
    if (!file.Shrank()) throw;
  }
  if (file.Shrank())
    throw IoError(
        fmt::format("{}: the file shrank while it was being read (another process "
                    "truncated or rewrote it); nothing was loaded (fix: load it again "
                    "once the writer has finished; a writer that writes aside and "
                    "renames into place never shows a reader half a file)",
                    path));
  // Repairs and choices change the data the user gave: say so, not only in the outputs' records.
  for (const auto& r : md.repairs)
    std::fprintf(stderr, "finml: data repair: %s: %zu\n", r.what.c_str(), r.count);
  for (const auto& n : md.notes) std::fprintf(stderr, "finml: note: %s\n", n.c_str());
  for (const auto& w : md.warnings) std::fprintf(stderr, "finml: warning: %s\n", w.c_str());
  return md;
}

namespace {

// Per asset: the line of each aligned row (0: none) and the source column of each field, so a
// missing value is reported at its cell.
struct CellPlaces {
  LineMap lines;
  std::vector<std::vector<std::size_t>> field_columns;
};

// One table (OHLCV of one asset, or one close column per asset): rows in date order. The table's
// columns move into the result.
CellPlaces AssembleTable(MarketData& md, Table& rows, const ColumnPlan& plan,
                         const LoadOptions& options, const std::string& file_label) {
  CellPlaces places;
  auto& lines = places.lines;
  auto& field_columns = places.field_columns;
  const bool by_symbol_columns = plan.shape == Shape::kWidePanel || plan.shape == Shape::kCloseOnly;
  const std::size_t width = by_symbol_columns ? plan.symbol_columns.size() : plan.fields.size();
  OrderRows(rows, options, file_label, plan.date_col, "", md.repairs);
  if (md.calendar) {
    md.time_label = CalendarLabels(rows.time);
  } else {
    md.time_label.reserve(rows.size());
    for (const auto& label : rows.label) md.time_label.push_back(Trim(label));
  }
  md.time = std::move(rows.time);
  auto row_lines = std::make_shared<std::vector<std::size_t>>(std::move(rows.line));
  if (by_symbol_columns) {
    for (std::size_t k = 0; k < width; ++k) {
      Bars bars;
      bars.symbol = plan.symbol_columns[k].first;
      bars.close = std::move(rows.values[k]);
      md.assets.push_back(std::move(bars));
      lines.push_back(row_lines);
      std::vector<std::size_t> cols(6, kNoColumn);
      cols[FieldIndex(Field::kClose)] = plan.symbol_columns[k].second;
      field_columns.push_back(cols);
    }
  } else {
    Bars bars;
    bars.symbol =
        options.symbol.empty() ? std::filesystem::path(file_label).stem().string() : options.symbol;
    std::vector<std::size_t> cols(6, kNoColumn);
    for (std::size_t k = 0; k < width; ++k) {
      auto [field, col] = plan.fields[k];
      bars.Get(field) = std::move(rows.values[k]);
      cols[FieldIndex(field)] = col;
    }
    md.assets.push_back(std::move(bars));
    lines.push_back(row_lines);
    field_columns.push_back(cols);
  }
  return places;
}

// A long panel: each symbol's rows in date order, aligned on the union of their dates.
CellPlaces AssemblePanel(MarketData& md, ParsedRows& parsed, const ColumnPlan& plan,
                         const LoadOptions& options, const std::string& file_label) {
  CellPlaces places;
  auto& lines = places.lines;
  auto& field_columns = places.field_columns;
  auto& symbol_order = parsed.symbol_order;
  auto& per_symbol = parsed.per_symbol;
  // Long panel: order each symbol's rows, then align all symbols on the union calendar.
  std::map<Timestamp, std::string> labels;
  for (const auto& symbol : symbol_order) {
    auto& srows = per_symbol[symbol];
    OrderRows(srows, options, file_label, plan.date_col, "symbol '" + symbol + "': ", md.repairs);
    for (std::size_t i = 0; i < srows.size(); ++i)
      labels.emplace(srows.time[i], std::string(srows.label[i]));
  }
  for (const auto& [t, label] : labels) {
    md.time.push_back(t);
    if (!md.calendar) md.time_label.push_back(Trim(label));
  }
  if (md.calendar) md.time_label = CalendarLabels(md.time);
  const std::size_t n = md.time.size();
  for (const auto& symbol : symbol_order) {
    const auto& srows = per_symbol[symbol];
    Bars bars;
    bars.symbol = symbol;
    std::vector<std::size_t> cols(6, kNoColumn);
    for (auto [field, col] : plan.fields) {
      bars.Get(field).assign(n, kNaN);
      cols[FieldIndex(field)] = col;
    }
    std::vector<std::size_t> row_lines(n, 0);
    std::size_t j = 0;
    for (std::size_t i = 0; i < n && j < srows.size(); ++i) {
      if (md.time[i] != srows.time[j]) continue;
      for (std::size_t k = 0; k < plan.fields.size(); ++k)
        bars.Get(plan.fields[k].first)[i] = srows.values[k][j];
      row_lines[i] = srows.line[j];
      ++j;
    }
    md.assets.push_back(std::move(bars));
    lines.push_back(std::make_shared<const std::vector<std::size_t>>(std::move(row_lines)));
    field_columns.push_back(cols);
  }
  return places;
}

}  // namespace

namespace {

// `single_asset_as` becomes `symbol` when the file turns out to hold one asset: the plan is
// made once without `symbols` (which would refuse the file's own name) to see.
LoadOptions NameTheSingleAsset(const std::vector<std::string>& header,
                               const std::vector<std::string>& first_row,
                               const LoadOptions& options, const std::string& file_label,
                               std::string& renamed_from) {
  if (options.single_asset_as.empty() || !options.symbol.empty()) return options;
  LoadOptions probe = options;
  probe.symbols.clear();
  const ColumnPlan plan = PlanColumns(header, first_row, probe, file_label);
  // A close column named for an asset (SPX) says which asset it is; only a name that came from
  // the file's name is replaced.
  const std::string stem = std::filesystem::path(file_label).stem().string();
  auto headed_close = [&](std::size_t col) {
    const std::string lower = ToLower(Trim(header[col]));
    return lower == "close" || lower == "price";
  };
  const bool named_by_file = plan.shape == Shape::kOhlcv ||
                             (plan.shape != Shape::kLongPanel && plan.symbol_columns.size() == 1 &&
                              headed_close(plan.symbol_columns.front().second));
  if (!named_by_file) return options;
  if (stem != options.single_asset_as) renamed_from = stem;
  LoadOptions named = options;
  named.symbol = options.single_asset_as;
  return named;
}

}  // namespace

MarketData ParseMarketData(std::string_view text, const std::string& file_label,
                           const LoadOptions& given) {
  CsvReader reader(file_label, text);
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) {
    throw DataError(SourceLocation{file_label, 1, 0}, "the file is empty",
                    "provide a header row and at least two data rows");
  }
  const std::vector<std::string> header(fields.begin(), fields.end());
  std::vector<std::string> first_row;
  {
    CsvReader peek(file_label, text);
    if (peek.Next(fields) && peek.Next(fields)) first_row.assign(fields.begin(), fields.end());
  }
  std::string renamed_from;
  const LoadOptions options =
      NameTheSingleAsset(header, first_row, given, file_label, renamed_from);
  const Zone source_zone =
      Zone::Parse(options.source_timezone.empty() ? options.timezone : options.source_timezone,
                  options.source_timezone.empty() ? "timezone" : "source_timezone");
  const ColumnPlan plan = PlanColumns(header, first_row, options, file_label);
  if (options.resample && options.signed_values) {
    throw InvalidInput(fmt::format(
        "{}: resample: a week's return is not its last day's return (fix: pass prices with "
        "--prices and resample those, or resample the returns before finml)",
        file_label));
  }
  ParsedRows parsed = ReadRows(reader, plan, plan.names, options, file_label);
  ApplySourceZone(parsed, source_zone, plan, file_label);

  MarketData md;
  md.source = file_label;
  md.shape = plan.shape;
  md.calendar = parsed.calendar;
  md.notes = plan.notes;
  if (!renamed_from.empty())
    md.notes.push_back(
        fmt::format("the file's one asset, '{}', is read as '{}'", renamed_from, options.symbol));
  if (!md.calendar && options.decimal_year) {
    md.calendar = true;
    md.repairs.push_back({"decimal-year index read as approximate calendar dates", parsed.count});
  }
  const CellPlaces places = plan.shape == Shape::kLongPanel
                                ? AssemblePanel(md, parsed, plan, options, file_label)
                                : AssembleTable(md, parsed.table, plan, options, file_label);
  ApplyMissingPolicy(md, places.lines, places.field_columns, options, plan.names);
  if (parsed.calendar) {
    const Zone zone = TargetZone(options, parsed, md);
    if (options.resample) {
      MarketData grouped = Resample(md, *options.resample, zone, options.bar_stamp);
      CheckIncreasing(grouped, zone, file_label);
      grouped.notes = std::move(md.notes);
      grouped.repairs.push_back({fmt::format("bars resampled to {} ({} bars from)",
                                             options.resample->Text(), grouped.rows()),
                                 md.rows()});
      md = std::move(grouped);
    } else if (!zone.IsNone()) {
      ToZoneTime(md, zone, file_label);
    }
    md.zone = zone.IsNone() ? "" : zone.name();
  } else if (options.resample) {
    md = Resample(md, *options.resample);  // refuses: no calendar
  } else if (!options.decimal_year && LooksLikeDecimalYears(md.time_label)) {
    md.notes.push_back(fmt::format(
        "the index ('{}' .. '{}') looks like decimal years (an R ts); decimal_year: true "
        "(--decimal-year) reads them as calendar dates",
        md.time_label.front(), md.time_label.back()));
  }
  if (!options.signed_values) WarnAbsurdMagnitudes(md);
  return md;
}

}  // namespace finml::data
