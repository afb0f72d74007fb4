#include "finml/backtest/analytics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/report/format.hpp"

namespace finml::backtest {
namespace {

// The same wall-clock time `months` and `days` earlier (the month's last day when the day does
// not exist there, as pandas' DateOffset does).
data::Timestamp Earlier(data::Timestamp t, int months, int days) {
  const data::Timestamp seconds_in_day = t - data::DayNumber(t) * data::kSecondsPerDay;
  data::CivilDate d = data::DateOf(t);
  int month_index = d.year * 12 + static_cast<int>(d.month) - 1 - months;
  data::CivilDate back{month_index / 12, static_cast<unsigned>(month_index % 12 + 1), d.day};
  const data::CivilDate next_month{back.month == 12 ? back.year + 1 : back.year,
                                   back.month == 12 ? 1u : back.month + 1, 1};
  const auto last_day = static_cast<unsigned>(data::DaysFromCivil(next_month) -
                                              data::DaysFromCivil({back.year, back.month, 1}));
  back.day = std::min(back.day, last_day);
  return (data::DaysFromCivil(back) - days) * data::kSecondsPerDay + seconds_in_day;
}

}  // namespace

RollingWindow RollingWindow::Parse(const std::string& text, const std::string& key) {
  RollingWindow w;
  w.text = text;
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, value);
  const std::string unit(rest, end);
  const bool ok = ec == std::errc() && value > 0 && value <= 100000 &&
                  (unit.empty() || unit == "M" || unit == "Y" || unit == "W" || unit == "D");
  if (!ok)
    throw ConfigError(fmt::format(
        "{}: '{}' is not a window (fix: a calendar length such as 6M, 1Y, 13W or 90D, or a "
        "number of bars such as 126)",
        key, text));
  const int n = static_cast<int>(value);
  if (unit.empty()) {
    FINML_REQUIRE(value >= 2, "{}: a window needs at least 2 bars (got {})", key, value);
    w.bars = value;
  } else if (unit == "M") {
    w.months = n;
  } else if (unit == "Y") {
    w.months = 12 * n;
  } else {
    w.days = unit == "W" ? 7 * n : n;
  }
  return w;
}

std::string RollingWindow::Describe() const {
  if (bars) return report::Counted(static_cast<long long>(bars), "bar");
  if (months)
    return months % 12 == 0 ? fmt::format("{} year{}", months / 12, months == 12 ? "" : "s")
                            : fmt::format("{} month{}", months, months == 1 ? "" : "s");
  return days % 7 == 0 ? report::Counted(days / 7, "week") : report::Counted(days, "day");
}

RollingStats ComputeRolling(const std::vector<double>& equity, const std::vector<double>* benchmark,
                            const std::vector<data::Timestamp>& time, const RollingWindow& window,
                            double periods_per_year, double risk_free) {
  const std::size_t n = equity.size();
  RollingStats out;
  out.volatility.assign(n, NAN);
  out.sharpe.assign(n, NAN);
  out.beta.assign(n, NAN);
  if (n < 3) return out;
  const bool calendar = !time.empty() && window.bars == 0;
  std::size_t bars = window.bars;
  if (!calendar && bars == 0) {
    const double years = window.months / 12.0 + window.days / 365.25;
    bars = static_cast<std::size_t>(std::max(2.0, std::round(years * periods_per_year)));
  }
  auto ret = [&](const std::vector<double>& v, std::size_t k) { return v[k] / v[k - 1] - 1.0; };
  // Running sums over the returns of points (start, t]: the window of point t.
  double sr = 0, srr = 0, sb = 0, sbb = 0, srb = 0;
  std::size_t start = 0;
  auto add = [&](std::size_t k, double sign) {
    const double r = ret(equity, k);
    sr += sign * r;
    srr += sign * r * r;
    if (benchmark) {
      const double b = ret(*benchmark, k);
      sb += sign * b;
      sbb += sign * b * b;
      srb += sign * r * b;
    }
  };
  const double annual = std::sqrt(periods_per_year);
  for (std::size_t t = 1; t < n; ++t) {
    add(t, +1);
    bool full;
    if (calendar) {
      const data::Timestamp from = Earlier(time[t], window.months, window.days);
      full = time.front() <= from;
      while (start + 1 < t && time[start + 1] <= from) add(++start, -1);
    } else {
      full = t >= bars;
      while (t - start > bars) add(++start, -1);
    }
    const auto count = static_cast<double>(t - start);
    if (!full || count < 2) continue;
    const double var = (srr - sr * sr / count) / (count - 1);
    if (var > 1e-20) {
      out.volatility[t] = std::sqrt(var) * annual;
      out.sharpe[t] = (sr / count - risk_free / periods_per_year) / std::sqrt(var) * annual;
    } else {
      out.volatility[t] = 0;
    }
    if (benchmark) {
      const double var_b = (sbb - sb * sb / count) / (count - 1);
      const double cov = (srb - sr * sb / count) / (count - 1);
      if (var_b > 1e-20) out.beta[t] = cov / var_b;
    }
  }
  return out;
}

std::vector<double> Underwater(const std::vector<double>& equity) {
  std::vector<double> d(equity.size());
  double peak = equity.empty() ? 0 : equity[0];
  for (std::size_t k = 0; k < equity.size(); ++k) {
    peak = std::max(peak, equity[k]);
    d[k] = peak > 0 ? equity[k] / peak - 1.0 : 0.0;
  }
  return d;
}

std::vector<DrawdownEpisode> TopDrawdowns(const std::vector<double>& equity, std::size_t count) {
  std::vector<DrawdownEpisode> episodes;
  std::size_t peak = 0;
  std::optional<DrawdownEpisode> open;
  for (std::size_t k = 1; k < equity.size(); ++k) {
    if (equity[k] >= equity[peak]) {
      if (open) {
        open->recovery = k;
        episodes.push_back(*open);
        open.reset();
      }
      peak = k;
      continue;
    }
    const double depth = equity[k] / equity[peak] - 1.0;
    if (!open) open = DrawdownEpisode{peak, k, std::nullopt, depth};
    if (depth < open->depth) {
      open->depth = depth;
      open->trough = k;
    }
  }
  if (open) episodes.push_back(*open);
  std::stable_sort(episodes.begin(), episodes.end(),
                   [](const auto& a, const auto& b) { return a.depth < b.depth; });
  if (episodes.size() > count) episodes.resize(count);
  return episodes;
}

}  // namespace finml::backtest
