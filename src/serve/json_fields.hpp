// Strict reading of request JSON: every accessor names the JSON path of what is wrong, so a
// client sees "bars[3].close: expected a number, got string" rather than a parser message.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace finml::serve {

[[nodiscard]] const char* JsonTypeName(const nlohmann::json& value);
// The object's keys must all be in `allowed`; otherwise 400 naming the key and the valid ones.
void RequireKnownKeys(const nlohmann::json& object, const std::vector<std::string>& allowed,
                      const std::string& path);
void RequireObject(const nlohmann::json& value, const std::string& path);
const nlohmann::json& RequireArray(const nlohmann::json& value, const std::string& path);
// A finite JSON number (NaN/Inf arrive as strings or as overflowing literals; both refused).
[[nodiscard]] double RequireFiniteNumber(const nlohmann::json& value, const std::string& path);
[[nodiscard]] const std::string& RequireString(const nlohmann::json& value,
                                               const std::string& path);
// A non-negative integer no larger than `max`.
[[nodiscard]] std::size_t RequireCount(const nlohmann::json& value, std::size_t max,
                                       const std::string& path);

}  // namespace finml::serve
