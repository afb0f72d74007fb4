// Shape detection: the header decides which column is the date, the symbol, each OHLCV field or
// each symbol's closing price.
#include <algorithm>
#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "loading.hpp"

namespace finml::data::loading {
namespace {

std::optional<Field> FieldFromHeader(const std::string& lower) {
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

bool IsDateHeader(const std::string& lower) {
  return lower == "date" || lower == "datetime" || lower == "timestamp" || lower == "time" ||
         lower == "t" || lower == "obs" || lower == "index" || lower.empty();
}

}  // namespace

std::size_t FieldIndex(Field f) {
  return static_cast<std::size_t>(std::find(std::begin(kFieldOrder), std::end(kFieldOrder), f) -
                                  std::begin(kFieldOrder));
}

ColumnPlan PlanColumns(const std::vector<std::string>& header, const LoadOptions& options,
                       const std::string& file) {
  ColumnPlan plan;
  std::vector<std::string> lower;
  for (const auto& h : header) lower.push_back(ToLower(Trim(h)));
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (IsDateHeader(lower[i]) && lower[i] != "") {
      plan.date_col = i;
      plan.date_named = true;
      break;
    }
  }
  // An unnamed first column is how pandas writes its index: dates, as a rule.
  if (!lower.empty() && lower[0].empty()) plan.date_named = true;
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
        name =
            options.symbol.empty() ? std::filesystem::path(file).stem().string() : options.symbol;
      }
      plan.symbol_columns.emplace_back(name, i);
    }
    if (plan.symbol_columns.empty()) {
      throw DataError(SourceLocation{file, 1, 0}, "no price column besides the date",
                      "add at least one price column");
    }
  }
  // `symbol` names the one asset of a single-asset file; on a panel it used to be ignored, and a
  // user who meant "only gold" trained on every column.
  if (!options.symbol.empty()) {
    if (plan.shape == Shape::kLongPanel || plan.symbol_columns.size() > 1) {
      std::vector<std::string> names;
      for (const auto& [name, col] : plan.symbol_columns) names.push_back(name);
      throw DataError(
          SourceLocation{file, 1, 0},
          fmt::format("'symbol: {}' names the asset of a single-asset file, but this file holds "
                      "several assets{}",
                      options.symbol,
                      names.empty() ? " (a symbol column)" : " (" + JoinStrings(names, ", ") + ")"),
          fmt::format("to keep some of them, use 'symbols: [{}]' (on the command line: --set "
                      "data.symbols=[{}])",
                      options.symbol, options.symbol));
    }
    if (plan.shape != Shape::kOhlcv && !plan.symbol_columns.empty())
      plan.symbol_columns.front().first = options.symbol;
  }
  return plan;
}

}  // namespace finml::data::loading
