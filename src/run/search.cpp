#include "finml/run/search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/strings.hpp"
#include "finml/dist/world.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/run/experiment.hpp"
#include "finml/run/runner.hpp"
#include "finml/train/checkpoint.hpp"

namespace finml::run {

const options::Schema<SearchSection>& SearchSection::Schema() {
  static const auto schema = [] {
    using S = SearchSection;
    options::Schema<S> s;
    s.Add("method", &S::method, "grid (every combination), random or halving");
    s.Add("model", &S::model, "the models entry to tune, by name (default: the only one)");
    s.Add("params", &S::params,
          "each parameter: a list of values, or {low, high, log} to draw from (random, halving)")
        .Required();
    s.Add("trials", &S::trials, "random and halving: candidates drawn").Min(1).Max(100000);
    s.Add("eta", &S::eta, "halving: each round keeps the best 1/eta with eta x the epochs")
        .Above(1)
        .Max(100);
    s.Add("min_epochs", &S::min_epochs, "halving: epochs of the first round").Min(1);
    return s;
  }();
  return schema;
}

namespace {

std::string Where(const std::string& name) { return "search.params." + name; }

struct Dimension {
  std::string name;
  std::vector<nlohmann::json> values;  // a list
  double low = 0, high = 0;            // or a range
  bool log = false, integer = false, range = false;
};

std::vector<Dimension> Dimensions(const SearchSection& s, const nlohmann::json& model_params) {
  if (!s.params.is_object() || s.params.empty())
    throw ConfigError("search.params: give at least one parameter, e.g. {hidden: [16, 32]}");
  std::vector<Dimension> dims;
  for (const auto& [name, spec] : s.params.items()) {
    if (!model_params.contains(name)) {
      std::vector<std::string> names;
      for (const auto& [k, v] : model_params.items()) names.push_back(k);
      const std::string near = ClosestMatch(name, names);
      throw ConfigError(fmt::format(
          "{}: model '{}' has no parameter '{}'{} (it has: {})", Where(name), s.model, name,
          !near.empty() && EditDistance(name, near) <= 2 ? fmt::format("; did you mean '{}'?", near)
                                                         : std::string(),
          JoinStrings(names, ", ")));
    }
    Dimension d;
    d.name = name;
    d.integer = model_params[name].is_number_integer();
    if (spec.is_array()) {
      if (spec.empty())
        throw ConfigError(fmt::format("{}: the list of values is empty", Where(name)));
      for (const auto& v : spec) d.values.push_back(v);
    } else if (spec.is_object()) {
      for (const auto& [k, v] : spec.items())
        if (k != "low" && k != "high" && k != "log")
          throw ConfigError(
              fmt::format("{}: unknown key '{}' (a range has low, high, log)", Where(name), k));
      if (!spec.contains("low") || !spec.contains("high") || !spec["low"].is_number() ||
          !spec["high"].is_number())
        throw ConfigError(fmt::format("{}: a range needs numbers low and high", Where(name)));
      d.range = true;
      d.low = spec["low"].get<double>();
      d.high = spec["high"].get<double>();
      d.log = spec.value("log", false);
      if (!(d.low < d.high))
        throw ConfigError(
            fmt::format("{}: low ({}) must be below high ({})", Where(name), d.low, d.high));
      if (d.log && d.low <= 0)
        throw ConfigError(fmt::format("{}: a log range needs low > 0, not {}", Where(name), d.low));
      if (s.method == SearchMethod::kGrid)
        throw ConfigError(
            fmt::format("{}: grid search takes lists of values; a range is for "
                        "method random or halving",
                        Where(name)));
    } else {
      throw ConfigError(
          fmt::format("{}: give a list of values or {{low, high, log}}", Where(name)));
    }
    dims.push_back(std::move(d));
  }
  return dims;
}

std::vector<nlohmann::json> Candidates(const SearchSection& s, const std::vector<Dimension>& dims,
                                       std::uint64_t seed) {
  std::vector<nlohmann::json> out;
  if (s.method == SearchMethod::kGrid) {
    std::size_t total = 1;
    for (const auto& d : dims) total *= d.values.size();
    if (total > 100000)
      throw ConfigError(
          fmt::format("search.params: the grid has {} combinations (at most "
                      "100,000; fix: fewer values, or method random)",
                      total));
    for (std::size_t k = 0; k < total; ++k) {
      nlohmann::json c = nlohmann::json::object();
      std::size_t rest = k;
      // The last parameter varies fastest, as scikit-learn's ParameterGrid does.
      for (std::size_t j = dims.size(); j-- > 0;) {
        c[dims[j].name] = dims[j].values[rest % dims[j].values.size()];
        rest /= dims[j].values.size();
      }
      out.push_back(c);
    }
    return out;
  }
  std::mt19937_64 rng(seed);
  for (std::int64_t t = 0; t < s.trials; ++t) {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& d : dims) {
      if (!d.range) {
        std::uniform_int_distribution<std::size_t> pick(0, d.values.size() - 1);
        c[d.name] = d.values[pick(rng)];
        continue;
      }
      std::uniform_real_distribution<double> u(0, 1);
      const double x =
          d.log ? std::exp(std::log(d.low) + u(rng) * (std::log(d.high) - std::log(d.low)))
                : d.low + u(rng) * (d.high - d.low);
      if (d.integer)
        c[d.name] = static_cast<std::int64_t>(std::llround(x));
      else
        c[d.name] = x;
    }
    out.push_back(c);
  }
  return out;
}

std::string Describe(const nlohmann::json& candidate) {
  std::string text;
  for (const auto& [k, v] : candidate.items())
    text += fmt::format("{}{}={}", text.empty() ? "" : " ", k, v.dump());
  return text;
}

}  // namespace

ExperimentConfig ApplySearch(const ExperimentConfig& config, bool progress,
                             SearchOutcome& outcome) {
  const SearchSection& s = *config.search;
  std::size_t target = config.models.size();
  if (s.model.empty()) {
    if (config.models.size() != 1)
      throw ConfigError(
          fmt::format("search.model: the experiment has {} models; name the one to "
                      "tune",
                      config.models.size()));
    target = 0;
  } else {
    for (std::size_t m = 0; m < config.models.size(); ++m)
      if (config.models[m].name == s.model) target = m;
    if (target == config.models.size())
      throw ConfigError(fmt::format("search.model: no model named '{}' in models", s.model));
  }
  SearchSection section = s;
  section.model = config.models[target].name;
  outcome.model = section.model;
  const ModelEntry& entry = config.models[target];
  const bool halving = s.method == SearchMethod::kHalving;
  std::int64_t max_epochs = 0;
  if (halving) {
    if (!entry.params.contains("epochs"))
      throw ConfigError(
          fmt::format("search.method: halving spends epochs, and model '{}' ({}) "
                      "has none (fix: method random or grid)",
                      entry.name, entry.type));
    max_epochs = entry.params["epochs"].get<std::int64_t>();
    if (s.min_epochs > max_epochs)
      throw ConfigError(fmt::format("search.min_epochs: {} is more than the model's epochs ({})",
                                    s.min_epochs, max_epochs));
  }
  const auto dims = Dimensions(section, entry.params);
  const auto candidates = Candidates(section, dims, config.seed);
  // Every candidate is checked by the model's own declaration before anything trains.
  auto params_of = [&](const nlohmann::json& candidate, std::int64_t epochs) {
    nlohmann::json p = entry.params;
    for (const auto& [k, v] : candidate.items()) p[k] = v;
    if (epochs > 0) p["epochs"] = epochs;
    try {
      return models::ResolveParams(entry.type, ConfigNode::FromJson(p, "search.params"),
                                   "search.params");
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("the search candidate {}: {}", Describe(candidate), e.what()));
    }
  };
  // Every listed value, drawn or not, then every candidate.
  for (const auto& d : dims)
    for (const auto& v : d.values) (void)params_of(nlohmann::json{{d.name, v}}, 0);
  for (const auto& c : candidates) (void)params_of(c, 0);

  // The pipeline of one candidate: the experiment with this model alone, no backtest or
  // portfolio; judged by the validation MSE (the loss every forecaster is trained on).
  auto judge = [&](const nlohmann::json& candidate, std::int64_t epochs) {
    ExperimentConfig trial = config;
    trial.search.reset();
    trial.backtest.reset();
    trial.portfolio.reset();
    trial.models = {entry};
    trial.models[0].params = params_of(candidate, epochs);
    const RunRecord record = RunPipeline(trial, false);
    const double mse = record.models[0].validation.metrics.mse;
    return std::isfinite(mse) ? mse : std::numeric_limits<double>::infinity();
  };

  std::vector<std::size_t> alive(candidates.size());
  std::iota(alive.begin(), alive.end(), 0);
  std::int64_t epochs = halving ? s.min_epochs : 0;
  Progress bar("search", candidates.size(), progress && dist::WritesOutputs());
  std::size_t done = 0;
  for (std::size_t round = 0;; ++round) {
    const auto packed = dist::MapTasks(alive.size(), [&](std::size_t i) {
      // Each candidate and round keeps its own checkpoints: a resumed search restores them.
      const train::CheckpointScope checkpoints(fmt::format("search c{} r{}", alive[i], round + 1));
      const double mse = judge(candidates[alive[i]], epochs);
      return dist::PackDoubles(std::vector<double>{mse});
    });
    std::vector<std::pair<double, std::size_t>> scored;
    for (std::size_t i = 0; i < alive.size(); ++i) {
      const double mse = dist::UnpackDoubles(packed[i])[0];
      scored.push_back({mse, alive[i]});
      SearchTrial t;
      t.candidate = alive[i];
      t.round = round;
      t.params = candidates[alive[i]];
      if (halving) t.params["epochs"] = epochs;
      t.validation_mse = mse;
      outcome.trials.push_back(t);
      bar.Update(++done, fmt::format("round {} {} val mse {:.6g}", round + 1,
                                     Describe(candidates[alive[i]]), mse));
    }
    // Ties go to the earlier candidate, so the choice does not depend on the ranks.
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const bool last = !halving || scored.size() == 1 || epochs >= max_epochs;
    if (last) {
      const std::size_t winner = scored.front().second;
      for (auto& t : outcome.trials) t.best = t.candidate == winner && t.round == round;
      outcome.best_params = candidates[winner];
      if (halving) outcome.best_params["epochs"] = epochs;
      break;
    }
    // Every round drops at least one candidate and adds at least one epoch, whatever eta is.
    const auto keep = std::min(scored.size() - 1,
                               static_cast<std::size_t>(std::max(
                                   1.0, std::ceil(static_cast<double>(scored.size()) / s.eta))));
    alive.clear();
    for (std::size_t k = 0; k < keep; ++k) alive.push_back(scored[k].second);
    epochs = std::min<std::int64_t>(
        max_epochs,
        std::max<std::int64_t>(epochs + 1, std::llround(static_cast<double>(epochs) * s.eta)));
  }
  bar.Finish(
      fmt::format("{} trials, best {}", outcome.trials.size(), Describe(outcome.best_params)));

  ExperimentConfig best = config;
  nlohmann::json p = entry.params;
  for (const auto& [k, v] : outcome.best_params.items()) p[k] = v;
  best.models[target].params = models::ResolveParams(entry.type, ConfigNode::FromJson(p, "search"));
  return best;
}

std::string SearchCsv(const SearchOutcome& outcome) {
  std::vector<std::string> names;
  for (const auto& t : outcome.trials)
    for (const auto& [k, v] : t.params.items())
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  std::string csv = "candidate,round";
  for (const auto& n : names) csv += "," + n;
  csv += ",validation_mse,best\n";
  for (const auto& t : outcome.trials) {
    csv += fmt::format("{},{}", t.candidate, t.round + 1);
    for (const auto& n : names) {
      std::string value = t.params.contains(n) ? t.params[n].dump() : "";
      if (t.params.contains(n) && t.params[n].is_string()) value = t.params[n].get<std::string>();
      csv += "," + value;
    }
    csv += fmt::format(",{:.17g},{}\n", t.validation_mse, t.best ? "true" : "false");
  }
  return csv;
}

nlohmann::json SearchJson(const SearchSection& section, const SearchOutcome& outcome) {
  nlohmann::json j;
  j["method"] = std::string(EnumName(section.method));
  j["model"] = outcome.model;
  j["trials"] = outcome.trials.size();
  j["best_params"] = outcome.best_params;
  for (const auto& t : outcome.trials)
    if (t.best) j["best_validation_mse"] = t.validation_mse;
  j["table"] = "search.csv";
  return j;
}

}  // namespace finml::run
