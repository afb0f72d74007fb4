// Repair policies: date order, duplicate dates and missing values, each repair logged with a
// count and every refusal naming the file, line and column.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "finml/core/error.hpp"
#include "loading.hpp"

namespace finml::data::loading {

namespace {

template <typename T>
void GatherColumn(std::vector<T>& column, const std::vector<std::size_t>& rows) {
  std::vector<T> kept;
  kept.reserve(rows.size());
  for (std::size_t i : rows) kept.push_back(std::move(column[i]));
  column = std::move(kept);
}

}  // namespace

void Table::Gather(const std::vector<std::size_t>& rows) {
  GatherColumn(time, rows);
  GatherColumn(line, rows);
  GatherColumn(label, rows);
  GatherColumn(naive, rows);
  for (auto& column : values) GatherColumn(column, rows);
}

void OrderRows(Table& rows, const LoadOptions& options, const std::string& file,
               std::size_t date_col, const std::string& what, std::vector<Repair>& repairs) {
  const auto& time = rows.time;
  bool sorted = true;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (time[i] < time[i - 1]) {
      if (options.order == OrderPolicy::kError) {
        throw DataError(
            SourceLocation{file, rows.line[i], date_col + 1},
            fmt::format("{}date '{}' comes before the previous row's '{}' (line {})", what,
                        rows.label[i], rows.label[i - 1], rows.line[i - 1]),
            "sort the file by date, or --order sort (order: sort in an experiment file)");
      }
      sorted = false;
    }
  }
  if (!sorted) {
    std::vector<std::size_t> order(rows.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
    rows.Gather(order);
    repairs.push_back({what + "rows sorted by date", rows.size()});
  }
  bool has_duplicates = false;
  for (std::size_t i = 1; i < rows.size() && !has_duplicates; ++i)
    has_duplicates = time[i] == time[i - 1];
  if (!has_duplicates) return;  // the usual case: nothing to copy
  std::size_t removed = 0;
  std::vector<std::size_t> kept;
  kept.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!kept.empty() && time[kept.back()] == time[i]) {
      if (options.duplicates == DuplicatePolicy::kError) {
        throw DataError(
            SourceLocation{file, rows.line[i], date_col + 1},
            fmt::format("{}duplicate date '{}' (also on line {})", what, rows.label[i],
                        rows.line[kept.back()]),
            "remove the duplicate row, or --duplicates keep_last (duplicates: keep_last in an "
            "experiment file)");
      }
      kept.back() = i;
      ++removed;
    } else {
      kept.push_back(i);
    }
  }
  if (removed > 0) repairs.push_back({what + "duplicate dates resolved (kept last)", removed});
  rows.Gather(kept);
}

void ApplyMissingPolicy(MarketData& md, const LineMap& lines,
                        const std::vector<std::vector<std::size_t>>& field_columns,
                        const LoadOptions& options, const std::vector<std::string>& header) {
  constexpr Field kFields[] = {Field::kOpen,  Field::kHigh,     Field::kLow,
                               Field::kClose, Field::kAdjClose, Field::kVolume};
  auto describe = [&](std::size_t a, std::size_t fi, std::size_t row) {
    std::size_t line = (*lines[a])[row];
    std::size_t col = field_columns[a][fi];
    std::string column = col < header.size() ? header[col] : EnumName(kFields[fi]);
    if (line == 0) {
      return std::make_pair(SourceLocation{md.source, 0, 0},
                            fmt::format("symbol '{}' has no row for date '{}'", md.assets[a].symbol,
                                        md.time_label[row]));
    }
    return std::make_pair(
        SourceLocation{md.source, line, col + 1},
        fmt::format("missing value in column '{}' on date '{}'", column, md.time_label[row]));
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
      // A carried return is not a zero return: returns files only drop.
      throw DataError(
          where, problem,
          options.signed_values
              ? "fill the value, or leave the date out: --missing drop (missing: drop in an "
                "experiment file)"
              : "fill the value, or choose a missing policy: --missing ffill (carry the last "
                "value) or --missing drop (leave the date out); in an experiment file, missing: "
                "ffill in the data section");
    }
    return;
  }
  if (options.missing == MissingPolicy::kKeep) {
    std::size_t kept = 0;
    for (const auto& asset : md.assets)
      for (Field f : kFields) {
        const auto& v = asset.Get(f);
        kept += static_cast<std::size_t>(
            std::count_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }));
      }
    if (kept > 0)
      md.repairs.push_back({"missing values kept as gaps (halted or not listed)", kept});
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
            throw DataError(
                where, problem + " and no earlier value to carry forward",
                "use --missing drop (missing: drop in a file), or trim the leading rows");
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
    throw InvalidInput(
        fmt::format("{}: every date had a missing value; nothing left after 'drop'", md.source));
  }
}

}  // namespace finml::data::loading
