#include "finml/run/predict.hpp"

#include <cmath>
#include <map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/run/runner.hpp"
#include "finml/train/normalizer.hpp"

namespace finml::run {

SavedForecaster SavedForecaster::Load(const std::string& dir) {
  const std::string manifest_path = dir + "/model.json";
  SavedForecaster s;
  try {
    s.manifest_ = nlohmann::json::parse(ReadFile(manifest_path));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: not a finml model manifest ({})", manifest_path, e.what()));
  }
  const auto& m = s.manifest_;
  FINML_REQUIRE(m.value("format", "") == "finml-model/1",
                "{}: unknown model format '{}' (expected finml-model/1)", manifest_path,
                m.value("format", ""));
  // The training configuration re-parses through the experiment validator: one definition of
  // every pipeline step for training and prediction alike.
  nlohmann::json experiment = m.at("experiment");
  experiment.erase("source");  // manifests before 0.1.0's option schemas carried it
  s.config_ = ParseExperiment(ConfigNode::FromJson(experiment, manifest_path + ": experiment"),
                              manifest_path);
  const auto& pipeline = m.at("pipeline");
  s.config_.data.symbols = pipeline.at("symbols").get<std::vector<std::string>>();
  s.features_ = pipeline.at("features").get<std::vector<std::string>>();
  s.name_ = m.at("name").get<std::string>();
  auto model = models::MakeForecaster(m.at("type").get<std::string>(), m.at("params"));
  model->Load(m.at("state"), dir);
  s.model_ = std::move(model);
  return s;
}

ForecastBatch SavedForecaster::Predict(const data::MarketData& md, const std::string& source,
                                       bool latest_only) const {
  const auto& pipeline = manifest_.at("pipeline");
  std::vector<train::AssetInputs> inputs = BuildAssetInputs(config_, md);
  FINML_REQUIRE(inputs.front().features.names == features_,
                "{}: the input yields features that differ from the model's", source);
  const std::size_t lags = pipeline.at("ar_lags").get<std::size_t>();
  const std::size_t lookback = pipeline.at("lookback").get<std::size_t>();
  ForecastBatch batch;
  batch.samples = train::BuildSamples(inputs, md.time, md.time_label, config_.target, lookback,
                                      lags, /*require_target=*/false);
  FINML_REQUIRE(batch.samples.size() > 0,
                "{}: {} rows are too few for one full input window (lookback {}, indicator "
                "warm-up {} rows)",
                source, md.rows(), lookback, batch.samples.warmup_skipped);
  if (latest_only) {
    std::map<std::size_t, std::size_t> last;  // asset -> its latest sample
    for (std::size_t i = 0; i < batch.samples.size(); ++i) last[batch.samples.asset[i]] = i;
    std::vector<std::size_t> keep;
    for (const auto& [asset, i] : last) keep.push_back(i);
    batch.samples = train::Subset(batch.samples, keep);
  }
  const std::size_t f = batch.samples.num_features();
  batch.latest_features.reserve(batch.samples.size() * f);
  for (std::size_t i = 0; i < batch.samples.size(); ++i) {
    const double* row = batch.samples.LatestRow(i);
    batch.latest_features.insert(batch.latest_features.end(), row, row + f);
  }
  train::Normalizer::FromJson(pipeline.at("normalizer")).Apply(batch.samples);
  batch.prediction = model_->Predict(batch.samples);
  for (std::size_t i = 0; i < batch.prediction.size(); ++i)
    FINML_REQUIRE(std::isfinite(batch.prediction[i]), "{}: prediction {} is not finite", name_, i);
  return batch;
}

std::size_t PredictToCsv(const PredictOptions& o) {
  const SavedForecaster saved = SavedForecaster::Load(o.model_dir);
  const data::MarketData md = LoadExperimentData(saved.Config(), o.input);
  const ForecastBatch batch = saved.Predict(md, o.input);
  const auto& samples = batch.samples;
  const bool panel = md.assets.size() > 1;
  std::string out = panel ? "date,model,y_true,y_pred,decision_date,symbol\n"
                          : "date,model,y_true,y_pred,decision_date\n";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool known = samples.target_row[i] < md.rows();
    out += fmt::format("{},{},{},{},{}", known ? md.time_label[samples.target_row[i]] : "",
                       saved.Name(), known ? fmt::format("{}", samples.y[i]) : "",
                       batch.prediction[i], md.time_label[samples.decision_row[i]]);
    if (panel) out += "," + samples.symbols[samples.asset[i]];
    out += '\n';
  }
  WriteFileAtomic(o.out, out);
  return samples.size();
}

}  // namespace finml::run
