// Prediction from a saved model directory (models/<name>/ of a run): the input goes through the
// same loading, feature and normalisation steps as in training, so the run's predictions are
// reproduced exactly for the same data. `finml predict` reads a file; `finml serve` builds the
// market data from a request and calls the same SavedForecaster::Predict.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/data/market_data.hpp"
#include "finml/run/experiment.hpp"
#include "finml/train/normalizer.hpp"
#include "finml/train/samples.hpp"

namespace finml::models {
class Forecaster;
}

namespace finml::run {

struct ForecastBatch {
  train::SampleSet samples;        // one per decision with a full window, latest ones included
  std::vector<double> prediction;  // aligned with samples
  // (size, features): each decision's feature row before normalisation, what drift is judged on.
  std::vector<double> latest_features;
};

class SavedForecaster {
 public:
  // Reads <dir>/model.json (format finml-model/1) and the weights it names.
  [[nodiscard]] static SavedForecaster Load(const std::string& dir);

  // Features, samples (without requiring a known target), normalisation and the model, on data
  // already loaded and resampled like the training data. `source` names the input in errors.
  // `latest_only`: only each asset's latest decision is normalised and predicted (a server's
  // usual question); the features still come from the whole input.
  [[nodiscard]] ForecastBatch Predict(const data::MarketData& market, const std::string& source,
                                      bool latest_only = false) const;

  [[nodiscard]] const nlohmann::json& Manifest() const { return manifest_; }
  // The training configuration, symbols set to the ones trained on.
  [[nodiscard]] const ExperimentConfig& Config() const { return config_; }
  [[nodiscard]] const std::string& Name() const { return name_; }
  [[nodiscard]] const std::vector<std::string>& FeatureNames() const { return features_; }

 private:
  // How many rows of complete bars like these give one decision a full input window (0: unknown).
  [[nodiscard]] std::size_t RowsForOneDecision(const data::Bars& like) const;

  nlohmann::json manifest_;
  train::Normalizer normalizer_{train::NormalizerKind::kNone};
  std::size_t ar_lags_ = 0, lookback_ = 1;
  ExperimentConfig config_;
  std::string name_;
  std::vector<std::string> features_;
  std::shared_ptr<const models::Forecaster> model_;
};

struct PredictOptions {
  std::string model_dir;
  std::string input;
  std::string out;
};

// Writes date,model,y_true,y_pred,decision_date[,symbol],score for every decision with a full input
// window, including the latest ones whose outcome is not in the data yet (date and y_true empty).
// Returns the number of predictions written.
std::size_t PredictToCsv(const PredictOptions& options);

}  // namespace finml::run
