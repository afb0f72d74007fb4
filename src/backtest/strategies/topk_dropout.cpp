// topk_dropout: Qlib's TopkDropoutStrategy (method_sell="bottom", method_buy="top"): rank the
// holdings and the best non-held names together, sell the holdings among the n_drop worst, and
// buy enough of the best non-held names to get back to k. A holding without a score ranks last.
#include <algorithm>
#include <cmath>
#include <limits>

#include "strategies.hpp"

namespace finml::backtest {
namespace {

class TopKDropoutStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig& s, const PricePanel&, const Panel* scores_in,
            TargetPlan& plan) const override {
    const Panel& scores = *scores_in;
    const double size = PositionSize(s, 1.0 / static_cast<double>(s.top_k));
    std::vector<char> held(scores.cols, 0);
    for (std::size_t t = 0; t < scores.rows; ++t) {
      const double* score = scores.row(t);
      const auto ranked = RankedByScore(score, scores.cols);
      if (ranked.empty()) continue;
      auto key = [&](std::size_t i) {
        return std::isnan(score[i]) ? -std::numeric_limits<double>::infinity() : score[i];
      };
      std::vector<std::size_t> last;
      for (std::size_t i = 0; i < scores.cols; ++i)
        if (held[i]) last.push_back(i);
      std::stable_sort(last.begin(), last.end(),
                       [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
      std::vector<std::size_t> today;
      const std::size_t want =
          s.n_drop + s.top_k > last.size() ? s.n_drop + s.top_k - last.size() : 0;
      for (std::size_t i : ranked) {
        if (today.size() >= want) break;
        if (!held[i]) today.push_back(i);
      }
      std::vector<std::size_t> comb = last;
      comb.insert(comb.end(), today.begin(), today.end());
      std::stable_sort(comb.begin(), comb.end(),
                       [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
      std::vector<char> bottom(scores.cols, 0);
      for (std::size_t j = comb.size() > s.n_drop ? comb.size() - s.n_drop : 0; j < comb.size();
           ++j)
        bottom[comb[j]] = 1;
      std::size_t sold = 0;
      for (std::size_t i : last) {
        if (!bottom[i]) continue;
        held[i] = 0;
        ++sold;
      }
      const std::size_t buy_count =
          std::min(today.size(), sold + s.top_k - std::min(s.top_k, last.size()));
      for (std::size_t j = 0; j < buy_count; ++j) held[today[j]] = 1;
      for (std::size_t i = 0; i < scores.cols; ++i) plan.weight.at(t, i) = held[i] ? size : 0.0;
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeTopKDropoutStrategy() {
  return std::make_unique<TopKDropoutStrategy>();
}

}  // namespace finml::backtest
