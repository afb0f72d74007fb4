// The execution engine: target weights decided at the close of bar t become orders filled at bar
// t+1 (open or close), with commission, minimum fee and slippage paid in cash; positions are
// held in shares and marked to market at every close. Nothing at bar t+1 or later can change a
// decision of bar t, and a decision of bar t cannot reach a price before bar t+1.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "finml/backtest/config.hpp"
#include "finml/data/market_data.hpp"

namespace finml::backtest {

// Time-major matrix: row t holds every asset at bar t, so one bar's work reads contiguous memory.
struct Panel {
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;

  Panel() = default;
  Panel(std::size_t r, std::size_t c, double fill = std::nan(""))
      : rows(r), cols(c), values(r * c, fill) {}
  [[nodiscard]] double& at(std::size_t t, std::size_t i) { return values[t * cols + i]; }
  [[nodiscard]] double at(std::size_t t, std::size_t i) const { return values[t * cols + i]; }
  [[nodiscard]] const double* row(std::size_t t) const { return values.data() + t * cols; }
};

// Prices on one calendar; NaN where an asset has no price (not listed yet, halted, delisted).
struct PricePanel {
  std::string source;
  std::vector<std::string> symbols;
  std::vector<data::Timestamp> time;
  std::vector<std::string> time_label;
  bool calendar = true;
  Panel close;
  Panel open;  // empty (0 x 0) when the data has no opening prices

  [[nodiscard]] std::size_t rows() const { return close.rows; }
  [[nodiscard]] std::size_t assets() const { return close.cols; }
};

// `field` is the closing price to trade and mark at (close or adj_close). With adj_close the
// opens are adjusted by the same factor so an open fill and a close mark stay comparable.
[[nodiscard]] PricePanel MakePricePanel(const data::MarketData& market,
                                        data::Field field = data::Field::kClose);

struct Trade {
  std::size_t row = 0, asset = 0;  // the bar the order filled at
  double quantity = 0;             // shares, negative for a sale
  double price = 0;                // fill price, slippage included
  double value = 0;                // |quantity| * price
  double fee = 0;                  // commission (at least the minimum fee)
  double slippage = 0;             // cost of the slippage against the quoted price
};

struct EngineResult {
  std::size_t first_row = 0;  // the first decision's bar; series below start there
  // Per bar from first_row: equity and cash at the close, exposures as fractions of equity,
  // turnover as traded value over the equity at the fill, costs in currency.
  std::vector<double> equity, cash, gross_exposure, net_exposure, turnover, fees, slippage;
  // Each asset's position value over equity at the close (bars x assets, like the series above);
  // empty when bars x assets exceeds kMaxHoldingsCells, where the tearsheet shows exposure only.
  Panel holdings;
  static constexpr std::size_t kMaxHoldingsCells = 4'000'000;
  std::vector<Trade> trades;
  std::size_t orders = 0;
  std::size_t halted_orders = 0;  // orders not filled: no price at the fill bar
  std::vector<std::size_t> halted_by_asset;
  std::size_t small_orders_skipped = 0;  // below min_trade_value
};

// One account through time, bar by bar: what Simulate runs for a whole panel, and what an
// environment that decides one bar at a time (rl/environment.hpp) runs, so both fill, charge and
// mark identically.
class Book {
 public:
  struct Bar {
    double equity = 0, cash = 0, gross_exposure = 0, net_exposure = 0;
    double turnover = 0, fees = 0, slippage = 0;
  };
  // Starts with the initial capital in cash. `prices` must outlive the book.
  Book(const PricePanel& prices, const ExecutionConfig& execution, Rebalance rebalance);
  // Fills `target` (weights decided at the close of bar t-1; nullptr or all NaN: no orders) at
  // bar t, then marks every position at bar t's close. `trades` (optional) receives the fills;
  // `holdings` (optional, one per asset) each position's value over equity.
  Bar Advance(std::size_t t, const double* target, std::vector<Trade>* trades = nullptr,
              double* holdings = nullptr);
  // Cash plus positions at their last marks.
  [[nodiscard]] double Equity() const;
  [[nodiscard]] const std::vector<double>& Shares() const { return shares_; }
  [[nodiscard]] const std::vector<double>& Marks() const { return mark_; }
  [[nodiscard]] std::size_t Orders() const { return orders_; }
  [[nodiscard]] std::size_t HaltedOrders() const { return halted_orders_; }
  [[nodiscard]] const std::vector<std::size_t>& HaltedByAsset() const { return halted_by_asset_; }
  [[nodiscard]] std::size_t SmallOrdersSkipped() const { return small_orders_skipped_; }

 private:
  const PricePanel* prices_;
  ExecutionConfig execution_;
  Rebalance rebalance_;
  bool at_open_;
  double cash_;
  std::vector<double> shares_, mark_, last_target_;
  std::vector<std::size_t> halted_by_asset_;
  std::size_t orders_ = 0, halted_orders_ = 0, small_orders_skipped_ = 0;
};

// `targets` (rows x assets): the weight wanted after the close of each bar, NaN for "no
// instruction" (keep the position). Returns an error if nothing is ever decided.
[[nodiscard]] EngineResult Simulate(const PricePanel& prices, const Panel& targets,
                                    const ExecutionConfig& execution, Rebalance rebalance,
                                    bool record_trades = true);

// Buy-and-hold from the first fill bar after `first_row`, at the same fill price and without
// costs: equal value in every asset listed in `assets` that has a price then.
[[nodiscard]] std::vector<double> BuyAndHold(const PricePanel& prices, std::size_t first_row,
                                             FillPrice fill, const std::vector<std::size_t>& assets,
                                             double capital);

}  // namespace finml::backtest
