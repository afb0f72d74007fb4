// Is one strategy's Sharpe ratio really above another's on the same bars? A paired stationary
// bootstrap (Politis and Romano 1994) of the two return series keeps their dependence on each
// other and, through blocks, on their own past.
#pragma once

#include <cstdint>
#include <vector>

namespace finml::eval {

struct SharpeDifference {
  double difference = 0;     // annualised Sharpe of a minus that of b
  double p_value = 1;        // two-sided, against no difference
  double low = 0, high = 0;  // the bootstrap's 95% interval of the difference
};

// `a` and `b`: per-bar returns on the same bars. `mean_block`: the blocks' mean length in bars.
[[nodiscard]] SharpeDifference SharpeDifferenceTest(const std::vector<double>& a,
                                                    const std::vector<double>& b,
                                                    double periods_per_year, std::size_t samples,
                                                    double mean_block, std::uint64_t seed);

}  // namespace finml::eval
