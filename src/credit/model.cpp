// CreditModel: preprocessing plus a Classifier from the registry, saved and loaded as a directory.
#include <cmath>
#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/credit/classifier.hpp"
#include "finml/credit/pipeline.hpp"

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
  FINML_REQUIRE(c.kind == ColumnKind::kNumeric, "{}: weight column '{}' is not numeric", t.source,
                column);
  for (std::size_t r : rows) {
    FINML_REQUIRE(!c.Missing(r) && c.numbers[r] >= 0,
                  "{}:{}: weight column '{}' needs a non-negative number", t.source, r + 2, column);
    w.push_back(c.numbers[r]);
  }
  return w;
}

}  // namespace

struct CreditModel::Impl {
  std::string model = "logistic";
  Preprocessor pre;
  std::vector<std::string> features;
  std::vector<std::size_t> column_source;  // preprocessed column -> source feature
  std::vector<double> column_mean;         // on training rows, for contributions
  std::unique_ptr<Classifier> classifier;
  nlohmann::json options;  // as fitted, or as the saved state recorded them
};

CreditModel::CreditModel() : impl_(std::make_unique<Impl>()) {}
CreditModel::~CreditModel() = default;
CreditModel::CreditModel(CreditModel&&) noexcept = default;
CreditModel& CreditModel::operator=(CreditModel&&) noexcept = default;

CreditModel CreditModel::Fit(const Table& t, const std::vector<std::size_t>& rows,
                             const std::vector<int>& y, const CreditConfig& c) {
  CreditModel m;
  Impl& im = *m.impl_;
  im.model = CanonicalClassifierName(c.model);
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
    const std::size_t width =
        c.preprocess.encoding == Encoding::kWoe || spec.kind == ColumnKind::kNumeric
            ? 1
            : spec.categories.size();
    for (std::size_t k = 0; k < width; ++k) im.column_source.push_back(f);
  }
  im.column_mean.assign(p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) im.column_mean[j] += x[i * p + j] / static_cast<double>(n);
  im.classifier = MakeClassifier(im.model, c.params, c.seed);
  im.classifier->Fit(x, n, p, yr, w, im.pre.OutputNames());
  im.options = im.classifier->Options();
  return m;
}

std::vector<double> CreditModel::Predict(const Table& t, const std::vector<std::size_t>& rows,
                                         std::size_t* unseen) const {
  const auto x = impl_->pre.Transform(t, rows, unseen);
  return impl_->classifier->Predict(x, rows.size());
}

std::vector<double> CreditModel::Contributions(const Table& t,
                                               const std::vector<std::size_t>& rows) const {
  const Impl& im = *impl_;
  const auto x = im.pre.Transform(t, rows);
  const std::size_t n = rows.size(), p = im.column_mean.size(), f = im.features.size();
  std::vector<double> out(n * f, 0.0);
  const auto columns = im.classifier->Contributions(x, n, im.column_mean);
  if (!columns.empty()) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < p; ++j) out[i * f + im.column_source[j]] += columns[i * p + j];
    return out;
  }
  // No exact decomposition: each feature's push is the change in log-odds when it is set to its
  // training average.
  const auto base = im.classifier->Predict(x, n);
  for (std::size_t k = 0; k < f; ++k) {
    auto occluded = x;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < p; ++j)
        if (im.column_source[j] == k) occluded[i * p + j] = im.column_mean[j];
    const auto q = im.classifier->Predict(occluded, n);
    for (std::size_t i = 0; i < n; ++i) out[i * f + k] = LogOdds(base[i]) - LogOdds(q[i]);
  }
  return out;
}

const std::vector<std::string>& CreditModel::FeatureNames() const { return impl_->features; }
const Preprocessor& CreditModel::Preprocessing() const { return impl_->pre; }
const std::string& CreditModel::ModelName() const { return impl_->model; }

nlohmann::json CreditModel::Describe() const {
  nlohmann::json j = {{"model", impl_->model}, {"options", impl_->options}};
  j.update(impl_->classifier->Describe(impl_->pre.OutputNames()));
  return j;
}

std::vector<std::vector<std::string>> CreditModel::Scorecard(const ScorecardScale& s) const {
  const Impl& im = *impl_;
  std::vector<std::vector<std::string>> rows;
  const LogisticModel* linear = im.classifier->Linear();
  if (!linear || im.pre.Options().encoding != Encoding::kWoe) return rows;
  // score = offset + factor * ln(odds good) = sum over features of
  //   -factor * beta_j * woe + (offset - factor * intercept) / m
  const auto& features = im.pre.Features();
  const double m = static_cast<double>(features.size());
  const double shared = (s.Offset() - s.Factor() * linear->intercept) / m;
  for (std::size_t j = 0; j < features.size(); ++j) {
    const double beta = linear->coefficients[j];
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
  nlohmann::json state = {{"kind", im.model},
                          {"features", im.features},
                          {"preprocess", im.pre.ToJson()},
                          {"column_source", im.column_source},
                          {"column_mean", im.column_mean},
                          {"options", im.options}};
  // The classifier writes its own files first, each through a temporary name, so a crash never
  // leaves a state.json that points at half a model.
  state.update(im.classifier->Save(dir));
  WriteFileAtomic(dir + "/state.json", state.dump(2) + "\n");
}

CreditModel CreditModel::Load(const std::string& dir, const nlohmann::json& /*manifest*/) {
  const std::string path = dir + "/state.json";
  const nlohmann::json document = JsonReader::Parse(ReadFile(path), path);
  const JsonReader state(document, path);
  CreditModel m;
  Impl& im = *m.impl_;
  try {
    im.model = CanonicalClassifierName(state["kind"].String());
  } catch (const ConfigError& e) {
    state["kind"].Fail(e.what());
  }
  im.features = state["features"].Strings(100000);
  im.pre = Preprocessor::FromJson(state["preprocess"]);
  const auto& specs = im.pre.Features();
  if (specs.size() != im.features.size())
    state["features"].Fail(
        fmt::format("names {} features, the preprocessing {}", im.features.size(), specs.size()));
  for (std::size_t f = 0; f < specs.size(); ++f)
    if (specs[f].name != im.features[f])
      state["features"].At(f).Fail(fmt::format("is '{}', the preprocessing's feature {} is '{}'",
                                               im.features[f], f, specs[f].name));
  // Which feature each column came from follows from the preprocessing; the saved list must say
  // the same (contributions are summed through it).
  for (std::size_t f = 0; f < specs.size(); ++f) {
    const std::size_t width =
        im.pre.Options().encoding == Encoding::kWoe || specs[f].kind == ColumnKind::kNumeric
            ? 1
            : specs[f].categories.size();
    for (std::size_t k = 0; k < width; ++k) im.column_source.push_back(f);
  }
  const std::size_t columns = im.pre.OutputNames().size();
  const auto saved_source = state["column_source"];
  if (saved_source.Size(columns) != columns)
    saved_source.Fail(
        fmt::format("has {} entries for {} columns", saved_source.raw().size(), columns));
  for (std::size_t j = 0; j < columns; ++j) {
    const auto entry = saved_source.At(j);
    if (entry.Integer(0, static_cast<std::int64_t>(specs.size()) - 1) !=
        static_cast<std::int64_t>(im.column_source[j]))
      entry.Fail(fmt::format("says feature {}, the preprocessing puts column {} under feature {}",
                             entry.raw().dump(), j, im.column_source[j]));
  }
  im.column_mean = state["column_mean"].Numbers(columns);
  if (im.column_mean.size() != columns)
    state["column_mean"].Fail(
        fmt::format("has {} entries for {} columns", im.column_mean.size(), columns));
  if (!state["options"].raw().is_object()) state["options"].Fail("must be an object");
  im.options = state["options"].raw();
  im.classifier = MakeClassifier(im.model, nlohmann::json::object(), 0);
  im.classifier->Load(state, dir, columns);
  return m;
}

}  // namespace finml::credit
