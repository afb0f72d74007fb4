// A trained agent as a model directory (format finml-rl/1): model.json records the environment
// it acts in, its hyperparameters, the assets, the state scaling fitted on its training bars and
// the risk-off threshold; agent.pt holds the weights. `finml rl evaluate`, `finml predict` and
// `finml serve` load it and roll the policy through new bars exactly as in training.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/market_data.hpp"
#include "finml/rl/rollout.hpp"

namespace finml::rl {

inline constexpr const char* kAgentFormat = "finml-rl/1";

// Writes `dir` (which must exist) for `policy`; `facts` (dates, validation Sharpe, seed) are
// recorded as they are. `load`: how the training prices were read (LoadOptions as JSON), so
// evaluate and predict read new prices the same way (null: the defaults, gaps kept).
void SaveAgent(const std::string& dir, const Policy& policy, const EnvSettings& env,
               const std::vector<std::string>& symbols, const nlohmann::json& facts,
               const Provenance& provenance, const nlohmann::json& load = nullptr);

class SavedAgent {
 public:
  // Every field of model.json is checked; a bad one is an InvalidInput naming it.
  [[nodiscard]] static SavedAgent Load(const std::string& dir);

  // `market` with the agent's assets only, in training order (a missing one is an error naming
  // it).
  [[nodiscard]] data::MarketData Pick(const data::MarketData& market) const;
  // The state of the bars of `picked` (from Pick) for this agent.
  [[nodiscard]] std::shared_ptr<const MarketInputs> Inputs(const data::MarketData& picked) const;
  // The environment's settings as the agent acts in them.
  [[nodiscard]] EnvSettings ActingEnv() const;
  // The policy decides at every bar from `first` (at least the first with a complete state) to
  // the bar before the last, starting from cash.
  [[nodiscard]] RolloutResult Run(std::shared_ptr<const MarketInputs> inputs,
                                  std::size_t first) const;
  [[nodiscard]] Policy AsPolicy() const { return {agent_.get(), scaler_, threshold_}; }

  [[nodiscard]] const nlohmann::json& Manifest() const { return manifest_; }
  [[nodiscard]] const EnvSettings& Env() const { return env_; }
  [[nodiscard]] const std::vector<std::string>& Symbols() const { return symbols_; }
  [[nodiscard]] const std::string& Directory() const { return dir_; }
  // How the training prices were read: new prices are read the same way.
  [[nodiscard]] const data::LoadOptions& PriceLoading() const { return load_; }

 private:
  std::string dir_;
  nlohmann::json manifest_;
  EnvSettings env_;
  std::vector<std::string> symbols_;
  data::LoadOptions load_;
  std::shared_ptr<Agent> agent_;
  StateScaler scaler_;
  double threshold_ = 0;
};

// Whether <dir>/model.json is an agent's (false when it is another model's, or unreadable: the
// caller's own loader then says why).
[[nodiscard]] bool IsAgentDirectory(const std::string& dir);

// `finml predict` on an agent: date,symbol,weight for every bar the policy decides at, rolled
// from the first bar with a complete state. Returns the rows written.
std::size_t PredictAgentToCsv(const std::string& model_dir, const std::string& input,
                              const std::string& out);

}  // namespace finml::rl
