#include "json_fields.hpp"

#include <fmt/format.h>

#include <cmath>

#include "finml/core/strings.hpp"
#include "request_error.hpp"

namespace finml::serve {

const char* JsonTypeName(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "unknown";
}

void RequireKnownKeys(const nlohmann::json& object, const std::vector<std::string>& allowed,
                      const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string where = path.empty() ? key : path + "." + key;
    throw InvalidRequest(where,
                         fmt::format("unknown field (did you mean '{}'? valid: {})",
                                     ClosestMatch(key, allowed), JoinStrings(allowed, ", ")));
  }
}

void RequireObject(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object())
    throw InvalidRequest(path.empty() ? "body" : path,
                         fmt::format("expected an object, got {}", JsonTypeName(value)));
}

const nlohmann::json& RequireArray(const nlohmann::json& value, const std::string& path) {
  if (!value.is_array())
    throw InvalidRequest(path, fmt::format("expected an array, got {}", JsonTypeName(value)));
  return value;
}

double RequireFiniteNumber(const nlohmann::json& value, const std::string& path) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    const std::string lower = ToLower(s);
    if (lower == "nan" || lower == "inf" || lower == "-inf" || lower == "infinity" ||
        lower == "-infinity")
      throw InvalidValue(path, fmt::format("'{}' is not a finite number", s));
  }
  if (!value.is_number())
    throw InvalidRequest(path, fmt::format("expected a number, got {}", JsonTypeName(value)));
  const double x = value.get<double>();
  if (!std::isfinite(x)) throw InvalidValue(path, "not a finite number (overflows a double)");
  return x;
}

const std::string& RequireString(const nlohmann::json& value, const std::string& path) {
  if (!value.is_string())
    throw InvalidRequest(path, fmt::format("expected a string, got {}", JsonTypeName(value)));
  return value.get_ref<const std::string&>();
}

std::size_t RequireCount(const nlohmann::json& value, std::size_t max, const std::string& path) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
    throw InvalidRequest(path, fmt::format("expected a non-negative integer, got {}",
                                           value.is_number() ? value.dump() : JsonTypeName(value)));
  const auto n = value.get<std::size_t>();
  if (n > max) throw InvalidValue(path, fmt::format("{} is above the limit {}", n, max));
  return n;
}

}  // namespace finml::serve
