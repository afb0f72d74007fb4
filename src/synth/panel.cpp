#include "finml/synth/panel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/table.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/synth/generator.hpp"

namespace finml::synth {

Panel LoadRealPanel(const std::string& path, const std::vector<std::string>& columns) {
  const credit::Table table = credit::LoadTable(path);
  Panel panel;
  panel.source = path;
  panel.columns = columns;
  // By default every numeric column: a date or name column is the index, not a value.
  if (columns.empty())
    for (const auto& c : table.columns)
      if (c.kind == credit::ColumnKind::kNumeric) panel.columns.push_back(c.name);
  FINML_REQUIRE(!panel.columns.empty(), "{}: no numeric column to learn", path);
  std::vector<const credit::Column*> kept;
  for (const auto& name : panel.columns) {
    const credit::Column& c = table.Get(name);
    FINML_REQUIRE(c.kind == credit::ColumnKind::kNumeric,
                  "{}: column '{}' is not numeric (fix: --columns with numeric columns only)", path,
                  name);
    kept.push_back(&c);
  }
  FINML_REQUIRE(table.rows >= 50, "{}: {} rows are too few to learn a multivariate series from",
                path, table.rows);
  std::vector<double> values;
  values.reserve(table.rows * kept.size());
  for (std::size_t r = 0; r < table.rows; ++r)
    for (const credit::Column* c : kept) {
      if (c->Missing(r))
        throw DataError(SourceLocation{path, r + 2, table.Index(c->name) + 1},
                        fmt::format("column '{}' is missing a value", c->name),
                        "fill or drop the row first: every step needs every column");
      values.push_back(c->numbers[r]);
    }
  panel.paths.push_back(std::move(values));
  return panel;
}

void WritePanel(const Panel& panel, const std::string& path) {
  std::string out = "path,t";
  for (const auto& c : panel.columns) out += "," + CsvField(c);
  out += "\n";
  const std::size_t f = panel.columns.size();
  for (std::size_t p = 0; p < panel.paths.size(); ++p)
    for (std::size_t t = 0; t < panel.Steps(p); ++t) {
      out += fmt::format("{},{}", p, t);
      for (std::size_t j = 0; j < f; ++j) out += fmt::format(",{:.10g}", panel.paths[p][t * f + j]);
      out += "\n";
    }
  WriteFileAtomic(path, out);
}

namespace {
bool StartsWith(const std::string& path, const std::string& header) {
  std::ifstream in(path, std::ios::binary);
  std::string head(header.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in && head == header;
}
}  // namespace

bool IsPathsFile(const std::string& path) { return StartsWith(path, "path,t,"); }
bool IsReturnPathsFile(const std::string& path) {
  return StartsWith(path, "path,t,log_return\n") || StartsWith(path, "path,t,log_return\r\n");
}

Panel ReadPanel(const std::string& path, bool returns) {
  const std::string text = ReadFile(path);
  data::CsvReader csv(path, text);
  std::vector<std::string_view> fields;
  FINML_REQUIRE(csv.Next(fields), "{}: empty (fix: a file from finml synth sample)", path);
  if (fields.size() < 3 || Trim(fields[0]) != "path" || Trim(fields[1]) != "t")
    throw DataError(csv.Where(0), "not a paths file: its header must be path,t,<value>...",
                    "a file from finml synth sample");
  Panel panel;
  panel.source = path;
  for (std::size_t j = 2; j < fields.size(); ++j) panel.columns.emplace_back(Trim(fields[j]));
  const std::size_t width = fields.size();
  std::size_t previous = 0, steps = 0;
  while (csv.Next(fields)) {
    if (fields.size() != width)
      throw DataError(csv.Where(0),
                      fmt::format("{} fields where {} are expected", fields.size(), width),
                      "path,t and every value column on every line");
    std::size_t id = 0;
    const auto id_text = Trim(fields[0]);
    if (std::from_chars(id_text.data(), id_text.data() + id_text.size(), id).ec != std::errc())
      throw DataError(csv.Where(0), fmt::format("'{}' is not a path number", Excerpt(id_text)),
                      "0, 1, 2, ... in the path column");
    if (panel.paths.empty() || id != previous) {
      if (!panel.paths.empty() && id != previous + 1)
        throw DataError(csv.Where(0), fmt::format("path {} follows path {}", id, previous),
                        "paths numbered 0, 1, 2, ... with each path's rows together");
      if (panel.paths.empty() && id != 0)
        throw DataError(csv.Where(0), "the first path must be 0", "paths numbered from 0");
      panel.paths.emplace_back();
      previous = id;
      steps = 0;
    }
    std::size_t t = 0;
    const auto t_text = Trim(fields[1]);
    if (std::from_chars(t_text.data(), t_text.data() + t_text.size(), t).ec != std::errc() ||
        t != steps)
      throw DataError(
          csv.Where(1),
          fmt::format("step '{}' where {} is next in path {}", Excerpt(t_text), steps, id),
          "every step of a path, 0, 1, 2, ... in order, with no gaps");
    for (std::size_t j = 2; j < width; ++j) {
      double value = 0;
      const auto value_text = Trim(fields[j]);
      const auto [end, ec] =
          std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
      if (ec != std::errc() || end != value_text.data() + value_text.size() ||
          !std::isfinite(value))
        throw DataError(csv.Where(j),
                        fmt::format("'{}' is not a finite number", Excerpt(value_text)),
                        returns ? "a log return such as -0.0123" : "a number such as 101.25");
      if (returns && std::abs(value) > 10)
        throw DataError(
            csv.Where(j),
            fmt::format("{} is not a daily log return (a move of e^{:.3g})", value, value),
            "log returns, e.g. -0.0123; is this column prices or percent?");
      panel.paths.back().push_back(value);
    }
    ++steps;
  }
  FINML_REQUIRE(!panel.paths.empty(), "{}: no rows (fix: a file from finml synth sample)", path);
  return panel;
}

PanelRange RangeOf(const Panel& real) {
  const std::size_t f = real.columns.size();
  PanelRange range{std::vector<double>(f, INFINITY), std::vector<double>(f, -INFINITY)};
  for (const auto& path : real.paths)
    for (std::size_t i = 0; i < path.size(); ++i) {
      range.lo[i % f] = std::min(range.lo[i % f], path[i]);
      range.hi[i % f] = std::max(range.hi[i % f], path[i]);
    }
  return range;
}

Windows PanelWindows(const Panel& panel, std::size_t length, const PanelRange& range,
                     std::size_t max_windows) {
  const std::size_t f = panel.columns.size();
  FINML_REQUIRE(range.lo.size() == f, "the real and synthetic paths have different columns");
  std::vector<std::pair<std::size_t, std::size_t>> starts;  // (path, start)
  for (std::size_t p = 0; p < panel.paths.size(); ++p)
    for (std::size_t t = 0; t + length <= panel.Steps(p); ++t) starts.emplace_back(p, t);
  FINML_REQUIRE(!starts.empty(),
                "no window of {} steps fits in the paths{} (fix: a shorter --score-window)", length,
                panel.source.empty() ? "" : " of " + panel.source);
  Windows w;
  w.length = length;
  w.features = f;
  const std::size_t keep = std::min(max_windows, starts.size());
  w.values.reserve(keep * length * f);
  for (std::size_t i = 0; i < keep; ++i) {
    const auto [p, t] = starts[i * starts.size() / keep];
    for (std::size_t u = 0; u < length; ++u)
      for (std::size_t j = 0; j < f; ++j) {
        const double span = range.hi[j] > range.lo[j] ? range.hi[j] - range.lo[j] : 1.0;
        w.values.push_back(
            static_cast<float>((panel.paths[p][(t + u) * f + j] - range.lo[j]) / span));
      }
  }
  return w;
}

}  // namespace finml::synth
