// What `finml inspect` says about the values of a loaded file, beyond whether it parses: the
// price level and volatility of each asset, moves that look like bad ticks, runs of one repeated
// price, bars whose open or close lies outside their own high-low range, and holes in the
// calendar. It reads the whole file at once (a report on the data, not a fit), so it never feeds
// a model: it tells the user what to look at before one is trained.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "finml/data/market_data.hpp"

namespace finml::data {

struct QualitySettings {
  // A bad tick: a move of at least this many robust standard deviations (1.4826 x the median
  // absolute deviation of the asset's log returns)...
  double spike_sigmas = 8.0;
  // ...that the next bar takes back by at least this share (a real jump mostly stays)...
  double spike_reversal = 0.6;
  // ...and that is the asset's own: in a panel, a move that this share of the other assets (and
  // at least 2) make the same way, each by `market_sigmas` of its own spread or more, is the
  // market's (a crash and its rebound).
  double market_share = 0.2;
  double market_sigmas = 3.0;
  // This many equal prices in a row (a feed that stopped, or a filled hole).
  std::size_t stale_bars = 5;
  // A step between dates this many times the usual one.
  double gap_factor = 5.0;
  // How many of each finding are named; the rest are counted.
  std::size_t named = 5;
};

// A price that jumped and came back: rows are of the loaded data.
struct SuspectedBadTick {
  std::size_t row = 0;
  double before = 0, at = 0, after = 0;
  double sigmas = 0;  // of the move into `at`
};

struct StaleRun {
  std::size_t first_row = 0;
  std::size_t bars = 0;
  double value = 0;
};

// The bar whose open or close is outside [low, high].
struct OutsideRange {
  std::size_t row = 0;
  Field field = Field::kClose;
  double value = 0, low = 0, high = 0;
};

struct AssetQuality {
  std::string symbol;
  std::size_t values = 0;   // closes present
  std::size_t missing = 0;  // closes absent (NaN)
  double first = 0, last = 0, min = 0, max = 0;
  // Of the log returns between consecutive present closes.
  std::size_t returns = 0;
  double return_mean = 0, return_sd = 0, robust_sd = 0;
  std::size_t largest_move_row = 0;
  double largest_move = 0;  // a log return, signed
  std::vector<SuspectedBadTick> bad_ticks;
  std::size_t bad_tick_count = 0;
  std::vector<StaleRun> stale_runs;  // the longest first
  std::size_t stale_run_count = 0;
  std::vector<OutsideRange> outside_range;
  std::size_t outside_range_count = 0;
};

struct DateGap {
  std::size_t row = 0;  // the first row after the gap
  double steps = 0;     // its length in usual steps
};

struct QualityReport {
  std::vector<AssetQuality> assets;
  std::int64_t usual_step_seconds = 0;  // 0 without calendar dates
  std::vector<DateGap> gaps;            // the longest first
  std::size_t gap_count = 0;
};

[[nodiscard]] QualityReport AssessQuality(const MarketData& md,
                                          const QualitySettings& settings = {});

}  // namespace finml::data
