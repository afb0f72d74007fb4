#include "bench_portfolio.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "bench_rng.hpp"
#include "finml/portfolio/optimize.hpp"

namespace finml_bench {
namespace {

using finml::portfolio::Matrix;
using finml::portfolio::Vector;

constexpr double kRiskFree = 0.02;
constexpr int kFactors = 20;
constexpr std::size_t kFrontierPoints = 50;
constexpr std::uint64_t kSeed = 20261201;

std::string CovFile(int n) { return "portfolio_cov_" + std::to_string(n) + ".f64"; }
std::string MuFile(int n) { return "portfolio_mu_" + std::to_string(n) + ".f64"; }

void WriteDoubles(const std::filesystem::path& path, const double* data, std::size_t count) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * 8));
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

std::vector<double> ReadDoubles(const std::filesystem::path& path, std::size_t count) {
  std::vector<double> values(count);
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * 8));
  if (!file || file.gcount() != static_cast<std::streamsize>(count * 8))
    throw std::runtime_error(path.string() + ": expected " + std::to_string(count) +
                             " float64 values");
  return values;
}

// Annual figures. Sigma = B B' + diag(d): a market factor (vol 16%, betas 0.6 .. 1.4), 19 style
// and industry factors (loadings 5% x unit noise), idiosyncratic vol 10% .. 30%; total vol about
// 30% .. 45%. Expected returns 1% .. 13% (most above the 2% risk-free rate), independent of risk.
void Generate(int n, Rng& rng, Matrix& covariance, Vector& expected) {
  Matrix b(n, kFactors);
  for (int i = 0; i < n; ++i) {
    b(i, 0) = 0.16 * (0.6 + 0.8 * rng.Uniform());
    for (int f = 1; f < kFactors; ++f) b(i, f) = 0.05 * rng.Noise();
  }
  covariance = b * b.transpose();
  for (int i = 0; i < n; ++i) {
    const double vol = 0.10 + 0.20 * rng.Uniform();
    covariance(i, i) += vol * vol;
  }
  // Exactly symmetric, so both sides read the same matrix whichever triangle they use.
  covariance = (0.5 * (covariance + covariance.transpose())).eval();
  expected.resize(n);
  for (int i = 0; i < n; ++i) expected(i) = 0.01 + 0.12 * rng.Uniform();
}

struct Case {
  std::string name, kind;
  int n;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"min_variance_500", "min_variance", 500}, {"max_sharpe_500", "max_sharpe", 500},
      {"frontier_500", "frontier", 500},         {"min_variance_2000", "min_variance", 2000},
      {"max_sharpe_2000", "max_sharpe", 2000},
  };
  return cases;
}

}  // namespace

void WritePortfolioInputs(const std::string& dir) {
  std::filesystem::create_directories(dir);
  nlohmann::json config = {{"risk_free", kRiskFree},
                           {"factors", kFactors},
                           {"seed", kSeed},
                           {"frontier_points", kFrontierPoints},
                           {"sizes", nlohmann::json::array()},
                           {"cases", nlohmann::json::array()}};
  for (int n : {500, 2000}) {
    Rng rng(kSeed + static_cast<std::uint64_t>(n));
    Matrix covariance;
    Vector expected;
    Generate(n, rng, covariance, expected);
    // Column-major storage of a symmetric matrix is also its row-major storage.
    WriteDoubles(std::filesystem::path(dir) / CovFile(n), covariance.data(),
                 static_cast<std::size_t>(covariance.size()));
    WriteDoubles(std::filesystem::path(dir) / MuFile(n), expected.data(),
                 static_cast<std::size_t>(expected.size()));
    config["sizes"].push_back({{"n", n}, {"covariance", CovFile(n)}, {"expected", MuFile(n)}});
  }
  for (const Case& c : Cases())
    config["cases"].push_back({{"name", c.name}, {"kind", c.kind}, {"n", c.n}});
  std::ofstream(std::filesystem::path(dir) / "portfolio.json") << config.dump(2);
}

void RunPortfolio(const std::string& dir, int reps, const std::string& out,
                  const std::string& only) {
  using namespace finml::portfolio;
  const std::filesystem::path root(dir);
  nlohmann::json result = {{"about",
                            "finml::portfolio (ALGLIB 3.19 BLEIC for the QPs, dual "
                            "simplex for the frontier's LPs)"},
                           {"reps", reps},
                           {"cases", nlohmann::json::object()}};
  for (const Case& c : Cases()) {
    if (!only.empty() && c.name != only) continue;
    const auto n = static_cast<std::size_t>(c.n);
    Estimates e;
    const std::vector<double> cov = ReadDoubles(root / CovFile(c.n), n * n);
    const std::vector<double> mu = ReadDoubles(root / MuFile(c.n), n);
    e.covariance = Eigen::Map<const Matrix>(cov.data(), c.n, c.n);
    e.expected = Eigen::Map<const Vector>(mu.data(), c.n);
    ObjectiveOptions options;
    options.risk_free = kRiskFree;
    options.objective = c.kind == "max_sharpe" ? Objective::kMaxSharpe : Objective::kMinVariance;
    std::vector<double> seconds, weights;
    for (int r = 0; r < reps; ++r) {
      weights.clear();
      const auto start = std::chrono::steady_clock::now();
      if (c.kind == "frontier") {
        const auto frontier = EfficientFrontier(e, options, Constraints{}, kFrontierPoints);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        for (const Portfolio& p : frontier)
          weights.insert(weights.end(), p.weights.data(), p.weights.data() + p.weights.size());
      } else {
        const Portfolio p = Optimize(e, options, Constraints{});
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        weights.assign(p.weights.data(), p.weights.data() + p.weights.size());
      }
      std::fprintf(stderr, "finml %s rep %d: %.4f s\n", c.name.c_str(), r + 1, seconds.back());
    }
    WriteDoubles(root / ("finml_" + c.name + ".f64"), weights.data(), weights.size());
    result["cases"][c.name] = {{"seconds", seconds}};
  }
  std::ofstream(out.empty() ? (root / "finml.json").string() : out) << result.dump(2);
}

}  // namespace finml_bench
