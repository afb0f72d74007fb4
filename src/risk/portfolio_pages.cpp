// The `risk portfolio` and `risk stress` reports: where today's portfolio risk comes from, and
// what past crises and hypothetical shocks would do to it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finml/core/names.hpp"
#include "finml/report/format.hpp"
#include "report_pages.hpp"

namespace finml::risk {
namespace {

using report::Axis;
using report::Figure;
using report::Unit;

// Indices of `values` from largest to smallest (ascending: smallest first).
std::vector<std::size_t> Order(const std::vector<double>& values, bool descending) {
  std::vector<std::size_t> idx(values.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return descending ? values[a] > values[b] : values[a] < values[b];
  });
  return idx;
}

template <typename T>
std::vector<T> Pick(const std::vector<T>& v, const std::vector<std::size_t>& idx) {
  std::vector<T> out;
  for (auto i : idx) out.push_back(v[i]);
  return out;
}

std::string WeightsText(const Weights& w) {
  std::string text;
  for (const auto& [symbol, x] : w)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", symbol, report::Percent(x, 1));
  return text;
}

}  // namespace

report::HtmlPage PortfolioPage(const PortfolioResult& r, const PortfolioSettings& settings,
                               const Provenance& provenance) {
  const std::size_t n = r.weights.size();
  const double value = settings.value;
  const auto& cov = r.covariance;
  // "10-day", or "4 x 1-hour bar" where the step has a number of its own.
  const bool plain = r.bar.find(' ') == std::string::npos;
  const std::string horizon = plain ? fmt::format("{}-{}", settings.horizon, r.bar)
                                    : fmt::format("{} x {}", settings.horizon, r.bar);
  // Zero-mean normal VaR is z sigma V: each asset's stand-alone VaR is z sigma_i |w_i| V.
  const double z = r.var.volatility > 0 ? r.var.var / (r.var.volatility * value) : NAN;
  std::vector<std::string> symbols;
  std::vector<double> weight, vol, standalone, share, marginal_1pct;
  for (std::size_t i = 0; i < n; ++i) {
    symbols.push_back(r.weights[i].first);
    weight.push_back(r.weights[i].second);
    vol.push_back(
        std::sqrt(cov.matrix[i * cov.assets + i] * static_cast<double>(settings.horizon)));
    standalone.push_back(z * vol.back() * std::fabs(weight.back()) * value);
    share.push_back(r.var.component[i] / r.var.var);
    marginal_1pct.push_back(r.var.marginal[i] * 0.01);
  }
  const double standalone_sum = std::accumulate(standalone.begin(), standalone.end(), 0.0);
  const auto by_component = Order(r.var.component, true);

  report::HtmlPage page(fmt::format("Portfolio VaR: {} assets ({})", n, settings.prices));
  const std::size_t top = by_component.front();
  page.Verdict(fmt::format(
      "{} {} VaR of the {} portfolio is {} ({} of its value), ES {}; {} contributes most, {} of "
      "the VaR on {} of the weight. Diversification removes {} of the sum of the assets' "
      "stand-alone VaRs.",
      pages::Level(settings.level), horizon, report::Money(value, 0), report::Money(r.var.var),
      report::Percent(r.var.var / value), report::Money(r.var.es), symbols[top],
      report::Percent(share[top], 1), report::Percent(weight[top], 1),
      report::Percent(1 - r.var.var / standalone_sum, 1)));

  page.Heading("VaR and ES");
  page.KeyValues(
      {{"VaR",
        fmt::format("{} ({})", report::Money(r.var.var), report::Percent(r.var.var / value))},
       {"ES", fmt::format("{} ({})", report::Money(r.var.es), report::Percent(r.var.es / value))},
       {"level and horizon", fmt::format("{}, {}", pages::Level(settings.level), horizon)},
       {"portfolio value", report::Money(value)},
       {"portfolio volatility",
        fmt::format("{} ({} horizon)", report::Percent(r.var.volatility), horizon)},
       {"sum of stand-alone VaRs", report::Money(standalone_sum)},
       {"covariance",
        fmt::format("{} from {} {} returns ({} .. {}){}", EnumName(settings.covariance),
                    report::Count(static_cast<double>(cov.observations)), r.bar, r.first, r.last,
                    settings.covariance == CovarianceMethod::kLedoitWolf
                        ? ", shrinkage " + report::Number(cov.shrinkage, 3)
                        : "")},
       {"method", "parametric normal, zero mean, sqrt(h) scaling; Euler allocation"}});

  page.Heading("Where the risk comes from");
  page.Paragraph(
      "Component VaR (weight x marginal VaR) splits the VaR among the assets and adds up to it; a "
      "negative one hedges. Marginal VaR is what one more percent of weight in the asset would add "
      "to the VaR.");
  std::vector<std::vector<std::string>> rows;
  for (auto i : by_component) {
    rows.push_back({symbols[i], report::Percent(weight[i], 1), report::Money(weight[i] * value),
                    report::Percent(vol[i]), report::Money(standalone[i]),
                    report::Money(marginal_1pct[i]), report::Money(r.var.component[i]),
                    report::Percent(share[i], 1)});
  }
  page.Table({"asset", "weight", "position", "volatility (" + horizon + ")", "stand-alone VaR",
              "marginal VaR (per 1% weight)", "component VaR", "share of VaR"},
             rows);
  const auto labels = Pick(symbols, by_component);
  Figure c("Component VaR by asset (adds up to the portfolio VaR)", {"component VaR", Unit::kMoney},
           {"asset", Unit::kCategory});
  c.HorizontalBars("component VaR", labels, Pick(r.var.component, by_component));
  page.Chart(c);
  Figure s("Share of the weight and share of the VaR", {"share", Unit::kPercent},
           {"asset", Unit::kCategory});
  s.HorizontalBars("weight", labels, Pick(weight, by_component));
  s.HorizontalBars("share of VaR", labels, Pick(share, by_component));
  page.Chart(s);
  Figure m("Marginal VaR: VaR added by one more percent of weight", {"VaR added", Unit::kMoney},
           {"asset", Unit::kCategory});
  m.HorizontalBars("marginal VaR", labels, Pick(marginal_1pct, by_component));
  page.Chart(m);

  if (n >= 2 && cov.assets == n) {
    std::vector<double> corr(n * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        corr[i * n + j] =
            cov.matrix[i * n + j] / std::sqrt(cov.matrix[i * n + i] * cov.matrix[j * n + j]);
    page.Heading("Correlation");
    Figure h(fmt::format("Correlation of the {} returns ({} estimate)", r.bar,
                         EnumName(settings.covariance)),
             {"", Unit::kCategory}, {"", Unit::kCategory});
    for (double& c : corr) c = std::round(c * 100) / 100;  // two decimals fit a cell
    h.Heatmap(symbols, symbols, corr, Unit::kNumber);
    if (n > 12) h.Layout({{"xaxis", {{"tickangle", -60}}}});
    page.Chart(h);
  }
  page.Provenance(
      provenance,
      {{"prices", settings.prices},
       {"weights", settings.weights.empty() ? "equal (default)" : WeightsText(r.weights)},
       {"window", settings.window == 0 ? std::string("all returns")
                                       : fmt::format("last {} {}s", settings.window, r.bar)},
       {"returns", std::string(EnumName(settings.returns))}});
  return page;
}

report::HtmlPage StressPage(const StressResult& r, const StressSettings& settings,
                            const Provenance& provenance) {
  const double value = settings.value;
  const auto& out = r.outcomes;
  std::vector<double> ret, pnl, worst;
  std::vector<std::string> names;
  for (const auto& o : out) {
    names.push_back(o.name);
    ret.push_back(o.portfolio_return);
    pnl.push_back(o.pnl);
    worst.push_back(o.kind == "historical" ? o.worst_return : NAN);
  }
  const auto order = Order(ret, false);  // worst first
  const StressOutcome& w = out[order.front()];

  report::HtmlPage page(fmt::format("Stress tests: {} scenario{} on {}", out.size(),
                                    out.size() == 1 ? "" : "s", settings.prices));
  std::string verdict = fmt::format(
      "The worst of the {} scenarios is '{}' ({}{}): the portfolio {} {} ({} of {})", out.size(),
      w.name, w.kind, w.kind == "historical" ? fmt::format(", {} .. {}", w.first, w.last) : "",
      w.portfolio_return < 0 ? "loses" : "gains", report::Percent(std::fabs(w.portfolio_return)),
      report::Money(std::fabs(w.pnl)), report::Money(value, 0));
  if (w.kind == "historical" && w.worst_return < w.portfolio_return)
    verdict +=
        fmt::format("; at its lowest inside the window it was {}", report::Percent(w.worst_return));
  page.Verdict(verdict + ".");

  page.Heading("Scenarios");
  std::vector<std::vector<std::string>> rows;
  for (auto i : order) {
    const auto& o = out[i];
    rows.push_back({o.name, o.kind,
                    o.kind == "historical" ? fmt::format("{} .. {}", o.first, o.last) : "",
                    report::Percent(o.portfolio_return), report::Money(o.pnl),
                    o.kind == "historical" ? report::Percent(o.worst_return) : ""});
  }
  page.Table({"scenario", "kind", "window", "portfolio return", "P&L", "lowest point in window"},
             rows);
  page.Paragraph(
      "Historical scenarios replay each asset's return over the window on today's weights "
      "(buy and hold from the close before it); the lowest point is the worst the path reached "
      "inside the window. Hypothetical scenarios apply the given moves at once; assets without a "
      "move are left unchanged.");
  const auto labels = Pick(names, order);
  Figure p("Portfolio return by scenario", {"portfolio return", Unit::kPercent},
           {"scenario", Unit::kCategory});
  p.HorizontalBars("portfolio return", labels, Pick(ret, order));
  if (std::any_of(worst.begin(), worst.end(), [](double v) { return std::isfinite(v); }))
    p.HorizontalBars("lowest point in window", labels, Pick(worst, order));
  page.Chart(p);
  Figure m(fmt::format("Profit and loss by scenario on {}", report::Money(value, 0)),
           {"P&L", Unit::kMoney}, {"scenario", Unit::kCategory});
  m.HorizontalBars("P&L", labels, Pick(pnl, order));
  page.Chart(m);

  // Each asset's move in each scenario: which holdings drive the loss.
  std::vector<std::string> assets;
  for (const auto& [symbol, x] : r.weights) assets.push_back(symbol);
  if (!assets.empty() && assets.size() <= 40) {
    std::vector<double> cells;
    for (auto i : order) {
      for (const auto& a : assets) {
        double v = NAN;
        for (const auto& [symbol, x] : out[i].asset_returns)
          if (symbol == a) v = x;
        cells.push_back(v);
      }
    }
    page.Heading("Asset moves");
    Figure h("Each asset's return in each scenario", {"", Unit::kCategory}, {"", Unit::kCategory});
    h.Heatmap(labels, assets, pages::Rounded(cells, 4), Unit::kPercent);
    if (assets.size() > 12) h.Layout({{"xaxis", {{"tickangle", -60}}}});
    page.Chart(h);
  }
  page.Heading("Portfolio");
  const bool equal = std::all_of(r.weights.begin(), r.weights.end(), [&](const auto& x) {
    return std::fabs(x.second - r.weights.front().second) < 1e-12;
  });
  if (equal && r.weights.size() > 3) {
    std::string names;
    for (const auto& [symbol, x] : r.weights) names += (names.empty() ? "" : ", ") + symbol;
    page.Paragraph(fmt::format("{} assets with equal weights, {} each ({}): {}.", r.weights.size(),
                               report::Percent(r.weights.front().second),
                               report::Money(r.weights.front().second * value), names));
  } else {
    std::vector<std::vector<std::string>> wrows;
    for (const auto& [symbol, x] : r.weights)
      wrows.push_back({symbol, report::Percent(x, 2), report::Money(x * value)});
    page.Table({"asset", "weight", "position"}, wrows);
  }
  page.Provenance(
      provenance,
      {{"prices", settings.prices},
       {"portfolio value", report::Money(value)},
       {"weights", settings.weights.empty() ? "equal (default)" : "as given"},
       {"built-in crises", settings.builtin ? "replayed where the data covers them" : "off"}});
  return page;
}

}  // namespace finml::risk
