// The strategies behind the registry, one file each, and the helpers they share.
#pragma once

#include <memory>
#include <vector>

#include "finml/backtest/strategy.hpp"
#include "finml/features/indicators.hpp"

namespace finml::backtest {

std::unique_ptr<Strategy> MakeThresholdStrategy();
std::unique_ptr<Strategy> MakeTopKStrategy();
std::unique_ptr<Strategy> MakeTopKDropoutStrategy();
std::unique_ptr<Strategy> MakeLongShortStrategy();
std::unique_ptr<Strategy> MakeWeightsStrategy();
std::unique_ptr<Strategy> MakeSmaCrossStrategy();
std::unique_ptr<Strategy> MakeRsiReversionStrategy();

// The weight of one position: position_weight when set, else the strategy's natural size.
[[nodiscard]] double PositionSize(const StrategyConfig& config, double natural);
// Assets with a score on a row, best first (ties: lower column first, so runs are reproducible).
[[nodiscard]] std::vector<std::size_t> RankedByScore(const double* score, std::size_t n);
// An asset's closes with halts bridged by the last price, so indicators keep their history;
// leading gaps (not listed yet) stay NaN.
[[nodiscard]] features::Series BridgedCloses(const PricePanel& prices, std::size_t asset);

}  // namespace finml::backtest
