// Rolling input and prediction drift of one served model version: the last `window` values of
// every feature and of the prediction, judged against the training reference in the manifest
// (PSI over its decile bins, KS against its quantiles).
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace finml::serve {

// What one request contributed: per feature its values (numbers or category labels), and the
// predictions. Features the reference does not know are ignored.
struct Observation {
  std::map<std::string, std::vector<double>> numeric;
  std::map<std::string, std::vector<std::string>> categorical;
  std::vector<double> predictions;
};

class DriftMonitor {
 public:
  // reference: {"features": {name: reference}, "prediction": reference}; may be empty (a model
  // saved before references existed): then nothing is tracked.
  DriftMonitor(nlohmann::json reference, std::size_t window);
  void Record(const Observation& observation);
  // {"window": w, "available": bool, "features": {name: {count, psi, ks}}, "prediction": {...}}
  [[nodiscard]] nlohmann::json Report() const;
  [[nodiscard]] bool available() const { return !reference_.empty(); }

 private:
  nlohmann::json reference_;
  std::size_t window_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<double>> numeric_;
  std::map<std::string, std::deque<std::string>> categorical_;
  std::deque<double> predictions_;
};

}  // namespace finml::serve
