#include <cstdio>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/portfolio/job.hpp"
#include "finml/portfolio/walk_forward.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {
namespace {

// Settings that only one subcommand reads stay off the others' flags.
const std::vector<std::string> kBacktestOnly = {"objectives",   "rebalance", "cost_bps",
                                                "slippage_bps", "fill",      "initial_capital"};

std::vector<std::string> Join(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

portfolio::PortfolioSettings Parse(const CliFlags& flags, const std::string& command,
                                   portfolio::PortfolioSettings defaults) {
  auto s = portfolio::PortfolioSettings::Schema().Parse(flags.Collect(ConfigNode::Map(command)), "",
                                                        defaults);
  for (auto* path : {&s.prices, &s.returns, &s.sectors, &s.current_weights, &s.market_caps})
    if (!path->empty()) *path = run::ResolveDataPath(*path, "");
  return s;
}

Provenance Inputs(const portfolio::PortfolioSettings& s, const std::string& command_line) {
  Provenance p{command_line, {}, std::nullopt};
  for (const auto* path : {&s.prices, &s.returns, &s.sectors, &s.current_weights, &s.market_caps})
    if (!path->empty()) p.Input(*path);
  return p;
}

portfolio::PortfolioSettings BacktestDefaults() {
  portfolio::PortfolioSettings s;
  s.window = 252;
  return s;
}

}  // namespace

void SetupPortfolio(CLI::App& app, PortfolioCommandOptions& o) {
  app.require_subcommand(1);
  auto* optimize =
      app.add_subcommand("optimize", "weights for one objective under constraints, with a report");
  o.optimize.Add(*optimize, portfolio::PortfolioSettings::Schema(), {}, "", kBacktestOnly);
  auto* frontier = app.add_subcommand("frontier", "the efficient frontier under the constraints");
  o.frontier.Add(*frontier, portfolio::PortfolioSettings::Schema(), {}, "",
                 Join(kBacktestOnly, {"objective", "portfolio_value", "allocation"}));
  auto* backtest = app.add_subcommand(
      "backtest", "walk-forward re-optimisation of several objectives, traded with costs");
  o.backtest.Add(*backtest, portfolio::PortfolioSettings::Schema(), BacktestDefaults(), "",
                 {"objective", "points", "portfolio_value", "allocation", "current_weights"});
  for (auto [sub, flags] : std::initializer_list<std::pair<CLI::App*, CliFlags*>>{
           {optimize, &o.optimize}, {frontier, &o.frontier}, {backtest, &o.backtest}}) {
    flags->AddSet(*sub, "any setting as key=value, e.g. --set risk_model=ledoit_wolf");
    sub->add_option("--out", o.out, "output directory")->required();
    AddOverwriteFlag(*sub, o.overwrite);
  }
}

int RunPortfolio(const PortfolioCommandOptions& o, const CLI::App& app,
                 const std::string& command_line) {
  std::vector<std::string> lines;
  std::string files;
  if (app.got_subcommand("optimize")) {
    const auto s = Parse(o.optimize, "finml portfolio optimize", {});
    OutputDirectory out(o.out, o.overwrite);
    lines = portfolio::RunOptimizeJob(s, out.staging(), Inputs(s, command_line));
    out.Commit();
    files = s.portfolio_value ? "weights.csv,allocation.csv,frontier.csv,metrics.json,report.html"
                              : "weights.csv,frontier.csv,metrics.json,report.html";
  } else if (app.got_subcommand("frontier")) {
    const auto s = Parse(o.frontier, "finml portfolio frontier", {});
    OutputDirectory out(o.out, o.overwrite);
    lines = portfolio::RunFrontierJob(s, out.staging(), Inputs(s, command_line));
    out.Commit();
    files = "frontier.csv,metrics.json,report.html";
  } else {
    const auto s = Parse(o.backtest, "finml portfolio backtest", BacktestDefaults());
    OutputDirectory out(o.out, o.overwrite);
    lines = portfolio::RunPortfolioBacktestJob(s, out.staging(), Inputs(s, command_line));
    out.Commit();
    files = "weights.csv,metrics.json,tearsheet.html";
  }
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("wrote %s/{%s,%s}\n", o.out.c_str(), files.c_str(),
              report::ChartLibraryName().c_str());
  return 0;
}

}  // namespace finml::cli
