#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "finml/core/build_info.hpp"
#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/sha256.hpp"
#include "finml/dist/world.hpp"
#include "finml/eval/drift.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/run/runner.hpp"
#include "finml/train/checkpoint.hpp"
#include "finml/train/normalizer.hpp"
#include "finml/train/split.hpp"

namespace finml::run {

data::MarketData LoadExperimentData(const ExperimentConfig& c, const std::string& path) {
  return data::LoadMarketData(path, c.data.load);
}

std::vector<train::AssetInputs> BuildAssetInputs(const ExperimentConfig& c,
                                                 const data::MarketData& md) {
  std::vector<train::AssetInputs> inputs;
  for (const auto& bars : md.assets) {
    features::FeatureTable table = features::ComputeSetAndIncludes(
        bars, c.features.set, c.features.include, c.data.price, "features.include");
    for (const auto& name : c.features.exclude) {
      auto it = std::find(table.names.begin(), table.names.end(), name);
      FINML_REQUIRE(it != table.names.end(), "features.exclude: no column '{}' to exclude", name);
      auto idx = it - table.names.begin();
      table.names.erase(it);
      table.columns.erase(table.columns.begin() + idx);
    }
    inputs.push_back({bars.symbol, bars.Get(c.data.price), std::move(table)});
  }
  return inputs;
}

namespace {

SegmentInfo Describe(const train::SampleSet& all, const std::vector<std::size_t>& idx) {
  SegmentInfo info;
  info.samples = idx.size();
  if (idx.empty()) return info;
  std::size_t lo = all.decision_row[idx.front()], hi = lo;
  for (std::size_t i : idx) {
    lo = std::min(lo, all.decision_row[i]);
    hi = std::max(hi, all.decision_row[i]);
  }
  info.first_date = all.calendar_label[lo];
  info.last_date = all.calendar_label[hi];
  return info;
}

// One train/validation/test assignment of sample indices.
struct Plan {
  std::vector<std::size_t> train, validation, test;
};

std::vector<Plan> MakePlans(const ExperimentConfig& c, const train::SampleSet& all,
                            std::size_t& purged) {
  std::vector<Plan> plans;
  if (c.split.method == SplitMethod::kChronological) {
    train::SplitIndices s = train::ChronologicalSplit(all, c.split.Chronological());
    purged = s.purged;
    plans.push_back({s.train, s.validation, s.test});
    return plans;
  }
  purged = 0;
  for (auto& fold : train::WalkForwardFolds(all, c.split.WalkForward())) {
    purged += fold.purged;
    // The tail of each fold's training rows validates (for tuning and early stopping); training
    // samples whose targets reach into that tail are purged.
    Plan plan;
    plan.test = fold.test;
    std::size_t lo = all.calendar.size(), hi = 0;
    for (std::size_t i : fold.train) {
      lo = std::min(lo, all.decision_row[i]);
      hi = std::max(hi, all.decision_row[i] + 1);
    }
    const double fraction = c.split.fold_validation;
    const std::size_t boundary =
        hi - static_cast<std::size_t>(std::llround(static_cast<double>(hi - lo) * fraction));
    for (std::size_t i : fold.train) {
      if (all.decision_row[i] >= boundary) {
        plan.validation.push_back(i);
      } else if (fraction > 0 && all.target_row[i] + c.split.embargo > boundary) {
        ++purged;
      } else {
        plan.train.push_back(i);
      }
    }
    FINML_REQUIRE(!plan.train.empty(), "walk-forward fold leaves no training samples");
    plans.push_back(std::move(plan));
  }
  return plans;
}

// Samples from the model's pretraining sources, each loaded and featurised like the experiment's
// own data and cut before `cutoff`, the first date anything is judged on.
train::SampleSet PretrainSamples(const ExperimentConfig& c,
                                 const std::vector<models::PretrainSource>& sources,
                                 data::Timestamp cutoff, std::size_t lookback, std::size_t lags,
                                 const std::vector<std::string>& feature_names) {
  train::SampleSet pooled;
  for (const auto& source : sources) {
    ExperimentConfig sc = c;
    // The column choices name the experiment's own file; the clock settings apply to every file.
    sc.data.load.symbols.clear();
    sc.data.load.symbol.clear();
    sc.data.load.rename.clear();
    sc.data.load.drop.clear();
    sc.data.load.date_column.clear();
    sc.data.path = source.path;
    sc.data.load.decimal_year = source.decimal_year;
    std::string path = ResolveDataPath(sc.data.path, c.source);
    data::MarketData md = LoadExperimentData(sc, path);
    FINML_REQUIRE(md.calendar,
                  "pretrain source {} has no calendar dates, so data after the training period "
                  "cannot be excluded (for a decimal-year index give {{path: ..., decimal_year: "
                  "true}})",
                  path);
    std::size_t keep = static_cast<std::size_t>(
        std::lower_bound(md.time.begin(), md.time.end(), cutoff) - md.time.begin());
    FINML_REQUIRE(keep > lookback + 60, "pretrain source {} has only {} rows before {}", path, keep,
                  data::FormatTimestamp(cutoff));
    md.time.resize(keep);
    md.time_label.resize(keep);
    for (auto& a : md.assets) {
      for (auto f : {data::Field::kOpen, data::Field::kHigh, data::Field::kLow, data::Field::kClose,
                     data::Field::kAdjClose, data::Field::kVolume}) {
        auto& v = a.Get(f);
        if (!v.empty()) v.resize(keep);
      }
    }
    std::vector<train::AssetInputs> inputs = BuildAssetInputs(sc, md);
    FINML_REQUIRE(inputs.front().features.names == feature_names,
                  "pretrain source {} yields different feature columns than the experiment's data",
                  path);
    train::AppendSamples(
        pooled, train::BuildSamples(inputs, md.time, md.time_label, c.target, lookback, lags));
  }
  return pooled;
}

// The saved model's training inputs as a server sees them: the feature row at each decision,
// before normalisation.
nlohmann::json FeatureReference(const train::SampleSet& train) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t j = 0; j < train.num_features(); ++j) {
    std::vector<double> column(train.size());
    for (std::size_t i = 0; i < train.size(); ++i) column[i] = train.LatestRow(i)[j];
    out[train.feature_names[j]] = eval::NumericReference(std::move(column));
  }
  return out;
}

std::vector<std::size_t> DateGroups(const train::SampleSet& s) { return s.target_row; }

SegmentResult Score(const ExperimentConfig& c, const train::SampleSet& s,
                    std::vector<double> prediction) {
  SegmentResult r;
  const bool panel = s.symbols.size() > 1;
  r.metrics = eval::ComputePointMetrics(s.y, prediction, s.no_change,
                                        panel ? DateGroups(s) : std::vector<std::size_t>{},
                                        c.target.horizon);
  if (panel)
    r.ic = eval::InformationCoefficients(s.y, prediction, s.target_row, c.evaluation.ic_min_assets);
  r.prediction = std::move(prediction);
  return r;
}

}  // namespace

std::string ResolveDataPath(const std::string& path, const std::string& experiment_file) {
  namespace fs = std::filesystem;
  if (fs::exists(path)) return path;
  if (fs::path(path).is_relative()) {
    fs::path beside = fs::path(experiment_file).parent_path() / path;
    if (!experiment_file.empty() && fs::exists(beside)) return beside.string();
    fs::path installed = fs::path(InstalledDataDirectory()) / path;
    if (fs::exists(installed)) return installed.string();
    fs::path in_tree = fs::path(SourceDirectory()) / path;
    if (fs::exists(in_tree)) return in_tree.string();
  }
  throw IoError(
      fmt::format("data file '{}' not found (looked in the working directory{}, in {} and in {})",
                  path, experiment_file.empty() ? "" : ", beside " + experiment_file,
                  InstalledDataDirectory(), SourceDirectory()));
}

namespace {

// What the steps of one run share besides the record: every sample, the folds' plans, and the
// window and lags the samples carry.
struct Workspace {
  train::SampleSet all;
  std::vector<Plan> plans;
  std::size_t lookback = 0, lags = 0;
  // Each model's pretraining samples (not normalised), if it pretrains.
  std::vector<std::optional<train::SampleSet>> pretrain;
  // Per model, its predictions in fold order, and the samples they are for.
  std::vector<std::vector<double>> val_pred, test_pred;
  std::vector<std::size_t> val_order, test_order;
  // The samples reported on, each once, in time order.
  std::vector<std::size_t> val_index, test_index;
};

// Load: the data, with its provenance.
void Load(RunRecord& record) {
  const auto& config = record.config;
  record.data_path = ResolveDataPath(config.data.path, config.source);
  record.data_sha256 = Sha256File(record.data_path);
  record.provenance.command = "finml run " + config.source;
  record.provenance.Input(record.data_path, record.data_sha256);
  record.provenance.seed = config.seed;
  record.market = LoadExperimentData(config, record.data_path);
  // A constant series has no returns to learn from; every indicator on it is 0/0, and the user
  // would otherwise read "no usable samples" and look for a windowing mistake.
  for (const auto& asset : record.market.assets) {
    const auto& close = asset.Has(data::Field::kClose) ? asset.close : asset.adj_close;
    const auto [lo, hi] = std::minmax_element(close.begin(), close.end());
    FINML_REQUIRE(close.empty() || *lo != *hi,
                  "{}: the series{} is constant (every close is {}): there is nothing to forecast",
                  record.data_path, asset.symbol.empty() ? "" : " '" + asset.symbol + "'", *lo);
  }
}

// Features and samples. Every model is judged on the same decisions: samples carry the longest
// window and the most lags any model asks for; each model then sees its own window length.
void BuildAllSamples(RunRecord& record, Workspace& w) {
  const auto& config = record.config;
  const auto& md = record.market;
  std::vector<train::AssetInputs> inputs = BuildAssetInputs(config, md);
  record.feature_names = inputs.front().features.names;
  w.lookback = config.window.lookback;
  record.model_lookback.clear();
  for (const auto& m : config.models) {
    auto probe = models::MakeForecaster(m.type, m.params);
    w.lags = std::max(w.lags, probe->RequiredLags());
    const std::size_t own =
        probe->RequiredLookback() ? probe->RequiredLookback() : config.window.lookback;
    record.model_lookback.push_back(own);
    w.lookback = std::max(w.lookback, own);
  }
  record.ar_lags = w.lags;
  w.all = train::BuildSamples(inputs, md.time, md.time_label, config.target, w.lookback, w.lags);
  record.total_samples = w.all.size();
  record.warmup_skipped = w.all.warmup_skipped;
  FINML_REQUIRE(w.all.size() >= 30,
                "{}: only {} usable samples after the indicators' warm-up; use more data or "
                "shorter windows",
                record.data_path, w.all.size());
}

// Split: the folds' train, validation and test samples, and what is reported on.
void Split(RunRecord& record, Workspace& w) {
  w.plans = MakePlans(record.config, w.all, record.purged);
  record.folds = w.plans.size();
  std::vector<std::size_t> all_train;
  for (const auto& p : w.plans) {
    record.fold_info.push_back(
        {Describe(w.all, p.train), Describe(w.all, p.validation), Describe(w.all, p.test)});
    all_train.insert(all_train.end(), p.train.begin(), p.train.end());
    w.val_order.insert(w.val_order.end(), p.validation.begin(), p.validation.end());
    w.test_order.insert(w.test_order.end(), p.test.begin(), p.test.end());
  }
  record.train_info = Describe(w.all, all_train);
  // Walk-forward validation tails can overlap between folds: report each sample once, with the
  // prediction of the latest fold that validated it, in sample (time) order.
  auto unique_sorted = [](std::vector<std::size_t> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  w.val_index = unique_sorted(w.val_order);
  w.test_index = unique_sorted(w.test_order);
  record.validation_info = Describe(w.all, w.val_index);
  record.test_info = Describe(w.all, w.test_index);
  record.validation = train::Subset(w.all, w.val_index);
  record.test = train::Subset(w.all, w.test_index);
}

// Pretraining data ends before the first validation or test decision of any fold.
void LoadPretraining(RunRecord& record, Workspace& w) {
  const auto& config = record.config;
  std::size_t first_judged = w.all.calendar.size();
  for (const auto& p : w.plans) {
    for (std::size_t i : p.validation) first_judged = std::min(first_judged, w.all.decision_row[i]);
    for (std::size_t i : p.test) first_judged = std::min(first_judged, w.all.decision_row[i]);
  }
  FINML_REQUIRE(first_judged < w.all.calendar.size(),
                "{}: the split leaves no validation or test samples to judge the models on",
                record.data_path);
  w.pretrain.assign(config.models.size(), std::nullopt);
  for (std::size_t m = 0; m < config.models.size(); ++m) {
    const auto sources =
        models::MakeForecaster(config.models[m].type, config.models[m].params)->PretrainSources();
    if (sources.empty()) continue;
    w.pretrain[m] = PretrainSamples(config, sources, w.all.calendar[first_judged], w.lookback,
                                    w.lags, record.feature_names);
    record.pretrain_samples.push_back({config.models[m].name, w.pretrain[m]->size()});
  }
}

// What one (fold, model) fit hands back, in a form that crosses between ranks.
struct FitOutcome {
  std::vector<double> validation, test;
  double seconds = 0;
  nlohmann::json description;

  [[nodiscard]] std::string Pack() const {
    std::vector<double> numbers{seconds, static_cast<double>(validation.size()),
                                static_cast<double>(test.size())};
    numbers.insert(numbers.end(), validation.begin(), validation.end());
    numbers.insert(numbers.end(), test.begin(), test.end());
    return dist::PackDoubles(numbers) + description.dump();
  }
  static FitOutcome Unpack(const std::string& bytes) {
    FitOutcome o;
    double head[3];
    std::memcpy(head, bytes.data(), sizeof head);
    const auto nv = static_cast<std::size_t>(head[1]), nt = static_cast<std::size_t>(head[2]);
    const std::size_t numbers = (3 + nv + nt) * sizeof(double);
    const std::vector<double> all = dist::UnpackDoubles(bytes.substr(0, numbers));
    o.seconds = all[0];
    o.validation.assign(all.begin() + 3, all.begin() + 3 + static_cast<std::ptrdiff_t>(nv));
    o.test.assign(all.begin() + 3 + static_cast<std::ptrdiff_t>(nv), all.end());
    o.description = nlohmann::json::parse(bytes.substr(numbers));
    return o;
  }
};

// Whether this run splits its fits across the ranks of a distributed job (else each torch model
// trains data-parallel, and everything else runs the same on every rank).
// Rank 0 fits the last fold (it saves those models), so "auto" splits tasks when the earlier
// folds give every other rank at least one fit; a single split trains data-parallel.
bool SplitsTasks(const ExperimentConfig& c, std::size_t folds, std::size_t models) {
  const int ranks = dist::Comm().size();
  if (ranks == 1) return false;
  if (c.parallel == "tasks") return true;
  if (c.parallel == "data") return false;
  return (folds - 1) * models >= static_cast<std::size_t>(ranks - 1);
}

// Fit and predict, fold by fold: the normaliser and every model see the fold's training samples
// only, then predict everything the fold judges. Under finml launch the fits may run on different
// ranks (SplitsTasks); each depends only on its fold and seed, so the result is the serial one.
void FitAndPredict(RunRecord& record, Workspace& w, bool progress) {
  const auto& config = record.config;
  const std::size_t models = config.models.size();
  const std::size_t folds = w.plans.size();
  record.models.resize(models);
  record.fitted.resize(models);
  w.val_pred.assign(models, {});
  w.test_pred.assign(models, {});
  std::vector<train::Normalizer> normalizers;
  for (std::size_t f = 0; f < folds; ++f) {
    train::SampleSet tr = train::Subset(w.all, w.plans[f].train);
    if (f + 1 == folds) record.feature_reference = FeatureReference(tr);
    normalizers.emplace_back(config.features.normalizer);
    normalizers.back().Fit(tr);
    record.normalizers.push_back(normalizers.back().ToJson());
  }
  const bool split = SplitsTasks(config, folds, models);
  Progress bar("fitting", folds * models, progress && dist::WritesOutputs());
  std::size_t step = 0;
  // The normalised samples of the fold in hand: a rank meets its tasks in fold order, so the
  // models of one fold share them.
  std::size_t cached_fold = folds;
  train::SampleSet tr, va, te;
  auto fit = [&](std::size_t f, std::size_t m) {
    const train::Normalizer& normalizer = normalizers[f];
    if (cached_fold != f) {
      const Plan& plan = w.plans[f];
      tr = train::Subset(w.all, plan.train);
      va = train::Subset(w.all, plan.validation);
      te = train::Subset(w.all, plan.test);
      normalizer.Apply(tr);
      normalizer.Apply(va);
      normalizer.Apply(te);
      cached_fold = f;
    }
    const auto& entry = config.models[m];
    bar.Update(step++, fmt::format("fold {}/{} model {}", f + 1, folds, entry.name));
    auto model = models::MakeForecaster(entry.type, entry.params);
    auto start = std::chrono::steady_clock::now();
    const train::CheckpointScope checkpoints(fmt::format("fold {} {}", f + 1, entry.name));
    models::FitContext context{config.seed, progress && dist::WritesOutputs(), entry.name};
    const std::size_t own = record.model_lookback[m];
    std::optional<train::SampleSet> fold_pretrain;
    if (w.pretrain[m]) {
      fold_pretrain = *w.pretrain[m];
      normalizer.Apply(*fold_pretrain);
      fold_pretrain = train::TrimWindow(*fold_pretrain, own);
      context.pretrain = &*fold_pretrain;
    }
    model->Fit(train::TrimWindow(tr, own), train::TrimWindow(va, own), context);
    FitOutcome outcome;
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcome.validation = model->Predict(train::TrimWindow(va, own));
    outcome.test = model->Predict(train::TrimWindow(te, own));
    outcome.description = model->Describe();
    // The last fold's models are the run's saved models; rank 0 always fits them (below).
    if (f + 1 == folds) record.fitted[m] = std::move(model);
    return outcome;
  };
  std::vector<FitOutcome> outcomes(folds * models);
  if (!split) {
    for (std::size_t t = 0; t < outcomes.size(); ++t) outcomes[t] = fit(t / models, t % models);
  } else {
    const std::size_t last_fold_start = (folds - 1) * models;
    const auto packed = dist::MapTasks(
        outcomes.size(), [&](std::size_t t) { return fit(t / models, t % models).Pack(); },
        [&](std::size_t t, int ranks) {
          // Rank 0 keeps the fitted models it saves (the last fold, often the largest); the
          // other fits go round the other ranks.
          if (t >= last_fold_start) return 0;
          return 1 + static_cast<int>(t % static_cast<std::size_t>(ranks - 1));
        });
    for (std::size_t t = 0; t < outcomes.size(); ++t) outcomes[t] = FitOutcome::Unpack(packed[t]);
  }
  for (std::size_t t = 0; t < outcomes.size(); ++t) {
    const std::size_t f = t / models, m = t % models;
    const FitOutcome& o = outcomes[t];
    record.models[m].fit_seconds += o.seconds;
    w.val_pred[m].insert(w.val_pred[m].end(), o.validation.begin(), o.validation.end());
    w.test_pred[m].insert(w.test_pred[m].end(), o.test.begin(), o.test.end());
    record.models[m].name = config.models[m].name;
    record.models[m].type = config.models[m].type;
    record.models[m].description = o.description;
    if (f + 1 == folds) {
      auto& reference = record.models[m].reference_predictions;
      reference = o.validation;
      reference.insert(reference.end(), o.test.begin(), o.test.end());
    }
  }
  bar.Finish(fmt::format("{} models x {} folds{}", models, folds,
                         split ? fmt::format(" on {} ranks", dist::Comm().size()) : ""));
}

// Evaluate: every model's metrics on the reported validation and test samples.
void Evaluate(RunRecord& record, const Workspace& w) {
  const auto& config = record.config;
  auto gather = [](const std::vector<std::size_t>& order, const std::vector<double>& pred,
                   const std::vector<std::size_t>& wanted) {
    std::map<std::size_t, double> latest;
    for (std::size_t k = 0; k < order.size(); ++k) latest[order[k]] = pred[k];
    std::vector<double> out;
    for (std::size_t i : wanted) out.push_back(latest.at(i));
    return out;
  };
  for (std::size_t m = 0; m < config.models.size(); ++m) {
    for (const auto* preds : {&w.val_pred[m], &w.test_pred[m]}) {
      FINML_REQUIRE(
          std::all_of(preds->begin(), preds->end(), [](double v) { return std::isfinite(v); }),
          "model '{}' produced non-finite predictions (training diverged?); lower its "
          "lr or check the inputs",
          config.models[m].name);
    }
    record.models[m].validation =
        Score(config, record.validation, gather(w.val_order, w.val_pred[m], w.val_index));
    record.models[m].test =
        Score(config, record.test, gather(w.test_order, w.test_pred[m], w.test_index));
  }
}

}  // namespace

RunRecord RunPipeline(const ExperimentConfig& config, bool progress) {
  RunRecord record;
  record.config = config;
  Workspace w;
  Load(record);
  BuildAllSamples(record, w);
  Split(record, w);
  LoadPretraining(record, w);
  FitAndPredict(record, w, progress);
  Evaluate(record, w);
  return record;
}

}  // namespace finml::run
