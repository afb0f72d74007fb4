// Environments the agents learn in, behind one reset/step interface stepped over N copies at once.
// MarketEnv trades real prices exactly as the backtester does: an action taken at the close of
// bar t becomes target weights filled at bar t+1 by backtest::Book, with its costs, and the
// reward is the log growth of the account (or the differential Sharpe ratio) net of those costs.
// Its state at bar t is built from bars <= t only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "finml/backtest/engine.hpp"
#include "finml/data/market_data.hpp"
#include "finml/rl/settings.hpp"

namespace finml::rl {

// discrete: `size` actions, each given as its index; continuous: `size` real numbers per copy.
struct ActionSpace {
  bool discrete = true;
  std::size_t size = 0;
};

class Environment {
 public:
  virtual ~Environment() = default;
  [[nodiscard]] virtual std::size_t Copies() const = 0;
  [[nodiscard]] virtual std::size_t ObservationSize() const = 0;
  [[nodiscard]] virtual ActionSpace Actions() const = 0;
  // Starts every copy afresh from `seed`: writes Copies() x ObservationSize() observations.
  virtual void Reset(std::uint64_t seed, float* observations) = 0;
  // Advances every copy by one action (a discrete action is its index stored as a float; a
  // continuous one is ActionSpace::size floats). A copy whose episode ends sets its `done` and
  // starts a new episode at once: its observation is then the new episode's first.
  virtual void Step(const float* actions, float* observations, float* rewards,
                    std::uint8_t* dones) = 0;
  // After a Step that ended copy `c`'s episode: whether it ended by a time limit (the market
  // goes on, so learners bootstrap its value) rather than in a terminal state, and the
  // observation it ended in (its row of `observations` already holds the next episode's first).
  [[nodiscard]] virtual bool Truncated(std::size_t c) const { return false; }
  [[nodiscard]] virtual const float* FinalObservation(std::size_t c) const { return nullptr; }
};

// The market part of the state for every bar, computed once from the data: per asset the last
// `window` log returns and the indicator features, then the optional covariance and turbulence.
// Missing prices (an asset not yet listed) give zero returns and zero features.
struct MarketInputs {
  std::string source;
  backtest::PricePanel prices;  // the assets traded (trading: the one symbol)
  std::vector<std::string> state_names;
  std::size_t state_size = 0;
  std::size_t per_asset = 0;       // the first assets x per_asset values: each asset's block
  std::vector<float> state;        // bars x state_size, unscaled
  std::vector<double> turbulence;  // per bar; NaN before a year of history
  // Per bar: the mean simple return of the assets priced on it and the bar before (0 when none),
  // the differential Sharpe reward's prior for its moments.
  std::vector<double> market_return;
  std::size_t first_row = 0;  // the first bar with a complete state
  [[nodiscard]] std::size_t rows() const { return prices.rows(); }
  [[nodiscard]] std::size_t assets() const { return prices.assets(); }
};

[[nodiscard]] MarketInputs PrepareMarket(const data::MarketData& market, const EnvSettings& env,
                                         data::Field price = data::Field::kClose);

// Standardisation of the market state, fitted on the bars an agent learns from only.
struct StateScaler {
  std::vector<float> mean, scale;
  [[nodiscard]] static StateScaler Fit(const MarketInputs& inputs, std::size_t first,
                                       std::size_t last);
};

// The turbulence above which the risk-off rule holds cash: the quantile of the index over the
// training bars [first, last]; infinity when the rule is off or there is no index there.
[[nodiscard]] double TurbulenceThreshold(const MarketInputs& inputs, const EnvSettings& env,
                                         std::size_t first, std::size_t last);

// Size of an action for MarketEnv.
[[nodiscard]] ActionSpace MarketActions(const EnvSettings& env, std::size_t assets,
                                        bool continuous);

class MarketEnv final : public Environment {
 public:
  struct Range {
    std::size_t first = 0;  // the first decision bar
    std::size_t last = 0;   // the last bar (filled, never decided at)
  };
  // `continuous`: actions are real vectors (portfolio always; trading for continuous agents).
  // Training environments start each episode at a random bar of `range` and run
  // settings.episode_length bars (0: to the end); with `from_start` every episode runs the whole
  // range, as evaluation does.
  MarketEnv(std::shared_ptr<const MarketInputs> inputs, const EnvSettings& settings,
            StateScaler scaler, double turbulence_threshold, Range range, std::size_t copies,
            bool continuous, bool from_start);

  [[nodiscard]] std::size_t Copies() const override { return copies_.size(); }
  [[nodiscard]] std::size_t ObservationSize() const override { return observation_size_; }
  [[nodiscard]] ActionSpace Actions() const override { return space_; }
  void Reset(std::uint64_t seed, float* observations) override;
  void Step(const float* actions, float* observations, float* rewards,
            std::uint8_t* dones) override;
  // Every end but ruin is a time limit: an episode is a slice of a market that goes on.
  [[nodiscard]] bool Truncated(std::size_t c) const override { return copies_[c].truncated; }
  [[nodiscard]] const float* FinalObservation(std::size_t c) const override {
    return final_.data() + c * observation_size_;
  }
  // Reads actions as continuous vectors or discrete choices from now on (an ensemble's windows
  // may be traded by agents of both kinds).
  void UseActions(bool continuous);

  // Replaces the state scaling and the risk-off threshold (a re-trained policy takes over) and
  // rewrites every copy's observation with them.
  void Rescale(StateScaler scaler, double turbulence_threshold, float* observations);
  // The bar copy 0 decides at next.
  [[nodiscard]] std::size_t Row() const { return copies_.front().row; }
  // The weights copy 0 would trade on `action` at its current bar, risk-off rule and unlisted
  // assets included, without stepping (the decision at the data's last bar).
  void Decide(const float* action, double* weights) const;
  // The weights an action asks for (before the risk-off rule), as the environment reads it.
  void TargetWeights(const float* action, double current_position, double* weights) const;
  // Copy 0's record since the last Reset: the targets it decided (bars x assets, NaN where it
  // did not decide) and its equity at each bar's close from the first decision on.
  void Record(bool on) { record_ = on; }
  [[nodiscard]] const backtest::Panel& RecordedTargets() const { return targets_; }
  [[nodiscard]] const std::vector<double>& RecordedEquity() const { return equity_; }
  [[nodiscard]] std::size_t RiskOffBars() const { return risk_off_bars_; }

 private:
  struct Copy {
    std::unique_ptr<backtest::Book> book;
    std::size_t row = 0, end = 0;
    double equity = 0;
    double position = 0;  // trading, steps: the position asked for last
    double dsr_a = 0, dsr_b = 0;
    bool truncated = false;
  };
  void StartEpisode(std::size_t c);
  void Observe(std::size_t c, float* out) const;
  // The range's states standardised once per scaler: an observation is then a copy.
  void ScaleStates();

  std::shared_ptr<const MarketInputs> inputs_;
  EnvSettings settings_;
  StateScaler scaler_;
  double threshold_;
  Range range_;
  bool from_start_;
  ActionSpace space_;
  std::size_t observation_size_ = 0;
  std::vector<Copy> copies_;
  std::mt19937_64 rng_;
  std::vector<double> weights_;
  std::vector<float> final_;
  std::vector<float> scaled_;  // (range.last - range.first + 1) x state_size
  bool record_ = false;
  backtest::Panel targets_;
  std::vector<double> equity_;
  std::size_t risk_off_bars_ = 0;
};

}  // namespace finml::rl
