// The risk jobs behind `finml risk garch|var|portfolio|stress` and the `task: risk` experiment
// file: each reads its data, computes, and writes its files atomically into an output directory.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "finml/risk/garch.hpp"
#include "finml/risk/portfolio.hpp"
#include "finml/risk/series.hpp"
#include "finml/risk/stress.hpp"
#include "finml/risk/var.hpp"

namespace finml::risk {

struct SeriesSource {
  std::string path;
  std::string column;  // empty: the only value column
  SeriesKind kind = SeriesKind::kReturns;
  bool log_returns = false;  // from prices
  [[nodiscard]] nlohmann::json ToJson() const;
};

struct GarchJob {
  SeriesSource data;
  GarchSpec spec;
  std::size_t forecast = 10;  // days of variance forecasts
};

struct VarJob {
  SeriesSource data;
  std::vector<std::string> methods = VarMethodNames();
  std::vector<double> levels = {0.99};
  std::size_t window = 250;
  std::size_t refit_every = 20;
  std::size_t horizon = 1;  // of the VaR for the day after the data (the backtest is 1-day)
  VarOptions options;
};

using Weights = std::vector<std::pair<std::string, double>>;
// "AA=0.5,MSFT=0.5"
[[nodiscard]] Weights ParseWeights(const std::string& text);

struct PortfolioJob {
  std::string prices;
  Weights weights;  // empty: equal weights over every symbol
  CovarianceMethod covariance = CovarianceMethod::kLedoitWolf;
  double lambda = 0.94;
  double level = 0.99;
  std::size_t horizon = 1;
  double value = 1e6;
  std::size_t window = 500;  // most recent days of returns used; 0: all
  bool log_returns = false;
};

struct StressJob {
  std::string prices;
  Weights weights;  // empty: equal weights
  double value = 1e6;
  bool builtin = true;  // replay the built-in crises the data covers
  std::vector<HistoricalScenario> scenarios;
  std::vector<ShockScenario> shocks;
};

// Each returns a one-line summary per result for the terminal.
std::vector<std::string> RunGarchJob(const GarchJob& job, const std::string& out_dir,
                                     const std::string& command_line);
std::vector<std::string> RunVarJob(const VarJob& job, const std::string& out_dir,
                                   const std::string& command_line);
std::vector<std::string> RunPortfolioJob(const PortfolioJob& job, const std::string& out_dir,
                                         const std::string& command_line);
std::vector<std::string> RunStressJob(const StressJob& job, const std::string& out_dir,
                                      const std::string& command_line);

// Rolling VaR backtests of every method and level, the part of RunVarJob tests look at.
struct VarRun {
  std::string method;
  double level;
  VarSeries series;
  VarBacktest backtest;
};
[[nodiscard]] std::vector<VarRun> RunVarBacktests(const ReturnSeries& returns, const VarJob& job);

}  // namespace finml::risk
