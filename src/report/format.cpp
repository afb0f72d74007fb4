#include "finml/report/format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace finml::report {
namespace {

// fmt's "L" would follow the process locale; a report reads the same everywhere.
std::string GroupThousands(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Grouped(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  std::string text = fmt::format("{:.{}f}", std::fabs(value), decimals);
  const auto dot = text.find('.');
  std::string whole = text.substr(0, dot),
              fraction = dot == std::string::npos ? "" : text.substr(dot);
  std::string out = GroupThousands(whole) + fraction;
  const bool zero = text.find_first_not_of("0.") == std::string::npos;
  return (value < 0 && !zero ? "-" : "") + out;
}

}  // namespace

std::string Money(double value, int decimals) { return Grouped(value, decimals); }

std::string Percent(double ratio, int decimals) {
  if (!std::isfinite(ratio)) return "n/a";
  return Grouped(100 * ratio, decimals) + "%";
}

std::string Count(double value) { return Grouped(value, 0); }

std::string Counted(long long n, const std::string& unit) {
  return Count(static_cast<double>(n)) + " " + unit + (n == 1 || n == -1 ? "" : "s");
}

std::string Number(double value, int significant) {
  if (!std::isfinite(value)) return "n/a";
  const double a = std::fabs(value);
  if (a != 0 && (a < 1e-4 || a >= 1e9)) return fmt::format("{:.{}e}", value, significant - 1);
  if (a >= 1e4) return Grouped(value, 0);
  const int magnitude = a == 0 ? 0 : static_cast<int>(std::floor(std::log10(a)));
  const int decimals = std::max(0, significant - 1 - magnitude);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace finml::report
