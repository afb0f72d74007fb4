// Reads a component's parameters from a JSON object and insists every key is consumed: a typo in
// an experiment file becomes an error naming the closest valid key, never a silent default.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "finml/core/error.hpp"

namespace finml {

class ParamReader {
 public:
  ParamReader(std::string context, const nlohmann::json& params);

  template <typename T>
  T Get(const std::string& key, T fallback) {
    known_.push_back(key);
    if (!params_.contains(key)) return fallback;
    used_.insert(key);
    try {
      return params_.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw ConfigError(fmt::format("{}: parameter '{}' has the wrong type ({})", context_, key,
                                    params_.at(key).dump()));
    }
  }
  [[nodiscard]] bool Has(const std::string& key) const { return params_.contains(key); }
  [[nodiscard]] const nlohmann::json& Raw(const std::string& key);

  // Throws for any key that no Get() asked for.
  void Finish() const;

 private:
  std::string context_;
  nlohmann::json params_;
  std::vector<std::string> known_;
  std::set<std::string> used_;
};

}  // namespace finml
