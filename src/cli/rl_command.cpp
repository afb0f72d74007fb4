#include <cstdio>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/progress.hpp"
#include "finml/data/loader.hpp"
#include "finml/report/html_page.hpp"
#include "finml/rl/workflow.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {

void SetupRl(CLI::App& app, RlCommandOptions& o) {
  app.require_subcommand(1);
  auto* train = app.add_subcommand(
      "train", "train agents (train / validate / trade), against baselines, over several seeds");
  o.train.Add(*train, rl::RlSettings::Schema(), {});
  o.train.AddSet(*train, "any setting as key=value, e.g. --set gamma=0.9");
  auto* evaluate = app.add_subcommand(
      "evaluate", "trade a saved agent on prices, against the baselines, with a report");
  evaluate->add_option("--model", o.evaluate.model, "a model directory from finml rl train")
      ->required();
  evaluate->add_option("--prices", o.evaluate.prices, "prices CSV holding the agent's assets")
      ->required();
  evaluate->add_option("--start", o.evaluate.start,
                       "first decision date (default: where the agent's validation ended)");
  evaluate->add_option("--seed", o.evaluate.seed, "the bootstrap's seed");
  for (auto* sub : {train, evaluate}) {
    sub->add_option("--out", o.out, "output directory")->required();
    AddOverwriteFlag(*sub, o.overwrite);
  }
}

int RunRl(const RlCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  std::vector<std::string> lines;
  if (app.got_subcommand("train")) {
    auto s =
        rl::RlSettings::Schema().Parse(o.train.Collect(ConfigNode::Map("finml rl train")), "", {});
    FINML_REQUIRE(!s.prices.empty(), "--prices: give the prices CSV to trade");
    s.prices = run::ResolveDataPath(s.prices, "");
    const data::MarketData market = data::LoadMarketData(s.prices, s.load);
    Provenance provenance{command_line, {}, s.seed};
    provenance.Input(s.prices);
    OutputDirectory out(o.out, o.overwrite);
    lines = rl::RunRlTrain(s, market, out.staging(), provenance, Progress::TerminalAttached());
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf(
        "wrote %s/{metrics.json,report.html,equity.csv,weights.csv,learning_curve.csv,model/,%s}\n",
        o.out.c_str(), report::ChartLibraryName().c_str());
    return 0;
  }
  rl::EvaluateSettings e = o.evaluate;
  e.prices = run::ResolveDataPath(e.prices, "");
  Provenance provenance{command_line, {}, e.seed};
  provenance.Input(e.prices);
  OutputDirectory out(o.out, o.overwrite);
  lines = rl::RunRlEvaluate(e, out.staging(), provenance);
  out.Commit();
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("wrote %s/{metrics.json,report.html,equity.csv,%s}\n", o.out.c_str(),
              report::ChartLibraryName().c_str());
  return 0;
}

}  // namespace finml::cli
