// Hyperparameter search over one model of a forecast experiment: grid, random, or successive
// halving on the validation loss, as scikit-learn's GridSearchCV / RandomizedSearchCV /
// HalvingRandomSearchCV and Qlib users expect. Candidates are judged on the validation segments
// only (the test stays unseen until the best is chosen), each by the experiment's own pipeline
// with that model alone; the best parameters then replace the model's in the full run, whose
// outputs gain search.csv. Under finml launch the candidates of each round are split across the
// ranks, with the serial result.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"

namespace finml::run {

struct ExperimentConfig;

enum class SearchMethod { kGrid, kRandom, kHalving };

struct SearchSection {
  SearchMethod method = SearchMethod::kGrid;
  std::string model;  // the models entry searched, by name (default: the only one)
  // Parameter -> a list of values, or {low, high, log}: a range drawn from (random, halving).
  nlohmann::json params = nlohmann::json::object();
  std::int64_t trials = 10;     // random and halving: candidates drawn
  double eta = 3;               // halving: a round keeps the best 1/eta, with eta x the epochs
  std::int64_t min_epochs = 2;  // halving: the first round's epochs
  static const options::Schema<SearchSection>& Schema();
};

// One candidate judged in one round.
struct SearchTrial {
  std::size_t candidate = 0;
  std::size_t round = 0;
  nlohmann::json params;  // the searched parameters only
  double validation_mse = 0;
  bool best = false;
};

struct SearchOutcome {
  std::string model;  // the entry tuned
  std::vector<SearchTrial> trials;
  nlohmann::json best_params;  // the searched parameters of the winner
};

// Runs the search and returns the experiment with the winner's parameters in place. ConfigError
// naming search.<key> for a parameter the model lacks, a bad range or a candidate the model
// refuses, before anything trains.
[[nodiscard]] ExperimentConfig ApplySearch(const ExperimentConfig& config, bool progress,
                                           SearchOutcome& outcome);

[[nodiscard]] std::string SearchCsv(const SearchOutcome& outcome);
[[nodiscard]] nlohmann::json SearchJson(const SearchSection& section, const SearchOutcome& outcome);

}  // namespace finml::run

template <>
struct finml::EnumNames<finml::run::SearchMethod> {
  static constexpr std::string_view what = "search method";
  static constexpr finml::NamedValue<finml::run::SearchMethod> values[] = {
      {finml::run::SearchMethod::kGrid, "grid"},
      {finml::run::SearchMethod::kRandom, "random"},
      {finml::run::SearchMethod::kHalving, "halving"}};
};
