#include "finml/credit/table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"

namespace finml::credit {
namespace {

bool IsMissing(const std::string& s) {
  return s.empty() || s == "NA" || s == "NaN" || s == "nan" || s == "NULL" || s == "null";
}

bool ParseNumber(const std::string& s, double& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

bool Column::Missing(std::size_t row) const {
  return kind == ColumnKind::kNumeric ? std::isnan(numbers[row]) : labels[row].empty();
}

bool Table::Has(const std::string& name) const {
  return std::any_of(columns.begin(), columns.end(),
                     [&](const Column& c) { return c.name == name; });
}

const Column& Table::Get(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return c;
  throw InvalidInput(fmt::format("{}: no column '{}' (did you mean '{}'?)", source, name,
                                 ClosestMatch(name, Names())));
}

std::size_t Table::Index(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  (void)Get(name);  // throws with the closest name
  return 0;
}

std::vector<std::string> Table::Names() const {
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  return names;
}

Table ParseTable(const std::string& text, const std::string& file,
                 const std::vector<std::string>& categorical,
                 const std::vector<std::pair<std::string, std::string>>& rename) {
  data::CsvReader reader(file, text);
  std::vector<std::string_view> fields;
  FINML_REQUIRE(reader.Next(fields), "{}: the file is empty", file);
  Table t;
  t.source = file;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string name = Trim(fields[i]);
    if (i == 0 && name.rfind("\xef\xbb\xbf", 0) == 0) name.erase(0, 3);
    // Against the file's own name only: a swap (a=b, b=a) must not chain.
    const std::string original = name;
    for (const auto& [from, to] : rename) {
      if (original == from) {
        name = to;
        break;
      }
    }
    if (name.empty() || seen.count(name)) {
      throw DataError(
          {file, 1, i + 1},
          name.empty() ? "a column has no name" : fmt::format("two columns are named '{}'", name),
          "give every column a unique name in the header");
    }
    seen[name] = i;
    t.columns.push_back({name, ColumnKind::kNumeric, {}, {}});
  }
  for (const auto& [from, to] : rename) {
    if (seen.count(to)) continue;
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    throw DataError({file, 1, 0}, fmt::format("rename: no column '{}' in the file", Excerpt(from)),
                    fmt::format("did you mean '{}'? columns: {}", ClosestMatch(from, names),
                                Excerpt(JoinStrings(names, ", "), 400)));
  }
  std::vector<std::vector<std::string>> cells(t.columns.size());
  while (reader.Next(fields)) {
    if (fields.size() != t.columns.size()) {
      throw DataError(reader.Where(std::min(fields.size(), t.columns.size()) - 1),
                      fmt::format("expected {} fields, found {}", t.columns.size(), fields.size()),
                      "give every row the header's columns (quote values that contain commas)");
    }
    for (std::size_t i = 0; i < fields.size(); ++i) cells[i].push_back(Trim(fields[i]));
  }
  t.rows = cells.empty() ? 0 : cells.front().size();
  FINML_REQUIRE(t.rows > 0, "{}: a header but no rows", file);
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    Column& c = t.columns[i];
    std::vector<double> numbers(t.rows);
    std::size_t parsed = 0, present = 0, first_text = t.rows;
    for (std::size_t r = 0; r < t.rows; ++r) {
      if (IsMissing(cells[i][r])) {
        numbers[r] = std::nan("");
        continue;
      }
      ++present;
      if (ParseNumber(cells[i][r], numbers[r]))
        ++parsed;
      else if (first_text == t.rows)
        first_text = r;
    }
    const bool declared =
        std::find(categorical.begin(), categorical.end(), c.name) != categorical.end();
    const bool numeric = !declared && parsed == present;
    if (!declared && parsed < present && parsed >= 0.9 * static_cast<double>(present)) {
      throw DataError({file, first_text + 2, i + 1},
                      fmt::format("'{}' is not a number, in column '{}' whose other values are "
                                  "numbers",
                                  cells[i][first_text], c.name),
                      fmt::format("correct the value, or declare the column categorical "
                                  "(--categorical {})",
                                  c.name));
    }
    if (numeric) {
      c.numbers = std::move(numbers);
    } else {
      c.kind = ColumnKind::kCategorical;
      c.labels.resize(t.rows);
      for (std::size_t r = 0; r < t.rows; ++r)
        c.labels[r] = IsMissing(cells[i][r]) ? "" : cells[i][r];
    }
  }
  return t;
}

Table LoadTable(const std::string& path, const std::vector<std::string>& categorical,
                const std::vector<std::pair<std::string, std::string>>& rename) {
  return ParseTable(ReadFile(path), path, categorical, rename);
}

Target ExtractTarget(const Table& table, const std::string& column, const std::string& positive) {
  if (!table.Has(column)) {
    // A guess far from the name (Age for Class) only misleads: name one only when it is close.
    const std::string near = ClosestMatch(column, table.Names());
    throw InvalidInput(
        fmt::format("{}: no target column '{}' ({}columns: {}) (fix: --target with one of them)",
                    table.source, column,
                    !near.empty() && EditDistance(ToLower(column), ToLower(near)) <= 2
                        ? fmt::format("did you mean '{}'? ", near)
                        : std::string(),
                    Excerpt(JoinStrings(table.Names(), ", "), 400)));
  }
  const Column& c = table.Get(column);
  std::vector<std::string> values(table.rows);
  std::map<std::string, std::size_t> counts;
  for (std::size_t r = 0; r < table.rows; ++r) {
    FINML_REQUIRE(!c.Missing(r), "{}: the target '{}' is missing on data row {} (line {})",
                  table.source, column, r + 1, r + 2);
    values[r] = c.kind == ColumnKind::kNumeric ? fmt::format("{}", c.numbers[r]) : c.labels[r];
    ++counts[values[r]];
  }
  std::vector<std::string> classes;
  for (const auto& [v, n] : counts) classes.push_back(v);
  FINML_REQUIRE(classes.size() == 2,
                "{}: the target '{}' must have exactly two classes, found {} ({}){}", table.source,
                column, classes.size(), Excerpt(JoinStrings(classes, ", "), 200),
                classes.size() == 1 ? "; a single class leaves nothing to predict"
                : classes.size() > 2
                    ? " (fix: a binary column, e.g. default yes/no; make one from a number first)"
                    : "");
  Target t;
  t.column = column;
  t.positive = positive;
  if (t.positive.empty())
    t.positive = counts[classes[0]] <= counts[classes[1]] ? classes[0] : classes[1];
  FINML_REQUIRE(counts.count(t.positive), "{}: --positive '{}' is not a value of '{}' (values: {})",
                table.source, t.positive, column, JoinStrings(classes, ", "));
  t.y.resize(table.rows);
  for (std::size_t r = 0; r < table.rows; ++r) t.y[r] = values[r] == t.positive ? 1 : 0;
  return t;
}

}  // namespace finml::credit
