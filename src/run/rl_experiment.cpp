#include "finml/run/rl_experiment.hpp"

#include <cstdio>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/data/loader.hpp"
#include "finml/rl/workflow.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

const options::Schema<RlExperiment>& RlExperiment::Schema() {
  static const auto schema = [] {
    using X = RlExperiment;
    options::Schema<X> s;
    s.Add("task", &X::task, "rl").Names(options::OneOf({"rl"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Add("rl", &X::rl, "the environment, agents and train / validate / trade cycle").Required();
    s.Rule(
        "rl", [](const X& x) { return !x.rl.prices.empty(); }, "needs 'prices': the CSV to trade");
    return s;
  }();
  return schema;
}

options::Json RlExperiment::ToJson() const { return Schema().ToJson(*this); }

RlExperiment ParseRlExperiment(const ConfigNode& root, const std::string& file) {
  RlExperiment x = RlExperiment::Schema().Parse(root, "");
  x.source = file;
  x.rl.prices = ResolveDataPath(x.rl.prices, file);
  return x;
}

std::string RunRlExperiment(const RlExperiment& x, const std::string& out_dir,
                            const std::string& command_line, bool overwrite, bool progress) {
  const data::MarketData market = data::LoadMarketData(x.rl.prices, x.rl.load);
  OutputDirectory out(out_dir.empty() ? DefaultRunDirectory() : out_dir, overwrite);
  Provenance provenance{command_line, {}, x.rl.seed};
  provenance.Input(x.rl.prices);
  const auto lines = rl::RunRlTrain(x.rl, market, out.staging(), provenance, progress);
  return CommitRun(out, provenance, x.source, x.ToJson(), lines);
}

}  // namespace finml::run
