#include <cstdio>

#include "finml/cli/commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/risk/jobs.hpp"

namespace finml::cli {
namespace {

void AddSeriesOptions(CLI::App& app, RiskCommandOptions& o) {
  auto* returns = app.add_option("--returns", o.returns, "CSV of returns: <date or index>,<value>...");
  auto* prices = app.add_option("--prices", o.prices, "CSV of prices instead; returns are computed");
  returns->excludes(prices);
  app.add_option("--column", o.column, "value column (default: the only one)");
  app.add_flag("--log-returns", o.log_returns, "with --prices: log returns (default simple)");
  app.add_option("--out", o.out, "output directory")->required();
}

risk::SeriesSource Source(const RiskCommandOptions& o) {
  FINML_REQUIRE(!o.returns.empty() || !o.prices.empty(),
                "say what the file holds: --returns FILE or --prices FILE");
  risk::SeriesSource s;
  s.path = o.returns.empty() ? o.prices : o.returns;
  s.kind = o.returns.empty() ? risk::SeriesKind::kPrices : risk::SeriesKind::kReturns;
  s.column = o.column;
  s.log_returns = o.log_returns;
  return s;
}

std::vector<double> ParseLevels(const std::string& text) {
  std::vector<double> levels;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item = Trim(text.substr(pos, comma == std::string::npos ? std::string::npos
                                                                               : comma - pos));
    double v = 0;
    try {
      v = std::stod(item);
    } catch (...) {
      throw InvalidInput(fmt::format("--level '{}': '{}' is not a number", text, item));
    }
    FINML_REQUIRE(v > 0.5 && v < 1, "--level {}: give a confidence level such as 0.99", item);
    levels.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return levels;
}

std::vector<std::string> ParseMethods(const std::string& text) {
  if (text == "all") return risk::VarMethodNames();
  std::vector<std::string> methods;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    methods.push_back(risk::FindVarMethod(
        Trim(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos))).name);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return methods;
}

int Print(const std::vector<std::string>& lines, const std::string& out,
          const std::string& files) {
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("wrote %s/{%s}\n", out.c_str(), files.c_str());
  return 0;
}

}  // namespace

void SetupRisk(CLI::App& app, RiskCommandOptions& o) {
  app.require_subcommand(1);
  auto* garch = app.add_subcommand("garch", "fit a GARCH, GJR or EGARCH model by maximum likelihood");
  AddSeriesOptions(*garch, o);
  garch->add_option("--model", o.model, "garch, gjr or egarch")->capture_default_str();
  garch->add_option("--dist", o.dist, "innovations: normal or t")->capture_default_str();
  garch->add_flag("--non-stationary", o.non_stationary,
                  "garch: bound alpha and beta separately, as fGarch, not alpha + beta < 1");
  garch->add_option("--forecast", o.forecast, "days of variance forecasts")->capture_default_str();

  auto* var = app.add_subcommand("var", "rolling VaR and ES with backtests");
  AddSeriesOptions(*var, o);
  var->add_option("--method", o.method,
                  "historical, normal, student_t, cornish_fisher, monte_carlo, fhs, ewma, garch; "
                  "a comma list; or all")
      ->capture_default_str();
  var->add_option("--level", o.level, "confidence level(s), e.g. 0.99 or 0.99,0.975")
      ->capture_default_str();
  var->add_option("--window", o.window, "returns in each estimation window")->capture_default_str();
  var->add_option("--refit-every", o.refit_every, "days between GARCH refits")->capture_default_str();
  var->add_option("--horizon", o.horizon, "days, for the VaR after the data (sqrt-of-time scaling "
                                          "except monte_carlo and fhs)")
      ->capture_default_str();
  var->add_option("--lambda", o.ewma_lambda, "EWMA decay")->capture_default_str();
  var->add_option("--simulations", o.simulations, "monte_carlo and fhs draws")->capture_default_str();
  var->add_option("--seed", o.seed, "random seed")->capture_default_str();

  auto* portfolio = app.add_subcommand("portfolio", "parametric portfolio VaR with component VaR");
  portfolio->add_option("--prices", o.prices, "prices of every asset (wide or long panel)")->required();
  portfolio->add_option("--weights", o.weights, "SYMBOL=WEIGHT,... (default: equal weights)");
  portfolio->add_option("--covariance", o.covariance, "sample, ewma or ledoit_wolf")
      ->capture_default_str();
  portfolio->add_option("--lambda", o.ewma_lambda, "EWMA decay")->capture_default_str();
  portfolio->add_option("--level", o.level, "confidence level")->capture_default_str();
  portfolio->add_option("--horizon", o.horizon, "days")->capture_default_str();
  portfolio->add_option("--value", o.value, "portfolio value")->capture_default_str();
  portfolio->add_option("--window", o.window, "most recent days of returns (0: all)")
      ->capture_default_str();
  portfolio->add_flag("--log-returns", o.log_returns, "log instead of simple returns");
  portfolio->add_option("--out", o.out, "output directory")->required();

  auto* stress = app.add_subcommand("stress", "historical and hypothetical stress tests");
  stress->add_option("--prices", o.prices, "prices of every asset")->required();
  stress->add_option("--weights", o.weights, "SYMBOL=WEIGHT,... (default: equal weights)");
  stress->add_option("--value", o.value, "portfolio value")->capture_default_str();
  stress->add_option("--scenario", o.scenarios, "name=START:END, a window to replay (repeatable)");
  stress->add_option("--shock", o.shocks, "[name:]SYMBOL=RETURN,... (repeatable)");
  stress->add_flag("--no-builtin", o.no_builtin, "skip the built-in crisis windows");
  stress->add_option("--out", o.out, "output directory")->required();
}

int RunRisk(const RiskCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  if (app.got_subcommand("garch")) {
    risk::GarchJob job;
    job.data = Source(o);
    job.spec.model = risk::ParseVolatilityModel(o.model);
    job.spec.dist = risk::ParseInnovations(o.dist);
    job.spec.stationary = !o.non_stationary;
    job.forecast = o.forecast;
    return Print(risk::RunGarchJob(job, o.out, command_line), o.out,
                 "params.json,volatility.csv,forecast.csv,report.html");
  }
  if (app.got_subcommand("var")) {
    risk::VarJob job;
    job.data = Source(o);
    job.methods = ParseMethods(o.method);
    job.levels = ParseLevels(o.level);
    job.window = o.window;
    job.refit_every = o.refit_every;
    job.horizon = o.horizon;
    job.options.ewma_lambda = o.ewma_lambda;
    job.options.simulations = o.simulations;
    job.options.seed = o.seed;
    return Print(risk::RunVarJob(job, o.out, command_line), o.out, "var.csv,backtest.json,report.html");
  }
  if (app.got_subcommand("portfolio")) {
    risk::PortfolioJob job;
    job.prices = o.prices;
    if (!o.weights.empty()) job.weights = risk::ParseWeights(o.weights);
    job.covariance = risk::ParseCovarianceMethod(o.covariance);
    job.lambda = o.ewma_lambda;
    const auto levels = ParseLevels(o.level);
    FINML_REQUIRE(levels.size() == 1, "portfolio VaR takes one --level");
    job.level = levels.front();
    job.horizon = o.horizon;
    job.value = o.value;
    job.window = o.window;
    job.log_returns = o.log_returns;
    return Print(risk::RunPortfolioJob(job, o.out, command_line), o.out, "portfolio.json");
  }
  risk::StressJob job;
  job.prices = o.prices;
  if (!o.weights.empty()) job.weights = risk::ParseWeights(o.weights);
  job.value = o.value;
  job.builtin = !o.no_builtin;
  for (const auto& s : o.scenarios) job.scenarios.push_back(risk::ParseHistoricalScenario(s));
  for (const auto& s : o.shocks) job.shocks.push_back(risk::ParseShockScenario(s));
  return Print(risk::RunStressJob(job, o.out, command_line), o.out, "stress.json");
}

}  // namespace finml::cli
