// Strict reading of YAML experiment files: each mapping declares the keys it accepts, and any
// other key is an error naming file, line, column and the closest valid key.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "finml/core/error.hpp"

namespace finml {

class YamlSection {
 public:
  // `path` is the dotted location used in messages ("split", "models[2]").
  YamlSection(const YAML::Node& node, std::string file, std::string path,
              std::vector<std::string> allowed_keys);

  [[nodiscard]] bool Has(const std::string& key) const;
  [[nodiscard]] YAML::Node Get(const std::string& key) const;
  template <typename T>
  [[nodiscard]] T Value(const std::string& key, T fallback) const {
    if (!Has(key)) return fallback;
    return As<T>(Get(key), key);
  }
  template <typename T>
  [[nodiscard]] T As(const YAML::Node& value, const std::string& key) const {
    try {
      return value.as<T>();
    } catch (const YAML::Exception&) {
      throw Fail(value, fmt::format("'{}.{}' has the wrong type", path_, key));
    }
  }
  [[nodiscard]] ConfigError Fail(const YAML::Node& at, const std::string& problem) const;
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
};

// A YAML node as JSON: scalars become booleans, integers, doubles or strings (quoted scalars
// stay strings); merge keys (<<) fill in keys not given explicitly.
[[nodiscard]] nlohmann::json YamlToJson(const YAML::Node& node);

}  // namespace finml
