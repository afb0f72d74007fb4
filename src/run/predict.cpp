#include "finml/run/predict.hpp"

#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/run/runner.hpp"
#include "finml/train/normalizer.hpp"

namespace finml::run {

std::size_t PredictToCsv(const PredictOptions& o) {
  const std::string manifest_path = o.model_dir + "/model.json";
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(ReadFile(manifest_path));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: not a finml model manifest ({})", manifest_path, e.what()));
  }
  FINML_REQUIRE(manifest.value("format", "") == "finml-model/1",
                "{}: unknown model format '{}' (expected finml-model/1)", manifest_path,
                manifest.value("format", ""));
  // The training configuration re-parses through the experiment validator: one definition of
  // every pipeline step for training and prediction alike.
  ExperimentConfig config = ParseExperiment(manifest.at("experiment").dump(), manifest_path);
  const auto& pipeline = manifest.at("pipeline");
  config.data.symbols = pipeline.at("symbols").get<std::vector<std::string>>();

  data::MarketData md = LoadExperimentData(config, o.input);
  std::vector<train::AssetInputs> inputs = BuildAssetInputs(config, md);
  const auto expected = pipeline.at("features").get<std::vector<std::string>>();
  FINML_REQUIRE(inputs.front().features.names == expected,
                "{}: the input yields features that differ from the model's", o.input);
  const std::size_t lags = pipeline.at("ar_lags").get<std::size_t>();
  const std::size_t lookback = pipeline.at("lookback").get<std::size_t>();
  train::SampleSet samples = train::BuildSamples(inputs, md.time, md.time_label, config.target,
                                                 lookback, lags, /*require_target=*/false);
  FINML_REQUIRE(samples.size() > 0,
                "{}: {} rows are too few for one full input window (lookback {}, indicator "
                "warm-up {} rows)",
                o.input, md.rows(), lookback, samples.warmup_skipped);
  train::Normalizer::FromJson(pipeline.at("normalizer")).Apply(samples);

  const std::string type = manifest.at("type").get<std::string>();
  auto model = models::MakeForecaster(type, manifest.at("params"));
  model->Load(manifest.at("state"), o.model_dir);
  std::vector<double> prediction = model->Predict(samples);

  const std::string name = manifest.at("name").get<std::string>();
  const bool panel = md.assets.size() > 1;
  std::string out = panel ? "date,model,y_true,y_pred,decision_date,symbol\n"
                          : "date,model,y_true,y_pred,decision_date\n";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool known = samples.target_row[i] < md.rows();
    FINML_REQUIRE(std::isfinite(prediction[i]), "{}: prediction {} is not finite", name, i);
    out += fmt::format("{},{},{},{},{}", known ? md.time_label[samples.target_row[i]] : "", name,
                       known ? fmt::format("{}", samples.y[i]) : "", prediction[i],
                       md.time_label[samples.decision_row[i]]);
    if (panel) out += "," + samples.symbols[samples.asset[i]];
    out += '\n';
  }
  WriteFileAtomic(o.out, out);
  return samples.size();
}

}  // namespace finml::run
