#include <algorithm>
#include <cmath>
#include <limits>

#include "strategies.hpp"

namespace finml::backtest {

double PositionSize(const StrategyConfig& config, double natural) {
  return config.position_weight > 0 ? config.position_weight : natural;
}

std::vector<std::size_t> RankedByScore(const double* score, std::size_t n) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(score[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  return order;
}

features::Series BridgedCloses(const PricePanel& prices, std::size_t asset) {
  features::Series x(prices.rows());
  double last = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t t = 0; t < x.size(); ++t) {
    const double c = prices.close.at(t, asset);
    if (!std::isnan(c)) last = c;
    x[t] = last;
  }
  return x;
}

}  // namespace finml::backtest
