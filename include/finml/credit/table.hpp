// Tabular data for credit scoring: one row per applicant, numeric and categorical columns. A
// column is numeric when every non-empty cell parses as a number; otherwise it is categorical.
// Empty cells (and NA, NaN, NULL) are missing and stay missing until a policy decides.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace finml::credit {

enum class ColumnKind { kNumeric, kCategorical };

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kNumeric;
  std::vector<double> numbers;      // numeric: NaN where missing
  std::vector<std::string> labels;  // categorical: "" where missing
  [[nodiscard]] bool Missing(std::size_t row) const;
};

struct Table {
  std::string source;
  std::vector<Column> columns;
  std::size_t rows = 0;

  [[nodiscard]] const Column& Get(const std::string& name) const;  // error with closest name
  [[nodiscard]] bool Has(const std::string& name) const;
  [[nodiscard]] std::size_t Index(const std::string& name) const;  // 0-based; error if absent
  [[nodiscard]] std::vector<std::string> Names() const;
};

// A column whose cells are mostly numbers (90% or more) but not all is taken for a typo and is an
// error naming the cell; list it in `categorical` to read it as categories instead.
// `rename` (old name -> new) applies to the header before anything else reads it.
[[nodiscard]] Table ParseTable(const std::string& text, const std::string& file_label,
                               const std::vector<std::string>& categorical = {},
                               const std::vector<std::pair<std::string, std::string>>& rename = {});
[[nodiscard]] Table LoadTable(const std::string& path,
                              const std::vector<std::string>& categorical = {},
                              const std::vector<std::pair<std::string, std::string>>& rename = {});

// The binary target: 1 where the column equals `positive`, else 0. Errors for an unknown column,
// a missing value, a `positive` value that never occurs, or a single class. An empty `positive`
// takes the minority class, e.g. "Bad" in German credit, the event a scorecard predicts.
struct Target {
  std::string column, positive;
  std::vector<int> y;
};
[[nodiscard]] Target ExtractTarget(const Table& table, const std::string& column,
                                   const std::string& positive);

}  // namespace finml::credit
