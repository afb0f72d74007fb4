// The portfolio fixtures' reference values: `quantity,i,j,value` rows (make_*_fixture.py), read
// as one matrix per quantity.
#pragma once

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "finml/core/files.hpp"
#include "finml/portfolio/estimates.hpp"

namespace finml::testing {

inline std::map<std::string, portfolio::Matrix> ReadReferenceCsv(const std::string& path) {
  std::map<std::string, std::vector<std::tuple<int, int, double>>> cells;
  std::istringstream in(ReadFile(path));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name, i, j, v;
    std::getline(fields, name, ',');
    std::getline(fields, i, ',');
    std::getline(fields, j, ',');
    std::getline(fields, v, ',');
    cells[name].emplace_back(std::stoi(i), std::stoi(j), std::stod(v));  // "nan" parses as NaN
  }
  std::map<std::string, portfolio::Matrix> out;
  for (const auto& [name, list] : cells) {
    int rows = 0, cols = 0;
    for (const auto& [i, j, v] : list) rows = std::max(rows, i + 1), cols = std::max(cols, j + 1);
    portfolio::Matrix m(rows, cols);
    for (const auto& [i, j, v] : list) m(i, j) = v;
    out[name] = m;
  }
  return out;
}

}  // namespace finml::testing
