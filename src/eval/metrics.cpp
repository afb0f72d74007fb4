#include "finml/eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::eval {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Mean(const std::vector<double>& v) {
  return v.empty() ? kNaN
                   : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double SampleStd(const std::vector<double>& v) {
  if (v.size() < 2) return kNaN;
  double m = Mean(v), ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

int Sign(double v) { return (v > 0) - (v < 0); }

// Undefined values (no variance, the benchmark against itself) are JSON null, not a number.
nlohmann::json Num(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
}  // namespace

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

TestResult DieboldMariano(const std::vector<double>& d, std::size_t horizon) {
  const std::size_t n = d.size();
  if (n < 2) return {kNaN, kNaN};
  const double mean = Mean(d);
  auto autocov = [&](std::size_t lag) {
    double s = 0;
    for (std::size_t t = lag; t < n; ++t) s += (d[t] - mean) * (d[t - lag] - mean);
    return s / static_cast<double>(n);
  };
  double lrv = autocov(0);
  for (std::size_t lag = 1; lag < horizon && lag < n; ++lag) {
    double weight = 1.0 - static_cast<double>(lag) / static_cast<double>(horizon);
    lrv += 2.0 * weight * autocov(lag);
  }
  if (!(lrv > 0)) return {kNaN, kNaN};
  double stat = mean / std::sqrt(lrv / static_cast<double>(n));
  return {stat, std::erfc(std::abs(stat) / std::sqrt(2.0))};  // keeps precision in the tail
}

PointMetrics ComputePointMetrics(const std::vector<double>& y, const std::vector<double>& p,
                                 const std::vector<double>& base,
                                 const std::vector<std::size_t>& group, std::size_t horizon) {
  FINML_REQUIRE(y.size() == p.size() && y.size() == base.size(),
                "metrics: {} outcomes, {} predictions and {} benchmarks differ", y.size(), p.size(),
                base.size());
  FINML_REQUIRE(group.empty() || group.size() == y.size(), "metrics: group length mismatch");
  PointMetrics m;
  m.n = y.size();
  if (m.n == 0) {
    // No samples: every figure is undefined (null in JSON), never a perfect zero.
    m.mse = m.rmse = m.mae = m.mape = m.r2 = m.directional_accuracy = m.theil_u = kNaN;
    m.dm = {kNaN, kNaN};
    return m;
  }
  double sse = 0, sae = 0, sse_rw = 0, ape = 0;
  std::size_t ape_n = 0;
  double hits = 0;
  std::size_t directional_n = 0;
  const double y_mean = Mean(y);
  double sst = 0;
  for (std::size_t i = 0; i < m.n; ++i) {
    double e = y[i] - p[i];
    sse += e * e;
    sae += std::abs(e);
    sse_rw += (y[i] - base[i]) * (y[i] - base[i]);
    sst += (y[i] - y_mean) * (y[i] - y_mean);
    if (y[i] != 0) {
      ape += std::abs(e / y[i]);
      ++ape_n;
    }
    int actual = Sign(y[i] - base[i]);
    if (actual != 0) {
      int predicted = Sign(p[i] - base[i]);
      hits += predicted == 0 ? 0.5 : (predicted == actual ? 1.0 : 0.0);
      ++directional_n;
    }
  }
  const double n = static_cast<double>(m.n);
  m.mse = sse / n;
  m.rmse = std::sqrt(m.mse);
  m.mae = sae / n;
  m.mape = ape_n ? ape / static_cast<double>(ape_n) : kNaN;
  m.r2 = sst > 0 ? 1.0 - sse / sst : kNaN;
  m.directional_accuracy = directional_n ? hits / static_cast<double>(directional_n) : kNaN;
  m.theil_u = sse_rw > 0 ? std::sqrt(sse / sse_rw) : kNaN;

  // Loss differentials, averaged per date when a group is given.
  std::vector<double> d;
  if (group.empty()) {
    d.resize(m.n);
    for (std::size_t i = 0; i < m.n; ++i)
      d[i] = (y[i] - p[i]) * (y[i] - p[i]) - (y[i] - base[i]) * (y[i] - base[i]);
  } else {
    std::map<std::size_t, std::pair<double, std::size_t>> by_date;
    for (std::size_t i = 0; i < m.n; ++i) {
      auto& [sum, count] = by_date[group[i]];
      sum += (y[i] - p[i]) * (y[i] - p[i]) - (y[i] - base[i]) * (y[i] - base[i]);
      ++count;
    }
    for (const auto& [date, acc] : by_date)
      d.push_back(acc.first / static_cast<double>(acc.second));
  }
  bool identical = std::all_of(d.begin(), d.end(), [](double v) { return v == 0; });
  m.dm = identical ? TestResult{kNaN, kNaN} : DieboldMariano(d, horizon);
  return m;
}

nlohmann::json PointMetrics::ToJson() const {
  return {{"n", n},
          {"mse", Num(mse)},
          {"rmse", Num(rmse)},
          {"mae", Num(mae)},
          {"mape", Num(mape)},
          {"r2", Num(r2)},
          {"directional_accuracy", Num(directional_accuracy)},
          {"theil_u", Num(theil_u)},
          {"dm_stat", Num(dm.statistic)},
          {"dm_pvalue", Num(dm.p_value)}};
}

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  FINML_REQUIRE(a.size() == b.size(), "correlation of series of different lengths");
  if (a.size() < 2) return kNaN;
  double ma = Mean(a), mb = Mean(b), sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  // A constant series has no correlation; rounding in its mean must not fake a tiny variance.
  const double n = static_cast<double>(a.size());
  if (saa <= 1e-24 * n * ma * ma || sbb <= 1e-24 * n * mb * mb || saa <= 0 || sbb <= 0) return kNaN;
  return sab / std::sqrt(saa * sbb);
}

std::vector<double> Ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = avg;
    i = j + 1;
  }
  return ranks;
}

IcSummary InformationCoefficients(const std::vector<double>& y, const std::vector<double>& p,
                                  const std::vector<std::size_t>& date, std::size_t min_assets) {
  FINML_REQUIRE(y.size() == p.size() && y.size() == date.size(), "IC: length mismatch");
  std::map<std::size_t, std::vector<std::size_t>> by_date;
  for (std::size_t i = 0; i < y.size(); ++i) by_date[date[i]].push_back(i);
  IcSummary s;
  for (const auto& [d, idx] : by_date) {
    if (idx.size() < min_assets) continue;
    std::vector<double> a, b;
    for (std::size_t i : idx) {
      a.push_back(p[i]);
      b.push_back(y[i]);
    }
    double ic = Pearson(a, b);
    double ric = Pearson(Ranks(a), Ranks(b));
    if (std::isnan(ic) || std::isnan(ric)) continue;  // constant cross-section: no ranking
    s.date.push_back(d);
    s.ic.push_back(ic);
    s.rank_ic.push_back(ric);
  }
  s.dates = s.ic.size();
  s.ic_mean = Mean(s.ic);
  s.ic_std = SampleStd(s.ic);
  s.icir = s.ic_mean / s.ic_std;
  s.rank_ic_mean = Mean(s.rank_ic);
  s.rank_ic_std = SampleStd(s.rank_ic);
  s.rank_icir = s.rank_ic_mean / s.rank_ic_std;
  return s;
}

nlohmann::json IcSummary::ToJson() const {
  return {{"ic_dates", dates},
          {"ic_mean", Num(ic_mean)},
          {"ic_std", Num(ic_std)},
          {"icir", Num(icir)},
          {"rank_ic_mean", Num(rank_ic_mean)},
          {"rank_ic_std", Num(rank_ic_std)},
          {"rank_icir", Num(rank_icir)}};
}

}  // namespace finml::eval
