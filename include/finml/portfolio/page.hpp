// The report of `finml portfolio optimize` and `frontier`: the answer, the weights and where the
// risk comes from, the efficient frontier with the chosen point and the assets, the correlations.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/portfolio/allocation.hpp"
#include "finml/portfolio/optimize.hpp"
#include "finml/report/html_page.hpp"

namespace finml::portfolio {

struct OptimizePageInputs {
  std::string objective;
  const std::vector<std::string>& assets;
  const Estimates& estimates;
  const ObjectiveOptions& options;
  const Portfolio& chosen;
  const std::vector<Portfolio>& frontier;
  const std::vector<std::string>& warnings;
  nlohmann::json estimates_summary;
  const Allocation* allocation = nullptr;
  double portfolio_value = 0;
  const Provenance& provenance;
  bool frontier_only = false;
  // The maximum Sharpe ratio under the same constraints: the capital market line's slope, drawn
  // only where it is known (the chosen portfolio's own Sharpe is the slope only when the
  // objective was max_sharpe).
  std::optional<double> tangency_sharpe;
};

[[nodiscard]] report::HtmlPage OptimizePage(const OptimizePageInputs& in);

}  // namespace finml::portfolio
