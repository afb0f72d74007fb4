#include "finml/core/config_node.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>

namespace finml {
namespace {

std::string Place(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

// Aliases let a few bytes stand for a cycle (a: &a [*a]) or for exponentially many values (each
// list repeating the previous one): conversion stops at these bounds instead of recursing until
// the stack or the memory runs out.
constexpr std::size_t kMaxDepth = 100;
constexpr std::size_t kMaxValues = 1000000;

struct Budget {
  std::size_t values = 0;
};

ConfigNode Convert(const YAML::Node& node, const std::string& file, std::size_t depth,
                   Budget& budget) {
  const std::string where = Place(file, node.Mark());
  if (depth > kMaxDepth)
    throw ConfigError(fmt::format(
        "{}: nested more than {} levels deep (an alias that contains itself?)", where, kMaxDepth));
  if (++budget.values > kMaxValues)
    throw ConfigError(fmt::format(
        "{}: the file expands to more than {} values (aliases of aliases?); write it out plainly",
        file, kMaxValues));
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return ConfigNode::Null(where);
    case YAML::NodeType::Scalar:
      return ConfigNode::Scalar(node.Scalar(), where, node.Tag() == "!");
    case YAML::NodeType::Sequence: {
      ConfigNode list = ConfigNode::List(where);
      for (const auto& item : node) list.Append(Convert(item, file, depth + 1, budget));
      return list;
    }
    case YAML::NodeType::Map: {
      ConfigNode map = ConfigNode::Map(where);
      std::vector<YAML::Node> merges;
      for (const auto& item : node) {
        if (!item.first.IsScalar())
          throw ConfigError(
              fmt::format("{}: a key must be plain text", Place(file, item.first.Mark())));
        const std::string key = item.first.Scalar();
        if (key == "<<") {
          merges.push_back(item.second);
          continue;
        }
        if (const ConfigNode* first = map.Find(key)) {
          (void)first;
          std::string earlier;
          for (std::size_t i = 0; i < map.size(); ++i)
            if (map.key(i) == key) earlier = map.key_where(i);
          throw ConfigError(fmt::format(
              "{}: duplicate key '{}' (first given at {}; fix: keep one of them, YAML would "
              "silently use only one)",
              Place(file, item.first.Mark()), key, earlier));
        }
        map.Set(key, Convert(item.second, file, depth + 1, budget), Place(file, item.first.Mark()));
      }
      // YAML merge keys (<<: *anchor): merged entries never override explicit ones.
      for (const auto& merge : merges) {
        std::vector<YAML::Node> parts;
        if (merge.IsSequence()) {
          for (const auto& p : merge) parts.push_back(p);
        } else {
          parts.push_back(merge);
        }
        for (const auto& part : parts) {
          if (!part.IsMap())
            throw ConfigError(
                fmt::format("{}: '<<' merges mappings only", Place(file, part.Mark())));
          ConfigNode merged = Convert(part, file, depth + 1, budget);
          for (std::size_t i = 0; i < merged.size(); ++i)
            if (!map.Has(merged.key(i)))
              map.Set(merged.key(i), merged.value(i), merged.key_where(i));
        }
      }
      return map;
    }
  }
  return ConfigNode::Null(where);
}

}  // namespace

ConfigNode ConfigNode::Null(std::string where) {
  ConfigNode n;
  n.where_ = std::move(where);
  return n;
}

ConfigNode ConfigNode::Scalar(std::string text, std::string where, bool quoted) {
  ConfigNode n;
  n.kind_ = Kind::kScalar;
  n.text_ = std::move(text);
  n.where_ = std::move(where);
  n.quoted_ = quoted;
  return n;
}

ConfigNode ConfigNode::List(std::string where) {
  ConfigNode n;
  n.kind_ = Kind::kList;
  n.where_ = std::move(where);
  return n;
}

ConfigNode ConfigNode::Map(std::string where) {
  ConfigNode n;
  n.kind_ = Kind::kMap;
  n.where_ = std::move(where);
  return n;
}

namespace {

// yaml-cpp parses flow collections ([...], {...}) recursively: a few megabytes of '[' would
// overflow the stack before any other check runs.
void CheckFlowDepth(std::string_view text, const std::string& file) {
  std::size_t depth = 0, line = 1, column = 0;
  char quote = 0;
  bool comment = false;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line, column = 0, comment = false;
      continue;
    }
    if (comment) continue;
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '#')
      comment = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth)
        throw ConfigError(fmt::format("{}:{}:{}: brackets nested more than {} levels deep", file,
                                      line, column, kMaxDepth));
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

}  // namespace

ConfigNode ConfigNode::FromYaml(std::string_view text, const std::string& file) {
  CheckFlowDepth(text, file);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(
        fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  Budget budget;
  return Convert(root, file, 0, budget);
}

ConfigNode ConfigNode::FromJson(const nlohmann::json& j, const std::string& origin) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return Null(origin);
    case nlohmann::json::value_t::string:
      return Scalar(j.get<std::string>(), origin, true);
    case nlohmann::json::value_t::array: {
      ConfigNode list = List(origin);
      for (std::size_t i = 0; i < j.size(); ++i)
        list.Append(FromJson(j[i], fmt::format("{}[{}]", origin, i)));
      return list;
    }
    case nlohmann::json::value_t::object: {
      ConfigNode map = Map(origin);
      for (const auto& [key, value] : j.items()) {
        const std::string place = origin.empty() ? key : origin + "." + key;
        map.Set(key, FromJson(value, place), place);
      }
      return map;
    }
    default:
      return Scalar(j.dump(), origin);
  }
}

ConfigNode ConfigNode::FromText(std::string_view text, const std::string& where) {
  CheckFlowDepth(text, where);
  YAML::Node node;
  try {
    node = YAML::Load(std::string(text));
  } catch (const YAML::Exception&) {
    return Scalar(std::string(text), where);  // not YAML: take it as it is
  }
  Budget budget;
  ConfigNode parsed = Convert(node, where, 0, budget);
  // Places inside one flag's value are the flag itself.
  std::function<void(ConfigNode&)> relabel = [&](ConfigNode& n) {
    n.where_ = where;
    for (auto& item : n.items_) relabel(item);
    for (auto& k : n.key_wheres_) k = where;
  };
  relabel(parsed);
  if (parsed.IsNull() && !text.empty() && text != "null" && text != "~") {
    return Scalar(std::string(text), where);
  }
  return parsed;
}

const ConfigNode* ConfigNode::Find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return &items_[i];
  return nullptr;
}

void ConfigNode::Append(ConfigNode item) {
  if (kind_ == Kind::kNull) kind_ = Kind::kList;
  items_.push_back(std::move(item));
}

void ConfigNode::Set(const std::string& key, ConfigNode value, std::string key_where) {
  if (kind_ == Kind::kNull) kind_ = Kind::kMap;
  if (key_where.empty()) key_where = value.where();
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] != key) continue;
    items_[i] = std::move(value);
    key_wheres_[i] = std::move(key_where);
    return;
  }
  keys_.push_back(key);
  key_wheres_.push_back(std::move(key_where));
  items_.push_back(std::move(value));
}

void ConfigNode::Erase(std::string_view key) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] != key) continue;
    keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(i));
    key_wheres_.erase(key_wheres_.begin() + static_cast<std::ptrdiff_t>(i));
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
}

void ConfigNode::SetPath(std::string_view path, ConfigNode value) {
  const auto dot = path.find('.');
  std::string head(path.substr(0, dot));
  // name[3]: an item of a list
  std::optional<std::size_t> index;
  if (const auto open = head.find('['); open != std::string::npos && head.back() == ']') {
    const std::string digits = head.substr(open + 1, head.size() - open - 2);
    std::size_t parsed = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      throw value.Fail(fmt::format("'{}' is not a valid index in '{}'", digits, path));
    index = parsed;
    head = head.substr(0, open);
  }
  if (head.empty()) throw value.Fail(fmt::format("'{}' is not a valid key", path));
  if (kind_ == Kind::kNull) kind_ = Kind::kMap;
  if (kind_ != Kind::kMap)
    throw value.Fail(fmt::format("cannot set '{}': its parent is not a mapping", path));
  if (!index && dot == std::string_view::npos) {
    Set(head, std::move(value));
    return;
  }
  if (!Has(head)) Set(head, index ? List(value.where()) : Map(value.where()), value.where());
  ConfigNode* child = nullptr;
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == head) child = &items_[i];
  if (index) {
    if (!child->IsList() || *index >= child->items_.size())
      throw value.Fail(fmt::format("'{}' has no item {}", head, *index));
    child = &child->items_[*index];
    if (dot == std::string_view::npos) {
      *child = std::move(value);
      return;
    }
  }
  child->SetPath(path.substr(dot + 1), std::move(value));
}

nlohmann::json ScalarToJson(const std::string& s) {
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

nlohmann::json ConfigNode::ToJson() const {
  switch (kind_) {
    case Kind::kNull:
      return nullptr;
    case Kind::kScalar:
      return quoted_ ? nlohmann::json(text_) : ScalarToJson(text_);
    case Kind::kList: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : items_) arr.push_back(item.ToJson());
      return arr;
    }
    case Kind::kMap: {
      nlohmann::json obj = nlohmann::json::object();
      for (std::size_t i = 0; i < keys_.size(); ++i) obj[keys_[i]] = items_[i].ToJson();
      return obj;
    }
  }
  return nullptr;
}

ConfigError ConfigNode::Fail(const std::string& problem) const {
  return ConfigError(where_.empty() ? problem : fmt::format("{}: {}", where_, problem));
}

}  // namespace finml
