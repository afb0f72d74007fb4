// The methods on a GARCH(1,1) fitted to the window and filtered forward between refits:
//   garch        GARCH-normal conditional volatility, normal quantile (sqrt-of-time for h > 1);
//   monte_carlo  paths simulated from a GARCH(1,1)-t (h-day paths for h > 1);
//   fhs          filtered historical simulation: the volatility times bootstrapped standardised
//                residuals (h-day paths for h > 1).
// Simulations draw from seed + day, so every day of a rolling backtest has its own draws and a
// rerun repeats them.
#include <cmath>
#include <map>

#include "methods.hpp"

namespace finml::risk::var_methods {
namespace {

class GarchNormal final : public VarEngine {
 public:
  explicit GarchNormal(std::size_t refit_every) : filter_(Innovations::kNormal, refit_every) {}
  void Fit(const std::vector<double>& window, std::size_t) override { filter_.Fit(window); }
  void Update(double r) override { filter_.Update(r); }
  VarEstimate Estimate(double level, std::size_t horizon) override {
    return Scaled(NormalVar(filter_.fit().params[0], std::sqrt(filter_.next_variance()), level),
                  horizon);
  }

 private:
  GarchFilter filter_;
};

// Simulated outcomes, drawn once per day and horizon and shared by every level.
class Simulated final : public VarEngine {
 public:
  using Outcomes = std::vector<double> (*)(const GarchFit&, double, std::size_t, std::size_t,
                                           std::uint64_t);
  Simulated(Innovations innovations, Outcomes outcomes, const VarOptions& o,
            std::size_t refit_every)
      : filter_(innovations, refit_every),
        outcomes_(outcomes),
        simulations_(o.simulations),
        seed_(o.seed) {}
  void Fit(const std::vector<double>& window, std::size_t day) override {
    filter_.Fit(window);
    day_ = day;
    drawn_.clear();
  }
  void Update(double r) override { filter_.Update(r); }
  VarEstimate Estimate(double level, std::size_t horizon) override {
    auto it = drawn_.find(horizon);
    if (it == drawn_.end()) {
      it = drawn_
               .emplace(horizon, outcomes_(filter_.fit(), filter_.next_variance(), horizon,
                                           simulations_, seed_ + day_))
               .first;
    }
    return EmpiricalTail(it->second, level);
  }

 private:
  GarchFilter filter_;
  Outcomes outcomes_;
  std::size_t simulations_;
  std::uint64_t seed_;
  std::size_t day_ = 0;
  std::map<std::size_t, std::vector<double>> drawn_;
};

}  // namespace

std::unique_ptr<VarEngine> MakeGarchNormal(std::size_t refit_every) {
  return std::make_unique<GarchNormal>(refit_every);
}
std::unique_ptr<VarEngine> MakeMonteCarlo(const VarOptions& o, std::size_t refit_every) {
  return std::make_unique<Simulated>(Innovations::kStudentT, &GarchTOutcomes, o, refit_every);
}
std::unique_ptr<VarEngine> MakeFilteredHistorical(const VarOptions& o, std::size_t refit_every) {
  return std::make_unique<Simulated>(Innovations::kNormal, &FilteredOutcomes, o, refit_every);
}

}  // namespace finml::risk::var_methods
