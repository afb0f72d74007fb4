#include "finml/risk/outputs.hpp"

#include <cmath>
#include <filesystem>

#include "finml/core/files.hpp"
#include "finml/report/html_page.hpp"
#include "finml/report/svg_chart.hpp"

namespace finml::risk {
namespace {

std::string Join(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

std::vector<double> XAxis(const ReturnSeries& s) {
  std::vector<double> x;
  for (auto t : s.time) x.push_back(static_cast<double>(t));
  return x;
}

std::string Fmt(double v, int digits = 6) {
  return std::isfinite(v) ? fmt::format("{:.{}g}", v, digits) : "n/a";
}

}  // namespace

std::vector<std::string> WriteGarch(const GarchResult& result, const SeriesSource& source,
                                    const GarchSettings& settings, const std::string& dir,
                                    const Provenance& provenance) {
  const ReturnSeries& s = result.series;
  const GarchFit& fit = result.fit;
  const auto& forecast = result.forecast;
  EnsureDirectory(dir);
  nlohmann::json params = GarchFitJson(fit);
  params["data"] = SeriesSource::Schema().ToJson(source);
  params["data"]["column"] = s.column;
  params["data"]["first"] = s.label.front();
  params["data"]["last"] = s.label.back();
  params["unconditional_variance"] =
      settings.spec.model == VolatilityModel::kEgarch
          ? nlohmann::json()
          : nlohmann::json(
                fit.params[1] /
                (1 - fit.params[2] - fit.Param("beta") -
                 (settings.spec.model == VolatilityModel::kGjr ? fit.Param("gamma") / 2 : 0.0)));
  params["forecast_variance"] = forecast;
  params["provenance"] = provenance.ToJson();
  WriteFileAtomic(Join(dir, "params.json"), params.dump(2) + "\n");

  std::string csv =
      "date,return,conditional_variance,conditional_volatility,standardised_residual\n";
  for (std::size_t t = 0; t < s.values.size(); ++t) {
    csv += fmt::format("{},{},{},{},{}\n", s.label[t], s.values[t], fit.sigma2[t],
                       std::sqrt(fit.sigma2[t]), fit.residuals[t]);
  }
  WriteFileAtomic(Join(dir, "volatility.csv"), csv);
  std::string fc = "step,variance,volatility\n";
  for (std::size_t h = 0; h < forecast.size(); ++h)
    fc += fmt::format("{},{},{}\n", h + 1, forecast[h], std::sqrt(forecast[h]));
  WriteFileAtomic(Join(dir, "forecast.csv"), fc);

  report::HtmlPage page(fmt::format("{}-{} on {} ({})", EnumName(settings.spec.model),
                                    EnumName(settings.spec.dist), s.column, source.path));
  page.Paragraph(fmt::format(
      "Maximum likelihood over {} returns ({} .. {}): log-likelihood {:.6f}, AIC {:.4f}, BIC "
      "{:.4f}; optimiser {} after {} iterations ({}).",
      fit.n, s.label.front(), s.label.back(), fit.loglik, fit.aic, fit.bic,
      fit.converged ? "converged" : "did NOT converge", fit.iterations, fit.message));
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < fit.names.size(); ++i) {
    rows.push_back({fit.names[i], Fmt(fit.params[i], 8), Fmt(fit.se_robust[i]),
                    Fmt(fit.params[i] / fit.se_robust[i], 4), Fmt(fit.se_hessian[i])});
  }
  page.Table({"parameter", "estimate", "robust s.e.", "t (robust)", "Hessian s.e."}, rows);
  report::ChartOptions o;
  o.x_is_time = s.calendar;
  o.title = "Returns and conditional volatility";
  std::vector<double> vol(fit.sigma2.size()), neg(fit.sigma2.size());
  for (std::size_t t = 0; t < vol.size(); ++t) {
    vol[t] = 2 * std::sqrt(fit.sigma2[t]);
    neg[t] = -vol[t];
  }
  const auto x = XAxis(s);
  page.Raw(
      report::LineChart({{"return", x, s.values}, {"+2 sigma", x, vol}, {"-2 sigma", x, neg}}, o));
  std::vector<double> steps, fvol;
  for (std::size_t h = 0; h < forecast.size(); ++h) {
    steps.push_back(static_cast<double>(h + 1));
    fvol.push_back(std::sqrt(forecast[h]));
  }
  o.title = "Volatility forecast";
  o.x_is_time = false;
  o.x_label = "days ahead";
  if (!steps.empty()) page.Raw(report::LineChart({{"forecast volatility", steps, fvol}}, o));
  page.KeyValues(provenance.Facts());
  WriteFileAtomic(Join(dir, "report.html"), page.Render());

  std::vector<std::string> lines;
  std::string line =
      fmt::format("{}-{}:", EnumName(settings.spec.model), EnumName(settings.spec.dist));
  for (std::size_t i = 0; i < fit.names.size(); ++i)
    line += fmt::format(" {} {:.6g} ({:.3g})", fit.names[i], fit.params[i], fit.se_robust[i]);
  lines.push_back(line);
  lines.push_back(fmt::format("loglik {:.6f}, AIC {:.4f}, BIC {:.4f}, n {}", fit.loglik, fit.aic,
                              fit.bic, fit.n));
  for (const auto& b : fit.boundary)
    lines.push_back(fmt::format("warning: the fit is on the boundary: {}", b));
  return lines;
}

std::vector<std::string> WriteVar(const VarResult& result, const SeriesSource& source,
                                  const VarSettings& settings, const std::string& dir,
                                  const Provenance& provenance) {
  const ReturnSeries& s = result.series;
  const auto& runs = result.runs;
  EnsureDirectory(dir);

  std::string csv = "date,method,level,return,var,es,exception\n";
  for (const auto& run : runs) {
    for (std::size_t i = 0; i < run.series.row.size(); ++i) {
      csv += fmt::format("{},{},{},{},{},{},{}\n", s.label[run.series.row[i]], run.method,
                         run.level, run.series.realized[i], run.series.var[i], run.series.es[i],
                         int(run.series.exception[i]));
    }
  }
  WriteFileAtomic(Join(dir, "var.csv"), csv);

  // Today's figures: VaR for the day after the data, at the requested horizon.
  nlohmann::json today = nlohmann::json::array();
  for (const auto& d : result.next_day) {
    today.push_back({{"method", d.method},
                     {"level", d.level},
                     {"horizon", settings.horizon},
                     {"var", d.estimate.var},
                     {"es", d.estimate.es}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& run : runs) {
    nlohmann::json j = VarBacktestJson(run.backtest);
    j["method"] = run.method;
    j["level"] = run.level;
    results.push_back(j);
  }
  nlohmann::json backtest = {
      {"data", SeriesSource::Schema().ToJson(source)},
      {"column", s.column},
      {"window", settings.window},
      {"refit_every", settings.refit_every},
      {"ewma_lambda", settings.ewma_lambda},
      {"simulations", settings.simulations},
      {"seed", settings.seed},
      {"out_of_sample", {{"first", s.label[settings.window]}, {"last", s.label.back()}}},
      {"results", results},
      {"next_day", today},
      {"scaling", "horizon > 1: sqrt(h) x 1-day figure, except monte_carlo and fhs (simulated)"},
      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(Join(dir, "backtest.json"), backtest.dump(2) + "\n");

  report::HtmlPage page(fmt::format("VaR backtest: {} ({})", s.column, source.path));
  const std::string bar = BarUnit(s.time, s.calendar);
  page.Paragraph(fmt::format(
      "Rolling 1-{} VaR and ES from the previous {} returns (GARCH-based methods refit every {} "
      "{}s), judged on {} out-of-sample {}s ({} .. {}). An exception is a return below -VaR. "
      "Kupiec tests the exception rate, Christoffersen their independence and both together; the "
      "Basel zone follows from the binomial probability of at most this many exceptions.",
      bar, settings.window, settings.refit_every, bar, s.values.size() - settings.window, bar,
      s.label[settings.window], s.label.back()));
  std::vector<std::vector<std::string>> rows;
  for (const auto& run : runs) {
    const auto& b = run.backtest;
    rows.push_back({run.method, fmt::format("{:g}", run.level), std::to_string(b.exceptions),
                    fmt::format("{:.1f}", b.expected), fmt::format("{:.3f}", b.kupiec.p_value),
                    fmt::format("{:.3f}", b.independence.p_value),
                    fmt::format("{:.3f}", b.conditional_coverage.p_value), b.zone,
                    Fmt(b.mean_var, 4), Fmt(b.mean_es, 4)});
  }
  page.Table({"method", "level", "exceptions", "expected", "Kupiec p", "independence p",
              "cond. coverage p", "zone", "mean VaR", "mean ES"},
             rows);
  report::ChartOptions o;
  o.x_is_time = s.calendar;
  for (const auto& run : runs) {
    if (run.level != settings.levels.front()) continue;
    std::vector<double> x, ret, var, hits;
    for (std::size_t i = 0; i < run.series.row.size(); ++i) {
      x.push_back(static_cast<double>(s.time[run.series.row[i]]));
      ret.push_back(run.series.realized[i]);
      var.push_back(-run.series.var[i]);
      hits.push_back(run.series.exception[i] ? run.series.realized[i] : std::nan(""));
    }
    o.title = fmt::format("{} VaR at {:g}: returns, -VaR and exceptions ({})", run.method,
                          run.level, run.backtest.exceptions);
    report::LineSeries marks{"exception", x, hits};
    marks.markers = true;
    page.Raw(report::LineChart({{"return", x, ret}, {"-VaR", x, var}, marks}, o));
  }
  page.KeyValues(provenance.Facts());
  WriteFileAtomic(Join(dir, "report.html"), page.Render());

  std::vector<std::string> lines;
  for (const auto& run : runs) {
    const auto& b = run.backtest;
    lines.push_back(
        fmt::format("{:<15} {:<6g} exceptions {:>4} (expected {:.1f})  Kupiec p {:.3f}  "
                    "indep. p {:.3f}  cc p {:.3f}  {}",
                    run.method, run.level, b.exceptions, b.expected, b.kupiec.p_value,
                    b.independence.p_value, b.conditional_coverage.p_value, b.zone));
  }
  return lines;
}

std::vector<std::string> WritePortfolio(const PortfolioResult& result,
                                        const PortfolioSettings& settings, const std::string& dir,
                                        const Provenance& provenance) {
  EnsureDirectory(dir);
  nlohmann::json assets = nlohmann::json::array();
  for (std::size_t i = 0; i < result.weights.size(); ++i) {
    assets.push_back(
        {{"symbol", result.weights[i].first},
         {"weight", result.weights[i].second},
         {"volatility",
          std::sqrt(result.covariance.matrix[i * result.covariance.assets + i] * settings.horizon)},
         {"marginal_var", result.var.marginal[i]},
         {"component_var", result.var.component[i]},
         {"component_share", result.var.component[i] / result.var.var}});
  }
  nlohmann::json j = {{"covariance", EnumName(settings.covariance)},
                      {"shrinkage", result.covariance.shrinkage},
                      {"ewma_lambda", settings.ewma_lambda},
                      {"observations", result.covariance.observations},
                      {"first", result.first},
                      {"last", result.last},
                      {"level", settings.level},
                      {"horizon", settings.horizon},
                      {"bar", result.bar},
                      {"value", settings.value},
                      {"volatility", result.var.volatility},
                      {"var", result.var.var},
                      {"es", result.var.es},
                      {"assets", assets},
                      {"method", "parametric normal, zero mean, sqrt(h) scaling; Euler allocation"},
                      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(Join(dir, "portfolio.json"), j.dump(2) + "\n");
  return {fmt::format(
      "portfolio VaR {:g} over {} {}(s) ({} covariance, {} {}s): {:.2f} of "
      "{:.0f}; ES {:.2f}",
      settings.level, settings.horizon, result.bar, EnumName(settings.covariance),
      result.covariance.observations, result.bar, result.var.var, settings.value, result.var.es)};
}

std::vector<std::string> WriteStress(const StressResult& result, const StressSettings& settings,
                                     const std::string& dir, const Provenance& provenance) {
  EnsureDirectory(dir);
  nlohmann::json j = {{"value", settings.value},
                      {"weights", result.weights},
                      {"scenarios", StressJson(result.outcomes)},
                      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(Join(dir, "stress.json"), j.dump(2) + "\n");
  std::vector<std::string> lines;
  for (const auto& o : result.outcomes) {
    lines.push_back(fmt::format(
        "{:<20} {:<12} portfolio {:+.2f}%  P&L {:+.0f}{}", o.name, o.kind, 100 * o.portfolio_return,
        o.pnl,
        o.kind == "historical"
            ? fmt::format("  ({} .. {}, worst {:+.2f}%)", o.first, o.last, 100 * o.worst_return)
            : std::string()));
  }
  return lines;
}

}  // namespace finml::risk
