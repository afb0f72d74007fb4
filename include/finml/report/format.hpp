// Numbers as people read them in reports: money with thousands separators and never in scientific
// notation, ratios as percents, and "n/a" for what could not be computed.
#pragma once

#include <string>

namespace finml::report {

[[nodiscard]] std::string Money(double value, int decimals = 2);    // 1,234,567.89
[[nodiscard]] std::string Percent(double ratio, int decimals = 2);  // 0.1234 -> 12.34%
[[nodiscard]] std::string Count(double value);                      // 1,234
// A whole count with its unit, singular for one: "1 day", "2,190 days".
[[nodiscard]] std::string Counted(long long n, const std::string& unit);
// Up to `significant` digits, plain notation for 1e-4 <= |v| < 1e9, trailing zeros dropped.
[[nodiscard]] std::string Number(double value, int significant = 4);
// Escapes &, <, >, " and ' for HTML text and attributes.
[[nodiscard]] std::string EscapeHtml(const std::string& text);

}  // namespace finml::report
