// A configuration tree in which every value remembers where it came from: a YAML file's line and
// column, a command-line flag, or a JSON document and key. Option schemas (core/options.hpp) read
// it, so any error about any value, from any entry point, names its place.
//
// Scalars stay text until a schema reads them as the type it declares, exactly as YAML intends;
// quoted YAML scalars are remembered, so they stay strings where a value is passed on untyped.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "finml/core/error.hpp"

namespace finml {

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kList, kMap };

  ConfigNode() = default;
  [[nodiscard]] static ConfigNode Null(std::string where);
  [[nodiscard]] static ConfigNode Scalar(std::string text, std::string where, bool quoted = false);
  [[nodiscard]] static ConfigNode List(std::string where);
  [[nodiscard]] static ConfigNode Map(std::string where);

  // A YAML document. Invalid YAML and duplicate keys are ConfigErrors at file:line:col; merge keys
  // (<<: *anchor) fill in keys not given explicitly.
  [[nodiscard]] static ConfigNode FromYaml(std::string_view text, const std::string& file);
  // A JSON value; `origin` names the document ("model.json: params"), keys extend it.
  [[nodiscard]] static ConfigNode FromJson(const nlohmann::json& value, const std::string& origin);
  // One command-line value, read with the YAML flow syntax of an experiment file: 5, 0.1, true,
  // null, [a, b], {k: v}, or plain text.
  [[nodiscard]] static ConfigNode FromText(std::string_view text, const std::string& where);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool IsNull() const { return kind_ == Kind::kNull; }
  [[nodiscard]] bool IsScalar() const { return kind_ == Kind::kScalar; }
  [[nodiscard]] bool IsList() const { return kind_ == Kind::kList; }
  [[nodiscard]] bool IsMap() const { return kind_ == Kind::kMap; }
  [[nodiscard]] const std::string& where() const { return where_; }

  [[nodiscard]] const std::string& text() const { return text_; }  // scalars
  [[nodiscard]] bool quoted() const { return quoted_; }
  [[nodiscard]] const std::vector<ConfigNode>& items() const { return items_; }  // lists

  // Maps keep their keys in order, each with its own place.
  [[nodiscard]] std::size_t size() const { return keys_.size(); }
  [[nodiscard]] const std::string& key(std::size_t i) const { return keys_[i]; }
  [[nodiscard]] const std::string& key_where(std::size_t i) const { return key_wheres_[i]; }
  [[nodiscard]] const ConfigNode& value(std::size_t i) const { return items_[i]; }
  [[nodiscard]] const ConfigNode* Find(std::string_view key) const;
  [[nodiscard]] bool Has(std::string_view key) const { return Find(key) != nullptr; }

  void Append(ConfigNode item);  // lists
  // Maps: replaces the value of `key`, or appends it.
  void Set(const std::string& key, ConfigNode value, std::string key_where = {});
  void Erase(std::string_view key);
  // Sets the value at a dotted path ("scorecard.pdo", "models[2].params.epochs"), creating maps
  // on the way; what a command-line --set does.
  void SetPath(std::string_view path, ConfigNode value);

  // Scalars typed as YAML would (quoted ones stay strings); maps and lists recursively.
  [[nodiscard]] nlohmann::json ToJson() const;
  // "<where>: <problem>"
  [[nodiscard]] ConfigError Fail(const std::string& problem) const;

 private:
  Kind kind_ = Kind::kNull;
  std::string where_;
  std::string text_;
  bool quoted_ = false;
  std::vector<ConfigNode> items_;  // list items, or map values
  std::vector<std::string> keys_, key_wheres_;
};

// A scalar's text as JSON the way YAML types it: booleans, integers, doubles, else a string.
[[nodiscard]] nlohmann::json ScalarToJson(const std::string& text);

}  // namespace finml
