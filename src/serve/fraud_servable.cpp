#include "fraud_servable.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finml/anomaly/fraud.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/serve/model_store.hpp"
#include "json_fields.hpp"
#include "replica_pool.hpp"
#include "request_error.hpp"

namespace finml::serve {
namespace {

class FraudServable final : public Servable {
 public:
  FraudServable(const std::string& dir, std::string name, const ServeLimits& limits)
      : name_(std::move(name)),
        limits_(limits),
        manifest_(nlohmann::json::parse(ReadFile(dir + "/model.json"))),
        version_(ModelContentVersion(dir)),
        metrics_(FitMetrics(dir, {"detectors", "models"})) {
    // One XGBoost booster per concurrent request.
    std::vector<std::unique_ptr<anomaly::FraudScorer>> copies;
    for (std::size_t k = 0; k < std::max<std::size_t>(limits.replicas, 1); ++k)
      copies.push_back(std::make_unique<anomaly::FraudScorer>(anomaly::FraudScorer::Load(dir)));
    pool_ = std::make_unique<ReplicaPool<anomaly::FraudScorer>>(std::move(copies));
    const auto& s = pool_->Any().Settings();
    numeric_ = s.numeric;
    if (!s.amount.empty()) numeric_.push_back(s.amount);
  }

  const std::string& Name() const override { return name_; }
  const char* Kind() const override { return "fraud"; }
  const std::string& Version() const override { return version_; }
  const nlohmann::json& DriftReference() const override { return empty_; }

  nlohmann::json Info() const override {
    const auto& scorer = pool_->Any();
    return {{"name", name_},
            {"kind", Kind()},
            {"version", version_},
            {"models", scorer.ModelNames()},
            {"columns", scorer.Columns()},
            {"training", manifest_.value("training", nlohmann::json::object())},
            {"input",
             {{"transactions",
               fmt::format("a list of 1 to {} objects with every column; the earlier ones are "
                           "the history the velocity features count",
                           limits_.max_batch)},
              {"top_features",
               "optional: 0 leaves out the three features that push each score up most "
               "(default 1: include them)"}}},
            {"finml_version", ManifestBuild(manifest_).first},
            {"git_commit", ManifestBuild(manifest_).second},
            {"metrics", metrics_},
            {"drift_reference", false}};
  }

  nlohmann::json Predict(const nlohmann::json& request, Observation& observed) const override {
    RequireObject(request, "");
    RequireKnownKeys(request, {"transactions", "top_features"}, "");
    const bool explain = !request.contains("top_features") ||
                         RequireCount(request.at("top_features"), 1, "top_features") == 1;
    if (!request.contains("transactions"))
      throw InvalidRequest("", "missing 'transactions' (a list of objects)");
    const auto& list = RequireArray(request.at("transactions"), "transactions");
    if (list.empty()) throw InvalidValue("transactions", "is empty: send 1 or more");
    if (list.size() > limits_.max_batch)
      throw RequestError(413, "batch_too_large",
                         fmt::format("transactions: {} transactions; send 1 to {}", list.size(),
                                     limits_.max_batch),
                         "transactions");
    auto lease = pool_->Acquire();
    const auto columns = lease->Columns();
    credit::Table table;
    table.source = "request";
    table.rows = list.size();
    for (const auto& name : columns) {
      credit::Column c;
      c.name = name;
      const bool numeric = std::find(numeric_.begin(), numeric_.end(), name) != numeric_.end();
      c.kind = numeric ? credit::ColumnKind::kNumeric : credit::ColumnKind::kCategorical;
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = fmt::format("transactions[{}]", i);
        if (name == columns.front()) {
          RequireObject(list[i], where);
          RequireKnownKeys(list[i], columns, where);
        }
        const std::string field = where + "." + name;
        if (!list[i].contains(name)) throw InvalidRequest(field, "missing");
        const auto& v = list[i].at(name);
        if (numeric) {
          c.numbers.push_back(RequireFiniteNumber(v, field));
        } else if (v.is_number()) {
          c.labels.push_back(fmt::format("{:.17g}", v.get<double>()));
        } else {
          c.labels.push_back(RequireString(v, field));
        }
      }
      table.columns.push_back(std::move(c));
    }
    anomaly::FraudScorer::Scores scores;
    try {
      scores = lease->Score(table, explain);
    } catch (const InvalidInput& e) {
      throw InvalidRequest("transactions", e.what());
    }
    const auto names = lease->ModelNames();
    nlohmann::json answers = nlohmann::json::array();
    for (std::size_t r = 0; r < table.rows; ++r) {
      nlohmann::json answer = nlohmann::json::object();
      for (std::size_t k = 0; k < names.size(); ++k) {
        answer[names[k]] = {{"score", scores.score[k][r]}, {"fraud", scores.flag[k][r] == 1}};
        if (explain) answer[names[k]]["top_features"] = scores.top[k][r];
      }
      answers.push_back(answer);
      observed.predictions.push_back(scores.score.front()[r]);
    }
    return {{"model", name_}, {"version", version_}, {"kind", Kind()}, {"predictions", answers}};
  }

 private:
  std::string name_;
  ServeLimits limits_;
  nlohmann::json manifest_;
  std::string version_;
  nlohmann::json metrics_;
  std::vector<std::string> numeric_;
  std::unique_ptr<ReplicaPool<anomaly::FraudScorer>> pool_;
  nlohmann::json empty_ = nlohmann::json::object();
};

}  // namespace

std::shared_ptr<const Servable> LoadFraudServable(const std::string& dir, const std::string& name,
                                                  const ServeLimits& limits) {
  return std::make_shared<FraudServable>(dir, name, limits);
}

}  // namespace finml::serve
