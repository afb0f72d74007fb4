// Helpers shared by the tests: repository paths and reading reference fixtures.
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "finml/core/build_info.hpp"
#include "finml/core/files.hpp"
#include "finml/data/csv_reader.hpp"

namespace finml::testing {

inline std::string RepoPath(const std::string& relative) {
  return std::string(SourceDirectory()) + "/" + relative;
}

// Columns of a numeric fixture CSV by name; empty cells are NaN. The first column is kept as text.
struct Fixture {
  std::vector<std::string> first_column;
  std::map<std::string, std::vector<double>> columns;
};

inline Fixture ReadFixture(const std::string& path) {
  std::string text = ReadFile(path);
  data::CsvReader reader(path, text);
  std::vector<std::string_view> fields;
  reader.Next(fields);
  std::vector<std::string> names(fields.begin(), fields.end());
  Fixture f;
  while (reader.Next(fields)) {
    f.first_column.emplace_back(fields[0]);
    for (std::size_t i = 1; i < fields.size(); ++i) {
      f.columns[names[i]].push_back(fields[i].empty() ? NAN : std::stod(std::string(fields[i])));
    }
  }
  return f;
}

// Directories made by TempDir, removed when the test process ends (FINML_KEEP_TEST_DIRS=1 keeps
// them for a look).
struct TempDirRegistry {
  std::vector<std::filesystem::path> dirs;
  ~TempDirRegistry() {
    if (std::getenv("FINML_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
};

// A fresh, empty directory under the system temp dir, of this process (two test runs on one
// machine must not delete each other's files).
inline std::string TempDir(const std::string& name) {
  static TempDirRegistry registry;
  auto dir = std::filesystem::temp_directory_path() /
             ("finml_test_" + name + "_" + std::to_string(::getpid()));
  registry.dirs.push_back(dir);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace finml::testing
