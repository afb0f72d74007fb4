// Small string helpers shared by the parsers and the config validator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace finml {

[[nodiscard]] std::string ToLower(std::string_view s);
[[nodiscard]] std::string Trim(std::string_view s);
[[nodiscard]] std::size_t EditDistance(std::string_view a, std::string_view b);
// The candidate nearest to `word` by edit distance (empty if there are no candidates).
[[nodiscard]] std::string ClosestMatch(std::string_view word,
                                       const std::vector<std::string>& candidates);
[[nodiscard]] std::string JoinStrings(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace finml
