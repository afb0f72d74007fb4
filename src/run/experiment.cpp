#include "finml/run/experiment.hpp"

#include <cctype>
#include <set>

#include "finml/backtest/strategy.hpp"
#include "finml/core/files.hpp"
#include "finml/features/feature_set.hpp"
#include "finml/models/forecaster.hpp"

namespace finml::run {
namespace {

std::string CanonicalDate(const std::string& text) {
  const auto t = data::ParseTimestamp(text);
  if (!t) throw ConfigError(fmt::format("'{}' is not an ISO date (YYYY-MM-DD)", text));
  return data::FormatTimestamp(*t);
}

std::vector<ModelEntry> BaselineModels() {
  auto entry = [](const std::string& type, nlohmann::json params) {
    ModelEntry m;
    m.type = m.name = type;
    m.params = models::ResolveParams(type, ConfigNode::FromJson(params, "params"));
    return m;
  };
  return {entry("random_walk", nlohmann::json::object()),
          entry("historical_mean", nlohmann::json::object()), entry("ar", {{"p", 5}}),
          entry("ridge", nlohmann::json::object())};
}

bool PlainName(const std::string& name) {
  return !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
  });
}

}  // namespace

const options::Schema<DataSection>& DataSection::Schema() {
  static const auto schema = [] {
    using D = DataSection;
    options::Schema<D> s;
    s.Add("path", &D::path, "the CSV to load (beside the experiment file or in the source tree)")
        .Required();
    s.Embed(&D::load, data::LoadOptions::Schema());
    s.Add("price", &D::price, "the price the target and features use: close or adj_close")
        .Hint(
            "a file with one column per asset (or per index) is a panel: pick the column with "
            "data.symbols: [NAME] (--symbols NAME), and leave data.price at close");
    s.Rule(
        "price",
        [](const D& d) {
          return d.price == data::Field::kClose || d.price == data::Field::kAdjClose;
        },
        "must be close or adj_close");
    s.Rule(
        "missing", [](const D& d) { return d.load.missing != data::MissingPolicy::kKeep; },
        "missing: keep leaves gaps that features and models cannot use (fix: error, ffill or "
        "drop)");
    return s;
  }();
  return schema;
}

const options::Schema<FeatureSection>& FeatureSection::Schema() {
  static const auto schema = [] {
    using F = FeatureSection;
    options::Schema<F> s;
    s.Add("set", &F::set, "all, close or stationary (scale-free inputs for models)")
        .Names(options::OneOf(features::FeatureSetNames(), "feature set"));
    s.Add("include", &F::include, "indicators added to the set, e.g. [rsi_7, sma_50]");
    s.Add("exclude", &F::exclude, "columns dropped from the set's output");
    s.Add("normalizer", &F::normalizer,
          "zscore, minmax, robust or none; fitted on training rows only");
    return s;
  }();
  return schema;
}

const options::Schema<WindowSection>& WindowSection::Schema() {
  static const auto schema = [] {
    options::Schema<WindowSection> s;
    s.Add("lookback", &WindowSection::lookback,
          "feature rows per sample (a deep model's own lookback overrides it for that model)")
        .Min(1);
    return s;
  }();
  return schema;
}

const options::Schema<SplitSection>& SplitSection::Schema() {
  static const auto schema = [] {
    using S = SplitSection;
    options::Schema<S> s;
    s.Add("method", &S::method, "chronological or walk_forward");
    s.Add("train", &S::train, "chronological: share of the calendar span for training")
        .Above(0)
        .Below(1);
    s.Add("validation", &S::validation, "chronological: share for validation").Min(0).Below(1);
    s.Add("validation_start", &S::validation_start,
          "chronological: first validation decision date, instead of the shares")
        .Names(CanonicalDate);
    s.Add("test_start", &S::test_start, "chronological: first test decision date")
        .Names(CanonicalDate);
    s.Add("embargo", &S::embargo, "extra rows purged between segments (overlaps always are)");
    s.Add("folds", &S::folds, "walk_forward: test blocks").Min(1);
    s.Add("min_train", &S::min_train, "walk_forward: calendar rows in the first training window")
        .Min(10);
    s.Add("expanding", &S::expanding,
          "walk_forward: expanding training windows (false: rolling ones of min_train rows)");
    s.Add("fold_validation", &S::fold_validation,
          "walk_forward: share of each fold's training rows held out for validation")
        .Min(0)
        .Below(0.9);
    s.Rule(
        "train", [](const S& x) { return x.train + x.validation < 1; },
        "train + validation must leave a share for the test");
    s.Rule(
        "test_start",
        [](const S& x) { return x.validation_start.has_value() == x.test_start.has_value(); },
        "give both validation_start and test_start, or neither");
    s.Rule(
        "test_start",
        [](const S& x) { return !x.test_start || *x.validation_start < *x.test_start; },
        "test_start must come after validation_start");
    return s;
  }();
  return schema;
}

train::SplitSpec SplitSection::Chronological() const {
  train::SplitSpec spec;
  spec.train_fraction = train;
  spec.validation_fraction = validation;
  if (validation_start) spec.validation_start = data::ParseTimestamp(*validation_start);
  if (test_start) spec.test_start = data::ParseTimestamp(*test_start);
  spec.embargo = embargo;
  return spec;
}

train::WalkForwardSpec SplitSection::WalkForward() const {
  train::WalkForwardSpec spec;
  spec.folds = folds;
  spec.min_train_rows = min_train;
  spec.embargo = embargo;
  spec.expanding = expanding;
  return spec;
}

const options::Schema<ModelEntry>& ModelEntry::Schema() {
  static const auto schema = [] {
    using M = ModelEntry;
    options::Schema<M> s;
    s.Add("type", &M::type, "the model, e.g. ar, ridge, lstm, transformer")
        .Required()
        .Names(models::CanonicalForecasterType);
    s.Add("name", &M::name, "unique label and directory name (default: the type)");
    s.Add("params", &M::params, "the model's parameters; every default is filled in");
    s.ScalarKey("type");
    s.UnknownKeyHint("a model's own settings go under params:, e.g. params: {hidden: 16}");
    s.Finish([](M& m, const ConfigNode& given, const std::string& path) {
      if (m.name.empty()) m.name = m.type;
      // Names become directories and CSV fields: keep them plain.
      if (!PlainName(m.name)) {
        throw(given.Has("name") ? *given.Find("name") : given)
            .Fail(fmt::format("model name '{}' may use only letters, digits, '_', '-' and '.' "
                              "(not first)",
                              m.name));
      }
      const ConfigNode* params = given.Find("params");
      m.params = models::ResolveParams(m.type, params ? *params : ConfigNode::Null(given.where()),
                                       options::JoinPath(path, "params"));
    });
    return s;
  }();
  return schema;
}

const options::Schema<EvaluationSection>& EvaluationSection::Schema() {
  static const auto schema = [] {
    options::Schema<EvaluationSection> s;
    s.Add("ic_min_assets", &EvaluationSection::ic_min_assets,
          "panels: assets a date needs for its information coefficient")
        .Min(2);
    return s;
  }();
  return schema;
}

const options::Schema<ReportSection>& ReportSection::Schema() {
  static const auto schema = [] {
    options::Schema<ReportSection> s;
    s.Add("title", &ReportSection::title, "the report's title (default: the experiment's name)");
    return s;
  }();
  return schema;
}

const options::Schema<ExperimentConfig>& ExperimentConfig::Schema() {
  static const auto schema = [] {
    using X = ExperimentConfig;
    options::Schema<X> s;
    s.Add("task", &X::task, "forecast (this file), risk or credit")
        .Names(options::OneOf({"forecast"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Add("seed", &X::seed, "seed of every random choice; recorded in run.json");
    s.Add("parallel", &X::parallel,
          "under finml launch: tasks (folds and models across ranks), data (each torch model "
          "data-parallel) or auto (tasks when the folds before the last give every rank but 0 a "
          "fit)")
        .Names(options::OneOf({"auto", "tasks", "data"}, "parallel mode"));
    s.Add("data", &X::data, "the data: {path: CSV, ...}; data.path is required").Required();
    s.Add("features", &X::features, "the model inputs");
    s.Add("target", &X::target, "what is predicted");
    s.Add("window", &X::window, "rows per sample");
    s.Add("split", &X::split, "train, validation and test");
    s.Add("models", &X::models, "the models, each {type, name, params}");
    s.Add("evaluation", &X::evaluation, "metric settings");
    s.Add("backtest", &X::backtest, "trade each model's test predictions (absent: no backtest)");
    s.Add("portfolio", &X::portfolio,
          "optimise a portfolio from each model's test predictions (absent: none)");
    s.Add("search", &X::search,
          "tune one model's parameters on validation first: {method: grid|random|halving, "
          "model, params: {name: [values] or {low, high, log}}, trials, eta, min_epochs}");
    s.Add("report", &X::report, "the report");
    s.Rule(
        "portfolio",
        [](const X& x) {
          return !x.portfolio || (x.portfolio->prices.empty() && x.portfolio->returns.empty());
        },
        "the experiment's data are the portfolio's prices: drop portfolio.prices and "
        "portfolio.returns");
    s.Rule(
        "portfolio",
        [](const X& x) {
          using portfolio::Objective;
          const auto o = x.portfolio ? x.portfolio->objective : Objective::kMaxSharpe;
          return o == Objective::kMaxSharpe || o == Objective::kEfficientReturn ||
                 o == Objective::kEfficientRisk || o == Objective::kQuadraticUtility;
        },
        "the models' forecasts are expected returns: choose an objective that uses them "
        "(max_sharpe, efficient_return, efficient_risk or quadratic_utility); the others would "
        "trade the same with or without forecasts (finml portfolio backtest compares them)");
    s.Rule(
        "portfolio",
        [](const X& x) { return !x.portfolio || x.target.kind != train::TargetKind::kDirection; },
        "a direction target predicts no return to optimise on (fix: target kind log_return, "
        "simple_return or close)");
    s.Rule(
        "backtest",
        [](const X& x) { return !x.backtest || backtest::NeedsSignals(x.backtest->strategy.name); },
        "an experiment trades its models' predictions: pick a signal strategy (threshold, topk, "
        "topk_dropout, long_short, weights); sma_cross and rsi_reversion trade on prices "
        "alone (finml backtest)");
    s.Finish([](X& x, const ConfigNode& given, const std::string&) {
      if (x.models.empty()) x.models = BaselineModels();
      std::set<std::string> names;
      for (std::size_t i = 0; i < x.models.size(); ++i) {
        if (names.insert(x.models[i].name).second) continue;
        const ConfigNode* list = given.Find("models");
        throw(list && i < list->items().size() ? list->items()[i] : given)
            .Fail(fmt::format("two models are named '{}'; give one a 'name'", x.models[i].name));
      }
      if (std::none_of(x.models.begin(), x.models.end(),
                       [](const ModelEntry& m) { return m.type == "random_walk"; })) {
        // Theil's U and the DM test are defined against the random walk: always reported.
        x.models.insert(x.models.begin(), BaselineModels().front());
      }
      if (x.report.title.empty()) x.report.title = x.name;
    });
    return s;
  }();
  return schema;
}

options::Json ExperimentConfig::ToJson() const { return Schema().ToJson(*this); }

ExperimentConfig QuickstartExperiment() {
  ExperimentConfig c;
  c.models = BaselineModels();
  // The classic LSTM recipe (window 5, two layers of 50, Adam, batch 32, up to 100 epochs) and a
  // small Transformer, next to the baselines they have to beat.
  for (const char* type : {"lstm", "transformer"}) {
    ModelEntry m;
    m.type = m.name = type;
    m.params = models::ResolveParams(type, ConfigNode::Map("quickstart"));
    c.models.push_back(std::move(m));
  }
  c.report.title = "finml quickstart: next-day DJIA log return";
  c.backtest = backtest::BacktestConfig{};  // long when the predicted return is > 0, else flat
  c.backtest->execution.rebalance = c.backtest->EffectiveRebalance();
  return c;
}

ExperimentConfig ParseExperiment(const ConfigNode& root, const std::string& source) {
  ExperimentConfig defaults;
  defaults.name = "experiment";
  ExperimentConfig c = ExperimentConfig::Schema().Parse(root, "", defaults);
  c.source = source;
  return c;
}

ExperimentConfig ParseExperiment(const std::string& yaml_text, const std::string& file) {
  return ParseExperiment(ConfigNode::FromYaml(yaml_text, file), file);
}

ExperimentConfig LoadExperiment(const std::string& path) {
  return ParseExperiment(ReadFile(path, kMaxConfigBytes), path);
}

}  // namespace finml::run
