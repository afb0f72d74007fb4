#include "finml/run/experiment.hpp"

#include <cctype>
#include <set>

#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/core/yaml_section.hpp"
#include "finml/models/forecaster.hpp"

namespace finml::run {
namespace {

const char* MissingName(data::MissingPolicy p) {
  switch (p) {
    case data::MissingPolicy::kError: return "error";
    case data::MissingPolicy::kForwardFill: return "ffill";
    case data::MissingPolicy::kDrop: return "drop";
    case data::MissingPolicy::kKeep: return "keep";
  }
  return "?";
}

std::vector<std::string> StringList(const YamlSection& section, const std::string& key) {
  if (!section.Has(key)) return {};
  YAML::Node node = section.Get(key);
  if (node.IsScalar()) return {node.as<std::string>()};
  if (!node.IsSequence()) throw section.Fail(node, fmt::format("'{}.{}' must be a list", section.path(), key));
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(section.As<std::string>(item, key));
  return out;
}

template <typename Fn>
auto Convert(const YamlSection& section, const std::string& key, Fn parse) {
  YAML::Node node = section.Get(key);
  try {
    return parse(section.As<std::string>(node, key));
  } catch (const ConfigError& e) {
    throw section.Fail(node, e.what());
  }
}

data::Timestamp ParseDate(const YamlSection& section, const std::string& key) {
  YAML::Node node = section.Get(key);
  auto t = data::ParseTimestamp(section.As<std::string>(node, key));
  if (!t) throw section.Fail(node, fmt::format("'{}.{}' is not an ISO date", section.path(), key));
  return *t;
}

std::vector<ModelEntry> BaselineModels() {
  return {{"random_walk", "random_walk", nlohmann::json::object()},
          {"historical_mean", "historical_mean", nlohmann::json::object()},
          {"ar", "ar", {{"p", 5}}},
          {"ridge", "ridge", nlohmann::json::object()}};
}

}  // namespace

ExperimentConfig QuickstartExperiment() {
  ExperimentConfig c;
  c.models = BaselineModels();
  // The classic LSTM recipe (window 5, two layers of 50, Adam, batch 32, up to 100 epochs) and a
  // small Transformer, next to the baselines they have to beat.
  c.models.push_back({"lstm", "lstm", nlohmann::json::object()});
  c.models.push_back({"transformer", "transformer", nlohmann::json::object()});
  c.title = "finml quickstart: next-day DJIA log return";
  c.backtest = backtest::BacktestConfig{};  // long when the predicted return is > 0, else flat
  return c;
}

ExperimentConfig ParseExperiment(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1,
                                  e.mark.column + 1, e.msg));
  }
  ExperimentConfig c;
  c.source = file;
  YamlSection top(root, file, "experiment",
                  {"task", "name", "seed", "data", "features", "target", "window", "split",
                   "models", "evaluation", "backtest", "report"});
  if (top.Has("task") && top.Value<std::string>("task", "") != "forecast")
    throw top.Fail(top.Get("task"), "this parser reads 'task: forecast' experiments");
  c.name = top.Value<std::string>("name", "experiment");
  c.seed = top.Value<std::uint64_t>("seed", c.seed);

  YamlSection data(top.Get("data"), file, "data",
                   {"path", "shape", "symbol", "symbols", "price", "missing", "order",
                    "duplicates", "resample", "decimal_year"});
  if (!top.Has("data") || !data.Has("path")) {
    throw top.Fail(root, "the experiment needs 'data.path' (the CSV to load)");
  }
  c.data.path = data.Value<std::string>("path", c.data.path);
  if (data.Has("shape") && data.Value<std::string>("shape", "") != "auto")
    c.data.load.shape = Convert(data, "shape", data::ParseShape);
  c.data.load.symbol = data.Value<std::string>("symbol", "");
  c.data.symbols = StringList(data, "symbols");
  c.data.load.decimal_year = data.Value<bool>("decimal_year", false);
  if (data.Has("price")) {
    std::string price = data.Value<std::string>("price", "close");
    if (price == "close") c.data.price = data::Field::kClose;
    else if (price == "adj_close") c.data.price = data::Field::kAdjClose;
    else throw data.Fail(data.Get("price"), "'data.price' must be close or adj_close");
  }
  if (data.Has("missing")) c.data.load.missing = Convert(data, "missing", data::ParseMissingPolicy);
  if (c.data.load.missing == data::MissingPolicy::kKeep) {
    throw data.Fail(data.Get("missing"),
                    "'data.missing: keep' leaves gaps that features and models cannot use; "
                    "choose error, ffill or drop");
  }
  if (data.Has("order")) c.data.load.order = Convert(data, "order", data::ParseOrderPolicy);
  if (data.Has("duplicates"))
    c.data.load.duplicates = Convert(data, "duplicates", data::ParseDuplicatePolicy);
  if (data.Has("resample") && data.Value<std::string>("resample", "none") != "none")
    c.data.resample = Convert(data, "resample", data::ParseFrequency);

  YamlSection features(top.Get("features"), file, "features",
                       {"set", "include", "exclude", "normalizer"});
  c.features.set = features.Value<std::string>("set", c.features.set);
  c.features.include = StringList(features, "include");
  c.features.exclude = StringList(features, "exclude");
  if (features.Has("normalizer"))
    c.features.normalizer = Convert(features, "normalizer", train::ParseNormalizerKind);

  YamlSection target(top.Get("target"), file, "target", {"kind", "horizon"});
  if (target.Has("kind")) c.target.kind = Convert(target, "kind", train::ParseTargetKind);
  int horizon = target.Value<int>("horizon", 1);
  if (horizon < 1) throw target.Fail(target.Get("horizon"), "'target.horizon' must be >= 1");
  c.target.horizon = static_cast<std::size_t>(horizon);

  YamlSection window(top.Get("window"), file, "window", {"lookback"});
  int lookback = window.Value<int>("lookback", 1);
  if (lookback < 1) throw window.Fail(window.Get("lookback"), "'window.lookback' must be >= 1");
  c.lookback = static_cast<std::size_t>(lookback);

  YamlSection split(top.Get("split"), file, "split",
                    {"method", "train", "validation", "validation_start", "test_start", "embargo",
                     "folds", "min_train", "expanding", "fold_validation"});
  std::string method = split.Value<std::string>("method", "chronological");
  if (method == "chronological") {
    c.split.method = SplitMethod::kChronological;
  } else if (method == "walk_forward") {
    c.split.method = SplitMethod::kWalkForward;
  } else {
    throw split.Fail(split.Get("method"),
                     fmt::format("unknown split method '{}' (valid: chronological, walk_forward)",
                                 method));
  }
  c.split.chronological.train_fraction = split.Value<double>("train", 0.7);
  c.split.chronological.validation_fraction = split.Value<double>("validation", 0.15);
  if (split.Has("validation_start"))
    c.split.chronological.validation_start = ParseDate(split, "validation_start");
  if (split.Has("test_start")) c.split.chronological.test_start = ParseDate(split, "test_start");
  int embargo = split.Value<int>("embargo", 0);
  if (embargo < 0) throw split.Fail(split.Get("embargo"), "'split.embargo' must be >= 0");
  c.split.chronological.embargo = c.split.walk_forward.embargo = static_cast<std::size_t>(embargo);
  int folds = split.Value<int>("folds", 5);
  if (folds < 1) throw split.Fail(split.Get("folds"), "'split.folds' must be >= 1");
  c.split.walk_forward.folds = static_cast<std::size_t>(folds);
  int min_train = split.Value<int>("min_train", 250);
  if (min_train < 10) throw split.Fail(split.Get("min_train"), "'split.min_train' must be >= 10");
  c.split.walk_forward.min_train_rows = static_cast<std::size_t>(min_train);
  c.split.walk_forward.expanding = split.Value<bool>("expanding", true);
  c.split.fold_validation_fraction = split.Value<double>("fold_validation", 0.15);
  if (c.split.fold_validation_fraction < 0 || c.split.fold_validation_fraction >= 0.9)
    throw split.Fail(split.Get("fold_validation"), "'split.fold_validation' must be in [0, 0.9)");

  if (top.Has("models")) {
    YAML::Node models = top.Get("models");
    if (!models.IsSequence())
      throw top.Fail(models, "'models' must be a list of {type, name, params}");
    std::set<std::string> names;
    for (std::size_t i = 0; i < models.size(); ++i) {
      std::string path = fmt::format("models[{}]", i);
      YAML::Node node = models[i];
      ModelEntry entry;
      if (node.IsScalar()) {
        entry.type = node.as<std::string>();
      } else {
        YamlSection m(node, file, path, {"type", "name", "params"});
        if (!m.Has("type")) throw m.Fail(node, fmt::format("'{}' needs a 'type'", path));
        entry.type = m.Value<std::string>("type", "");
        entry.name = m.Value<std::string>("name", "");
        if (m.Has("params")) entry.params = YamlToJson(m.Get("params"));
      }
      if (entry.name.empty()) entry.name = entry.type;
      // Names become directories and CSV fields: keep them plain.
      if (!std::all_of(entry.name.begin(), entry.name.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
          }) || entry.name.front() == '.') {
        YamlSection where(YAML::Node(), file, path, {});
        throw where.Fail(node, fmt::format("model name '{}' may use only letters, digits, '_', '-' "
                                           "and '.' (not first)", entry.name));
      }
      try {
        (void)models::MakeForecaster(entry.type, entry.params);  // validates type and params now
      } catch (const Error& e) {
        YamlSection where(YAML::Node(), file, path, {});
        throw where.Fail(node, e.what());
      }
      if (!names.insert(entry.name).second) {
        YamlSection where(YAML::Node(), file, path, {});
        throw where.Fail(node, fmt::format("two models are named '{}'; give one a 'name'",
                                           entry.name));
      }
      c.models.push_back(std::move(entry));
    }
  }
  if (c.models.empty()) c.models = BaselineModels();
  if (std::none_of(c.models.begin(), c.models.end(),
                   [](const ModelEntry& m) { return m.type == "random_walk"; })) {
    // Theil's U and the DM test are defined against the random walk, so it is always reported.
    c.models.insert(c.models.begin(), {"random_walk", "random_walk", nlohmann::json::object()});
  }

  YamlSection evaluation(top.Get("evaluation"), file, "evaluation", {"ic_min_assets"});
  int ic_min_assets = evaluation.Value<int>("ic_min_assets", 3);
  if (ic_min_assets < 2)
    throw evaluation.Fail(evaluation.Get("ic_min_assets"), "'evaluation.ic_min_assets' must be >= 2");
  c.ic_min_assets = static_cast<std::size_t>(ic_min_assets);
  // A bare `backtest:` asks for the defaults.
  if (root.IsMap() && root["backtest"]) {
    YAML::Node node = root["backtest"];
    YamlSection section(node, file, "backtest", backtest::BacktestConfigKeys());
    try {
      c.backtest = backtest::ParseBacktestConfig(
          node.IsNull() ? nlohmann::json::object() : YamlToJson(node), "backtest");
    } catch (const ConfigError& e) {
      throw section.Fail(node, e.what());
    }
  }
  YamlSection report(top.Get("report"), file, "report", {"title"});
  c.title = report.Value<std::string>("title", c.name);
  return c;
}

ExperimentConfig LoadExperiment(const std::string& path) {
  return ParseExperiment(ReadFile(path), path);
}

nlohmann::json ExperimentConfig::ToJson() const {
  nlohmann::json models_json = nlohmann::json::array();
  for (const auto& m : models)
    models_json.push_back({{"name", m.name}, {"type", m.type}, {"params", m.params}});
  nlohmann::json split_json = {{"method", split.method == SplitMethod::kChronological
                                              ? "chronological"
                                              : "walk_forward"},
                               {"embargo", split.chronological.embargo}};
  if (split.method == SplitMethod::kChronological) {
    if (split.chronological.validation_start) {
      split_json["validation_start"] = data::FormatTimestamp(*split.chronological.validation_start);
      split_json["test_start"] = data::FormatTimestamp(*split.chronological.test_start);
    } else {
      split_json["train"] = split.chronological.train_fraction;
      split_json["validation"] = split.chronological.validation_fraction;
    }
  } else {
    split_json["folds"] = split.walk_forward.folds;
    split_json["min_train"] = split.walk_forward.min_train_rows;
    split_json["expanding"] = split.walk_forward.expanding;
    split_json["fold_validation"] = split.fold_validation_fraction;
  }
  return {
      {"name", name},
      {"source", source},
      {"seed", seed},
      {"data",
       {{"path", data.path},
        {"shape", data.load.shape ? data::ShapeName(*data.load.shape) : "auto"},
        {"symbol", data.load.symbol},
        {"symbols", data.symbols},
        {"price", data::FieldName(data.price)},
        {"missing", MissingName(data.load.missing)},
        {"order", data.load.order == data::OrderPolicy::kError ? "error" : "sort"},
        {"duplicates", data.load.duplicates == data::DuplicatePolicy::kError ? "error" : "keep_last"},
        {"decimal_year", data.load.decimal_year},
        {"resample", !data.resample ? "none"
                     : *data.resample == data::Frequency::kWeekly ? "weekly" : "monthly"}}},
      {"features",
       {{"set", features.set},
        {"include", features.include},
        {"exclude", features.exclude},
        {"normalizer", train::NormalizerKindName(features.normalizer)}}},
      {"target", {{"kind", train::TargetKindName(target.kind)}, {"horizon", target.horizon}}},
      {"window", {{"lookback", lookback}}},
      {"split", split_json},
      {"models", models_json},
      {"evaluation", {{"ic_min_assets", ic_min_assets}}},
      {"backtest", backtest ? backtest->ToJson() : nlohmann::json()},
      {"report", {{"title", title}}},
  };
}

}  // namespace finml::run
