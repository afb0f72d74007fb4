#include <fmt/format.h>

#include <cmath>

#include "loading.hpp"

namespace finml::data::loading {

// A price no market comes near, or a thousandfold move in one bar, is more often a unit or
// parsing slip than data: it passes validation (it is a finite positive number) and dominates
// every rolling statistic after it. It is kept, since the user may mean it, and named.
void WarnAbsurdMagnitudes(MarketData& md) {
  constexpr double kLargest = 1e12;
  constexpr double kJump = 1e3;
  constexpr std::size_t kNamed = 3;
  const std::pair<Field, const char*> fields[] = {{Field::kOpen, "open"},
                                                  {Field::kHigh, "high"},
                                                  {Field::kLow, "low"},
                                                  {Field::kClose, "close"},
                                                  {Field::kAdjClose, "adjusted close"}};
  std::size_t found = 0;
  for (const auto& bars : md.assets) {
    for (const auto& [field, name] : fields) {
      const auto& v = bars.Get(field);
      double previous = std::nan("");
      for (std::size_t t = 0; t < v.size(); ++t) {
        if (!std::isfinite(v[t])) continue;
        const double ratio =
            previous > 0 && v[t] > 0 ? std::max(v[t] / previous, previous / v[t]) : 1.0;
        previous = v[t];
        const bool huge = std::fabs(v[t]) >= kLargest;
        if (!huge && !(ratio >= kJump)) continue;
        if (++found > kNamed) continue;
        const std::string when = t < md.time_label.size() ? md.time_label[t] : std::to_string(t);
        md.warnings.push_back(fmt::format(
            "{}: the {} of {} on {} is {:g}, {} (a unit or typing slip? it is kept)", md.source,
            name, bars.symbol.empty() ? "the series" : "'" + bars.symbol + "'", when, v[t],
            huge ? fmt::format("beyond {:g}", kLargest)
                 : fmt::format("{:.3g} times the bar before", ratio)));
      }
    }
  }
  if (found > kNamed)
    md.warnings.push_back(fmt::format("{}: {} more values like these", md.source, found - kNamed));
}

}  // namespace finml::data::loading
