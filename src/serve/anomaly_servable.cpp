#include "anomaly_servable.hpp"

#include <fmt/format.h>

#include <cmath>

#include "finml/anomaly/model.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/serve/model_store.hpp"
#include "json_fields.hpp"
#include "request_error.hpp"

namespace finml::serve {
namespace {

constexpr std::size_t kMaxTopFeatures = 50;

class AnomalyServable final : public Servable {
 public:
  AnomalyServable(const std::string& dir, std::string name, const ServeLimits& limits)
      : name_(std::move(name)),
        limits_(limits),
        model_(anomaly::AnomalyModel::Load(dir)),
        manifest_(nlohmann::json::parse(ReadFile(dir + "/model.json"))),
        version_(ModelContentVersion(dir)),
        metrics_(FitMetrics(dir, {"detectors", "models"})) {}

  const std::string& Name() const override { return name_; }
  const char* Kind() const override { return "anomaly"; }
  const std::string& Version() const override { return version_; }
  const nlohmann::json& DriftReference() const override { return empty_; }

  nlohmann::json Info() const override {
    return {{"name", name_},
            {"kind", Kind()},
            {"version", version_},
            {"detectors", model_.DetectorNames()},
            {"rule", EnumName(model_.Rule())},
            {"features", model_.Features()},
            {"training", manifest_.value("training", nlohmann::json::object())},
            {"input",
             {{"records", fmt::format("a list of 1 to {} objects, each with every feature as a "
                                      "number",
                                      limits_.max_batch)},
              {"top_features", fmt::format("optional, 0 to {} (default 3)", kMaxTopFeatures)}}},
            {"finml_version", ManifestBuild(manifest_).first},
            {"git_commit", ManifestBuild(manifest_).second},
            {"metrics", metrics_},
            {"drift_reference", false}};
  }

  nlohmann::json Predict(const nlohmann::json& request, Observation& observed) const override {
    RequireObject(request, "");
    RequireKnownKeys(request, {"records", "top_features"}, "");
    if (!request.contains("records"))
      throw InvalidRequest("", "missing 'records' (a list of objects of features)");
    const auto& list = RequireArray(request.at("records"), "records");
    if (list.empty()) throw InvalidValue("records", "is empty: send 1 or more");
    if (list.size() > limits_.max_batch)
      throw RequestError(
          413, "batch_too_large",
          fmt::format("records: {} records; send 1 to {}", list.size(), limits_.max_batch),
          "records");
    std::size_t top = 3;
    if (request.contains("top_features"))
      top = RequireCount(request.at("top_features"), kMaxTopFeatures, "top_features");
    const auto& features = model_.Features();
    anomaly::Matrix x(static_cast<Eigen::Index>(list.size()),
                      static_cast<Eigen::Index>(features.size()));
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where = fmt::format("records[{}]", i);
      RequireObject(list[i], where);
      RequireKnownKeys(list[i], features, where);
      for (std::size_t j = 0; j < features.size(); ++j) {
        const std::string field = where + "." + features[j];
        if (!list[i].contains(features[j]))
          throw InvalidRequest(field, "missing (every feature the model was fitted on is needed)");
        x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
            RequireFiniteNumber(list[i].at(features[j]), field);
        observed.numeric[features[j]].push_back(
            x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
      }
    }
    const auto scores = model_.Score(x, top > 0);
    const auto names = model_.DetectorNames();
    const bool decides = model_.Rule() != anomaly::DecisionRule::kTopK;
    nlohmann::json answers = nlohmann::json::array();
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      nlohmann::json answer = nlohmann::json::object();
      for (std::size_t d = 0; d < names.size(); ++d) {
        const auto c = static_cast<Eigen::Index>(d);
        nlohmann::json one = {{"score", scores.score(r, c)},
                              {"anomaly", decides ? nlohmann::json(scores.flag(r, c) == 1)
                                                  : nlohmann::json(nullptr)}};
        if (top > 0) {
          nlohmann::json drivers = nlohmann::json::array();
          const auto& parts = scores.parts[d];
          for (const Eigen::Index j : anomaly::StrongestParts(parts, r, top))
            drivers.push_back({{"feature", features[static_cast<std::size_t>(j)]},
                               {"contribution", parts(r, j)}});
          one["top_features"] = drivers;
        }
        answer[names[d]] = one;
      }
      answer["avg_rank"] = scores.avg_rank[r];
      answers.push_back(answer);
      observed.predictions.push_back(scores.avg_rank[r]);
    }
    return {{"model", name_}, {"version", version_}, {"kind", Kind()}, {"predictions", answers}};
  }

 private:
  std::string name_;
  ServeLimits limits_;
  anomaly::AnomalyModel model_;  // scoring is const and shares nothing between requests
  nlohmann::json manifest_;
  std::string version_;
  nlohmann::json metrics_;
  nlohmann::json empty_ = nlohmann::json::object();
};

}  // namespace

std::shared_ptr<const Servable> LoadAnomalyServable(const std::string& dir, const std::string& name,
                                                    const ServeLimits& limits) {
  return std::make_shared<AnomalyServable>(dir, name, limits);
}

}  // namespace finml::serve
