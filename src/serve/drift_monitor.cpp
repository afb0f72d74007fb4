#include "finml/serve/drift_monitor.hpp"

#include "finml/eval/drift.hpp"

namespace finml::serve {

namespace {

template <typename T>
void PushBounded(std::deque<T>& window, const T& value, std::size_t limit) {
  window.push_back(value);
  while (window.size() > limit) window.pop_front();
}

nlohmann::json StatisticsJson(const eval::DriftStatistics& s) {
  return {{"count", s.count},
          {"psi", s.count ? nlohmann::json(s.psi) : nlohmann::json()},
          {"ks", s.ks ? nlohmann::json(*s.ks) : nlohmann::json()}};
}

}  // namespace

DriftMonitor::DriftMonitor(nlohmann::json reference, std::size_t window)
    : reference_(std::move(reference)), window_(std::max<std::size_t>(window, 1)) {
  if (reference_.is_null()) reference_ = nlohmann::json::object();
}

void DriftMonitor::Record(const Observation& o) {
  if (reference_.empty()) return;
  const auto& features = reference_.at("features");
  std::lock_guard lock(mutex_);
  for (const auto& [name, values] : o.numeric) {
    if (!features.contains(name)) continue;
    auto& w = numeric_[name];
    for (double v : values) PushBounded(w, v, window_);
  }
  for (const auto& [name, values] : o.categorical) {
    if (!features.contains(name)) continue;
    // Labels the training never saw are kept as one token: that is all PSI needs, and client
    // strings of any length are not held in memory.
    const auto& known = features.at(name).at("shares");
    auto& w = categorical_[name];
    for (const auto& v : values)
      PushBounded(w, v.empty() || known.contains(v) ? v : std::string("(unseen)"), window_);
  }
  for (double p : o.predictions) PushBounded(predictions_, p, window_);
}

nlohmann::json DriftMonitor::Report() const {
  nlohmann::json out = {{"window", window_}, {"available", !reference_.empty()}};
  if (reference_.empty()) return out;
  // Copy under the lock, compute outside it: requests keep recording meanwhile.
  std::map<std::string, std::vector<double>> numeric;
  std::map<std::string, std::vector<std::string>> categorical;
  std::vector<double> predictions;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [k, w] : numeric_) numeric[k].assign(w.begin(), w.end());
    for (const auto& [k, w] : categorical_) categorical[k].assign(w.begin(), w.end());
    predictions.assign(predictions_.begin(), predictions_.end());
  }
  nlohmann::json features = nlohmann::json::object();
  for (const auto& [name, ref] : reference_.at("features").items()) {
    if (auto it = numeric.find(name); it != numeric.end()) {
      features[name] = StatisticsJson(eval::NumericDrift(ref, it->second));
    } else if (auto jt = categorical.find(name); jt != categorical.end()) {
      features[name] = StatisticsJson(eval::CategoricalDrift(ref, jt->second));
    } else {
      features[name] = StatisticsJson({});
    }
  }
  out["features"] = features;
  if (reference_.contains("prediction"))
    out["prediction"] =
        StatisticsJson(eval::NumericDrift(reference_.at("prediction"), predictions));
  return out;
}

}  // namespace finml::serve
