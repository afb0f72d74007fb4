#include "finml/backtest/performance.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "finml/core/error.hpp"
#include "finml/eval/metrics.hpp"

namespace finml::backtest {
namespace {

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double SampleStd(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = Mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// Ratios with a zero denominator are reported as null rather than as infinities.
nlohmann::json Finite(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }

}  // namespace

std::vector<double> SimpleReturns(const std::vector<double>& equity) {
  std::vector<double> r;
  for (std::size_t t = 1; t < equity.size(); ++t) r.push_back(equity[t] / equity[t - 1] - 1.0);
  return r;
}

Drawdown ComputeDrawdown(const std::vector<double>& equity) {
  Drawdown d;
  if (equity.empty()) return d;
  double peak_value = equity[0];
  std::size_t peak = 0;
  bool under = false;
  for (std::size_t t = 0; t < equity.size(); ++t) {
    if (equity[t] >= peak_value) {
      // A spell below the peak ends on the bar that gets back to it.
      if (under && t - peak > d.longest_bars) {
        d.longest_bars = t - peak;
        d.longest_start = peak;
      }
      under = false;
      peak_value = equity[t];
      peak = t;
      continue;
    }
    under = true;
    if (t - peak > d.longest_bars) {
      d.longest_bars = t - peak;
      d.longest_start = peak;
    }
    const double depth = equity[t] / peak_value - 1.0;
    if (depth < d.depth) {
      d.depth = depth;
      d.peak = peak;
      d.trough = t;
    }
  }
  for (std::size_t t = d.trough; d.depth < 0 && t < equity.size(); ++t) {
    if (equity[t] >= equity[d.peak]) {
      d.recovery = t;
      break;
    }
  }
  return d;
}

Performance ComputePerformance(const std::vector<double>& equity,
                               const std::vector<double>* benchmark,
                               const std::vector<data::Timestamp>& time, double periods_per_year,
                               double risk_free) {
  FINML_REQUIRE(equity.size() >= 2, "a performance record needs at least two bars of equity");
  Performance p;
  const auto r = SimpleReturns(equity);
  const double ppy = periods_per_year;
  p.periods = r.size();
  p.total_return = equity.back() / equity.front() - 1.0;
  const double years = static_cast<double>(r.size()) / ppy;
  p.annual_return =
      equity.back() > 0 ? std::pow(equity.back() / equity.front(), 1.0 / years) - 1.0 : -1.0;
  const double sd = SampleStd(r);
  p.annual_volatility = sd * std::sqrt(ppy);
  const double rf_bar = std::pow(1.0 + risk_free, 1.0 / ppy) - 1.0;
  std::vector<double> excess(r.size());
  double downside = 0;
  for (std::size_t t = 0; t < r.size(); ++t) {
    excess[t] = r[t] - rf_bar;
    downside += std::min(excess[t], 0.0) * std::min(excess[t], 0.0);
  }
  downside = std::sqrt(downside / static_cast<double>(r.size()));
  p.sharpe = sd > 0 ? Mean(excess) / sd * std::sqrt(ppy) : std::nan("");
  p.sortino = downside > 0 ? Mean(excess) / downside * std::sqrt(ppy) : std::nan("");
  p.drawdown = ComputeDrawdown(equity);
  p.calmar = p.drawdown.depth < 0 ? p.annual_return / -p.drawdown.depth : std::nan("");
  if (!time.empty()) {
    const std::size_t end =
        std::min(p.drawdown.longest_start + p.drawdown.longest_bars, time.size() - 1);
    p.longest_drawdown_days =
        static_cast<double>(time[end] - time[p.drawdown.longest_start]) / data::kSecondsPerDay;
  }
  double gains = 0, losses = 0;
  std::size_t up = 0, moved = 0;
  for (std::size_t t = 1; t < equity.size(); ++t) {
    const double pnl = equity[t] - equity[t - 1];
    if (pnl == 0) continue;
    ++moved;
    if (pnl > 0) {
      ++up;
      gains += pnl;
    } else {
      losses -= pnl;
    }
  }
  p.win_rate = moved ? static_cast<double>(up) / static_cast<double>(moved) : std::nan("");
  p.profit_factor = losses > 0 ? gains / losses : std::nan("");
  p.best_bar = *std::max_element(r.begin(), r.end());
  p.worst_bar = *std::min_element(r.begin(), r.end());

  if (benchmark) {
    if (benchmark->size() != equity.size())
      throw InternalError("ComputePerformance: benchmark and equity differ in length");
    const auto b = SimpleReturns(*benchmark);
    const double mb = Mean(b), mr = Mean(r);
    double cov = 0, var_b = 0;
    std::vector<double> active(r.size());
    for (std::size_t t = 0; t < r.size(); ++t) {
      cov += (r[t] - mr) * (b[t] - mb);
      var_b += (b[t] - mb) * (b[t] - mb);
      active[t] = r[t] - b[t];
    }
    p.beta = var_b > 0 ? cov / var_b : std::nan("");
    p.alpha = (mr - rf_bar - *p.beta * (mb - rf_bar)) * ppy;
    p.tracking_error = SampleStd(active) * std::sqrt(ppy);
    p.information_ratio =
        *p.tracking_error > 0 ? Mean(active) * ppy / *p.tracking_error : std::nan("");
    p.correlation = eval::Pearson(r, b);
  }
  return p;
}

Annualisation InferAnnualisation(const std::vector<data::Timestamp>& time, bool calendar) {
  Annualisation a;
  a.calendar = calendar;
  if (!calendar || time.size() < 3) return a;
  const double median_days = static_cast<double>(data::MedianStep(time)) / data::kSecondsPerDay;
  auto set = [&](double ppy) {
    a.periods_per_year = ppy;
    return a;
  };
  if (median_days > 4) {
    if (median_days <= 10) return set(52);
    if (median_days <= 45) return set(12);
    if (median_days <= 120) return set(4);
    return set(365.25 / median_days);
  }
  // Daily bars over a year or more: count them per year, so neither the zone the stamps are
  // shown in (a New York close is Saturday in Tokyo) nor approximate dates (a decimal-year index)
  // can move bars onto weekends. Business-day counts read as the 252 convention.
  const double span_days = static_cast<double>(time.back() - time.front()) / data::kSecondsPerDay;
  if (median_days >= 0.99 && span_days >= 300) {
    const double per_year = static_cast<double>(time.size() - 1) / (span_days / 365.25);
    a.days_per_year = per_year >= 235 && per_year <= 265   ? 252
                      : per_year >= 345 && per_year <= 370 ? 365
                                                           : std::round(per_year);
    a.counted = true;
    return set(a.days_per_year);
  }
  // Intraday, or a short daily span: count bars per calendar day and how many of them fall on
  // weekends (crypto and some FX data trade seven days a week; a Sunday-evening FX open is a few
  // bars, not a day).
  std::map<std::int64_t, std::size_t> per_day;
  std::size_t weekend_bars = 0;
  for (auto t : time) {
    ++per_day[data::DayNumber(t)];
    if (data::Weekday(t) >= 5) ++weekend_bars;
  }
  a.days_per_year =
      static_cast<double>(weekend_bars) > 0.1 * static_cast<double>(time.size()) ? 365 : 252;
  std::vector<std::size_t> counts;
  for (const auto& [day, n] : per_day) counts.push_back(n);
  std::nth_element(counts.begin(), counts.begin() + counts.size() / 2, counts.end());
  a.intraday = median_days < 0.99;
  a.bars_per_day = a.intraday ? static_cast<double>(counts[counts.size() / 2]) : 1;
  return set(a.bars_per_day * a.days_per_year);
}

double InferPeriodsPerYear(const std::vector<data::Timestamp>& time, bool calendar) {
  return InferAnnualisation(time, calendar).periods_per_year;
}

std::string Annualisation::Describe() const {
  if (!inferred) return fmt::format("{} bars per year (set)", periods_per_year);
  if (!calendar)
    return fmt::format(
        "{} bars per year, assumed: the index has no calendar dates (set "
        "periods_per_year)",
        periods_per_year);
  if (counted) return fmt::format("{} bars per year, counted from the dates", periods_per_year);
  if (intraday) {
    return fmt::format("{} bars per year, inferred: {} bars per trading day x {} trading days",
                       periods_per_year, bars_per_day, days_per_year);
  }
  return fmt::format("{} bars per year, inferred from the dates' spacing", periods_per_year);
}

nlohmann::json PerformanceJson(const Performance& p, const std::vector<std::string>& labels) {
  auto label = [&](std::size_t i) { return i < labels.size() ? labels[i] : std::to_string(i); };
  const Drawdown& d = p.drawdown;
  nlohmann::json j = {
      {"periods", p.periods},
      {"total_return", p.total_return},
      {"annual_return", p.annual_return},
      {"annual_volatility", p.annual_volatility},
      {"sharpe", Finite(p.sharpe)},
      {"sortino", Finite(p.sortino)},
      {"calmar", Finite(p.calmar)},
      {"max_drawdown", d.depth},
      {"max_drawdown_peak", label(d.peak)},
      {"max_drawdown_trough", label(d.trough)},
      {"max_drawdown_recovery", d.recovery ? nlohmann::json(label(*d.recovery)) : nlohmann::json()},
      {"max_drawdown_duration_bars", d.longest_bars},
      {"max_drawdown_duration_days", p.longest_drawdown_days},
      {"win_rate", Finite(p.win_rate)},
      {"profit_factor", Finite(p.profit_factor)},
      {"best_bar", p.best_bar},
      {"worst_bar", p.worst_bar}};
  if (p.beta) {
    j["alpha"] = Finite(*p.alpha);
    j["beta"] = Finite(*p.beta);
    j["information_ratio"] = Finite(*p.information_ratio);
    j["tracking_error"] = Finite(*p.tracking_error);
    j["correlation"] = Finite(*p.correlation);
  }
  return j;
}

}  // namespace finml::backtest
