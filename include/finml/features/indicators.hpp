// Technical indicators over price series. Conventions follow R's TTR package (the reference the
// tests compare against to 1e-8): every output has the input's length, element t uses only
// inputs at or before t, and positions without enough history are NaN. EMAs are seeded with the
// simple mean of their first n valid inputs; Wilder smoothing uses ratio 1/n instead of 2/(n+1).
#pragma once

#include <cstddef>
#include <vector>

namespace finml::features {

using Series = std::vector<double>;

[[nodiscard]] Series Sma(const Series& x, std::size_t n);
[[nodiscard]] Series Ema(const Series& x, std::size_t n, bool wilder = false);
[[nodiscard]] Series Wma(const Series& x, std::size_t n);
// Sample (n-1) or population (n) standard deviation over a trailing window.
[[nodiscard]] Series RollingStd(const Series& x, std::size_t n, bool sample = true);
[[nodiscard]] Series RollingMax(const Series& x, std::size_t n);
[[nodiscard]] Series RollingMin(const Series& x, std::size_t n);

struct MacdLines {
  Series macd, signal, histogram;
};
// Difference of EMAs (TTR's MACD with percent = FALSE) and its EMA signal line.
[[nodiscard]] MacdLines Macd(const Series& close, std::size_t fast = 12, std::size_t slow = 26,
                             std::size_t signal = 9);

[[nodiscard]] Series Rsi(const Series& close, std::size_t n = 14);

struct BollingerBands {
  Series lower, middle, upper, percent_b;
};
// Bands at k population standard deviations around the simple moving average.
[[nodiscard]] BollingerBands Bollinger(const Series& close, std::size_t n = 20, double k = 2.0);

[[nodiscard]] Series TrueRange(const Series& high, const Series& low, const Series& close);
[[nodiscard]] Series Atr(const Series& high, const Series& low, const Series& close,
                         std::size_t n = 14);

struct StochasticLines {
  Series fast_k, fast_d, slow_d;
};
[[nodiscard]] StochasticLines Stochastic(const Series& high, const Series& low, const Series& close,
                                         std::size_t n_k = 14, std::size_t n_d = 3,
                                         std::size_t n_slow = 3);

// On-balance volume; a change smaller than sqrt(machine epsilon) in log price counts as none.
[[nodiscard]] Series Obv(const Series& close, const Series& volume);
// Rate of change as a log return over n periods (TTR's "continuous" type).
[[nodiscard]] Series Roc(const Series& x, std::size_t n);
[[nodiscard]] Series Momentum(const Series& x, std::size_t n);
// Sample standard deviation of one-period log returns over n periods (not annualised).
[[nodiscard]] Series RollingVolatility(const Series& close, std::size_t n);
// (x - rolling mean) / rolling sample standard deviation.
[[nodiscard]] Series RollingZScore(const Series& x, std::size_t n);
[[nodiscard]] Series Lag(const Series& x, std::size_t k);

}  // namespace finml::features
