// Shape detection: the header decides which column is the date, the symbol, each OHLCV field or
// each symbol's closing price.
#include <algorithm>
#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "loading.hpp"

namespace finml::data {

std::optional<Field> FieldFromHeader(std::string_view header) {
  const std::string lower = ToLower(Trim(header));
  if (lower == "open") return Field::kOpen;
  if (lower == "high") return Field::kHigh;
  if (lower == "low") return Field::kLow;
  if (lower == "close" || lower == "price") return Field::kClose;
  if (lower == "adj close" || lower == "adj_close" || lower == "adjclose" || lower == "adjusted" ||
      lower == "adj.close")
    return Field::kAdjClose;
  if (lower == "volume" || lower == "vol") return Field::kVolume;
  return std::nullopt;
}

}  // namespace finml::data

namespace finml::data::loading {

void ThrowRenamed(const std::string& file, const std::string& key, const std::string& old_name,
                  const std::string& new_name) {
  throw DataError(
      SourceLocation{file, 1, 0},
      fmt::format("{}: '{}' was renamed to '{}'", key, Excerpt(old_name), Excerpt(new_name)),
      fmt::format("name it '{}': drop, symbols and date_column use the new names",
                  Excerpt(new_name)));
}

namespace {

bool IsDateHeader(const std::string& lower) {
  return lower == "date" || lower == "datetime" || lower == "timestamp" || lower == "time" ||
         lower == "t" || lower == "obs" || lower == "index" || lower.empty();
}

}  // namespace

std::size_t FieldIndex(Field f) {
  return static_cast<std::size_t>(std::find(std::begin(kFieldOrder), std::end(kFieldOrder), f) -
                                  std::begin(kFieldOrder));
}

namespace {

std::optional<std::size_t> FindColumn(const std::vector<std::string>& names,
                                      const std::string& wanted) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (Trim(names[i]) == Trim(wanted)) return i;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (ToLower(Trim(names[i])) == ToLower(Trim(wanted))) return i;
  return std::nullopt;
}

[[noreturn]] void NoSuchColumn(const std::string& file, const std::string& key,
                               const std::string& wanted, const std::vector<std::string>& names,
                               const LoadOptions* options = nullptr) {
  if (options) {
    for (const auto& [from, to] : options->rename) {
      if (ToLower(Trim(from)) == ToLower(Trim(wanted))) ThrowRenamed(file, key, wanted, to);
    }
  }
  throw DataError(SourceLocation{file, 1, 0},
                  fmt::format("{}: no column '{}' in the file", key, Excerpt(wanted)),
                  fmt::format("did you mean '{}'? columns: {}", ClosestMatch(wanted, names),
                              Excerpt(JoinStrings(names, ", "), 400)));
}

// The time column: the one the user named; else the one named like a date, unless it holds no
// dates while another column does (an observation number beside real dates); else the only
// column holding dates; else the first. Two columns of times is a question for the user.
void ChooseDateColumn(ColumnPlan& plan, const std::vector<std::string>& lower,
                      const std::vector<std::string>& first_row, const LoadOptions& options,
                      std::vector<bool>& ignored, const std::string& file) {
  const auto& names = plan.names;
  // A column headed as dates (date_inferred, trade_date, Date) may write them 19850102.
  auto headed_as_dates = [&](std::size_t i) {
    return IsDateHeader(lower[i]) || lower[i].find("date") != std::string::npos ||
           lower[i].find("time") != std::string::npos;
  };
  std::vector<std::size_t> holding_times;
  for (std::size_t i = 0; i < first_row.size() && i < names.size(); ++i) {
    if (ignored[i]) continue;
    const std::string cell = Trim(first_row[i]);
    if (ParseTimestamp(cell) || (headed_as_dates(i) && ExtendedFromBasicDate(cell)))
      holding_times.push_back(i);
  }
  auto holds_time = [&](std::size_t i) {
    return std::find(holding_times.begin(), holding_times.end(), i) != holding_times.end();
  };
  std::optional<std::size_t> named;
  for (std::size_t i = 0; i < lower.size() && !named; ++i)
    if (!ignored[i] && IsDateHeader(lower[i]) && !lower[i].empty()) named = i;
  if (!options.date_column.empty()) {
    auto col = FindColumn(names, options.date_column);
    if (!col) NoSuchColumn(file, "date_column", options.date_column, names, &options);
    plan.date_col = *col;
  } else if (named && (holding_times.empty() || holds_time(*named) ||
                       (*named < first_row.size() && Trim(first_row[*named]).empty()))) {
    // A date-named column keeps its role when its first cell is blank: that is a missing date
    // (reported at its line), not evidence that another column holds the times.
    plan.date_col = *named;
  } else if (holding_times.size() == 1) {
    plan.date_col = holding_times.front();
    if (named) {
      ignored[*named] = true;
      plan.notes.push_back(fmt::format("column '{}' is not used: the dates are in '{}'",
                                       names[*named], names[plan.date_col]));
    }
  } else if (holding_times.size() > 1) {
    std::vector<std::string> which;
    for (auto i : holding_times) which.push_back("'" + names[i] + "'");
    throw DataError(
        SourceLocation{file, 1, holding_times[1] + 1},
        fmt::format("{} columns hold times ({}); which one is the time of each row?", which.size(),
                    JoinStrings(which, ", ")),
        fmt::format("choose it: 'date_column: {}' in the data section, or --date-column {} (with "
                    "--timezone ZONE to show the times in another zone); the others are then "
                    "left out",
                    names[holding_times.back()], names[holding_times.back()]));
  } else {
    plan.date_col = 0;
    plan.date_named = lower.empty() ? false : lower[0].empty();
    return;
  }
  plan.date_named = true;
  for (auto i : holding_times) {
    if (i == plan.date_col) continue;
    ignored[i] = true;
    plan.notes.push_back(
        fmt::format("column '{}' holds times too and is not used (the time "
                    "column is '{}')",
                    names[i], names[plan.date_col]));
  }
}

}  // namespace

ColumnPlan PlanColumns(const std::vector<std::string>& header,
                       const std::vector<std::string>& first_row, const LoadOptions& options,
                       const std::string& file) {
  ColumnPlan plan;
  plan.names = header;
  // Long-panel symbol choices are only known once the shape is: collect what is not a column.
  std::vector<std::pair<std::string, std::string>> unmatched_renames;
  for (const auto& [from, to] : options.rename) {
    if (auto col = FindColumn(header, from)) {
      plan.names[*col] = to;
    } else {
      unmatched_renames.emplace_back(from, to);
    }
  }
  // Two columns of one name would be one asset counted twice (or the wrong one chosen).
  for (const auto& [from, to] : options.rename) {
    std::size_t named = 0;
    for (const auto& name : plan.names) named += Trim(name) == Trim(to) ? 1 : 0;
    if (named > 1) {
      throw DataError(SourceLocation{file, 1, 0},
                      fmt::format("rename {}={} gives two columns named '{}'", Excerpt(from),
                                  Excerpt(to), Excerpt(to)),
                      "rename to a name the file does not use (drop matches the new names, "
                      "so drop the other column under a name of its own)");
    }
  }
  for (std::size_t i = 0; i < options.symbols.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (ToLower(Trim(options.symbols[i])) == ToLower(Trim(options.symbols[j]))) {
        throw DataError(SourceLocation{file, 1, 0},
                        fmt::format("symbols names '{}' twice", Excerpt(options.symbols[i])),
                        "list each asset once");
      }
    }
  }
  std::vector<bool> ignored(header.size(), false);
  std::vector<std::string> unmatched_drops;
  for (const auto& name : options.drop) {
    if (auto col = FindColumn(plan.names, name)) {
      ignored[*col] = true;
    } else {
      unmatched_drops.push_back(name);
    }
  }
  const auto& names = plan.names;
  std::vector<std::string> lower;
  for (const auto& h : names) lower.push_back(ToLower(Trim(h)));
  ChooseDateColumn(plan, lower, first_row, options, ignored, file);
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (i != plan.date_col && !ignored[i] && (lower[i] == "symbol" || lower[i] == "ticker"))
      plan.symbol_col = i;
  }
  const bool long_panel =
      options.shape ? *options.shape == Shape::kLongPanel : plan.symbol_col.has_value();
  if (!long_panel) {
    if (!unmatched_renames.empty())
      NoSuchColumn(file, "rename", unmatched_renames.front().first, header);
    if (!unmatched_drops.empty())
      NoSuchColumn(file, "drop", unmatched_drops.front(), names, &options);
  }
  for (const auto& [from, to] : unmatched_renames) plan.symbol_rename.emplace(from, to);
  plan.symbol_drop = unmatched_drops;
  // A wide panel's `symbols` are its columns: the others are never read, so a broken column
  // that is not wanted does not stop the load.
  const bool symbols_are_columns =
      !long_panel && !options.symbols.empty() &&
      std::all_of(options.symbols.begin(), options.symbols.end(),
                  [&](const std::string& s) { return FindColumn(names, s).has_value(); });
  if (symbols_are_columns) {
    std::vector<bool> keep(names.size(), false);
    for (const auto& s : options.symbols) keep[*FindColumn(names, s)] = true;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const bool structural = i == plan.date_col || FieldFromHeader(lower[i]).has_value();
      if (!keep[i] && !structural) ignored[i] = true;
    }
  } else if (long_panel) {
    plan.symbol_keep = options.symbols;
  }
  // A wide panel's columns are its assets: one name twice would be two assets under one name,
  // and every output keyed by asset would keep only one of them.
  if (!long_panel) {
    for (std::size_t i = 0; i < names.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (!ignored[i] && !ignored[j] && i != plan.date_col && j != plan.date_col &&
            Trim(names[i]) == Trim(names[j]))
          throw DataError(SourceLocation{file, 1, i + 1},
                          fmt::format("column '{}' appears twice (columns {} and {})",
                                      Excerpt(names[i]), j + 1, i + 1),
                          "rename one of them (--rename OLD=NEW renames the first), or --drop it");
  }
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (ignored[i] || i == plan.date_col || (plan.symbol_col && i == *plan.symbol_col)) continue;
    if (auto f = FieldFromHeader(lower[i])) {
      for (const auto& [existing, col] : plan.fields) {
        if (existing == *f) {
          throw DataError(SourceLocation{file, 1, i + 1},
                          fmt::format("column '{}' repeats field '{}' (already column {})",
                                      names[i], EnumName(*f), col + 1),
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
  } else if (std::count(ignored.begin(), ignored.end(), false) == 2) {
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
                                  names[unknown.front()], EnumName(shape)),
                      "remove the column, or load the file as a wide panel");
    }
  } else {
    // Close-only and wide panels: every non-date column is one symbol's closing price.
    plan.fields.clear();
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i == plan.date_col || ignored[i]) continue;
      std::string name = Trim(names[i]);
      if (name.empty()) {
        throw DataError(SourceLocation{file, 1, i + 1}, "empty column name",
                        "give every price column a symbol name");
      }
      if (shape == Shape::kCloseOnly && (lower[i] == "close" || lower[i] == "price")) {
        name =
            options.symbol.empty() ? std::filesystem::path(file).stem().string() : options.symbol;
      }
      plan.symbol_columns.emplace_back(name, i);
    }
    if (plan.symbol_columns.empty()) {
      if (header.size() == 1 && header[0].find(';') != std::string::npos) {
        throw DataError(SourceLocation{file, 1, 0},
                        "the header is one column holding ';': the file is separated by "
                        "semicolons",
                        "save it with commas as separators (and points as decimal marks)");
      }
      if (!options.drop.empty() || !options.symbols.empty()) {
        throw DataError(SourceLocation{file, 1, 0},
                        "drop and symbols leave no price column besides the date",
                        "keep at least one price column; a column both dropped and listed in "
                        "symbols is dropped");
      }
      throw DataError(SourceLocation{file, 1, 0}, "no price column besides the date",
                      "add at least one price column");
    }
  }
  // `symbol` names the one asset of a single-asset file; on a panel it used to be ignored, and a
  // user who meant "only gold" trained on every column.
  if (!options.symbol.empty()) {
    if (plan.shape == Shape::kLongPanel || plan.symbol_columns.size() > 1) {
      std::vector<std::string> assets;
      for (const auto& [name, col] : plan.symbol_columns) assets.push_back(name);
      throw DataError(
          SourceLocation{file, 1, 0},
          fmt::format(
              "'symbol: {}' names the asset of a single-asset file, but this file holds "
              "several assets{}",
              options.symbol,
              assets.empty() ? " (a symbol column)" : " (" + JoinStrings(assets, ", ") + ")"),
          fmt::format("to keep some of them, use 'symbols: [{}]' (on the command line: "
                      "--symbols {}; with finml run, --set data.symbols=[{}])",
                      options.symbol, options.symbol, options.symbol));
    }
    if (plan.shape != Shape::kOhlcv && !plan.symbol_columns.empty())
      plan.symbol_columns.front().first = options.symbol;
  }
  if (symbols_are_columns) {
    // The user's order, not the file's.
    std::vector<std::pair<std::string, std::size_t>> ordered;
    for (const auto& s : options.symbols) {
      const std::size_t col = *FindColumn(names, s);
      for (const auto& entry : plan.symbol_columns)
        if (entry.second == col) ordered.push_back(entry);
    }
    plan.symbol_columns = std::move(ordered);
  } else if (!long_panel && !options.symbols.empty() && plan.symbol_columns.size() > 1) {
    for (const auto& s : options.symbols)
      if (!FindColumn(names, s)) NoSuchColumn(file, "symbols", s, names, &options);
  } else if (!long_panel && !options.symbols.empty()) {
    // One asset (OHLCV, or a close column named after the file): `symbols` can only name it.
    std::string asset = plan.shape == Shape::kOhlcv
                            ? (options.symbol.empty() ? std::filesystem::path(file).stem().string()
                                                      : options.symbol)
                            : plan.symbol_columns.front().first;
    for (const auto& s : options.symbols) {
      if (s != asset) {
        std::vector<std::string> columns;
        for (std::size_t i = 0; i < names.size(); ++i)
          if (i != plan.date_col) columns.push_back(names[i]);
        throw DataError(
            SourceLocation{file, 1, 0},
            fmt::format("symbols: no asset '{}' in the file (it holds one asset, "
                        "'{}'; its columns are {})",
                        Excerpt(s), asset, JoinStrings(columns, ", ")),
            fmt::format("use symbols: [{}], or name the asset with symbol: {}", asset, Excerpt(s)));
      }
    }
  }
  return plan;
}

}  // namespace finml::data::loading
