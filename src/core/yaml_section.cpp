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

}  // namespace finml
