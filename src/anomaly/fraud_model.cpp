#include "anomaly/fraud_model.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <limits>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/strings.hpp"

namespace finml::anomaly {
namespace {

constexpr std::size_t kMaxColumns = 100000;

}  // namespace

std::vector<double> ScoreRows(const Fitted& f, const Eigen::MatrixXd& x, const Eigen::MatrixXd& z) {
  switch (f.kind) {
    case FraudModel::kGbdt:
      return f.classifier->Predict(RowMajor(x), static_cast<std::size_t>(x.rows()));
    case FraudModel::kLogistic:
      return f.classifier->Predict(RowMajor(z), static_cast<std::size_t>(z.rows()));
    case FraudModel::kIsolationForest:
      return ToVector(f.detector->Score(z));
    case FraudModel::kCombined: {
      Eigen::MatrixXd with(x.rows(), x.cols() + 1);
      with << x, f.detector->Score(z);
      return f.classifier->Predict(RowMajor(with), static_cast<std::size_t>(x.rows()));
    }
  }
  return {};
}

Eigen::MatrixXd Parts(const Fitted& f, const Eigen::MatrixXd& x, const Eigen::MatrixXd& z) {
  using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto n = static_cast<std::size_t>(x.rows());
  switch (f.kind) {
    case FraudModel::kGbdt: {
      const auto parts = f.classifier->Contributions(RowMajor(x), n, {});
      return Eigen::Map<const RowMajorMatrix>(parts.data(), x.rows(), x.cols());
    }
    case FraudModel::kLogistic: {
      const auto parts = f.classifier->Contributions(
          RowMajor(z), n, std::vector<double>(static_cast<std::size_t>(z.cols()), 0.0));
      return Eigen::Map<const RowMajorMatrix>(parts.data(), z.rows(), z.cols());
    }
    case FraudModel::kIsolationForest:
      return f.detector->Contributions(z);
    case FraudModel::kCombined: {
      Eigen::MatrixXd with(x.rows(), x.cols() + 1);
      with << x, f.detector->Score(z);
      const auto parts = f.classifier->Contributions(RowMajor(with), n, {});
      return Eigen::Map<const RowMajorMatrix>(parts.data(), with.rows(), with.cols());
    }
  }
  return {};
}

struct FraudScorer::State {
  FraudSettings settings;
  Pipeline pipe;
  std::vector<Fitted> fitted;
};

FraudScorer::FraudScorer() : state_(std::make_unique<State>()) {}
FraudScorer::~FraudScorer() = default;
FraudScorer::FraudScorer(FraudScorer&&) noexcept = default;
FraudScorer& FraudScorer::operator=(FraudScorer&&) noexcept = default;

FraudScorer FraudScorer::Load(const std::string& model_dir) {
  const std::string path = model_dir + "/model.json";
  FINML_REQUIRE(std::filesystem::is_regular_file(path),
                "{}: no model.json there (fix: a directory from finml fraud train)", model_dir);
  const nlohmann::json doc = JsonReader::Parse(ReadFile(path), path);
  const JsonReader root(doc, path);
  FINML_REQUIRE(doc.is_object() && doc.value("format", "") == kFraudFormat,
                "{}: not a finml fraud model (format {} expected)", path, kFraudFormat);
  FraudScorer scorer;
  State& st = *scorer.state_;
  FraudSettings& s = st.settings;
  s = FraudSettings::Schema().Parse(
      ConfigNode::FromJson(root["settings"].raw(), path + " settings"), "", {});
  Pipeline& pipe = st.pipe;
  pipe.spec = {s.time, s.entity, s.amount, s.numeric, s.categorical, s.windows, {}};
  for (const auto& w : s.windows) pipe.spec.windows.push_back(ParseWindow(w, path + " windows"));
  pipe.names = root["features"].Strings(kMaxColumns);
  const std::size_t columns = pipe.names.size();
  auto vector_of = [&](const char* field) {
    const auto v = root[field].Numbers(kMaxColumns);
    if (v.size() != columns)
      root[field].Fail(fmt::format("holds {} values for {} features", v.size(), columns));
    return Eigen::RowVectorXd(
        Eigen::Map<const Eigen::RowVectorXd>(v.data(), static_cast<Eigen::Index>(v.size())));
  };
  pipe.median = vector_of("median");
  pipe.scaler.mean = vector_of("mean");
  pipe.scaler.scale = vector_of("scale");
  pipe.encoder.prior = root["prior"].Number(0, 1);
  const JsonReader rates = root["rates"];
  if (rates.Size(kMaxColumns) != s.categorical.size())
    rates.Fail("does not match the categorical columns");
  for (std::size_t k = 0; k < s.categorical.size(); ++k) {
    const JsonReader column = rates.At(k);
    if (!column.raw().is_object()) column.Fail("is not an object of rates");
    auto& map = pipe.encoder.rates.emplace_back();
    for (const auto& [value, rate] : column.raw().items())
      map[value] = JsonReader(rate, path, column.path() + "." + value).Number(0, 1);
  }
  const JsonReader models = root["models"];
  for (std::size_t i = 0; i < models.Size(16); ++i) {
    const JsonReader m = models.At(i);
    Fitted f{ParseEnumAt<FraudModel>(m["name"]), nullptr, nullptr, 0};
    f.threshold = m["threshold"].raw().is_null() ? std::numeric_limits<double>::infinity()
                                                 : m["threshold"].Number();
    const std::string name(EnumName(f.kind));
    if (f.kind != FraudModel::kIsolationForest) {
      f.classifier = credit::MakeClassifier(f.kind == FraudModel::kLogistic ? "logistic" : "gbdt",
                                            nlohmann::json::object(), s.seed);
      f.classifier->Load(m["classifier"], model_dir + "/" + name,
                         columns + (f.kind == FraudModel::kCombined ? 1 : 0));
    }
    if (f.kind == FraudModel::kIsolationForest || f.kind == FraudModel::kCombined) {
      f.detector = MakeDetector(DetectorKind::kIsolationForest, DetectorSettings{});
      try {
        f.detector->Load(m["detector"].raw());
      } catch (const nlohmann::json::exception& e) {
        m["detector"].Fail(e.what());
      }
    }
    st.fitted.push_back(std::move(f));
  }
  FINML_REQUIRE(!st.fitted.empty(), "{}: no models", path);
  return scorer;
}

const FraudSettings& FraudScorer::Settings() const { return state_->settings; }

std::vector<std::string> FraudScorer::ModelNames() const {
  std::vector<std::string> names;
  for (const auto& f : state_->fitted) names.emplace_back(EnumName(f.kind));
  return names;
}

std::vector<std::string> FraudScorer::Columns() const {
  const FraudSettings& s = state_->settings;
  std::vector<std::string> columns = {s.time};
  for (const auto* c : {&s.entity, &s.amount})
    if (!c->empty()) columns.push_back(*c);
  for (const auto& c : s.numeric)
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  columns.insert(columns.end(), s.categorical.begin(), s.categorical.end());
  return columns;
}

FraudScorer::Scores FraudScorer::Score(const credit::Table& table, bool explain) const {
  const State& st = *state_;
  const RawFeatures raw = BuildRawFeatures(table, st.pipe.spec);
  FINML_REQUIRE(static_cast<std::size_t>(raw.x.cols()) + st.settings.categorical.size() ==
                    st.pipe.names.size(),
                "the fraud model's features do not match its settings (fix: train it again)");
  const std::size_t n = raw.order.size();
  const Eigen::MatrixXd x = st.pipe.Inputs(raw, st.pipe.encoder.Encode(raw.categories, 0, n));
  const Eigen::MatrixXd z = st.pipe.scaler.Apply(x);
  Scores out;
  for (const auto& f : st.fitted) {
    const std::vector<double> sorted = ScoreRows(f, x, z);
    // Back to the table's order.
    std::vector<double> score(n);
    std::vector<int> flag(n);
    for (std::size_t i = 0; i < n; ++i) {
      score[raw.order[i]] = sorted[i];
      flag[raw.order[i]] = sorted[i] >= f.threshold ? 1 : 0;
    }
    std::vector<std::string> top(n);
    if (explain) {
      std::vector<std::string> names = st.pipe.names;
      if (f.kind == FraudModel::kCombined) names.push_back("iforest_score");
      const Eigen::MatrixXd parts = Parts(f, x, z);
      for (std::size_t i = 0; i < n; ++i)
        top[raw.order[i]] = FormatParts(parts, static_cast<Eigen::Index>(i), names, 3);
    }
    out.score.push_back(std::move(score));
    out.flag.push_back(std::move(flag));
    out.top.push_back(std::move(top));
  }
  return out;
}

std::size_t RunFraudScore(const std::string& model_dir, const std::string& input,
                          const std::string& out) {
  const FraudScorer scorer = FraudScorer::Load(model_dir);
  const credit::Table table = credit::LoadTable(input, scorer.Settings().categorical);
  const FraudScorer::Scores scores = scorer.Score(table, true);
  const auto names = scorer.ModelNames();
  // The time and the entity beside the row number, to join the scores back.
  const FraudSettings& s = scorer.Settings();
  std::vector<const credit::Column*> keys = {&table.Get(s.time)};
  if (!s.entity.empty()) keys.push_back(&table.Get(s.entity));
  std::string csv = "row";
  for (const auto* k : keys) csv += "," + CsvField(k->name);
  for (const auto& name : names) csv += fmt::format(",{0}_score,{0}_flag,{0}_top_features", name);
  csv += "\n";
  for (std::size_t r = 0; r < table.rows; ++r) {
    csv += std::to_string(r + 1);
    for (const auto* k : keys)
      csv += "," + CsvField(k->kind == credit::ColumnKind::kCategorical
                                ? k->labels[r]
                                : fmt::format("{:.17g}", k->numbers[r]));
    for (std::size_t k = 0; k < names.size(); ++k)
      csv += fmt::format(",{:.8g},{},{}", scores.score[k][r], scores.flag[k][r], scores.top[k][r]);
    csv += "\n";
  }
  WriteFileAtomic(out, csv);
  return table.rows;
}

}  // namespace finml::anomaly
