// The fast indicator kernels (block window sums, blocked EMA recurrence, windows-at-a-time
// deviations; src/features/indicators.cpp) against the plain definitions, evaluated in long
// double, on series with gaps, spikes and every window length from 1 to 40: within 1e-12
// relative (the README's stated tolerance), and NaN exactly where the definition has no value.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finml/features/indicators.hpp"

namespace finml::features {
namespace {

const double kNaN = std::nan("");

Series RandomSeries(std::size_t size, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 1.0);
  std::uniform_real_distribution<double> u(0, 1);
  Series x(size);
  double level = 500;
  for (double& v : x) {
    level += step(rng);
    v = level;
    if (u(rng) < 0.01)
      v = kNaN;  // gaps
    else if (u(rng) < 0.005)
      v *= 1e6;  // spikes
  }
  return x;
}

// The trailing window ending at t, or false if it is short or holds a NaN.
bool Window(const Series& x, std::size_t t, std::size_t n) {
  if (t + 1 < n) return false;
  for (std::size_t k = t + 1 - n; k <= t; ++k)
    if (std::isnan(x[k])) return false;
  return true;
}

void ExpectClose(double got, double want, std::size_t t, const char* what) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what << " at " << t << ": want NaN, got " << got;
    return;
  }
  EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::abs(want))) << what << " at " << t;
}

TEST(IndicatorReference, SmaAndRollingStdMatchTheirDefinitions) {
  // Long enough for SMA's four-lane stretches (about 4,096 points each) to run twice at every n,
  // besides the blocks scanned one at a time after them.
  const Series x = RandomSeries(9000, 3);
  for (std::size_t n = 1; n <= 40; ++n) {
    const Series sma = Sma(x, n), sd = n >= 2 ? RollingStd(x, n, true) : Series();
    for (std::size_t t = 0; t < x.size(); ++t) {
      double mean = kNaN, dev = kNaN;
      if (Window(x, t, n)) {
        long double s = 0;
        for (std::size_t k = t + 1 - n; k <= t; ++k) s += x[k];
        const long double m = s / static_cast<long double>(n);
        long double ss = 0;
        for (std::size_t k = t + 1 - n; k <= t; ++k) ss += (x[k] - m) * (x[k] - m);
        mean = static_cast<double>(m);
        if (n >= 2) dev = static_cast<double>(std::sqrt(ss / static_cast<long double>(n - 1)));
      }
      ExpectClose(sma[t], mean, t, "SMA");
      // The deviation is judged against the window's spread, not its level.
      if (n >= 2 && !std::isnan(dev))
        EXPECT_NEAR(sd[t], dev, 1e-9 * std::max(1.0, dev) + 1e-12 * std::abs(mean))
            << "sd at " << t;
      if (n >= 2 && std::isnan(dev)) EXPECT_TRUE(std::isnan(sd[t])) << "sd at " << t;
    }
  }
}

TEST(IndicatorReference, EmaMatchesTheRecurrenceRestartedAfterEachGap) {
  const Series x = RandomSeries(1000, 5);
  for (std::size_t n = 1; n <= 40; ++n)
    for (bool wilder : {false, true}) {
      const Series ema = Ema(x, n, wilder);
      const long double ratio =
          wilder ? 1.0L / static_cast<long double>(n) : 2.0L / (static_cast<long double>(n) + 1);
      std::size_t run = 0;
      long double seed = 0, value = 0;
      for (std::size_t t = 0; t < x.size(); ++t) {
        double want = kNaN;
        if (std::isnan(x[t])) {
          run = 0;
          seed = 0;
        } else if (++run < n) {
          seed += x[t];
        } else if (run == n) {
          value = (seed + x[t]) / static_cast<long double>(n);
          want = static_cast<double>(value);
        } else {
          value = ratio * x[t] + (1 - ratio) * value;
          want = static_cast<double>(value);
        }
        ExpectClose(ema[t], want, t, wilder ? "Wilder EMA" : "EMA");
      }
    }
}

// RSI is fused into one pass over the closes (no series of ups, downs or averages): the same
// Wilder averages, restarted after each gap in the changes, each seeded with the mean of its
// first n.
TEST(IndicatorReference, RsiMatchesWildersAveragesOfUpsAndDownsRestartedAfterEachGap) {
  const Series x = RandomSeries(3000, 7);
  for (std::size_t n = 1; n <= 40; ++n) {
    const Series rsi = Rsi(x, n);
    ASSERT_EQ(rsi.size(), x.size());
    std::size_t run = 0;
    long double up_seed = 0, down_seed = 0, up = 0, down = 0;
    const long double ratio = 1.0L / static_cast<long double>(n);
    for (std::size_t t = 0; t < x.size(); ++t) {
      double want = kNaN;
      if (t == 0 || std::isnan(x[t]) || std::isnan(x[t - 1])) {
        run = 0;
        up_seed = down_seed = 0;
      } else {
        const long double change = static_cast<long double>(x[t]) - x[t - 1];
        const long double gain = change > 0 ? change : 0, loss = change < 0 ? -change : 0;
        if (++run < n) {
          up_seed += gain;
          down_seed += loss;
        } else {
          if (run == n) {
            up = (up_seed + gain) / static_cast<long double>(n);
            down = (down_seed + loss) / static_cast<long double>(n);
          } else {
            up = ratio * gain + (1 - ratio) * up;
            down = ratio * loss + (1 - ratio) * down;
          }
          want = static_cast<double>(100 * up / (up + down));
        }
      }
      ExpectClose(rsi[t], want, t, "RSI");
    }
  }
}

}  // namespace
}  // namespace finml::features
