#include "finml/risk/series.hpp"

#include <charconv>
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"

namespace finml::risk {

ReturnSeries ParseReturnSeries(const std::string& text, const std::string& file,
                               const std::string& column, SeriesKind kind, bool log_returns) {
  data::CsvReader reader(file, text);
  std::vector<std::string_view> fields;
  FINML_REQUIRE(reader.Next(fields), "{}: the file is empty", file);
  std::vector<std::string> header;
  for (auto f : fields) header.push_back(Trim(f));
  if (!header.empty() && header[0].rfind("\xef\xbb\xbf", 0) == 0) header[0].erase(0, 3);
  FINML_REQUIRE(header.size() >= 2,
                "{}:1: expected a date (or index) column and at least one value column", file);
  std::vector<std::string> candidates(header.begin() + 1, header.end());
  std::size_t col = 0;
  if (column.empty()) {
    if (candidates.size() != 1) {
      throw DataError({file, 1, 2},
                      fmt::format("{} value columns ({}); which one?", candidates.size(),
                                  JoinStrings(candidates, ", ")),
                      "name it with --column");
    }
    col = 1;
  } else {
    for (std::size_t i = 1; i < header.size(); ++i)
      if (ToLower(header[i]) == ToLower(column)) col = i;
    if (col == 0) {
      throw DataError({file, 1, 1}, fmt::format("no column '{}'", column),
                      fmt::format("did you mean '{}'? columns: {}",
                                  ClosestMatch(column, candidates), JoinStrings(candidates, ", ")));
    }
  }
  ReturnSeries s;
  s.source = file;
  s.column = header[col];
  std::vector<double> raw;
  std::vector<std::string> labels;
  bool all_dates = true;
  while (reader.Next(fields)) {
    if (fields.size() != header.size()) {
      throw DataError(reader.Where(std::min(fields.size(), header.size()) - 1),
                      fmt::format("expected {} fields, found {}", header.size(), fields.size()),
                      "give every row the header's columns");
    }
    const std::string cell = Trim(fields[col]);
    double v = 0;
    auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size() ||
        !std::isfinite(v)) {
      throw DataError(
          reader.Where(col),
          cell.empty()
              ? fmt::format("missing value in column '{}'", s.column)
              : fmt::format("cannot read '{}' as a finite number in column '{}'", cell, s.column),
          "write a plain decimal number; a risk series cannot skip a day");
    }
    if (kind == SeriesKind::kPrices && !(v > 0)) {
      throw DataError(reader.Where(col), fmt::format("price {} is not positive", cell),
                      "prices must be > 0; for a returns file use --input-kind returns");
    }
    const std::string when = Trim(fields[0]);
    auto t = data::ParseTimestamp(when);
    if (!t) all_dates = false;
    s.time.push_back(t ? *t : static_cast<data::Timestamp>(raw.size()));
    labels.push_back(when);
    raw.push_back(v);
  }
  s.calendar = all_dates && !raw.empty();
  if (!s.calendar)
    for (std::size_t i = 0; i < s.time.size(); ++i) s.time[i] = static_cast<data::Timestamp>(i);
  if (kind == SeriesKind::kReturns) {
    s.values = std::move(raw);
    s.label = std::move(labels);
    return s;
  }
  FINML_REQUIRE(raw.size() >= 2, "{}: need at least two prices for a return", file);
  for (std::size_t i = 1; i < raw.size(); ++i)
    s.values.push_back(log_returns ? std::log(raw[i] / raw[i - 1]) : raw[i] / raw[i - 1] - 1);
  s.label.assign(labels.begin() + 1, labels.end());
  s.time.erase(s.time.begin());
  return s;
}

ReturnSeries LoadReturnSeries(const std::string& path, const std::string& column, SeriesKind kind,
                              bool log_returns) {
  return ParseReturnSeries(ReadFile(path), path, column, kind, log_returns);
}

}  // namespace finml::risk
