// The one table of backtest strategies finml knows. Add a strategy here and in its own file under
// strategies/, nowhere else.
#include "finml/core/names.hpp"
#include "strategies/strategies.hpp"

namespace finml::backtest {
namespace {

struct Entry {
  StrategyInfo info;
  std::unique_ptr<Strategy> (*make)();
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry> kTable = [] {
    std::vector<Entry> t;
    auto add = [&](StrategyInfo info, std::unique_ptr<Strategy> (*make)()) {
      t.push_back(Entry{std::move(info), make});
    };
    add({"threshold", "long when score > long_above, short below short_below if set, else flat",
         true, Rebalance::kOnChange},
        MakeThresholdStrategy);
    add({"topk", "the top_k best scores, equal weight", true, Rebalance::kOnChange},
        MakeTopKStrategy);
    add({"topk_dropout",
         "Qlib's TopkDropoutStrategy: top_k names, at most n_drop replaced per date", true,
         Rebalance::kOnChange},
        MakeTopKDropoutStrategy);
    add({"long_short", "weights from demeaned cross-sectional ranks, dollar neutral", true,
         Rebalance::kOnChange},
        MakeLongShortStrategy);
    add({"weights", "the score is the target weight", true, Rebalance::kAlways},
        MakeWeightsStrategy);
    add({"sma_cross", "rule: long while SMA(fast) > SMA(slow)", false, Rebalance::kOnChange},
        MakeSmaCrossStrategy);
    add({"rsi_reversion", "rule: long below RSI rsi_lower until it recovers past rsi_exit", false,
         Rebalance::kOnChange},
        MakeRsiReversionStrategy);
    return t;
  }();
  return kTable;
}

}  // namespace

const std::vector<StrategyInfo>& Strategies() {
  static const std::vector<StrategyInfo> infos = [] {
    std::vector<StrategyInfo> out;
    for (const auto& e : Table()) out.push_back(e.info);
    return out;
  }();
  return infos;
}

const StrategyInfo& FindStrategy(const std::string& name) {
  return FindEntry(Strategies(), name, "strategy");
}

std::unique_ptr<Strategy> MakeStrategy(const std::string& name) {
  for (const auto& e : Table())
    if (e.info.name == name) return e.make();
  (void)FindStrategy(name);  // throws with the valid names
  return nullptr;
}

bool NeedsSignals(const std::string& name) { return FindStrategy(name).needs_signals; }

}  // namespace finml::backtest
