#include <cstdio>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/provenance.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/risk_experiment.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {
namespace {

// --returns FILE or --prices FILE say what the file holds; the rest of the series settings come
// from their declaration.
void AddSeriesFlags(CLI::App& app, CliFlags& flags) {
  auto* returns = flags.AddShortcut(app, "--returns", "data.path", {{"data.kind", "returns"}},
                                    "CSV of returns: <date or index>,<value>...");
  auto* prices = flags.AddShortcut(app, "--prices", "data.path", {{"data.kind", "prices"}},
                                   "CSV of prices instead; returns are computed");
  returns->excludes(prices);
  flags.Add(app, risk::SeriesSource::Schema(), {}, "data.");
}

risk::SeriesSource Series(const ConfigNode& node) {
  const ConfigNode* data = node.Find("data");
  FINML_REQUIRE(data && data->Has("path"),
                "say what the file holds: --returns FILE or --prices FILE");
  risk::SeriesSource source = risk::SeriesSource::Schema().Parse(*data, "data");
  source.path = run::ResolveDataPath(source.path, "");  // found from any directory
  return source;
}

// The job wrote into the staging directory; only a complete result is moved into place.
std::vector<std::string> Commit(OutputDirectory& out, std::vector<std::string> lines) {
  out.Commit();
  return lines;
}

int Print(const std::vector<std::string>& lines, const std::string& out, const std::string& files) {
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("wrote %s/{%s,%s}\n", out.c_str(), files.c_str(), report::ChartLibraryName().c_str());
  return 0;
}

}  // namespace

void SetupRisk(CLI::App& app, RiskCommandOptions& o) {
  app.require_subcommand(1);
  auto* garch =
      app.add_subcommand("garch", "fit a GARCH, GJR or EGARCH model by maximum likelihood");
  AddSeriesFlags(*garch, o.garch);
  o.garch.Add(*garch, risk::GarchSettings::Schema());
  auto* var = app.add_subcommand("var", "rolling VaR and ES with backtests");
  AddSeriesFlags(*var, o.var);
  o.var.Add(*var, risk::VarSettings::Schema());
  auto* portfolio = app.add_subcommand("portfolio", "parametric portfolio VaR with component VaR");
  o.portfolio.Add(*portfolio, risk::PortfolioSettings::Schema());
  auto* stress = app.add_subcommand("stress", "historical and hypothetical stress tests");
  o.stress.Add(*stress, risk::StressSettings::Schema());
  for (auto [sub, flags] : std::initializer_list<std::pair<CLI::App*, CliFlags*>>{
           {garch, &o.garch}, {var, &o.var}, {portfolio, &o.portfolio}, {stress, &o.stress}}) {
    flags->AddSet(*sub, "any setting as key=value, e.g. --set window=500");
    sub->add_option("--out", o.out, "output directory")->required();
    AddOverwriteFlag(*sub, o.overwrite);
  }
}

int RunRisk(const RiskCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  Provenance provenance{command_line, {}, std::nullopt};
  if (app.got_subcommand("garch")) {
    ConfigNode node = o.garch.Collect(ConfigNode::Map("finml risk garch"));
    const auto source = Series(node);
    node.Erase("data");
    const auto settings = risk::GarchSettings::Schema().Parse(node, "");
    provenance.Input(source.path);
    OutputDirectory out(o.out, o.overwrite);
    return Print(Commit(out, run::RunGarchJob(source, settings, out.staging(), provenance)), o.out,
                 "params.json,volatility.csv,forecast.csv,report.html");
  }
  if (app.got_subcommand("var")) {
    ConfigNode node = o.var.Collect(ConfigNode::Map("finml risk var"));
    const auto source = Series(node);
    node.Erase("data");
    const auto settings = risk::VarSettings::Schema().Parse(node, "");
    provenance.Input(source.path);
    provenance.seed = settings.seed;
    OutputDirectory out(o.out, o.overwrite);
    return Print(Commit(out, run::RunVarJob(source, settings, out.staging(), provenance)), o.out,
                 "var.csv,backtest.json,report.html");
  }
  if (app.got_subcommand("portfolio")) {
    auto settings = risk::PortfolioSettings::Schema().Parse(
        o.portfolio.Collect(ConfigNode::Map("finml risk portfolio")), "");
    settings.prices = run::ResolveDataPath(settings.prices, "");
    provenance.Input(settings.prices);
    OutputDirectory out(o.out, o.overwrite);
    return Print(Commit(out, run::RunPortfolioJob(settings, out.staging(), provenance)), o.out,
                 "portfolio.json,report.html");
  }
  auto settings = risk::StressSettings::Schema().Parse(
      o.stress.Collect(ConfigNode::Map("finml risk stress")), "");
  settings.prices = run::ResolveDataPath(settings.prices, "");
  provenance.Input(settings.prices);
  OutputDirectory out(o.out, o.overwrite);
  return Print(Commit(out, run::RunStressJob(settings, out.staging(), provenance)), o.out,
               "stress.json,report.html");
}

}  // namespace finml::cli
