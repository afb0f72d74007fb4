#include "finml/run/predict.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/strings.hpp"
#include "finml/eval/drift.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/rl/saved_agent.hpp"
#include "finml/run/runner.hpp"
#include "finml/train/normalizer.hpp"

namespace finml::run {

SavedForecaster SavedForecaster::Load(const std::string& dir) {
  const std::string manifest_path = dir + "/model.json";
  SavedForecaster s;
  s.manifest_ = JsonReader::Parse(ReadFile(manifest_path), manifest_path);
  const JsonReader m(s.manifest_, manifest_path);
  if (m["format"].String() != "finml-model/1")
    m["format"].Fail("is not finml-model/1: this is not a finml forecaster");
  // The training configuration re-parses through the experiment's declaration: one definition
  // of every pipeline step for training and prediction alike.
  if (!m["experiment"].raw().is_object()) m["experiment"].Fail("must be an object");
  nlohmann::json experiment = m["experiment"].raw();
  experiment.erase("source");  // manifests before 0.1.0's option schemas carried it
  s.config_ = ParseExperiment(ConfigNode::FromJson(experiment, manifest_path + ": experiment"),
                              manifest_path);
  const auto pipeline = m["pipeline"];
  s.config_.data.load.symbols = pipeline["symbols"].Strings(100000);
  s.features_ = pipeline["features"].Strings(100000);
  s.normalizer_ = train::Normalizer::FromJson(pipeline["normalizer"]);
  if (s.normalizer_.Names() != s.features_)
    pipeline["normalizer"].Fail("was fitted on other features than the pipeline's");
  s.ar_lags_ = static_cast<std::size_t>(pipeline["ar_lags"].Integer(0, 250));
  s.lookback_ = static_cast<std::size_t>(pipeline["lookback"].Integer(1, 4096));
  s.name_ = m["name"].String(255);
  const std::string type = m["type"].String();
  if (!m["params"].raw().is_object()) m["params"].Fail("must be an object");
  auto model = models::MakeForecaster(
      type, ConfigNode::FromJson(m["params"].raw(), manifest_path + ": params"), "params");
  if (model->RequiredLags() > s.ar_lags_)
    pipeline["ar_lags"].Fail(
        fmt::format("is {}; the model needs {}", s.ar_lags_, model->RequiredLags()));
  if (model->RequiredLookback() > s.lookback_)
    pipeline["lookback"].Fail(
        fmt::format("is {}; the model's window needs {}", s.lookback_, model->RequiredLookback()));
  model->Load(m["state"], dir);
  s.model_ = std::move(model);
  // What a server reports and monitors must be there and well formed too.
  for (const char* key : {"training", "metrics"})
    if (!m[key].raw().is_object()) m[key].Fail("must be an object");
  if (m.Has("drift_reference")) {
    const auto reference = m["drift_reference"];
    eval::CheckReference(reference["prediction"]);
    if (!reference["features"].raw().is_object())
      reference["features"].Fail("must map features to references");
    for (const auto& [feature, spec] : reference["features"].raw().items())
      eval::CheckReference(reference["features"][feature]);
  }
  return s;
}

std::size_t SavedForecaster::RowsForOneDecision(const data::Bars& like) const {
  // Indicator warm-ups depend on window lengths, not values: the first full window of a long,
  // clean series with the same fields is where it lies.
  constexpr std::size_t kRows = 8192;
  data::MarketData synthetic;
  synthetic.assets.push_back({});
  data::Bars& bars = synthetic.assets.front();
  bars.symbol = like.symbol;
  const data::Timestamp start = data::DaysFromCivil({2000, 1, 3}) * data::kSecondsPerDay;
  for (std::size_t t = 0; t < kRows; ++t) {
    synthetic.time.push_back(start + static_cast<data::Timestamp>(t) * data::kSecondsPerDay);
    synthetic.time_label.push_back(data::FormatTimestamp(synthetic.time.back()));
    const double price = 100 * std::exp(0.02 * std::sin(0.7 * static_cast<double>(t)));
    for (auto field : {data::Field::kOpen, data::Field::kClose, data::Field::kAdjClose})
      if (like.Has(field)) bars.Get(field).push_back(price);
    if (like.Has(data::Field::kHigh)) bars.high.push_back(price * 1.01);
    if (like.Has(data::Field::kLow)) bars.low.push_back(price * 0.99);
    if (like.Has(data::Field::kVolume))
      bars.volume.push_back(1e6 * (1.5 + std::sin(0.3 * static_cast<double>(t))));
  }
  try {
    const auto inputs = BuildAssetInputs(config_, synthetic);
    const auto samples = train::BuildSamples(inputs, synthetic.time, synthetic.time_label,
                                             config_.target, lookback_, ar_lags_, false);
    return samples.size() == 0 ? 0 : samples.decision_row.front() + 1;
  } catch (const Error&) {
    return 0;  // the message then says "more rows" without a count
  }
}

ForecastBatch SavedForecaster::Predict(const data::MarketData& md, const std::string& source,
                                       bool latest_only) const {
  std::vector<train::AssetInputs> inputs = BuildAssetInputs(config_, md);
  FINML_REQUIRE(inputs.front().features.names == features_,
                "{}: the input yields features that differ from the model's", source);
  const std::size_t lags = ar_lags_;
  const std::size_t lookback = lookback_;
  ForecastBatch batch;
  batch.samples = train::BuildSamples(inputs, md.time, md.time_label, config_.target, lookback,
                                      lags, /*require_target=*/false);
  if (batch.samples.size() == 0) {
    const std::size_t need = RowsForOneDecision(md.assets.front());
    throw InvalidInput(fmt::format(
        "{}: {} rows are too few for one full input window: the model needs {} (its indicators' "
        "warm-up, {} lagged values and a lookback of {}) (fix: give it more history)",
        source, md.rows(),
        need > 0 ? fmt::format("at least {} rows of complete bars", need) : "more rows", lags,
        lookback));
  }
  if (latest_only) {
    std::map<std::size_t, std::size_t> last;  // asset -> its latest sample
    for (std::size_t i = 0; i < batch.samples.size(); ++i) last[batch.samples.asset[i]] = i;
    std::vector<std::size_t> keep;
    for (const auto& [asset, i] : last) keep.push_back(i);
    batch.samples = train::Subset(batch.samples, keep);
  }
  const std::size_t f = batch.samples.num_features();
  batch.latest_features.reserve(batch.samples.size() * f);
  for (std::size_t i = 0; i < batch.samples.size(); ++i) {
    const double* row = batch.samples.LatestRow(i);
    batch.latest_features.insert(batch.latest_features.end(), row, row + f);
  }
  normalizer_.Apply(batch.samples);
  batch.prediction = model_->Predict(batch.samples);
  for (std::size_t i = 0; i < batch.prediction.size(); ++i)
    FINML_REQUIRE(std::isfinite(batch.prediction[i]), "{}: prediction {} is not finite", name_, i);
  return batch;
}

namespace {

// A run's directory given where one of its models belongs: name them.
void RequireModelDirectory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir + "/model.json", ec) ||
      !std::filesystem::is_directory(dir + "/models", ec))
    return;
  std::vector<std::string> models;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/models", ec)) {
    if (entry.is_directory(ec) && std::filesystem::exists(entry.path() / "model.json", ec))
      models.push_back(entry.path().filename().string());
    if (models.size() > 100) break;
  }
  std::sort(models.begin(), models.end());
  throw InvalidInput(fmt::format(
      "{}: a run's directory, not one of its models (fix: --model {}/models/NAME, where NAME is "
      "one of {})",
      dir, dir, models.empty() ? std::string("its models") : JoinStrings(models, ", ")));
}

// The loader's fixes for gaps, order and repeats name flags (--missing ffill) that predict does
// not take: the model's run chose those policies, and predict reads the file as the run did.
data::MarketData LoadForPrediction(const ExperimentConfig& config, const std::string& path) {
  try {
    return LoadExperimentData(config, path);
  } catch (const DataError& e) {
    const std::string what = e.what();
    if (what.find("--missing") == std::string::npos && what.find("--order") == std::string::npos &&
        what.find("--duplicates") == std::string::npos)
      throw;
    const auto& load = config.data.load;
    throw DataError(
        e.where(), e.problem(),
        fmt::format("finml predict reads the file as the model's run did (missing: {}, order: {}, "
                    "duplicates: {}): fill, sort or deduplicate the file, or train with "
                    "data.missing, data.order or data.duplicates set as you need",
                    EnumName(load.missing), EnumName(load.order), EnumName(load.duplicates)));
  }
}

}  // namespace

std::size_t PredictToCsv(const PredictOptions& o) {
  if (rl::IsAgentDirectory(o.model_dir)) return rl::PredictAgentToCsv(o.model_dir, o.input, o.out);
  // A text model needs the text column's name, which `finml predict` has no flag for.
  if (nlp::IsTextModelDirectory(o.model_dir))
    throw InvalidInput(
        fmt::format("{} is a text model (fix: finml nlp predict --model {} --input "
                    "{} --text COLUMN --out {})",
                    o.model_dir, o.model_dir, o.input, o.out));
  RequireModelDirectory(o.model_dir);
  const SavedForecaster saved = SavedForecaster::Load(o.model_dir);
  // A model of one asset predicts any file of one asset, whatever the file is called; before, a
  // copy of the training file under another name was refused with a fix predict has no flag for.
  ExperimentConfig config = saved.Config();
  if (config.data.load.symbols.size() == 1)
    config.data.load.single_asset_as = config.data.load.symbols.front();
  const data::MarketData md = LoadForPrediction(config, o.input);
  const ForecastBatch batch = saved.Predict(md, o.input);
  const auto& samples = batch.samples;
  const bool panel = md.assets.size() > 1;
  // `score` as in a run's predictions.csv (the forecast move), so finml backtest --signals
  // trades this file too.
  std::string out = panel ? "date,model,y_true,y_pred,decision_date,symbol,score\n"
                          : "date,model,y_true,y_pred,decision_date,score\n";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool known = samples.target_row[i] < md.rows();
    out += fmt::format("{},{},{},{},{}", known ? md.time_label[samples.target_row[i]] : "",
                       saved.Name(), known ? fmt::format("{}", samples.y[i]) : "",
                       batch.prediction[i], md.time_label[samples.decision_row[i]]);
    if (panel) out += "," + CsvField(samples.symbols[samples.asset[i]]);
    out += fmt::format(",{}\n", batch.prediction[i] - samples.no_change[i]);
  }
  WriteFileAtomic(o.out, out);
  return samples.size();
}

}  // namespace finml::run
