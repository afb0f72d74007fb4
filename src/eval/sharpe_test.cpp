#include "finml/eval/sharpe_test.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "finml/core/error.hpp"

namespace finml::eval {
namespace {

double Sharpe(const std::vector<double>& r, const std::vector<std::size_t>& index,
              double periods_per_year) {
  double sum = 0, sq = 0;
  for (std::size_t k : index) sum += r[k];
  const double n = static_cast<double>(index.size());
  const double mean = sum / n;
  for (std::size_t k : index) sq += (r[k] - mean) * (r[k] - mean);
  const double sd = std::sqrt(sq / (n - 1));
  return sd > 0 ? mean / sd * std::sqrt(periods_per_year) : 0.0;
}

}  // namespace

SharpeDifference SharpeDifferenceTest(const std::vector<double>& a, const std::vector<double>& b,
                                      double periods_per_year, std::size_t samples,
                                      double mean_block, std::uint64_t seed) {
  FINML_REQUIRE(a.size() == b.size(), "Sharpe test: series of {} and {} bars", a.size(), b.size());
  const std::size_t n = a.size();
  SharpeDifference out;
  if (n < 3) return out;
  std::vector<std::size_t> index(n);
  for (std::size_t k = 0; k < n; ++k) index[k] = k;
  out.difference = Sharpe(a, index, periods_per_year) - Sharpe(b, index, periods_per_year);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> anywhere(0, n - 1);
  std::bernoulli_distribution restart(1.0 / std::max(1.0, mean_block));
  std::vector<double> draws;
  draws.reserve(samples);
  std::size_t extreme = 0;
  for (std::size_t s = 0; s < samples; ++s) {
    std::size_t at = anywhere(rng);
    for (std::size_t k = 0; k < n; ++k) {
      index[k] = at;
      at = restart(rng) ? anywhere(rng) : (at + 1) % n;
    }
    const double d = Sharpe(a, index, periods_per_year) - Sharpe(b, index, periods_per_year);
    draws.push_back(d);
    // Centred on the observed difference: how often chance alone moves it this far.
    if (std::abs(d - out.difference) >= std::abs(out.difference)) ++extreme;
  }
  out.p_value = static_cast<double>(extreme + 1) / static_cast<double>(samples + 1);
  std::sort(draws.begin(), draws.end());
  out.low = draws[static_cast<std::size_t>(0.025 * static_cast<double>(samples - 1))];
  out.high = draws[static_cast<std::size_t>(0.975 * static_cast<double>(samples - 1))];
  return out;
}

}  // namespace finml::eval
