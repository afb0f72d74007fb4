#include "finml/synth/table_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/metrics.hpp"
#include "finml/risk/var.hpp"

namespace finml::synth {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Numbers standardised by the fitting table's mean and deviation (missing: 0, the mean);
// categories one-hot over the fitting table's categories.
struct Encoder {
  struct Part {
    std::size_t column = 0;
    bool numeric = true;
    double mean = 0, scale = 1;
    std::vector<std::string> categories;
  };
  std::vector<Part> parts;
  std::size_t width = 0;

  static Encoder Fit(const credit::Table& t, const std::string& skip) {
    Encoder e;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto& col = t.columns[c];
      if (col.name == skip) continue;
      Part p;
      p.column = c;
      p.numeric = col.kind == credit::ColumnKind::kNumeric;
      if (p.numeric) {
        double sum = 0, sq = 0, n = 0;
        for (const double v : col.numbers)
          if (!std::isnan(v)) {
            sum += v;
            sq += v * v;
            ++n;
          }
        p.mean = n > 0 ? sum / n : 0;
        const double var = n > 1 ? (sq - n * p.mean * p.mean) / (n - 1) : 0;
        p.scale = var > 0 ? std::sqrt(var) : 1;
        ++e.width;
      } else {
        std::map<std::string, int> seen;
        for (const auto& l : col.labels)
          if (!l.empty() && seen.emplace(l, 0).second) p.categories.push_back(l);
        std::sort(p.categories.begin(), p.categories.end());
        e.width += p.categories.size();
      }
      e.parts.push_back(std::move(p));
    }
    return e;
  }

  std::vector<double> Apply(const credit::Table& t) const {
    std::vector<double> x(t.rows * width, 0.0);
    for (std::size_t r = 0; r < t.rows; ++r) {
      std::size_t at = r * width;
      for (const auto& p : parts) {
        const auto& col = t.columns[p.column];
        if (p.numeric) {
          const double v = col.numbers[r];
          x[at++] = std::isnan(v) ? 0.0 : (v - p.mean) / p.scale;
        } else {
          const auto it = std::lower_bound(p.categories.begin(), p.categories.end(), col.labels[r]);
          if (it != p.categories.end() && *it == col.labels[r])
            x[at + static_cast<std::size_t>(it - p.categories.begin())] = 1;
          at += p.categories.size();
        }
      }
    }
    return x;
  }
};

// Distance from each row of `from` to its nearest row of `to` (brute force: tables of thousands of
// rows take milliseconds).
std::vector<double> NearestDistances(const std::vector<double>& from, const std::vector<double>& to,
                                     std::size_t width) {
  const std::size_t n = width ? from.size() / width : 0, m = width ? to.size() / width : 0;
  std::vector<double> out(n, kNaN);
  for (std::size_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    const double* a = &from[i * width];
    for (std::size_t j = 0; j < m; ++j) {
      const double* b = &to[j * width];
      double d = 0;
      for (std::size_t k = 0; k < width && d < best; ++k) d += (a[k] - b[k]) * (a[k] - b[k]);
      best = std::min(best, d);
    }
    out[i] = std::sqrt(best);
  }
  return out;
}

std::vector<double> Correlations(const std::vector<double>& x, std::size_t n, std::size_t p) {
  std::vector<double> mean(p, 0), sd(p, 0), out;
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < p; ++c) mean[c] += x[r * p + c] / static_cast<double>(n);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < p; ++c)
      sd[c] += (x[r * p + c] - mean[c]) * (x[r * p + c] - mean[c]);
  for (std::size_t a = 0; a < p; ++a)
    for (std::size_t b = a + 1; b < p; ++b) {
      double s = 0;
      for (std::size_t r = 0; r < n; ++r) s += (x[r * p + a] - mean[a]) * (x[r * p + b] - mean[b]);
      out.push_back(sd[a] > 0 && sd[b] > 0 ? s / std::sqrt(sd[a] * sd[b]) : 0.0);
    }
  return out;
}

double EfficacyAuc(const credit::Table& fit_on, const credit::Table& judge_on,
                   const TableSplit& split) {
  const credit::Target judged = credit::ExtractTarget(judge_on, split.target, split.positive);
  std::vector<int> y(fit_on.rows);
  const auto& label = fit_on.Get(split.target);
  for (std::size_t r = 0; r < fit_on.rows; ++r) {
    if (label.kind == credit::ColumnKind::kNumeric) {
      y[r] = fmt::format("{}", label.numbers[r]) == judged.positive ? 1 : 0;
    } else {
      y[r] = label.labels[r] == judged.positive ? 1 : 0;
    }
  }
  const int positives = static_cast<int>(std::count(y.begin(), y.end(), 1));
  if (positives == 0 || positives == static_cast<int>(y.size())) return kNaN;  // one class only
  const Encoder e = Encoder::Fit(fit_on, split.target);
  const std::vector<double> x = e.Apply(fit_on), xh = e.Apply(judge_on);
  std::vector<std::string> names(e.width);
  const credit::LogisticModel m = credit::FitLogistic(x, fit_on.rows, e.width, y, {}, names);
  std::vector<double> p(judge_on.rows);
  for (std::size_t r = 0; r < judge_on.rows; ++r) p[r] = m.Probability(&xh[r * e.width]);
  return credit::RocAuc(judged.y, p);
}

}  // namespace

double KolmogorovSmirnov(std::vector<double> a, std::vector<double> b) {
  std::erase_if(a, [](double v) { return std::isnan(v); });
  std::erase_if(b, [](double v) { return std::isnan(v); });
  if (a.empty() || b.empty()) return kNaN;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double v = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == v) ++i;
    while (j < b.size() && b[j] == v) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / static_cast<double>(a.size()) -
                             static_cast<double>(j) / static_cast<double>(b.size())));
  }
  return d;
}

double TotalVariation(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return kNaN;
  std::map<std::string, std::pair<double, double>> shares;
  for (const auto& l : a) shares[l].first += 1.0 / static_cast<double>(a.size());
  for (const auto& l : b) shares[l].second += 1.0 / static_cast<double>(b.size());
  double d = 0;
  for (const auto& [label, s] : shares) d += std::abs(s.first - s.second);
  return 0.5 * d;
}

TableFidelity CompareTables(const credit::Table& train, const credit::Table& holdout,
                            const credit::Table& synthetic, const TableSplit& split) {
  for (const auto& c : train.columns) {
    FINML_REQUIRE(synthetic.Has(c.name),
                  "{}: column '{}' of the real table is missing (fix: --columns naming the "
                  "columns the generator learnt, or sample from one trained on every column)",
                  synthetic.source, c.name);
    FINML_REQUIRE(
        synthetic.Get(c.name).kind == c.kind,
        "{}: column '{}' holds {} where the real table has {}", synthetic.source, c.name,
        synthetic.Get(c.name).kind == credit::ColumnKind::kNumeric ? "numbers" : "categories",
        c.kind == credit::ColumnKind::kNumeric ? "numbers" : "categories");
  }
  // Synthetic columns in the real order, so one encoder fits both.
  credit::Table s;
  s.source = synthetic.source;
  s.rows = synthetic.rows;
  for (const auto& c : train.columns) s.columns.push_back(synthetic.Get(c.name));

  TableFidelity f;
  double total = 0;
  for (std::size_t c = 0; c < train.columns.size(); ++c) {
    const auto& real = train.columns[c];
    ColumnFidelity cf{real.name, real.kind == credit::ColumnKind::kNumeric, 0};
    cf.distance = cf.numeric ? KolmogorovSmirnov(real.numbers, s.columns[c].numbers)
                             : TotalVariation(real.labels, s.columns[c].labels);
    total += cf.distance;
    f.columns.push_back(cf);
  }
  f.mean_column_distance = total / static_cast<double>(f.columns.size());

  const Encoder all = Encoder::Fit(train, "");
  const std::vector<double> xt = all.Apply(train), xs = all.Apply(s), xh = all.Apply(holdout);
  const auto ct = Correlations(xt, train.rows, all.width), cs = Correlations(xs, s.rows, all.width);
  double diff = 0;
  for (std::size_t i = 0; i < ct.size(); ++i) diff += std::abs(ct[i] - cs[i]);
  f.correlation_difference = ct.empty() ? kNaN : diff / static_cast<double>(ct.size());

  const std::vector<double> ds = NearestDistances(xs, xt, all.width),
                            dh = NearestDistances(xh, xt, all.width);
  const auto quantile = [](const std::vector<double>& d, double p) {
    return d.empty() ? kNaN : risk::Quantile(d, p);
  };
  f.dcr_synthetic_p5 = quantile(ds, 0.05);
  f.dcr_holdout_p5 = quantile(dh, 0.05);
  f.dcr_synthetic_median = quantile(ds, 0.5);
  f.dcr_holdout_median = quantile(dh, 0.5);
  f.exact_copies = ds.empty() ? 0.0
                              : static_cast<double>(std::count(ds.begin(), ds.end(), 0.0)) /
                                    static_cast<double>(ds.size());

  f.auc_real = f.auc_synthetic = kNaN;
  if (!split.target.empty()) {
    f.auc_real = EfficacyAuc(train, holdout, split);
    f.auc_synthetic = EfficacyAuc(s, holdout, split);
  }
  return f;
}

nlohmann::json TableFidelityJson(const TableFidelity& f) {
  const auto number = [](double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  };
  nlohmann::json columns = nlohmann::json::object();
  for (const auto& c : f.columns)
    columns[c.name] = {{c.numeric ? "ks" : "tvd", number(c.distance)}};
  return {{"columns", columns},
          {"mean_column_distance", number(f.mean_column_distance)},
          {"correlation_difference", number(f.correlation_difference)},
          {"auc_trained_on_real", number(f.auc_real)},
          {"auc_trained_on_synthetic", number(f.auc_synthetic)},
          {"efficacy_gap", number(f.auc_real - f.auc_synthetic)},
          {"dcr_synthetic_p5", number(f.dcr_synthetic_p5)},
          {"dcr_holdout_p5", number(f.dcr_holdout_p5)},
          {"dcr_synthetic_median", number(f.dcr_synthetic_median)},
          {"dcr_holdout_median", number(f.dcr_holdout_median)},
          {"exact_copies", number(f.exact_copies)},
          {"private", f.Private()}};
}

}  // namespace finml::synth
