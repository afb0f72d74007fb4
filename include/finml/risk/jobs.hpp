// The risk jobs behind `finml risk garch|var|portfolio|stress` and the sections of a `task: risk`
// experiment file. Each job's settings are declared once (its Schema), so a flag and a YAML key
// are read and checked alike; each job computes a result object, and risk/outputs.hpp writes it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "finml/core/options.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/transforms.hpp"
#include "finml/risk/garch.hpp"
#include "finml/risk/portfolio.hpp"
#include "finml/risk/series.hpp"
#include "finml/risk/stress.hpp"
#include "finml/risk/var.hpp"

namespace finml::risk {

using Weights = std::vector<std::pair<std::string, double>>;

// The series garch and var read: a returns file, or prices turned into returns.
struct SeriesSource {
  std::string path;
  SeriesKind kind = SeriesKind::kReturns;                // what the file holds
  std::string column;                                    // empty: the only value column
  data::ReturnKind returns = data::ReturnKind::kSimple;  // from prices
  ReturnUnits units = ReturnUnits::kAuto;                // of a returns file
  data::LoadOptions load;  // column choices, time settings, missing/order/duplicates policies
  static const options::Schema<SeriesSource>& Schema();
};

struct GarchSettings {
  GarchSpec spec;             // model, dist, stationary
  std::size_t forecast = 10;  // days of variance forecasts
  static const options::Schema<GarchSettings>& Schema();
};

struct VarSettings {
  // "all" in a file or flag means every method; by default the quick empirical one.
  std::vector<std::string> methods = {"historical"};
  std::vector<double> levels = {0.99};
  std::size_t window = 250;
  std::size_t refit_every = 20;
  std::size_t horizon = 1;  // of the VaR for the day after the data (the backtest is 1-day)
  double ewma_lambda = 0.94;
  std::size_t simulations = 10000;
  std::uint64_t seed = 42;
  std::optional<double> position;  // money at risk: VaR and ES shown in money too
  [[nodiscard]] VarOptions Options() const;
  static const options::Schema<VarSettings>& Schema();
};

struct PortfolioSettings {
  std::string prices;
  Weights weights;  // empty: equal weights over every symbol
  CovarianceMethod covariance = CovarianceMethod::kLedoitWolf;
  double ewma_lambda = 0.94;
  double level = 0.99;
  std::size_t horizon = 1;
  double value = 1e6;
  std::size_t window = 250;  // most recent days of returns used; 0: all
  data::ReturnKind returns = data::ReturnKind::kSimple;
  data::LoadOptions load;  // how `prices` is read
  static const options::Schema<PortfolioSettings>& Schema();
};

struct StressSettings {
  std::string prices;
  Weights weights;  // empty: equal weights
  double value = 1e6;
  bool builtin = true;  // replay the built-in crises the data covers
  std::vector<HistoricalScenario> scenarios;
  std::vector<ShockScenario> shocks;
  data::LoadOptions load;  // how `prices` is read
  static const options::Schema<StressSettings>& Schema();
};

[[nodiscard]] ReturnSeries LoadSeries(const SeriesSource& source);

struct GarchResult {
  ReturnSeries series;
  GarchFit fit;
  std::vector<double> forecast;  // variance, 1..h days ahead
};
[[nodiscard]] GarchResult ComputeGarch(const SeriesSource& source, const GarchSettings& settings);

// Rolling VaR backtests of every method and level.
struct VarRun {
  std::string method;
  double level;
  VarSeries series;
  VarBacktest backtest;
};
struct VarNextDay {
  std::string method;
  double level;
  VarEstimate estimate;
};
struct VarResult {
  ReturnSeries series;
  std::vector<VarRun> runs;          // level by level, each with every method
  std::vector<VarNextDay> next_day;  // the VaR after the data, at the settings' horizon
};
[[nodiscard]] std::vector<VarRun> RunVarBacktests(const ReturnSeries& returns,
                                                  const VarSettings& settings);
[[nodiscard]] VarResult ComputeVar(const SeriesSource& source, const VarSettings& settings);

struct PortfolioResult {
  Weights weights;
  CovarianceEstimate covariance;
  PortfolioVarResult var;
  std::string first, last;  // dates of the returns used
  std::string bar = "day";  // the step of the data (BarUnit)
};
[[nodiscard]] PortfolioResult ComputePortfolio(const PortfolioSettings& settings);

struct StressResult {
  Weights weights;
  std::vector<StressOutcome> outcomes;  // the scenarios the data covers
};
[[nodiscard]] StressResult ComputeStress(const StressSettings& settings);

}  // namespace finml::risk

// Scenarios read from a file's mapping ({name, start, end}; {name, returns}) or a flag's text
// (name=START:END; [name:]SYMBOL=RETURN,...).
template <>
struct finml::options::Codec<finml::risk::HistoricalScenario> {
  static finml::risk::HistoricalScenario Read(const ConfigNode& n, const std::string& path,
                                              const FieldRules&);
  static Json Write(const finml::risk::HistoricalScenario& s);
  static std::string Type() { return "name=START:END"; }
};
template <>
struct finml::options::Codec<finml::risk::ShockScenario> {
  static finml::risk::ShockScenario Read(const ConfigNode& n, const std::string& path,
                                         const FieldRules&);
  static Json Write(const finml::risk::ShockScenario& s);
  static std::string Type() { return "[name:]SYMBOL=RETURN,..."; }
};
