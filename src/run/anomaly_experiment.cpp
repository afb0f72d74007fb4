#include "finml/run/anomaly_experiment.hpp"

#include "finml/core/output_directory.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

const options::Schema<AnomalyExperiment>& AnomalyExperiment::Schema() {
  static const auto schema = [] {
    using X = AnomalyExperiment;
    options::Schema<X> s;
    s.Add("task", &X::task, "anomaly").Names(options::OneOf({"anomaly"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Add("anomaly", &X::anomaly, "the data, the detectors and the decision rule").Required();
    return s;
  }();
  return schema;
}

const options::Schema<FraudExperiment>& FraudExperiment::Schema() {
  static const auto schema = [] {
    using X = FraudExperiment;
    options::Schema<X> s;
    s.Add("task", &X::task, "fraud").Names(options::OneOf({"fraud"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Add("fraud", &X::fraud, "the transactions, their columns, the models and the costs")
        .Required();
    return s;
  }();
  return schema;
}

options::Json AnomalyExperiment::ToJson() const { return Schema().ToJson(*this); }
options::Json FraudExperiment::ToJson() const { return Schema().ToJson(*this); }

AnomalyExperiment ParseAnomalyExperiment(const ConfigNode& root, const std::string& file) {
  AnomalyExperiment x = AnomalyExperiment::Schema().Parse(root, "");
  x.source = file;
  x.anomaly.data = ResolveDataPath(x.anomaly.data, file);
  return x;
}

FraudExperiment ParseFraudExperiment(const ConfigNode& root, const std::string& file) {
  FraudExperiment x = FraudExperiment::Schema().Parse(root, "");
  x.source = file;
  x.fraud.data = ResolveDataPath(x.fraud.data, file);
  return x;
}

std::string RunAnomalyExperiment(const AnomalyExperiment& x, const std::string& out_dir,
                                 const std::string& command_line, bool overwrite) {
  OutputDirectory out(out_dir.empty() ? DefaultRunDirectory() : out_dir, overwrite);
  Provenance provenance{command_line, {}, x.anomaly.detector.seed};
  provenance.Input(x.anomaly.data);
  const auto lines = anomaly::RunAnomalyFit(x.anomaly, out.staging(), provenance);
  return CommitRun(out, provenance, x.source, x.ToJson(), lines);
}

std::string RunFraudExperiment(const FraudExperiment& x, const std::string& out_dir,
                               const std::string& command_line, bool overwrite) {
  OutputDirectory out(out_dir.empty() ? DefaultRunDirectory() : out_dir, overwrite);
  Provenance provenance{command_line, {}, x.fraud.seed};
  provenance.Input(x.fraud.data);
  const auto lines = anomaly::RunFraudTrain(x.fraud, out.staging(), provenance);
  return CommitRun(out, provenance, x.source, x.ToJson(), lines);
}

}  // namespace finml::run
