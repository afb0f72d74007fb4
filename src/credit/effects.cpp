// Feature effects for the credit report: a deterministic sample, the model's contributions on it,
// and what a beeswarm needs to draw them.
#include "finml/credit/effects.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finml/core/error.hpp"

namespace finml::credit {

std::vector<std::size_t> EvenSample(std::size_t n, std::size_t max_rows) {
  std::vector<std::size_t> rows;
  if (n == 0 || max_rows == 0) return rows;
  const std::size_t k = std::min(n, max_rows);
  rows.reserve(k);
  for (std::size_t i = 0; i < k; ++i) rows.push_back(i * n / k);
  return rows;
}

std::vector<ValueLevel> ValueLevels(const std::vector<double>& values) {
  std::vector<double> finite;
  for (double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  std::vector<ValueLevel> out(values.size(), ValueLevel::kNone);
  if (finite.empty()) return out;
  std::sort(finite.begin(), finite.end());
  auto quantile = [&](double q) {
    return finite[static_cast<std::size_t>(q * static_cast<double>(finite.size() - 1))];
  };
  const double low = quantile(1.0 / 3), high = quantile(2.0 / 3);
  const double smallest = finite.front(), largest = finite.back();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    if (v <= low && v < largest)
      out[i] = ValueLevel::kLow;
    else if (v >= high && v > smallest)
      out[i] = ValueLevel::kHigh;
    else
      out[i] = ValueLevel::kMiddle;
  }
  return out;
}

std::vector<double> SwarmOffsets(const std::vector<double>& values) {
  std::vector<double> out(values.size(), 0.0);
  if (values.empty()) return out;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  constexpr int kBins = 40;
  const double width = (*hi - *lo) / kBins;
  std::vector<int> bin(values.size(), 0), count(kBins, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    bin[i] = width > 0 ? std::min(kBins - 1, static_cast<int>((values[i] - *lo) / width)) : 0;
    ++count[bin[i]];
  }
  const double densest = *std::max_element(count.begin(), count.end());
  std::vector<int> seen(kBins, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Golden-ratio steps fill [-0.5, 0.5) evenly in any prefix: the k-th point of a bin lands
    // where the first k - 1 left the widest gap.
    const double u = std::fmod(0.6180339887498949 * seen[bin[i]]++, 1.0) - 0.5;
    out[i] = 0.8 * u * std::sqrt(count[bin[i]] / densest);
  }
  return out;
}

FeatureEffects SummariseContributions(const std::vector<double>& contributions,
                                      const std::vector<std::string>& features, const Table& table,
                                      const std::vector<std::size_t>& rows) {
  const std::size_t f = features.size(), n = rows.size();
  FINML_REQUIRE(contributions.size() == n * f, "{} contributions for {} rows x {} features",
                contributions.size(), n, f);
  FeatureEffects out;
  out.rows = rows;
  for (std::size_t k = 0; k < f; ++k) {
    FeatureEffect e;
    e.feature = features[k];
    const Column& column = table.Get(features[k]);
    for (std::size_t i = 0; i < n; ++i) {
      const double c = contributions[i * f + k];
      e.contributions.push_back(c);
      e.mean_abs += std::abs(c) / static_cast<double>(n);
      const std::size_t r = rows[i];
      if (column.Missing(r)) {
        e.values.push_back(std::nan(""));
        e.labels.emplace_back("(missing)");
      } else if (column.kind == ColumnKind::kNumeric) {
        e.values.push_back(column.numbers[r]);
        e.labels.push_back(fmt::format("{:g}", column.numbers[r]));
      } else {
        e.values.push_back(std::nan(""));
        e.labels.push_back(column.labels[r]);
      }
    }
    out.features.push_back(std::move(e));
  }
  std::stable_sort(out.features.begin(), out.features.end(),
                   [](const auto& a, const auto& b) { return a.mean_abs > b.mean_abs; });
  return out;
}

FeatureEffects ExplainRows(const CreditModel& model, const Table& table, std::size_t max_rows) {
  const auto rows = EvenSample(table.rows, max_rows);
  return SummariseContributions(model.Contributions(table, rows), model.FeatureNames(), table,
                                rows);
}

}  // namespace finml::credit
