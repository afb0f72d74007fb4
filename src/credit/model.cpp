// CreditModel: preprocessing plus one of the four model kinds, saved and loaded as a directory.
#include <cmath>
#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/params.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/mlp.hpp"
#include "finml/credit/pipeline.hpp"
#include "finml/credit/trees.hpp"

namespace finml::credit {
namespace {

double LogOdds(double p) {
  const double q = std::min(std::max(p, 1e-12), 1 - 1e-12);
  return std::log(q / (1 - q));
}

std::vector<double> RowWeights(const Table& t, const std::string& column,
                               const std::vector<std::size_t>& rows) {
  std::vector<double> w;
  if (column.empty()) return w;
  const Column& c = t.Get(column);
  FINML_REQUIRE(c.kind == ColumnKind::kNumeric, "{}: weight column '{}' is not numeric", t.source, column);
  for (std::size_t r : rows) {
    FINML_REQUIRE(!c.Missing(r) && c.numbers[r] >= 0,
                  "{}:{}: weight column '{}' needs a non-negative number", t.source, r + 2, column);
    w.push_back(c.numbers[r]);
  }
  return w;
}

}  // namespace

struct CreditModel::Impl {
  CreditModelKind kind = CreditModelKind::kLogistic;
  Preprocessor pre;
  std::vector<std::string> features;
  std::vector<std::size_t> column_source;  // preprocessed column -> source feature
  std::vector<double> column_mean;         // on training rows, for contributions
  LogisticModel logistic;
  TreeModel trees;
  MlpClassifier mlp;
  nlohmann::json options = nlohmann::json::object();

  std::vector<double> PredictMatrix(const std::vector<double>& x, std::size_t n) const {
    const std::size_t p = column_mean.size();
    switch (kind) {
      case CreditModelKind::kLogistic: {
        std::vector<double> out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = logistic.Probability(x.data() + i * p);
        return out;
      }
      case CreditModelKind::kMlp: return mlp.Predict(x, n);
      default: return trees.Predict(x, n);
    }
  }
};

CreditModel::CreditModel() : impl_(std::make_unique<Impl>()) {}
CreditModel::~CreditModel() = default;
CreditModel::CreditModel(CreditModel&&) noexcept = default;
CreditModel& CreditModel::operator=(CreditModel&&) noexcept = default;

CreditModel CreditModel::Fit(const Table& t, const std::vector<std::size_t>& rows,
                             const std::vector<int>& y, const CreditConfig& c) {
  CreditModel m;
  Impl& im = *m.impl_;
  im.kind = c.model;
  im.features = ModelFeatures(t, c);
  im.pre = Preprocessor::Fit(t, rows, y, im.features, c.preprocess);
  const auto x = im.pre.Transform(t, rows);
  const std::size_t n = rows.size(), p = im.pre.OutputNames().size();
  std::vector<int> yr;
  for (std::size_t r : rows) yr.push_back(y[r]);
  const auto w = RowWeights(t, c.weight_column, rows);
  // Which source feature each column came from, for contributions.
  for (std::size_t f = 0; f < im.pre.Features().size(); ++f) {
    const auto& spec = im.pre.Features()[f];
    const std::size_t width = c.preprocess.encoding == Encoding::kWoe || spec.kind == ColumnKind::kNumeric
                                  ? 1 : spec.categories.size();
    for (std::size_t k = 0; k < width; ++k) im.column_source.push_back(f);
  }
  im.column_mean.assign(p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) im.column_mean[j] += x[i * p + j] / static_cast<double>(n);
  switch (c.model) {
    case CreditModelKind::kLogistic: {
      LogisticOptions o;
      ParamReader params("logistic", c.params);
      o.l2 = params.Get<double>("l2", o.l2);
      o.max_iterations = params.Get<int>("max_iterations", o.max_iterations);
      params.Finish();
      FINML_REQUIRE(o.l2 >= 0, "logistic: l2 must be >= 0");
      im.logistic = FitLogistic(x, n, p, yr, w, im.pre.OutputNames(), o);
      im.options = {{"l2", o.l2}, {"max_iterations", o.max_iterations}};
      break;
    }
    case CreditModelKind::kMlp: {
      const auto o = ParseMlpOptions(c.params, c.seed);
      im.mlp = MlpClassifier::Fit(x, n, p, yr, w, o);
      im.options = o.ToJson();
      im.options["epochs_run"] = im.mlp.EpochsRun();
      break;
    }
    case CreditModelKind::kGbdt:
    case CreditModelKind::kRf: {
      const auto o = ParseTreeOptions(c.params, c.model == CreditModelKind::kRf, c.seed);
      im.trees = TreeModel::Fit(x, n, p, yr, w, o);
      im.options = o.ToJson();
      break;
    }
  }
  return m;
}

std::vector<double> CreditModel::Predict(const Table& t, const std::vector<std::size_t>& rows,
                                         std::size_t* unseen) const {
  const auto x = impl_->pre.Transform(t, rows, unseen);
  return impl_->PredictMatrix(x, rows.size());
}

std::vector<double> CreditModel::Contributions(const Table& t,
                                               const std::vector<std::size_t>& rows) const {
  const Impl& im = *impl_;
  const auto x = im.pre.Transform(t, rows);
  const std::size_t n = rows.size(), p = im.column_mean.size(), f = im.features.size();
  std::vector<double> out(n * f, 0.0);
  switch (im.kind) {
    case CreditModelKind::kLogistic:
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < p; ++j)
          out[i * f + im.column_source[j]] +=
              im.logistic.coefficients[j] * (x[i * p + j] - im.column_mean[j]);
      break;
    case CreditModelKind::kGbdt:
    case CreditModelKind::kRf: {
      const auto shap = im.trees.Contributions(x, n);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < p; ++j) out[i * f + im.column_source[j]] += shap[i * (p + 1) + j];
      break;
    }
    case CreditModelKind::kMlp: {
      const auto base = im.PredictMatrix(x, n);
      for (std::size_t k = 0; k < f; ++k) {
        auto occluded = x;
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < p; ++j)
            if (im.column_source[j] == k) occluded[i * p + j] = im.column_mean[j];
        const auto q = im.PredictMatrix(occluded, n);
        for (std::size_t i = 0; i < n; ++i) out[i * f + k] = LogOdds(base[i]) - LogOdds(q[i]);
      }
      break;
    }
  }
  return out;
}

const std::vector<std::string>& CreditModel::FeatureNames() const { return impl_->features; }
const Preprocessor& CreditModel::Preprocessing() const { return impl_->pre; }
CreditModelKind CreditModel::Kind() const { return impl_->kind; }

nlohmann::json CreditModel::Describe() const {
  nlohmann::json j = {{"model", CreditModelName(impl_->kind)}, {"options", impl_->options}};
  if (impl_->kind == CreditModelKind::kLogistic) j["logistic"] = impl_->logistic.ToJson();
  if (impl_->kind == CreditModelKind::kGbdt || impl_->kind == CreditModelKind::kRf) {
    const auto gain = impl_->trees.GainImportance();
    nlohmann::json imp = nlohmann::json::object();
    for (std::size_t j2 = 0; j2 < gain.size(); ++j2) imp[impl_->pre.OutputNames()[j2]] = gain[j2];
    j["gain_importance"] = imp;
  }
  return j;
}

std::vector<std::vector<std::string>> CreditModel::Scorecard(const ScorecardScale& s) const {
  const Impl& im = *impl_;
  std::vector<std::vector<std::string>> rows;
  if (im.kind != CreditModelKind::kLogistic || im.pre.Options().encoding != Encoding::kWoe) return rows;
  // score = offset + factor * ln(odds good) = sum over features of
  //   -factor * beta_j * woe + (offset - factor * intercept) / m
  const auto& features = im.pre.Features();
  const double m = static_cast<double>(features.size());
  const double shared = (s.Offset() - s.Factor() * im.logistic.intercept) / m;
  for (std::size_t j = 0; j < features.size(); ++j) {
    const double beta = im.logistic.coefficients[j];
    auto add = [&](const std::string& bin, double woe) {
      rows.push_back({features[j].name, bin, fmt::format("{:.6f}", woe),
                      fmt::format("{:.2f}", -s.Factor() * beta * woe + shared)});
    };
    for (const auto& b : features[j].bins) add(b.label, b.woe);
    if (features[j].missing_bin) add("(missing)", features[j].missing_woe);
    add("(unseen)", 0.0);
  }
  return rows;
}

void CreditModel::Save(const std::string& dir) const {
  const Impl& im = *impl_;
  EnsureDirectory(dir);
  nlohmann::json state = {{"kind", CreditModelName(im.kind)},
                          {"features", im.features},
                          {"preprocess", im.pre.ToJson()},
                          {"column_source", im.column_source},
                          {"column_mean", im.column_mean},
                          {"options", im.options}};
  if (im.kind == CreditModelKind::kLogistic) state["logistic"] = im.logistic.ToJson();
  // Model files go through a temporary name too, so a crash never leaves half a model.
  if (im.kind == CreditModelKind::kGbdt || im.kind == CreditModelKind::kRf) {
    im.trees.Save(dir + "/xgboost.tmp.json");
    std::filesystem::rename(dir + "/xgboost.tmp.json", dir + "/xgboost.json");
  }
  if (im.kind == CreditModelKind::kMlp) {
    im.mlp.Save(dir + "/mlp.tmp.pt");
    std::filesystem::rename(dir + "/mlp.tmp.pt", dir + "/mlp.pt");
  }
  WriteFileAtomic(dir + "/state.json", state.dump(2) + "\n");
}

CreditModel CreditModel::Load(const std::string& dir, const nlohmann::json& /*manifest*/) {
  const auto state = nlohmann::json::parse(ReadFile(dir + "/state.json"));
  CreditModel m;
  Impl& im = *m.impl_;
  im.kind = ParseCreditModelKind(state.at("kind"));
  im.features = state.at("features").get<std::vector<std::string>>();
  im.pre = Preprocessor::FromJson(state.at("preprocess"));
  im.column_source = state.at("column_source").get<std::vector<std::size_t>>();
  im.column_mean = state.at("column_mean").get<std::vector<double>>();
  im.options = state.at("options");
  const std::size_t p = im.column_mean.size();
  switch (im.kind) {
    case CreditModelKind::kLogistic: im.logistic = LogisticModel::FromJson(state.at("logistic")); break;
    case CreditModelKind::kMlp: {
      auto options = im.options;
      options.erase("epochs_run");
      options.erase("seed");
      im.mlp = MlpClassifier::Load(dir + "/mlp.pt", p, ParseMlpOptions(options, 0));
      break;
    }
    default: im.trees = TreeModel::Load(dir + "/xgboost.json", p); break;
  }
  return m;
}

}  // namespace finml::credit
