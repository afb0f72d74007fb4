#include "finml/rl/saved_agent.hpp"

#include <cmath>
#include <filesystem>
#include <limits>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"

namespace finml::rl {
namespace {

nlohmann::json Floats(const std::vector<float>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (float x : v) out.push_back(static_cast<double>(x));
  return out;
}

std::vector<float> ReadFloats(const JsonReader& field, std::size_t size) {
  const std::vector<double> v = field.Numbers(size);
  if (v.size() != size) field.Fail(fmt::format("must hold {} numbers, not {}", size, v.size()));
  return {v.begin(), v.end()};
}

}  // namespace

void SaveAgent(const std::string& dir, const Policy& policy, const EnvSettings& env,
               const std::vector<std::string>& symbols, const nlohmann::json& facts,
               const Provenance& provenance, const nlohmann::json& load) {
  const AgentSpec& spec = policy.agent->Spec();
  policy.agent->Save(dir);
  nlohmann::json manifest = {
      {"format", kAgentFormat},
      {"agent", EnumName(spec.kind)},
      {"agent_settings", AgentSettings::Schema().ToJson(spec.settings)},
      {"env", EnvSettings::Schema().ToJson(env)},
      {"symbols", symbols},
      {"observation_size", spec.observation_size},
      {"actions", {{"discrete", spec.actions.discrete}, {"size", spec.actions.size}}},
      {"action_scale", spec.action_scale},
      {"scaler", {{"mean", Floats(policy.scaler.mean)}, {"scale", Floats(policy.scaler.scale)}}},
      {"turbulence_threshold", std::isfinite(policy.turbulence_threshold)
                                   ? nlohmann::json(policy.turbulence_threshold)
                                   : nlohmann::json(nullptr)},
      {"weights", "agent.pt"},
      {"load", load},
      {"facts", facts},
      {"provenance", provenance.ToJson()}};
  WriteFileAtomic(dir + "/model.json", manifest.dump(2) + "\n");
}

SavedAgent SavedAgent::Load(const std::string& dir) {
  SavedAgent s;
  s.dir_ = dir;
  const std::string path = dir + "/model.json";
  // A run directory of `finml rl train` holds its agent in model/: say so.
  if (!std::filesystem::exists(path) && std::filesystem::exists(dir + "/model/model.json"))
    throw InvalidInput(
        fmt::format("{} is the run's directory; its agent is in {}/model (fix: "
                    "--model {}/model)",
                    dir, dir, dir));
  s.manifest_ = JsonReader::Parse(ReadFile(path, 64 << 20), path);
  const JsonReader m(s.manifest_, path);
  const std::string format = m["format"].String(64);
  if (format != kAgentFormat)
    m["format"].Fail(fmt::format("is '{}', and an agent's is '{}'", format, kAgentFormat));
  const AgentKind kind = ParseEnumAt<AgentKind>(m["agent"]);
  s.load_.missing = data::MissingPolicy::kKeep;
  if (m.Has("load") && !m["load"].raw().is_null())
    s.load_ = data::LoadOptions::Schema().Parse(ConfigNode::FromJson(m["load"].raw(), path), "load",
                                                s.load_);
  s.env_ =
      EnvSettings::Schema().Parse(ConfigNode::FromJson(m["env"].raw(), path), "env", EnvSettings{});
  AgentSpec spec;
  spec.kind = kind;
  spec.settings = AgentDefaults(
      kind, AgentSettings::Schema().Parse(ConfigNode::FromJson(m["agent_settings"].raw(), path),
                                          "agent_settings", AgentSettings{}));
  s.symbols_ = m["symbols"].Strings(5000);
  if (s.symbols_.empty()) m["symbols"].Fail("names no asset");
  if (s.env_.env == EnvKind::kTrading && s.symbols_.size() != 1)
    m["symbols"].Fail(
        fmt::format("names {} assets; a trading agent trades one", s.symbols_.size()));
  spec.observation_size = static_cast<std::size_t>(m["observation_size"].Integer(1, 100000000));
  spec.actions.discrete = m["actions"]["discrete"].Bool();
  spec.actions.size = static_cast<std::size_t>(m["actions"]["size"].Integer(1, 1000000));
  spec.action_scale = m["action_scale"].Number(1e-6, 1e6);
  const bool continuous = ActsContinuously(kind, s.env_.env);
  const ActionSpace expected = MarketActions(s.env_, s.symbols_.size(), continuous);
  if (expected.discrete != spec.actions.discrete || expected.size != spec.actions.size)
    m["actions"].Fail(fmt::format("do not fit a {} agent in a {} environment of {} assets",
                                  EnumName(kind), EnumName(s.env_.env), s.symbols_.size()));
  if (spec.observation_size <= s.symbols_.size() + 1)
    m["observation_size"].Fail("is smaller than the holdings it must include");
  const std::size_t state = spec.observation_size - s.symbols_.size() - 1;
  s.scaler_.mean = ReadFloats(m["scaler"]["mean"], state);
  s.scaler_.scale = ReadFloats(m["scaler"]["scale"], state);
  s.threshold_ = m["turbulence_threshold"].raw().is_null() ? std::numeric_limits<double>::infinity()
                                                           : m["turbulence_threshold"].Number();
  const std::string weights = m["weights"].String(255);
  if (weights != "agent.pt") m["weights"].Fail("must be agent.pt, the file beside model.json");
  s.agent_ = MakeAgent(spec);
  s.agent_->Load(dir);
  return s;
}

EnvSettings SavedAgent::ActingEnv() const {
  EnvSettings env = env_;
  if (env.env == EnvKind::kTrading) env.asset = symbols_.front();
  return env;
}

data::MarketData SavedAgent::Pick(const data::MarketData& market) const {
  data::MarketData picked = market;
  picked.assets.clear();
  const auto available = market.Symbols();
  for (const auto& symbol : symbols_) {
    const auto it = std::find(available.begin(), available.end(), symbol);
    if (it == available.end()) {
      throw InvalidInput(fmt::format(
          "{}: no prices for '{}', one of the {} assets the agent in {} was trained on (nearest: "
          "'{}'; fix: supply every one of {})",
          market.source, symbol, symbols_.size(), dir_, ClosestMatch(symbol, available),
          JoinStrings(symbols_, ", ")));
    }
    picked.assets.push_back(market.assets[static_cast<std::size_t>(it - available.begin())]);
  }
  return picked;
}

std::shared_ptr<const MarketInputs> SavedAgent::Inputs(const data::MarketData& picked) const {
  auto inputs = std::make_shared<const MarketInputs>(PrepareMarket(picked, ActingEnv()));
  const std::size_t observation = inputs->state_size + inputs->assets() + 1;
  if (observation != agent_->Spec().observation_size || inputs->state_size != scaler_.mean.size()) {
    throw InvalidInput(fmt::format(
        "{}: the agent in {} sees {} numbers per bar and these prices give {} (fix: the same "
        "window and features as in training)",
        picked.source, dir_, agent_->Spec().observation_size, observation));
  }
  return inputs;
}

RolloutResult SavedAgent::Run(std::shared_ptr<const MarketInputs> inputs, std::size_t first) const {
  const std::size_t last = inputs->rows() - 1;
  first = std::max(first, inputs->first_row);
  FINML_REQUIRE(first < last,
                "{}: nothing to decide: the agent needs {} bars of history and a bar after the "
                "first decision, and the data has {} bars",
                inputs->source, inputs->first_row, inputs->rows());
  return Rollout(inputs, ActingEnv(), {first, last}, {AsPolicy()}, [](std::size_t) { return 0; });
}

bool IsAgentDirectory(const std::string& dir) {
  try {
    const auto manifest = nlohmann::json::parse(ReadFile(dir + "/model.json", 64 << 20));
    return manifest.is_object() && manifest.value("format", "") == kAgentFormat;
  } catch (const std::exception&) {
    return false;
  }
}

std::size_t PredictAgentToCsv(const std::string& model_dir, const std::string& input,
                              const std::string& out) {
  const SavedAgent agent = SavedAgent::Load(model_dir);
  const data::MarketData market = data::LoadMarketData(input, agent.PriceLoading());
  const auto inputs = agent.Inputs(agent.Pick(market));
  const RolloutResult r = agent.Run(inputs, 0);
  std::string csv = "date,symbol,weight\n";
  std::size_t rows = 0;
  const std::size_t last = inputs->rows() - 1;
  for (std::size_t t = r.first; t <= last; ++t) {
    bool decided = false;
    for (std::size_t i = 0; i < inputs->assets(); ++i) {
      // The decision at the last bar, the one a desk acts on next, has no bar in the data to
      // fill; NaN elsewhere is no instruction (no price that bar).
      const double w = t < last ? r.targets.at(t, i) : r.next_targets[i];
      if (std::isnan(w)) continue;
      csv += fmt::format("{},{},{:.10g}\n", inputs->prices.time_label[t],
                         CsvField(inputs->prices.symbols[i]), w);
      decided = true;
    }
    rows += decided ? 1 : 0;
  }
  WriteFileAtomic(out, csv);
  return rows;
}

}  // namespace finml::rl
