#include "finml/run/credit_experiment.hpp"

#include <cstdio>

#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/sha256.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

const options::Schema<CreditExperiment>& CreditExperiment::Schema() {
  static const auto schema = [] {
    using X = CreditExperiment;
    options::Schema<X> s;
    s.Add("task", &X::task, "credit").Names(options::OneOf({"credit"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Embed(&X::config, credit::CreditConfig::Schema());
    return s;
  }();
  return schema;
}

options::Json CreditExperiment::ToJson() const { return Schema().ToJson(*this); }

CreditExperiment ParseCreditExperiment(const ConfigNode& root, const std::string& file) {
  CreditExperiment x = CreditExperiment::Schema().Parse(root, "");
  x.source = file;
  x.config.data = ResolveDataPath(x.config.data, file);
  return x;
}

CreditExperiment ParseCreditExperiment(const std::string& text, const std::string& file) {
  return ParseCreditExperiment(ConfigNode::FromYaml(text, file), file);
}

CreditTraining TrainCredit(const credit::CreditConfig& given, const std::string& dir,
                           const std::string& command_line, bool progress, bool overwrite) {
  // A relative path, the default one included, works from any directory: the working directory
  // first, then the checkout's.
  credit::CreditConfig config = given;
  config.data = ResolveDataPath(given.data, "");
  OutputDirectory out(dir, overwrite);
  const auto table = credit::LoadTable(config.data, config.categorical, config.rename);
  CreditTraining t;
  t.rows = table.rows;
  t.run = credit::RunCredit(table, config, progress);
  credit::CreditInputs inputs;
  inputs.provenance.command = command_line;
  inputs.provenance.seed = config.seed;
  inputs.provenance.Input(config.data);
  t.files = credit::WriteCreditRun(t.run, table, out.staging(), inputs);
  out.Commit();
  return t;
}

std::string RunCreditExperiment(const CreditExperiment& x, const std::string& out_dir,
                                const std::string& command_line, bool progress, bool overwrite) {
  const std::string dir = out_dir.empty() ? DefaultRunDirectory() : out_dir;
  const CreditTraining training = TrainCredit(x.config, dir, command_line, progress, overwrite);
  const auto& run = training.run;
  std::printf("%s: %s, AUC %.4f ± %.4f, Gini %.4f, KS %.4f, Brier %.4f\n", x.name.c_str(),
              x.config.model.c_str(), run.auc_mean, run.auc_std, run.gini_mean, run.ks_mean,
              run.brier_mean);
  return dir;
}

}  // namespace finml::run
