#include <fmt/format.h>

#include <cmath>

#include "loading.hpp"

namespace finml::data::loading {
namespace {

constexpr double kLargest = 1e12;
constexpr double kJump = 1e3;
constexpr std::size_t kNamed = 3;

// An absurd value of one series: where, and why.
struct Absurd {
  std::size_t t = 0;
  double value = 0;
  double ratio = 0;
  bool huge = false;
};

// How many values of a series are absurd, and the first kNamed of them (no more are named).
struct SeriesScan {
  std::size_t found = 0;
  std::vector<Absurd> first;
};

SeriesScan Scan(const std::vector<double>& v) {
  SeriesScan scan;
  double previous = std::nan("");
  for (std::size_t t = 0; t < v.size(); ++t) {
    if (!std::isfinite(v[t])) continue;
    const double before = previous;
    previous = v[t];
    const bool huge = std::fabs(v[t]) >= kLargest;
    // Nearly every bar is within 500 times the one before: two multiplications show it, and the
    // two divisions below, the slow part of a large load, are left for the rest.
    if (!huge && before > 0 && v[t] > 0 && v[t] <= before * 500 && before <= v[t] * 500) continue;
    const double ratio = before > 0 && v[t] > 0 ? std::max(v[t] / before, before / v[t]) : 1.0;
    if (!huge && !(ratio >= kJump)) continue;
    if (++scan.found <= kNamed) scan.first.push_back({t, v[t], ratio, huge});
  }
  return scan;
}

}  // namespace

// A price no market comes near, or a thousandfold move in one bar, is more often a unit or
// parsing slip than data: it passes validation (it is a finite positive number) and dominates
// every rolling statistic after it. It is kept, since the user may mean it, and named.
void WarnAbsurdMagnitudes(MarketData& md) {
  const std::pair<Field, const char*> fields[] = {{Field::kOpen, "open"},
                                                  {Field::kHigh, "high"},
                                                  {Field::kLow, "low"},
                                                  {Field::kClose, "close"},
                                                  {Field::kAdjClose, "adjusted close"}};
  struct Series {
    const Bars* bars;
    const char* name;
    const std::vector<double>* values;
  };
  std::vector<Series> series;
  std::size_t values = 0;
  for (const auto& bars : md.assets) {
    for (const auto& [field, name] : fields) {
      series.push_back({&bars, name, &bars.Get(field)});
      values += bars.Get(field).size();
    }
  }
  // The series are scanned on every core (a large panel has millions of values), then named in
  // their order, as one scan would.
  std::vector<SeriesScan> scans(series.size());
  const unsigned threads = ParseThreads(values * sizeof(double));
  RunParallel(threads, [&](unsigned part) {
    for (std::size_t s = part; s < series.size(); s += threads) scans[s] = Scan(*series[s].values);
  });
  std::size_t found = 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const Bars* bars = series[s].bars;
    for (const Absurd& a : scans[s].first) {
      if (++found > kNamed) continue;
      const std::string when =
          a.t < md.time_label.size() ? md.time_label[a.t] : std::to_string(a.t);
      md.warnings.push_back(
          fmt::format("{}: the {} of {} on {} is {:g}, {} (a unit or typing slip? it is kept)",
                      md.source, series[s].name,
                      bars->symbol.empty() ? "the series" : "'" + bars->symbol + "'", when, a.value,
                      a.huge ? fmt::format("beyond {:g}", kLargest)
                             : fmt::format("{:.3g} times the bar before", a.ratio)));
    }
    found += scans[s].found - scans[s].first.size();
  }
  if (found > kNamed)
    md.warnings.push_back(fmt::format("{}: {} more values like these", md.source, found - kNamed));
}

}  // namespace finml::data::loading
