// Value at risk and expected shortfall of a return series, and their rolling out-of-sample
// backtest. VaR and ES are reported as positive losses in return units: VaR_a is minus the
// (1 - a) quantile of the next return, ES_a minus the mean return beyond it.
//
// Horizon h > 1: the 1-day figure times sqrt(h) for historical, normal, student_t,
// cornish_fisher, ewma and garch (square-root-of-time scaling, exact only for iid zero-mean
// returns); monte_carlo and fhs simulate h-day paths through the fitted GARCH recursion instead.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/risk/garch.hpp"

namespace finml::risk {

struct VarOptions {
  double level = 0.99;
  std::size_t horizon = 1;
  double ewma_lambda = 0.94;
  std::size_t simulations = 10000;  // monte_carlo and fhs draws
  std::uint64_t seed = 42;
};

struct VarEstimate {
  double var = 0, es = 0;
};

// A VaR method as an engine, QuantLib style: it learns from a window of past returns, follows
// each return once it is known, and estimates VaR and ES at any level. Engines are made by name
// from one table (risk/var_registry.cpp): adding a method is its own file under
// src/risk/var_methods/ plus one row there.
class VarEngine {
 public:
  virtual ~VarEngine() = default;
  // At the close before the day `day` (an index into the returns; 0 for a one-off estimate), with
  // the trailing window. Engines decide what a new window changes (a refit every refit_every
  // calls, or nothing for a recursion that runs on Update).
  virtual void Fit(const std::vector<double>& window, std::size_t day) = 0;
  // Then the day's return becomes known.
  virtual void Update(double r) {}
  // VaR and ES of the sum of the next `horizon` returns.
  [[nodiscard]] virtual VarEstimate Estimate(double level, std::size_t horizon) = 0;
};

struct VarMethodInfo {
  std::string name;
  std::string summary;
  std::size_t min_window;  // fewest returns a window must hold
};
[[nodiscard]] const std::vector<VarMethodInfo>& VarMethods();
[[nodiscard]] std::vector<std::string> VarMethodNames();
// The entry of `name`; an unknown name is a ConfigError listing the valid ones.
[[nodiscard]] const VarMethodInfo& FindVarMethod(const std::string& name);
// `refit_every`: days between refits of the GARCH-based engines in a rolling backtest.
[[nodiscard]] std::unique_ptr<VarEngine> MakeVarEngine(const std::string& method,
                                                       const VarOptions& options,
                                                       std::size_t refit_every = 1);

// Empirical quantile, R's default (type 7).
[[nodiscard]] double Quantile(std::vector<double> values, double p);

// Static estimates from one window of returns (the GARCH-based methods fit the window).
[[nodiscard]] VarEstimate EstimateVar(const std::string& method, const std::vector<double>& window,
                                      const VarOptions& options);
// Parametric pieces, exposed for tests against R's cvar: location mu, scale s.
[[nodiscard]] VarEstimate NormalVar(double mu, double sigma, double level);
[[nodiscard]] VarEstimate StudentTVar(double mu, double scale, double nu, double level);
[[nodiscard]] VarEstimate CornishFisherVar(double mu, double sigma, double skew,
                                           double excess_kurtosis, double level);

struct StudentTFit {
  double mu = 0, scale = 1, nu = 8;
};
// `start`: a previous fit to start from (rolling windows).
[[nodiscard]] StudentTFit FitStudentT(const std::vector<double>& x,
                                      const StudentTFit* start = nullptr);

// Rolling out-of-sample series: the forecast for day t uses returns before t only (the last
// `window` of them; EWMA runs its recursion over all earlier days). GARCH-based methods refit
// every `refit_every` days and filter the variance forward in between.
struct VarSeries {
  std::string method = "historical";
  VarOptions options;
  std::size_t window = 250;
  std::vector<std::size_t> row;  // index into the returns of the day each forecast is for
  std::vector<double> var, es, realized;
  std::vector<char> exception;  // realized < -var
};
[[nodiscard]] VarSeries RollingVar(const std::vector<double>& returns, const std::string& method,
                                   const VarOptions& options, std::size_t window,
                                   std::size_t refit_every = 20);
// The same for several levels at once, sharing each day's fit (options.level is ignored).
[[nodiscard]] std::vector<VarSeries> RollingVar(const std::vector<double>& returns,
                                                const std::string& method,
                                                const VarOptions& options,
                                                const std::vector<double>& levels,
                                                std::size_t window, std::size_t refit_every);

struct LikelihoodRatio {
  double statistic = 0, p_value = 1;
};

struct VarBacktest {
  std::size_t n = 0, exceptions = 0;
  double expected = 0;  // n * (1 - level)
  double rate = 0;      // exceptions / n
  LikelihoodRatio kupiec, independence, conditional_coverage;
  std::string zone;             // Basel traffic light: green, yellow, red
  double zone_probability = 0;  // P(X <= exceptions) under correct coverage
  double mean_var = 0, mean_es = 0;
  // Mean realised loss on exception days over the mean ES forecast there (1 = ES right).
  std::optional<double> es_ratio;
};

// Kupiec's proportion of failures (chi2(1)), Christoffersen's independence (chi2(1)) and
// conditional coverage (their sum, chi2(2)); the Basel zone from the binomial probability of at
// most this many exceptions: green below 95%, yellow below 99.99%, red above (the thresholds of
// the Basel 1996 table for 99% VaR over 250 days, applied to any level and length).
[[nodiscard]] VarBacktest BacktestVar(const VarSeries& series);
[[nodiscard]] VarBacktest BacktestExceptions(const std::vector<char>& exceptions, double level);

[[nodiscard]] nlohmann::json VarBacktestJson(const VarBacktest& b);

}  // namespace finml::risk
