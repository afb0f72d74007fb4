// Prediction from a saved model directory (models/<name>/ of a run): the input goes through the
// same loading, feature and normalisation steps as in training, so the run's predictions are
// reproduced exactly for the same data.
#pragma once

#include <string>

namespace finml::run {

struct PredictOptions {
  std::string model_dir;
  std::string input;
  std::string out;
};

// Writes date,model,y_true,y_pred,decision_date[,symbol] for every decision with a full input
// window, including the latest ones whose outcome is not in the data yet (date and y_true empty).
// Returns the number of predictions written.
std::size_t PredictToCsv(const PredictOptions& options);

}  // namespace finml::run
