#include "finml/risk/jobs.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "finml/core/build_info.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"
#include "finml/report/html_page.hpp"
#include "finml/report/svg_chart.hpp"

namespace finml::risk {
namespace {

std::string Join(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

nlohmann::json Provenance(const std::string& path, const std::string& command_line) {
  return {{"input", path},
          {"input_sha256", Sha256File(path)},
          {"command_line", command_line},
          {"finml_version", std::string(Version())},
          {"git_commit", std::string(GitCommit())}};
}

std::vector<double> XAxis(const ReturnSeries& s) {
  std::vector<double> x;
  for (auto t : s.time) x.push_back(static_cast<double>(t));
  return x;
}

std::string Fmt(double v, int digits = 6) {
  return std::isfinite(v) ? fmt::format("{:.{}g}", v, digits) : "n/a";
}

const data::MarketData LoadPanel(const std::string& path) {
  return data::LoadMarketData(path);
}

Weights ResolveWeights(const Weights& given, const data::MarketData& md) {
  if (!given.empty()) return given;
  Weights w;
  for (const auto& s : md.Symbols()) w.emplace_back(s, 1.0 / static_cast<double>(md.assets.size()));
  return w;
}

}  // namespace

nlohmann::json SeriesSource::ToJson() const {
  return {{"path", path},
          {"column", column},
          {"kind", kind == SeriesKind::kReturns ? "returns" : "prices"},
          {"returns_from_prices", log_returns ? "log" : "simple"}};
}

Weights ParseWeights(const std::string& text) { return ParseSymbolValues(text, "weights"); }

std::vector<std::string> RunGarchJob(const GarchJob& job, const std::string& out,
                                     const std::string& command_line) {
  const ReturnSeries s =
      LoadReturnSeries(job.data.path, job.data.column, job.data.kind, job.data.log_returns);
  const GarchFit fit = FitGarch(s.values, job.spec);
  const auto forecast = ForecastVariance(fit, job.forecast);
  EnsureDirectory(out);
  nlohmann::json params = GarchFitJson(fit);
  params["data"] = job.data.ToJson();
  params["data"]["column"] = s.column;
  params["data"]["first"] = s.label.front();
  params["data"]["last"] = s.label.back();
  params["unconditional_variance"] =
      job.spec.model == VolatilityModel::kEgarch
          ? nlohmann::json()
          : nlohmann::json(fit.params[1] / (1 - fit.params[2] - fit.Param("beta") -
                                            (job.spec.model == VolatilityModel::kGjr
                                                 ? fit.Param("gamma") / 2 : 0.0)));
  params["forecast_variance"] = forecast;
  params["provenance"] = Provenance(job.data.path, command_line);
  WriteFileAtomic(Join(out, "params.json"), params.dump(2) + "\n");

  std::string csv = "date,return,conditional_variance,conditional_volatility,standardised_residual\n";
  for (std::size_t t = 0; t < s.values.size(); ++t) {
    csv += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g}\n", s.label[t], s.values[t],
                       fit.sigma2[t], std::sqrt(fit.sigma2[t]), fit.residuals[t]);
  }
  WriteFileAtomic(Join(out, "volatility.csv"), csv);
  std::string fc = "step,variance,volatility\n";
  for (std::size_t h = 0; h < forecast.size(); ++h)
    fc += fmt::format("{},{:.17g},{:.17g}\n", h + 1, forecast[h], std::sqrt(forecast[h]));
  WriteFileAtomic(Join(out, "forecast.csv"), fc);

  report::HtmlPage page(fmt::format("{}-{} on {}", VolatilityModelName(job.spec.model),
                                    InnovationsName(job.spec.dist), job.data.path));
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
  page.Raw(report::LineChart({{"return", x, s.values}, {"+2 sigma", x, vol}, {"-2 sigma", x, neg}}, o));
  std::vector<double> steps, fvol;
  for (std::size_t h = 0; h < forecast.size(); ++h) {
    steps.push_back(static_cast<double>(h + 1));
    fvol.push_back(std::sqrt(forecast[h]));
  }
  o.title = "Volatility forecast";
  o.x_is_time = false;
  o.x_label = "days ahead";
  if (!steps.empty()) page.Raw(report::LineChart({{"forecast volatility", steps, fvol}}, o));
  page.KeyValues({{"data sha256", Sha256File(job.data.path)},
                  {"finml", fmt::format("{} ({})", Version(), GitCommit())},
                  {"command", command_line}});
  WriteFileAtomic(Join(out, "report.html"), page.Render());

  std::vector<std::string> lines;
  std::string line = fmt::format("{}-{}:", VolatilityModelName(job.spec.model),
                                 InnovationsName(job.spec.dist));
  for (std::size_t i = 0; i < fit.names.size(); ++i)
    line += fmt::format(" {} {:.6g} ({:.3g})", fit.names[i], fit.params[i], fit.se_robust[i]);
  lines.push_back(line);
  lines.push_back(fmt::format("loglik {:.6f}, AIC {:.4f}, BIC {:.4f}, n {}", fit.loglik, fit.aic,
                              fit.bic, fit.n));
  return lines;
}

std::vector<VarRun> RunVarBacktests(const ReturnSeries& s, const VarJob& job) {
  std::vector<VarRun> runs;
  VarOptions o = job.options;
  o.horizon = 1;
  for (const std::string& m : job.methods) {
    auto series = RollingVar(s.values, m, o, job.levels, job.window, job.refit_every);
    for (std::size_t l = 0; l < job.levels.size(); ++l) {
      VarBacktest b = BacktestVar(series[l]);
      runs.push_back({m, job.levels[l], std::move(series[l]), b});
    }
  }
  // Reported level by level, each with every method.
  std::stable_sort(runs.begin(), runs.end(),
                   [](const VarRun& a, const VarRun& b) { return a.level > b.level; });
  return runs;
}

std::vector<std::string> RunVarJob(const VarJob& job, const std::string& out,
                                   const std::string& command_line) {
  FINML_REQUIRE(!job.methods.empty() && !job.levels.empty(), "give at least one method and level");
  const ReturnSeries s =
      LoadReturnSeries(job.data.path, job.data.column, job.data.kind, job.data.log_returns);
  FINML_REQUIRE(s.values.size() > job.window + 20,
                "{}: {} returns leave too few out-of-sample days after a {}-day window (fix: a "
                "shorter --window or a longer series)",
                job.data.path, s.values.size(), job.window);
  const auto runs = RunVarBacktests(s, job);
  EnsureDirectory(out);

  std::string csv = "date,method,level,return,var,es,exception\n";
  for (const auto& run : runs) {
    for (std::size_t i = 0; i < run.series.row.size(); ++i) {
      csv += fmt::format("{},{},{},{:.17g},{:.17g},{:.17g},{}\n", s.label[run.series.row[i]],
                         run.method, run.level, run.series.realized[i],
                         run.series.var[i], run.series.es[i], int(run.series.exception[i]));
    }
  }
  WriteFileAtomic(Join(out, "var.csv"), csv);

  // Today's figures: VaR for the day after the data, at the requested horizon.
  const std::vector<double> last_window(s.values.end() - static_cast<std::ptrdiff_t>(job.window),
                                        s.values.end());
  nlohmann::json today = nlohmann::json::array();
  for (double level : job.levels) {
    for (const std::string& m : job.methods) {
      VarOptions o = job.options;
      o.level = level;
      o.horizon = job.horizon;
      const VarEstimate e = EstimateVar(m, last_window, o);
      today.push_back({{"method", m}, {"level", level}, {"horizon", job.horizon},
                       {"var", e.var}, {"es", e.es}});
    }
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& run : runs) {
    nlohmann::json j = VarBacktestJson(run.backtest);
    j["method"] = run.method;
    j["level"] = run.level;
    results.push_back(j);
  }
  nlohmann::json backtest = {
      {"data", job.data.ToJson()},
      {"column", s.column},
      {"window", job.window},
      {"refit_every", job.refit_every},
      {"ewma_lambda", job.options.ewma_lambda},
      {"simulations", job.options.simulations},
      {"seed", job.options.seed},
      {"out_of_sample", {{"first", s.label[job.window]}, {"last", s.label.back()}}},
      {"results", results},
      {"next_day", today},
      {"scaling", "horizon > 1: sqrt(h) x 1-day figure, except monte_carlo and fhs (simulated)"},
      {"provenance", Provenance(job.data.path, command_line)}};
  WriteFileAtomic(Join(out, "backtest.json"), backtest.dump(2) + "\n");

  report::HtmlPage page("VaR backtest: " + job.data.path);
  page.Paragraph(fmt::format(
      "Rolling 1-day VaR and ES from the previous {} returns (GARCH-based methods refit every {} "
      "days), judged on {} out-of-sample days ({} .. {}). An exception is a return below -VaR. "
      "Kupiec tests the exception rate, Christoffersen their independence and both together; the "
      "Basel zone follows from the binomial probability of at most this many exceptions.",
      job.window, job.refit_every, s.values.size() - job.window, s.label[job.window],
      s.label.back()));
  std::vector<std::vector<std::string>> rows;
  for (const auto& run : runs) {
    const auto& b = run.backtest;
    rows.push_back({run.method, fmt::format("{:g}", run.level),
                    std::to_string(b.exceptions), fmt::format("{:.1f}", b.expected),
                    fmt::format("{:.3f}", b.kupiec.p_value),
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
    if (run.level != job.levels.front()) continue;
    std::vector<double> x, ret, var, hits;
    for (std::size_t i = 0; i < run.series.row.size(); ++i) {
      x.push_back(static_cast<double>(s.time[run.series.row[i]]));
      ret.push_back(run.series.realized[i]);
      var.push_back(-run.series.var[i]);
      hits.push_back(run.series.exception[i] ? run.series.realized[i] : std::nan(""));
    }
    o.title = fmt::format("{} VaR at {:g}: returns, -VaR and exceptions ({})",
                          run.method, run.level, run.backtest.exceptions);
    report::LineSeries marks{"exception", x, hits};
    marks.markers = true;
    page.Raw(report::LineChart({{"return", x, ret}, {"-VaR", x, var}, marks}, o));
  }
  page.KeyValues({{"data sha256", Sha256File(job.data.path)},
                  {"finml", fmt::format("{} ({})", Version(), GitCommit())},
                  {"command", command_line}});
  WriteFileAtomic(Join(out, "report.html"), page.Render());

  std::vector<std::string> lines;
  for (const auto& run : runs) {
    const auto& b = run.backtest;
    lines.push_back(fmt::format("{:<15} {:<6g} exceptions {:>4} (expected {:.1f})  Kupiec p {:.3f}  "
                                "indep. p {:.3f}  cc p {:.3f}  {}",
                                run.method, run.level, b.exceptions, b.expected,
                                b.kupiec.p_value, b.independence.p_value,
                                b.conditional_coverage.p_value, b.zone));
  }
  return lines;
}

std::vector<std::string> RunPortfolioJob(const PortfolioJob& job, const std::string& out,
                                         const std::string& command_line) {
  const data::MarketData md = LoadPanel(job.prices);
  const Weights weights = ResolveWeights(job.weights, md);
  std::vector<const std::vector<double>*> prices;
  for (const auto& [symbol, w] : weights) {
    const auto symbols = md.Symbols();
    FINML_REQUIRE(std::find(symbols.begin(), symbols.end(), symbol) != symbols.end(),
                  "weight for '{}', which is not in {} (did you mean '{}'?)", symbol, job.prices,
                  ClosestMatch(symbol, symbols));
    // Adjusted closes where the file has them: a split must not read as a crash.
    const auto& bars = md.Asset(symbol);
    prices.push_back(bars.Has(data::Field::kAdjClose) ? &bars.adj_close : &bars.close);
  }
  const std::size_t n = md.rows();
  FINML_REQUIRE(n >= 3, "{}: too few rows for returns", job.prices);
  const std::size_t first = job.window > 0 && job.window + 1 < n ? n - 1 - job.window : 0;
  std::vector<std::vector<double>> returns;
  for (std::size_t t = first + 1; t < n; ++t) {
    std::vector<double> row;
    for (const auto* p : prices)
      row.push_back(job.log_returns ? std::log((*p)[t] / (*p)[t - 1]) : (*p)[t] / (*p)[t - 1] - 1);
    returns.push_back(std::move(row));
  }
  const CovarianceEstimate cov = EstimateCovariance(returns, job.covariance, job.lambda);
  std::vector<double> w;
  for (const auto& [symbol, x] : weights) w.push_back(x);
  const PortfolioVarResult r = PortfolioVar(w, cov, job.level, job.horizon, job.value);
  EnsureDirectory(out);
  nlohmann::json assets = nlohmann::json::array();
  for (std::size_t i = 0; i < weights.size(); ++i) {
    assets.push_back({{"symbol", weights[i].first},
                      {"weight", w[i]},
                      {"volatility", std::sqrt(cov.matrix[i * cov.assets + i] * job.horizon)},
                      {"marginal_var", r.marginal[i]},
                      {"component_var", r.component[i]},
                      {"component_share", r.component[i] / r.var}});
  }
  nlohmann::json j = {{"covariance", CovarianceMethodName(job.covariance)},
                      {"shrinkage", cov.shrinkage},
                      {"ewma_lambda", job.lambda},
                      {"observations", cov.observations},
                      {"first", md.time_label[first + 1]},
                      {"last", md.time_label.back()},
                      {"level", job.level},
                      {"horizon", job.horizon},
                      {"value", job.value},
                      {"volatility", r.volatility},
                      {"var", r.var},
                      {"es", r.es},
                      {"assets", assets},
                      {"method", "parametric normal, zero mean, sqrt(h) scaling; Euler allocation"},
                      {"provenance", Provenance(job.prices, command_line)}};
  WriteFileAtomic(Join(out, "portfolio.json"), j.dump(2) + "\n");
  return {fmt::format("portfolio VaR {:g} over {} day(s) ({} covariance, {} days): {:.2f} of "
                      "{:.0f}; ES {:.2f}",
                      job.level, job.horizon, CovarianceMethodName(job.covariance),
                      cov.observations, r.var, job.value, r.es)};
}

std::vector<std::string> RunStressJob(const StressJob& job, const std::string& out,
                                      const std::string& command_line) {
  const data::MarketData md = LoadPanel(job.prices);
  const Weights weights = ResolveWeights(job.weights, md);
  std::vector<HistoricalScenario> scenarios = job.scenarios;
  if (job.builtin)
    for (const auto& b : BuiltinScenarios()) scenarios.push_back(b);
  const bool adjusted = std::all_of(md.assets.begin(), md.assets.end(), [](const data::Bars& b) {
    return b.Has(data::Field::kAdjClose);
  });
  auto outcomes = RunStress(md, weights, job.value, scenarios, job.shocks,
                            adjusted ? data::Field::kAdjClose : data::Field::kClose);
  // Built-in crises the data does not cover are left out; a user's own window must be covered.
  std::vector<StressOutcome> kept;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const bool user = i < job.scenarios.size() || outcomes[i].kind == "hypothetical";
    FINML_REQUIRE(outcomes[i].covered || !user,
                  "scenario '{}' lies outside the data ({} .. {})", outcomes[i].name,
                  md.time_label.front(), md.time_label.back());
    if (outcomes[i].covered) kept.push_back(outcomes[i]);
  }
  FINML_REQUIRE(!kept.empty(),
                "no scenario to run: the built-in crises fall outside {} .. {}; give --scenario "
                "name=START:END or --shock SYMBOL=RETURN",
                md.time_label.front(), md.time_label.back());
  EnsureDirectory(out);
  nlohmann::json j = {{"value", job.value},
                      {"weights", weights},
                      {"scenarios", StressJson(kept)},
                      {"provenance", Provenance(job.prices, command_line)}};
  WriteFileAtomic(Join(out, "stress.json"), j.dump(2) + "\n");
  std::vector<std::string> lines;
  for (const auto& o : kept) {
    lines.push_back(fmt::format("{:<20} {:<12} portfolio {:+.2f}%  P&L {:+.0f}{}", o.name, o.kind,
                                100 * o.portfolio_return, o.pnl,
                                o.kind == "historical"
                                    ? fmt::format("  ({} .. {}, worst {:+.2f}%)", o.first, o.last,
                                                  100 * o.worst_return)
                                    : std::string()));
  }
  return lines;
}

}  // namespace finml::risk
