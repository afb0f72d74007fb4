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
// A text field for a CSV file: quoted when it holds a comma, quote or line break (RFC 4180), and
// prefixed with ' when it starts like a formula (=, +, -, @, tab, CR), which a spreadsheet would
// otherwise run (OWASP, CSV injection).
[[nodiscard]] std::string CsvField(std::string_view s);
// Text quoted back in a message, cut to a readable length ("abc... (10485760 characters)").
[[nodiscard]] std::string Excerpt(std::string_view s, std::size_t max = 60);
[[nodiscard]] std::string JoinStrings(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace finml
