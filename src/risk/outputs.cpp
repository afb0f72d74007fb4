#include "finml/risk/outputs.hpp"

#include <cmath>
#include <filesystem>

#include "finml/core/files.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"
#include "finml/risk/diagnostics.hpp"
#include "report_pages.hpp"

namespace finml::risk {
namespace {

std::string Join(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
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
  const double long_run = UnconditionalVariance(fit);
  params["unconditional_variance"] =
      std::isfinite(long_run) ? nlohmann::json(long_run) : nlohmann::json();
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

  report::WriteReport(Join(dir, "report.html"), GarchPage(result, source, settings, provenance));

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
    nlohmann::json j = {{"method", d.method},
                        {"level", d.level},
                        {"horizon", settings.horizon},
                        {"var", d.estimate.var},
                        {"es", d.estimate.es}};
    if (settings.position) {  // the returns' units (s.unit) turned into money
      j["var_money"] = d.estimate.var * s.unit * *settings.position;
      j["es_money"] = d.estimate.es * s.unit * *settings.position;
    }
    today.push_back(j);
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
      {"position", settings.position ? nlohmann::json(*settings.position) : nlohmann::json()},
      {"return_unit", s.unit},
      {"out_of_sample", {{"first", s.label[settings.window]}, {"last", s.label.back()}}},
      {"results", results},
      {"next_day", today},
      {"scaling", "horizon > 1: sqrt(h) x 1-day figure, except monte_carlo and fhs (simulated)"},
      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(Join(dir, "backtest.json"), backtest.dump(2) + "\n");

  report::WriteReport(Join(dir, "report.html"), VarPage(result, source, settings, provenance));

  // The figure a risk manager asks for first, the next VaR, then how the method backtested.
  std::vector<std::string> lines;
  for (const auto& run : runs) {
    const auto& b = run.backtest;
    std::string next;
    for (const auto& d : result.next_day) {
      if (d.method != run.method || d.level != run.level) continue;
      const double var = d.estimate.var * s.unit;
      next = "next VaR " + report::Percent(var);
      if (settings.position) next += " (" + report::Money(var * *settings.position) + ")";
    }
    lines.push_back(
        fmt::format("{:<15} {:<6g} {}  exceptions {:>4} (expected {:.1f})  Kupiec p {:.3f}  "
                    "indep. p {:.3f}  cc p {:.3f}  {}",
                    run.method, run.level, next, b.exceptions, b.expected, b.kupiec.p_value,
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
  report::WriteReport(Join(dir, "report.html"), PortfolioPage(result, settings, provenance));
  return {fmt::format("portfolio VaR {:g} over {} {}(s) ({} covariance, {} {}s): {} of {}; ES {}",
                      settings.level, settings.horizon, result.bar, EnumName(settings.covariance),
                      result.covariance.observations, result.bar, report::Money(result.var.var),
                      report::Money(settings.value, 0), report::Money(result.var.es))};
}

std::vector<std::string> WriteStress(const StressResult& result, const StressSettings& settings,
                                     const std::string& dir, const Provenance& provenance) {
  EnsureDirectory(dir);
  nlohmann::json j = {{"value", settings.value},
                      {"weights", result.weights},
                      {"scenarios", StressJson(result.outcomes)},
                      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(Join(dir, "stress.json"), j.dump(2) + "\n");
  report::WriteReport(Join(dir, "report.html"), StressPage(result, settings, provenance));
  std::vector<std::string> lines;
  for (const auto& o : result.outcomes) {
    lines.push_back(fmt::format(
        "{:<20} {:<12} portfolio {:+.2f}%  P&L {}{}", o.name, o.kind, 100 * o.portfolio_return,
        (o.pnl > 0 ? "+" : "") + report::Money(o.pnl, 0),
        o.kind == "historical"
            ? fmt::format("  ({} .. {}, worst {:+.2f}%)", o.first, o.last, 100 * o.worst_return)
            : std::string()));
  }
  return lines;
}

}  // namespace finml::risk
