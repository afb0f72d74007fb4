#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "finml/core/files.hpp"
#include "finml/data/loader.hpp"
#include "finml/risk/portfolio.hpp"
#include "finml/risk/stress.hpp"
#include "risk/distributions.hpp"
#include "test_util.hpp"

namespace finml::risk {
namespace {

// scikit-learn's LedoitWolf on the same returns (tests/fixtures/make_ledoit_wolf_fixture.py).
TEST(Portfolio, LedoitWolfMatchesScikitLearn) {
  auto md = data::LoadMarketData(finml::testing::RepoPath("data/dowjones30.csv"));
  const std::vector<std::string> symbols = {"AA", "KO", "MSFT", "IBM", "XOM"};
  std::vector<std::vector<double>> returns;
  const std::size_t n = md.rows();
  for (std::size_t t = n - 300; t < n; ++t) {
    std::vector<double> row;
    for (const auto& s : symbols)
      row.push_back(md.Asset(s).close[t] / md.Asset(s).close[t - 1] - 1);
    returns.push_back(row);
  }
  const auto lw = EstimateCovariance(returns, CovarianceMethod::kLedoitWolf);
  const std::string text = ReadFile(finml::testing::RepoPath("tests/fixtures/ledoit_wolf.csv"));
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  EXPECT_NEAR(lw.shrinkage, std::stod(line.substr(line.find(',') + 1)), 1e-12);
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    std::getline(in, line);
    std::istringstream values(line.substr(line.find(',') + 1));
    for (std::size_t j = 0; j < symbols.size(); ++j) {
      double v;
      values >> v;
      EXPECT_NEAR(lw.matrix[i * 5 + j], v, 1e-15 + 1e-10 * std::abs(v)) << i << "," << j;
    }
  }
}

TEST(Portfolio, ComponentVarAddsUpAndMatchesTheFormula) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> z;
  std::vector<std::vector<double>> returns;
  for (int t = 0; t < 400; ++t) {
    const double common = z(rng);
    returns.push_back({0.01 * (common + z(rng)), 0.02 * (0.5 * common + z(rng)), 0.005 * z(rng)});
  }
  const std::vector<double> w = {0.5, 0.3, 0.2};
  for (auto method :
       {CovarianceMethod::kSample, CovarianceMethod::kEwma, CovarianceMethod::kLedoitWolf}) {
    const auto cov = EstimateCovariance(returns, method);
    const auto r = PortfolioVar(w, cov, 0.99, 10, 1e6);
    double total = 0, variance = 0;
    for (double c : r.component) total += c;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) variance += w[i] * w[j] * cov.matrix[i * 3 + j];
    EXPECT_NEAR(total, r.var, 1e-6 * r.var) << EnumName(method);
    EXPECT_NEAR(r.var, 1e6 * NormalQuantile(0.99) * std::sqrt(10 * variance), 1e-6);
    EXPECT_GT(r.es, r.var);
    // Marginal VaR is the derivative: a small change in one weight moves VaR by marginal x dw.
    auto bumped = w;
    bumped[1] += 1e-6;
    EXPECT_NEAR((PortfolioVar(bumped, cov, 0.99, 10, 1e6).var - r.var) / 1e-6, r.marginal[1],
                1e-3 * std::abs(r.marginal[1]));
  }
  const auto sample = EstimateCovariance(returns, CovarianceMethod::kSample);
  double ss = 0;
  for (const auto& row : returns) ss += row[0] * row[0];
  EXPECT_GT(sample.matrix[0], 0);
}

TEST(Stress, ReplaysAWindowAndAppliesShocks) {
  const std::string csv =
      "Date,A,B\n2020-01-01,100,50\n2020-01-02,90,55\n2020-01-03,80,50\n2020-01-06,95,40\n"
      "2020-01-07,100,45\n";
  auto md = data::ParseMarketData(csv, "panel.csv");
  HistoricalScenario window = ParseHistoricalScenario("dip=2020-01-02:2020-01-06");
  ShockScenario shock = ParseShockScenario("crash:A=-0.2,B=-0.1");
  const auto out = RunStress(md, {{"A", 0.6}, {"B", 0.4}}, 1000, {window}, {shock});
  ASSERT_EQ(out.size(), 2u);
  // From the close before the window (100, 50) to its last day (95, 40).
  EXPECT_NEAR(out[0].portfolio_return, 0.6 * -0.05 + 0.4 * -0.2, 1e-15);
  EXPECT_NEAR(out[0].pnl, 1000 * out[0].portfolio_return, 1e-12);
  // Lowest point inside: day 3, 0.6 * -0.2 + 0.4 * 0.
  EXPECT_NEAR(out[0].worst_return, -0.12, 1e-15);
  EXPECT_EQ(out[0].first, "2020-01-02");
  EXPECT_NEAR(out[1].portfolio_return, 0.6 * -0.2 + 0.4 * -0.1, 1e-15);
  // A window outside the data is reported as not covered.
  const auto outside =
      RunStress(md, {{"A", 1.0}}, 1, {ParseHistoricalScenario("x=2021-01-01:2021-02-01")}, {});
  EXPECT_FALSE(outside[0].covered);
  EXPECT_THROW((void)RunStress(md, {{"C", 1.0}}, 1, {}, {}), InvalidInput);
  EXPECT_THROW((void)ParseShockScenario("A:-0.2"), InvalidInput);
}

}  // namespace
}  // namespace finml::risk
