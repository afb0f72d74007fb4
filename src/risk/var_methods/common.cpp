#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "finml/dist/world.hpp"
#include "methods.hpp"

namespace finml::risk::var_methods {
namespace {

double StepGarchVariance(const GarchFit& fit, double s2, double r) {
  const double e = r - fit.params[0];
  return fit.params[1] + fit.params[2] * e * e + fit.params[3] * s2;
}

// h-day paths of summed returns through a GARCH(1,1): innovations from `draw`.
template <typename Draw>
std::vector<double> SimulatePaths(const GarchFit& fit, double next_s2, std::size_t horizon,
                                  std::size_t paths, Draw draw) {
  std::vector<double> total(paths, 0.0);
  for (std::size_t k = 0; k < paths; ++k) {
    double s2 = next_s2;
    for (std::size_t h = 0; h < horizon; ++h) {
      const double r = fit.params[0] + std::sqrt(s2) * draw();
      total[k] += r;
      s2 = StepGarchVariance(fit, s2, r);
    }
  }
  return total;
}

// Paths are drawn in blocks, block b from its own generator (block 0 from `seed` itself), so the
// draws do not depend on how the blocks are split across the ranks of a distributed job, and a
// simulation of one block (the default 10,000 paths) draws what it always did.
constexpr std::size_t kPathsPerBlock = 10000;

std::uint64_t BlockSeed(std::uint64_t seed, std::size_t block) {
  if (block == 0) return seed;
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(block);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// `make_draw(rng)` gives a block's innovation source; under finml launch the blocks of a large
// simulation run on all ranks (the result is the serial one, in block order).
template <typename MakeDraw>
std::vector<double> SimulateBlocks(const GarchFit& fit, double next_s2, std::size_t horizon,
                                   std::size_t paths, std::uint64_t seed, MakeDraw make_draw) {
  const std::size_t blocks = (paths + kPathsPerBlock - 1) / kPathsPerBlock;
  auto block = [&](std::size_t b) {
    std::mt19937_64 rng(BlockSeed(seed, b));
    auto draw = make_draw(rng);
    return SimulatePaths(fit, next_s2, horizon,
                         std::min(kPathsPerBlock, paths - b * kPathsPerBlock), draw);
  };
  std::vector<double> total;
  total.reserve(paths);
  if (blocks <= 1 || dist::Comm().size() == 1) {
    for (std::size_t b = 0; b < blocks; ++b) {
      const auto part = block(b);
      total.insert(total.end(), part.begin(), part.end());
    }
    return total;
  }
  for (const auto& bytes :
       dist::MapTasks(blocks, [&](std::size_t b) { return dist::PackDoubles(block(b)); })) {
    const auto part = dist::UnpackDoubles(bytes);
    total.insert(total.end(), part.begin(), part.end());
  }
  return total;
}

}  // namespace

Moments ComputeMoments(const std::vector<double>& x) {
  Moments m;
  const double n = static_cast<double>(x.size());
  m.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - m.mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  m.sd = std::sqrt(m2 * n / (n - 1));
  m.skew = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0;
  m.excess_kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : 0;
  return m;
}

void RequireWindow(const std::vector<double>& window, std::size_t min_size) {
  FINML_REQUIRE(window.size() >= min_size, "VaR needs at least {} returns in the window, got {}",
                min_size, window.size());
  for (double v : window) FINML_REQUIRE(std::isfinite(v), "the returns contain a non-finite value");
  const auto [lo, hi] = std::minmax_element(window.begin(), window.end());
  FINML_REQUIRE(*hi > *lo, "the returns are constant: there is no risk to measure");
}

VarEstimate EmpiricalTail(const std::vector<double>& values, double level) {
  const double q = Quantile(values, 1 - level);
  double sum = 0;
  std::size_t count = 0;
  for (double v : values) {
    if (v > q) continue;
    sum += v;
    ++count;
  }
  return {-q, count ? -sum / static_cast<double>(count) : -q};
}

VarEstimate Scaled(VarEstimate e, std::size_t horizon) {
  const double s = std::sqrt(static_cast<double>(horizon));
  return {e.var * s, e.es * s};
}

bool GarchFilter::Fit(const std::vector<double>& window) {
  const bool refit = !fit_ || calls_ % refit_every_ == 0;
  ++calls_;
  if (!refit) return false;
  RequireWindow(window, 100);
  GarchFitOptions o;
  o.standard_errors = false;
  fit_ = std::make_unique<GarchFit>(FitGarch(window, {VolatilityModel::kGarch, innovations_}, o));
  s2_ = fit_->next_variance;
  return true;
}

void GarchFilter::Update(double r) { s2_ = StepGarchVariance(*fit_, s2_, r); }

std::vector<double> GarchTOutcomes(const GarchFit& fit, double next_s2, std::size_t horizon,
                                   std::size_t paths, std::uint64_t seed) {
  const double nu = fit.Param("nu");
  const double scale = std::sqrt((nu - 2) / nu);
  return SimulateBlocks(fit, next_s2, horizon, paths, seed, [nu, scale](std::mt19937_64& rng) {
    return [&rng, nu, scale, normal = std::normal_distribution<double>(),
            chi2 = std::chi_squared_distribution<double>(nu)]() mutable {
      return normal(rng) / std::sqrt(chi2(rng) / nu) * scale;
    };
  });
}

std::vector<double> FilteredOutcomes(const GarchFit& fit, double next_s2, std::size_t horizon,
                                     std::size_t paths, std::uint64_t seed) {
  if (horizon == 1) {
    // One day ahead the bootstrap distribution is the residuals themselves: no sampling noise.
    std::vector<double> r(fit.residuals.size());
    for (std::size_t i = 0; i < r.size(); ++i)
      r[i] = fit.params[0] + std::sqrt(next_s2) * fit.residuals[i];
    return r;
  }
  return SimulateBlocks(fit, next_s2, horizon, paths, seed, [&fit](std::mt19937_64& rng) {
    return [&rng, &fit,
            pick = std::uniform_int_distribution<std::size_t>(
                0, fit.residuals.size() - 1)]() mutable { return fit.residuals[pick(rng)]; };
  });
}

}  // namespace finml::risk::var_methods
