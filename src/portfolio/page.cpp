#include "finml/portfolio/page.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finml/report/format.hpp"

namespace finml::portfolio {
namespace {

using report::Axis;
using report::Figure;
using report::Unit;

// Numbers as the rest of the page writes them (a shrinkage of 0.0224, not 0.022366171931816028).
std::string Text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return report::Number(v.get<double>(), 4);
  return v.dump();
}

}  // namespace

report::HtmlPage OptimizePage(const OptimizePageInputs& in) {
  const Portfolio& p = in.chosen;
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  report::HtmlPage page(in.frontier_only ? "Efficient frontier" : "Portfolio: " + in.objective);
  std::size_t held = 0;
  for (Eigen::Index i = 0; i < n; ++i) held += p.weights(i) != 0;
  page.Verdict(fmt::format(
      "{}{}: expected return {} a year, volatility {}, Sharpe {} (risk-free {}), {} of {} assets "
      "held. These are estimates from the window below, not a forecast the data has confirmed: "
      "the walk-forward finml portfolio backtest shows how such weights fared out of sample.",
      in.frontier_only ? "Tangency point (" : "", in.objective + (in.frontier_only ? ")" : ""),
      report::Percent(p.expected_return), report::Percent(p.volatility),
      report::Number(p.sharpe, 3), report::Percent(in.options.risk_free), held, n));
  for (const auto& w : in.warnings) page.Warning(w);

  page.Heading("Summary");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"Expected return (annual)", report::Percent(p.expected_return)},
      {"Volatility (annual)", report::Percent(p.volatility)},
      {"Sharpe ratio", report::Number(p.sharpe, 3)},
      {"Diversification ratio", report::Number(p.diversification_ratio, 3)},
      {fmt::format("CVaR {} (per bar, historical)", report::Percent(in.options.cvar_beta, 0)),
       report::Percent(p.cvar)},
      {"Semideviation (annual)", report::Percent(p.semideviation)},
      {"Gross leverage", report::Number(p.weights.cwiseAbs().sum(), 4)},
      {"Net exposure", report::Number(p.weights.sum(), 4)}};
  static const std::vector<std::pair<std::string, std::string>> kLabels = {
      {"source", "Data"},
      {"assets", "Assets"},
      {"bars", "Bars of returns"},
      {"first", "First bar"},
      {"last", "Last bar"},
      {"bars_per_year", "Bars per year"},
      {"returns_model", "Expected returns"},
      {"risk_model", "Risk model"},
      {"shrinkage", "Shrinkage intensity"},
      {"covariance_repaired", "Covariance repaired (clipped to PSD)"}};
  for (const auto& [key, label] : kLabels)
    if (in.estimates_summary.contains(key))
      facts.emplace_back(label, Text(in.estimates_summary[key]));
  page.KeyValues(facts);

  // Assets by weight, largest first (the order of every per-asset chart below).
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return std::abs(p.weights(a)) > std::abs(p.weights(b)); });
  std::vector<std::string> names;
  std::vector<double> weights, risk, expected, vol;
  for (auto i : order) {
    names.push_back(in.assets[static_cast<std::size_t>(i)]);
    weights.push_back(p.weights(i));
    risk.push_back(p.risk_contributions(i));
    expected.push_back(in.estimates.expected(i));
    vol.push_back(std::sqrt(std::max(in.estimates.covariance(i, i), 0.0)));
  }
  if (!in.frontier_only) {
    page.Heading("Weights and risk contributions");
    page.Paragraph(
        "Each asset's weight beside its share of the portfolio's variance (w_i (Sigma w)_i / "
        "w' Sigma w). Risk parity makes the second equal; minimum variance makes each asset's "
        "marginal risk equal instead, so its contributions follow its weights.");
    Figure bars("Weight and share of risk", Axis{"asset", Unit::kCategory},
                Axis{"share", Unit::kPercent});
    bars.Bars("weight", names, weights).Bars("risk contribution", names, risk);
    page.Chart(bars);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<std::string> row = {names[k], report::Percent(weights[k]),
                                      report::Percent(risk[k]), report::Percent(expected[k]),
                                      report::Percent(vol[k])};
      if (in.allocation)
        row.push_back(fmt::format("{}", in.allocation->shares[static_cast<std::size_t>(order[k])]));
      rows.push_back(std::move(row));
    }
    std::vector<std::string> header = {"asset", "weight", "risk contribution", "expected return",
                                       "volatility"};
    if (in.allocation) header.push_back("shares");
    page.Table(header, rows);
    if (in.allocation)
      page.Paragraph(
          fmt::format("Whole shares for {} at the latest prices (exact integer "
                      "programme, GLPK): {} left in cash.",
                      report::Money(in.portfolio_value), report::Money(in.allocation->leftover)));
  }

  if (!in.frontier.empty()) {
    page.Heading("Efficient frontier");
    const bool market_line = in.tangency_sharpe && *in.tangency_sharpe > 0;
    page.Paragraph(std::string("The least risky portfolio for each expected return, under the same "
                               "constraints, with every asset alone and the chosen portfolio.") +
                   (market_line
                        ? " The capital market line joins the risk-free rate to the tangency "
                          "(maximum Sharpe) point."
                        : ""));
    Figure f("Efficient frontier", Axis{"volatility (annual)", Unit::kPercent},
             Axis{"expected return (annual)", Unit::kPercent});
    std::vector<double> fx, fy;
    for (const auto& q : in.frontier) {
      fx.push_back(q.volatility);
      fy.push_back(q.expected_return);
    }
    f.Line("efficient frontier", fx, fy);
    std::vector<double> ax, ay;
    for (Eigen::Index i = 0; i < n; ++i) {
      ax.push_back(std::sqrt(std::max(in.estimates.covariance(i, i), 0.0)));
      ay.push_back(in.estimates.expected(i));
    }
    f.Markers("assets", ax, ay, in.assets);
    f.Markers(in.objective, std::vector<double>{p.volatility},
              std::vector<double>{p.expected_return}, {in.objective});
    if (market_line) {
      const double reach = *std::max_element(fx.begin(), fx.end());
      f.Line("capital market line", std::vector<double>{0, reach},
             std::vector<double>{in.options.risk_free,
                                 in.options.risk_free + *in.tangency_sharpe * reach},
             {.dashed = true});
    }
    f.Height(520);
    page.Chart(f);
    if (in.frontier.front().weights.size() == n) {
      Figure mix("Weights along the frontier", Axis{"volatility (annual)", Unit::kPercent},
                 Axis{"weight", Unit::kPercent});
      for (auto i : order) {
        std::vector<double> y;
        for (const auto& q : in.frontier) y.push_back(q.weights(i));
        mix.StackedArea(in.assets[static_cast<std::size_t>(i)], fx, y);
      }
      page.Chart(mix);
    }
  }

  page.Heading("Correlations");
  const Vector sd = in.estimates.covariance.diagonal().cwiseMax(1e-300).cwiseSqrt();
  std::vector<double> corr;
  for (auto i : order)
    for (auto j : order) corr.push_back(in.estimates.covariance(i, j) / (sd(i) * sd(j)));
  Figure heat("Correlation of the assets (from the risk model)", Axis{"", Unit::kCategory},
              Axis{"", Unit::kCategory});
  heat.Heatmap(names, names, corr, Unit::kNumber);
  heat.Height(std::clamp<int>(static_cast<int>(28 * n) + 160, 320, 1400));
  page.Chart(heat);

  page.Provenance(in.provenance);
  return page;
}

}  // namespace finml::portfolio
