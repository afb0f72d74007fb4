#include "credit_servable.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/credit/pipeline.hpp"
#include "finml/serve/model_store.hpp"
#include "json_fields.hpp"
#include "replica_pool.hpp"
#include "request_error.hpp"

namespace finml::serve {

namespace {

class CreditServable final : public Servable {
 public:
  CreditServable(const std::string& dir, std::string name, const ServeLimits& limits)
      : name_(std::move(name)), limits_(limits) {
    const credit::CreditManifest saved = credit::ReadCreditManifest(dir);
    manifest_ = saved.json;
    version_ = ModelContentVersion(saved.dir);
    std::vector<std::unique_ptr<credit::CreditModel>> copies;
    for (std::size_t k = 0; k < std::max<std::size_t>(limits.replicas, 1); ++k)
      copies.push_back(
          std::make_unique<credit::CreditModel>(credit::CreditModel::Load(saved.dir, manifest_)));
    pool_ = std::make_unique<ReplicaPool<credit::CreditModel>>(std::move(copies));
    const auto& model = pool_->Any();
    for (const auto& spec : model.Preprocessing().Features()) kinds_[spec.name] = spec.kind;
    imputes_ = model.Preprocessing().Options().missing == credit::MissingHandling::kImpute;
    scale_ = saved.settings.scale;
    threshold_ = saved.settings.threshold;
    protected_ = saved.settings.protected_column;
    if (manifest_.contains("stability_reference")) {
      const auto& ref = manifest_.at("stability_reference");
      reference_ = {{"features", ref.at("features")}, {"prediction", ref.at("score")}};
    } else {
      reference_ = nlohmann::json::object();
    }
  }

  const std::string& Name() const override { return name_; }
  const char* Kind() const override { return "credit"; }
  const std::string& Version() const override { return version_; }
  const nlohmann::json& DriftReference() const override { return reference_; }

  nlohmann::json Info() const override {
    nlohmann::json features = nlohmann::json::array();
    for (const auto& name : pool_->Any().FeatureNames())
      features.push_back(
          {{"name", name},
           {"type", kinds_.at(name) == credit::ColumnKind::kNumeric ? "number" : "string"}});
    return {{"name", name_},
            {"kind", Kind()},
            {"version", version_},
            {"type", manifest_.at("model")},
            {"target", manifest_.at("target")},
            {"input",
             {{"features", features},
              {"missing", imputes_ ? "null allowed" : "refused"},
              {"max_batch", limits_.max_batch}}},
            {"threshold", threshold_},
            {"scorecard", manifest_.at("settings").at("scorecard")},
            {"training", manifest_.at("training")},
            {"metrics", manifest_.at("cv")},
            {"finml_version", ManifestBuild(manifest_).first},
            {"git_commit", ManifestBuild(manifest_).second},
            {"drift_reference", !reference_.empty()}};
  }

  nlohmann::json Predict(const nlohmann::json& request, Observation& observed) const override {
    RequireObject(request, "");
    RequireKnownKeys(request, {"applicant", "applicants", "reasons"}, "");
    const bool one = request.contains("applicant"), many = request.contains("applicants");
    if (one == many)
      throw InvalidRequest("", one ? "give either 'applicant' or 'applicants', not both"
                                   : "missing 'applicant' (an object) or 'applicants' (an array)");
    const auto& names = pool_->Any().FeatureNames();
    std::size_t reasons = 3;
    if (request.contains("reasons"))
      reasons = RequireCount(request.at("reasons"), names.size(), "reasons");
    std::vector<std::pair<const nlohmann::json*, std::string>> applicants;
    if (one) {
      applicants.emplace_back(&request.at("applicant"), "applicant");
    } else {
      const auto& list = RequireArray(request.at("applicants"), "applicants");
      if (list.empty()) throw InvalidValue("applicants", "no applicants");
      if (list.size() > limits_.max_batch)
        throw RequestError(413, "batch_too_large",
                           fmt::format("applicants: {} applicants; the limit is {}", list.size(),
                                       limits_.max_batch),
                           "applicants");
      for (std::size_t i = 0; i < list.size(); ++i)
        applicants.emplace_back(&list[i], fmt::format("applicants[{}]", i));
    }

    bool protected_sent = false;
    credit::Table table;
    table.source = "request";
    table.rows = applicants.size();
    for (const auto& name : names) {
      credit::Column c;
      c.name = name;
      c.kind = kinds_.at(name);
      table.columns.push_back(std::move(c));
    }
    for (const auto& [applicant, path] : applicants) {
      RequireObject(*applicant, path);
      for (const auto& [key, value] : applicant->items()) {
        if (kinds_.count(key)) continue;
        // One rule with `finml credit score`: the protected attribute may come with an
        // applicant and is never used; the answer says so.
        if (!protected_.empty() && key == protected_) {
          protected_sent = true;
          continue;
        }
        throw InvalidRequest(path + "." + key,
                             fmt::format("not an input of this model (did you mean '{}'? GET "
                                         "/v1/models/{} lists the {} features)",
                                         ClosestMatch(key, names), name_, names.size()));
      }
      for (auto& column : table.columns) {
        const std::string where = path + "." + column.name;
        if (!applicant->contains(column.name))
          throw InvalidRequest(path, fmt::format("missing feature '{}'", column.name));
        const auto& v = applicant->at(column.name);
        if (v.is_null() && !imputes_)
          throw InvalidValue(where,
                             "missing, and this model was trained with missing: error (send "
                             "a value)");
        if (column.kind == credit::ColumnKind::kNumeric) {
          column.numbers.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN()
                                               : RequireFiniteNumber(v, where));
        } else {
          column.labels.push_back(v.is_null() ? "" : RequireString(v, where));
          if (!v.is_null() && column.labels.back().empty())
            throw InvalidValue(where, "an empty category (send null for a missing value)");
        }
      }
    }

    std::vector<std::size_t> rows(table.rows);
    std::iota(rows.begin(), rows.end(), 0);
    std::size_t unseen = 0;
    std::vector<double> p, contributions;
    {
      auto lease = pool_->Acquire();
      try {
        p = lease->Predict(table, rows, &unseen);
        contributions = reasons > 0 ? lease->Contributions(table, rows) : std::vector<double>{};
      } catch (const InvalidInput& e) {
        throw InvalidValue("", e.what());
      }
    }
    const std::size_t f = names.size();
    // Finite but extreme inputs can overflow a standardised term; a NaN must never read as
    // "approve".
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!std::isfinite(p[i]))
        throw InvalidValue(applicants[i].second,
                           "the model's probability is not finite (inputs far "
                           "outside the training range?)");
    for (double c : contributions)
      if (!std::isfinite(c))
        throw InvalidValue("",
                           "a reason's contribution is not finite (inputs far outside the "
                           "training range?)");
    nlohmann::json predictions = nlohmann::json::array();
    for (std::size_t i = 0; i < table.rows; ++i) {
      nlohmann::json top = nlohmann::json::array();
      if (reasons > 0)
        for (const auto& [feature, push] : credit::TopReasons(contributions, i, f, reasons))
          top.push_back({{"feature", names[feature]}, {"contribution", push}});
      predictions.push_back({{"applicant", i},
                             {"probability", p[i]},
                             {"score", scale_.Score(p[i])},
                             {"decision", p[i] >= threshold_ ? "decline" : "approve"},
                             {"reasons", top}});
    }
    for (const auto& column : table.columns) {
      if (column.kind == credit::ColumnKind::kNumeric)
        observed.numeric[column.name] = column.numbers;
      else
        observed.categorical[column.name] = column.labels;
    }
    observed.predictions = p;
    nlohmann::json out = {{"model", name_},
                          {"version", version_},
                          {"kind", Kind()},
                          {"threshold", threshold_},
                          {"predictions", predictions}};
    if (unseen > 0) out["unseen_categories"] = unseen;
    if (protected_sent)
      out["not_used"] = {
          {{"field", protected_},
           {"why", "the protected attribute: audited for fairness, never an input"}}};
    return out;
  }

 private:
  std::string name_, version_, protected_;
  ServeLimits limits_;
  nlohmann::json manifest_, reference_;
  std::unique_ptr<ReplicaPool<credit::CreditModel>> pool_;
  std::map<std::string, credit::ColumnKind> kinds_;
  bool imputes_ = false;
  credit::ScorecardScale scale_;
  double threshold_ = 0.5;
};

}  // namespace

std::shared_ptr<const Servable> LoadCreditServable(const std::string& dir, const std::string& name,
                                                   const ServeLimits& limits) {
  return std::make_shared<CreditServable>(dir, name, limits);
}

}  // namespace finml::serve
