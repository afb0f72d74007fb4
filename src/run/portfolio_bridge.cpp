// Qlib's chain, forecast -> portfolio -> backtest: each model's test predictions become the
// expected returns of a portfolio re-optimised on every rebalance date (risk from the trailing
// window only), traded beside the same objective on historical estimates and equal weight, so
// the page answers whether the forecasts were worth optimising on.
#include <cmath>
#include <unordered_map>

#include "finml/core/error.hpp"
#include "finml/portfolio/walk_forward.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

std::vector<std::string> OptimisePredictions(const RunRecord& r, const std::string& run_dir) {
  if (!r.config.portfolio) return {};
  portfolio::PortfolioSettings settings = *r.config.portfolio;
  // Files are found like the data: beside the experiment, or where finml keeps its data.
  for (auto* path : {&settings.sectors, &settings.market_caps, &settings.current_weights})
    if (!path->empty()) *path = ResolveDataPath(*path, r.config.source);
  const auto kind = r.config.target.kind;
  FINML_REQUIRE(r.market.assets.size() >= 2,
                "portfolio: the data hold one asset; a portfolio needs at least two");
  const portfolio::ReturnsData data = portfolio::ReturnsDataFrom(
      r.market, r.data_path, false, settings.frequency, r.config.data.price);
  const train::SampleSet& s = r.test;
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < data.assets.size(); ++i) column[data.assets[i]] = i;
  // Per bar a simple return over the target's horizon, annualised.
  const double per_year = data.frequency / static_cast<double>(r.config.target.horizon);
  portfolio::WalkForward walk;
  for (const auto& m : r.models) {
    if (m.type == "random_walk") continue;  // predicts no change: nothing to optimise on
    backtest::Panel expected(data.time.size(), data.assets.size());
    for (std::size_t k = 0; k < s.size(); ++k) {
      const std::size_t row = s.decision_row[k];
      double change = m.test.prediction[k] - s.no_change[k];
      if (kind == train::TargetKind::kClose) change /= s.no_change[k];
      if (kind == train::TargetKind::kLogReturn) change = std::expm1(change);
      expected.at(row, column.at(s.symbols[s.asset[k]])) = change * per_year;
    }
    const portfolio::ExpectedReturnsAt at = [&](std::size_t row,
                                                const std::vector<Eigen::Index>& assets) {
      portfolio::Vector v(static_cast<Eigen::Index>(assets.size()));
      for (std::size_t i = 0; i < assets.size(); ++i)
        v(static_cast<Eigen::Index>(i)) = expected.at(row, static_cast<std::size_t>(assets[i]));
      return v;
    };
    portfolio::PortfolioSettings one = settings;
    one.objectives = {settings.objective};
    portfolio::WalkForward w = portfolio::WalkForwardWeights(data, one, &at);
    w.tracks[0].name = fmt::format("{} ({})", m.name, EnumName(settings.objective));
    if (walk.rows.empty())
      walk = std::move(w);
    else
      walk.tracks.push_back(std::move(w.tracks[0]));
  }
  FINML_REQUIRE(!walk.tracks.empty(), "portfolio: no model other than the random walk to optimise");
  // The baselines: the same objective on historical estimates, and equal weight.
  portfolio::PortfolioSettings baseline = settings;
  baseline.objectives = {settings.objective, portfolio::Objective::kEqualWeight};
  portfolio::WalkForward history = portfolio::WalkForwardWeights(data, baseline);
  history.tracks[0].name = fmt::format("historical ({})", EnumName(settings.objective));
  for (auto& t : history.tracks) walk.tracks.push_back(std::move(t));
  const auto results = portfolio::BacktestTracks(data, settings, walk);
  portfolio::WalkForwardReport report;
  report.title =
      fmt::format("{}: each model's forecasts as expected returns, {} re-optimised {}",
                  r.config.report.title, EnumName(settings.objective), settings.rebalance);
  report.signals =
      "weights optimised on each rebalance date from the test predictions (expected "
      "returns) and the trailing window's risk";
  report.chart_library_dir = run_dir;
  return portfolio::WriteWalkForward(run_dir + "/portfolio", data, settings, walk, results,
                                     r.provenance, report);
}

}  // namespace finml::run
