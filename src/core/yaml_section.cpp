#include "finml/core/yaml_section.hpp"

#include "finml/core/strings.hpp"

namespace finml {

YamlSection::YamlSection(const YAML::Node& node, std::string file, std::string path,
                         std::vector<std::string> allowed_keys)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_ || node_.IsNull()) return;
  if (!node_.IsMap()) throw Fail(node_, fmt::format("'{}' must be a mapping of keys", path_));
  for (const auto& item : node_) {
    std::string key = item.first.as<std::string>();
    if (std::find(allowed_keys.begin(), allowed_keys.end(), key) == allowed_keys.end()) {
      throw Fail(item.first, fmt::format("unknown key '{}' in '{}' (did you mean '{}'? valid: {})",
                                         key, path_, ClosestMatch(key, allowed_keys),
                                         JoinStrings(allowed_keys, ", ")));
    }
  }
}

bool YamlSection::Has(const std::string& key) const {
  return node_ && node_.IsMap() && node_[key] && !node_[key].IsNull();
}

YAML::Node YamlSection::Get(const std::string& key) const { return node_[key]; }

ConfigError YamlSection::Fail(const YAML::Node& at, const std::string& problem) const {
  YAML::Mark mark = at.Mark();
  SourceLocation where{file_, mark.is_null() ? 0 : static_cast<std::size_t>(mark.line + 1),
                       mark.is_null() ? 0 : static_cast<std::size_t>(mark.column + 1)};
  return ConfigError(fmt::format("{}: {}", where.str(), problem));
}

nlohmann::json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;  // explicitly quoted
      if (s == "true" || s == "false") return s == "true";
      try {
        std::size_t used = 0;
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
      } catch (...) {
      }
      try {
        std::size_t used = 0;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (...) {
      }
      return s;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(YamlToJson(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      std::vector<YAML::Node> merges;
      for (const auto& item : node) {
        std::string key = item.first.as<std::string>();
        if (key == "<<") {
          merges.push_back(item.second);
        } else {
          obj[key] = YamlToJson(item.second);
        }
      }
      // YAML merge keys (<<: *anchor): merged entries never override explicit ones.
      for (const auto& merge : merges) {
        nlohmann::json merged = YamlToJson(merge);
        std::vector<nlohmann::json> parts = merged.is_array()
            ? merged.get<std::vector<nlohmann::json>>() : std::vector<nlohmann::json>{merged};
        for (const auto& part : parts) {
          if (!part.is_object()) continue;
          for (const auto& [k, v] : part.items())
            if (!obj.contains(k)) obj[k] = v;
        }
      }
      return obj;
    }
  }
  return nullptr;
}

}  // namespace finml
