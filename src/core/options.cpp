#include "finml/core/options.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "finml/core/strings.hpp"

namespace finml::options {
namespace {

// The whole text as a decimal number: no hex, at most one leading '+', nothing after it.
std::optional<double> DecimalNumber(std::string_view t) {
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

std::string Shown(const ConfigNode& n) {
  if (n.IsScalar()) return fmt::format("'{}'", Excerpt(n.text()));
  if (n.IsList()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

std::string Number(double v) { return fmt::format("{:g}", v); }

}  // namespace

bool Bounds::Contains(double v) const {
  if (lo && (lo_open ? !(v > *lo) : !(v >= *lo))) return false;
  if (hi && (hi_open ? !(v < *hi) : !(v <= *hi))) return false;
  return true;
}

std::string Bounds::Describe() const {
  if (lo && hi)
    return fmt::format("in {}{}, {}{}", lo_open ? "(" : "[", Number(*lo), Number(*hi),
                       hi_open ? ")" : "]");
  if (lo) return fmt::format("{} {}", lo_open ? ">" : ">=", Number(*lo));
  if (hi) return fmt::format("{} {}", hi_open ? "<" : "<=", Number(*hi));
  return "any value";
}

bool ReadBool(const ConfigNode& n, const std::string& path) {
  if (n.IsScalar()) {
    const std::string t = ToLower(n.text());
    if (t == "true" || t == "yes" || t == "on") return true;
    if (t == "false" || t == "no" || t == "off") return false;
  }
  throw n.Fail(fmt::format("'{}' must be true or false, got {}", path, Shown(n)));
}

long long ReadInteger(const ConfigNode& n, const std::string& path) {
  if (n.IsScalar() && !n.text().empty()) {
    std::string_view t = n.text();
    if (t.front() == '+') t.remove_prefix(1);
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && ptr == t.data() + t.size()) return v;
    if (ec == std::errc::result_out_of_range && ptr == t.data() + t.size())
      throw n.Fail(fmt::format("'{}' is out of range ({})", path, n.text()));
    // 1e3 and 5.0 are whole numbers too.
    if (const auto d = DecimalNumber(n.text()); d && std::isfinite(*d) && *d == std::floor(*d)) {
      if (std::abs(*d) >= 9.2e18)
        throw n.Fail(fmt::format("'{}' is out of range ({})", path, n.text()));
      return static_cast<long long>(*d);
    }
  }
  throw n.Fail(fmt::format("'{}' must be a whole number, got {}", path, Shown(n)));
}

unsigned long long ReadUnsigned(const ConfigNode& n, const std::string& path) {
  const long long v = ReadInteger(n, path);
  if (v < 0)
    throw n.Fail(
        fmt::format("'{}' is {}; it must be >= 0 (fix: a count or size, not a negative "
                    "number)",
                    path, v));
  return static_cast<unsigned long long>(v);
}

double ReadDouble(const ConfigNode& n, const std::string& path) {
  if (n.IsScalar() && !n.text().empty()) {
    const std::string& t = n.text();
    const std::string lower = ToLower(t);
    if (lower == ".nan" || lower == ".inf" || lower == "+.inf" || lower == "-.inf")
      throw n.Fail(fmt::format("'{}' must be a finite number, got {}", path, Shown(n)));
    if (const auto v = DecimalNumber(t)) {
      if (!std::isfinite(*v))
        throw n.Fail(fmt::format("'{}' must be a finite number, got {}", path, Shown(n)));
      return *v;
    }
  }
  throw n.Fail(fmt::format("'{}' must be a number, got {}", path, Shown(n)));
}

std::string ReadString(const ConfigNode& n, const std::string& path) {
  if (n.IsScalar()) return n.text();
  throw n.Fail(fmt::format("'{}' must be a single value, got {}", path, Shown(n)));
}

void CheckBounds(double value, const FieldRules& rules, const ConfigNode& n,
                 const std::string& path) {
  if (rules.bounds.Contains(value)) return;
  throw n.Fail(fmt::format("'{}' is {}; it must be {} (fix: give a value {})", path,
                           n.IsScalar() ? Excerpt(n.text()) : Number(value),
                           rules.bounds.Describe(), rules.bounds.Describe()));
}

std::vector<ConfigNode> ListItems(const ConfigNode& n, const std::string& path, bool whole) {
  if (n.IsNull()) return {};
  if (n.IsList()) return n.items();
  if (n.IsScalar()) {
    std::vector<ConfigNode> items;
    if (whole || n.quoted() || n.text().find(',') == std::string::npos) {
      items.push_back(n);
      return items;
    }
    std::size_t pos = 0;
    const std::string& t = n.text();
    while (pos <= t.size()) {
      const auto comma = t.find(',', pos);
      const std::string item =
          Trim(t.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (item.empty()) throw n.Fail(fmt::format("'{}': an empty item in '{}'", path, t));
      items.push_back(ConfigNode::Scalar(item, n.where()));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    return items;
  }
  throw n.Fail(fmt::format("'{}' must be a list, got a mapping", path));
}

void RethrowAt(const ConfigNode& node, const std::string& path, const Error& e) {
  throw node.Fail(fmt::format("'{}': {}", path, e.what()));
}

void ThrowUnknownKey(const ConfigNode& map, std::size_t index, const std::string& path,
                     const std::vector<std::string>& keys, const std::string& hint) {
  const std::string& key = map.key(index);
  const std::string valid = keys.empty()
                                ? "it takes no keys"
                                : fmt::format("did you mean '{}'? valid: {}",
                                              ClosestMatch(key, keys), JoinStrings(keys, ", "));
  throw ConfigError(fmt::format("{}: unknown key '{}' in '{}' ({}){}", map.key_where(index),
                                Excerpt(key), path.empty() ? "experiment" : path, valid,
                                hint.empty() ? "" : "; " + hint));
}

std::function<std::string(const std::string&)> OneOf(std::vector<std::string> names,
                                                     std::string what) {
  return
      [names = std::move(names), what = std::move(what)](const std::string& name) -> std::string {
        for (const auto& n : names)
          if (n == name) return n;
        ThrowUnknownName(what, name, names);
      };
}

std::string JoinPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

}  // namespace finml::options
