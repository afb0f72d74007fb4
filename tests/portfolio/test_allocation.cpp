#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "expect_error.hpp"
#include "finml/core/error.hpp"
#include "finml/portfolio/allocation.hpp"

namespace finml::portfolio {
namespace {

using Shares = std::vector<long long>;

Vector Of(std::initializer_list<double> values) {
  Vector v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (const double x : values) v(i++) = x;
  return v;
}

Allocation Allocate(const Vector& w, const Vector& p, double value, AllocationMethod method,
                    AllocationOptions options = {}) {
  options.method = method;
  return AllocateShares(w, p, value, options);
}

double Spent(const Vector& prices, const Shares& shares) {
  double spent = 0;
  for (std::size_t i = 0; i < shares.size(); ++i)
    spent += static_cast<double>(shares[i]) * prices(static_cast<Eigen::Index>(i));
  return spent;
}

// What lp_portfolio minimises for long-only weights: cash left plus the dollar distance of
// every holding from its target.
double LpObjective(const Vector& w, const Vector& p, double value, const Shares& x) {
  double objective = value - Spent(p, x);
  for (Eigen::Index i = 0; i < w.size(); ++i)
    objective +=
        std::fabs(w(i) * value - static_cast<double>(x[static_cast<std::size_t>(i)]) * p(i));
  return objective;
}

// Every allocation that the budget allows, by enumeration.
double BruteForceOptimum(const Vector& w, const Vector& p, double value) {
  const auto n = static_cast<std::size_t>(w.size());
  Shares x(n, 0);
  double best = std::numeric_limits<double>::infinity();
  std::function<void(std::size_t, double)> visit = [&](std::size_t i, double left) {
    if (i == n) {
      best = std::min(best, LpObjective(w, p, value, x));
      return;
    }
    const double price = p(static_cast<Eigen::Index>(i));
    for (x[i] = 0; static_cast<double>(x[i]) * price <= left + 1e-9; ++x[i])
      visit(i + 1, left - static_cast<double>(x[i]) * price);
    x[i] = 0;
  };
  visit(0, value);
  return best;
}

Vector RandomWeights(std::mt19937& rng, int n) {
  std::exponential_distribution<double> draw(1.0);
  std::bernoulli_distribution zero(0.15);
  Vector w(n);
  for (int i = 0; i < n; ++i) w(i) = zero(rng) ? 0.0 : draw(rng);
  if (w.sum() == 0) w(0) = 1;
  return w / w.sum();
}

Vector RandomPrices(std::mt19937& rng, int n, double low, double high) {
  std::uniform_real_distribution<double> log_price(std::log(low), std::log(high));
  Vector p(n);
  // Cents, as quoted.
  for (int i = 0; i < n; ++i) p(i) = std::round(std::exp(log_price(rng)) * 100) / 100;
  return p;
}

// Round one: 5 x 10 = 50, floor(30 / 20) = 1, 20 / 5 = 4, leaving 10; round two finds the one
// underweight asset (the second) costs 20, more than is left.
TEST(Allocation, GreedyRoundsDownThenStopsWhenNothingUnderweightIsAffordable) {
  const auto a = Allocate(Of({0.5, 0.3, 0.2}), Of({10, 20, 5}), 100, AllocationMethod::kGreedy);
  EXPECT_EQ(a.shares, (Shares{5, 1, 4}));
  EXPECT_DOUBLE_EQ(a.leftover, 10);
  EXPECT_FALSE(a.optimal);
  // Held 90: weights 5/9, 2/9, 2/9 against 0.5, 0.3, 0.2.
  const double rmse = std::sqrt(
      (std::pow(0.5 - 5.0 / 9, 2) + std::pow(0.3 - 2.0 / 9, 2) + std::pow(0.2 - 2.0 / 9, 2)) / 3);
  EXPECT_NEAR(a.rmse, rmse, 1e-15);
}

// Round one buys 2, 3, 3 (81); round two buys the first asset (most underweight at 30/81 < 0.4)
// and then can afford neither underweight asset with the 4 left.
TEST(Allocation, GreedyBuysTheMostUnderweightAffordableAsset) {
  const Vector w = Of({0.4, 0.35, 0.25}), p = Of({15, 10, 7});
  const auto greedy = Allocate(w, p, 100, AllocationMethod::kGreedy);
  EXPECT_EQ(greedy.shares, (Shares{3, 3, 3}));
  EXPECT_DOUBLE_EQ(greedy.leftover, 4);
  // Here greedy is optimal: 4 cash + |40 - 45| + |35 - 30| + |25 - 21| = 18, the unique minimum.
  const auto exact = Allocate(w, p, 100, AllocationMethod::kInteger);
  EXPECT_EQ(exact.shares, (Shares{3, 3, 3}));
  EXPECT_NEAR(exact.leftover, 4, 1e-12);
  EXPECT_TRUE(exact.optimal);
}

// Greedy never buys the 60 share (it costs more than the 50 left after 50 x 1) and stops with
// half the cash idle; the optimum overshoots the first asset by 10 to invest everything:
// objective 0 + 10 + 10 = 20 against greedy's 50 + 50 + 0 = 100.
TEST(Allocation, IntegerProgrammeBeatsGreedyWhereGreedyStrandsCash) {
  const Vector w = Of({0.5, 0.5}), p = Of({60, 1});
  const auto greedy = Allocate(w, p, 100, AllocationMethod::kGreedy);
  EXPECT_EQ(greedy.shares, (Shares{0, 50}));
  EXPECT_DOUBLE_EQ(greedy.leftover, 50);
  const auto exact = Allocate(w, p, 100, AllocationMethod::kInteger);
  EXPECT_EQ(exact.shares, (Shares{1, 40}));
  EXPECT_NEAR(exact.leftover, 0, 1e-9);
  EXPECT_TRUE(exact.optimal);
  EXPECT_NEAR(LpObjective(w, p, 100, exact.shares), 20, 1e-9);
  // Held 100: 0.6 and 0.4 against 0.5 and 0.5.
  EXPECT_NEAR(exact.rmse, 0.1, 1e-12);
}

TEST(Allocation, ExactFitsAreExact) {
  for (const auto method : {AllocationMethod::kGreedy, AllocationMethod::kInteger}) {
    const auto a = Allocate(Of({0.25, 0.75, 0}), Of({5, 15, 3}), 100, method);
    EXPECT_EQ(a.shares, (Shares{5, 5, 0}));
    EXPECT_NEAR(a.leftover, 0, 1e-12);
    EXPECT_NEAR(a.rmse, 0, 1e-15);
    // 0.3 x 100 / 10 is 2.9999999999999996 in doubles: still three shares.
    EXPECT_EQ(Allocate(Of({0.3, 0.7}), Of({10, 10}), 100, method).shares, (Shares{3, 7}));
  }
}

// Weights summing below 1 keep the rest as cash; above 1, greedy buys what the cash allows.
TEST(Allocation, LongOnlyWeightsNeedNotSumToOne) {
  for (const auto method : {AllocationMethod::kGreedy, AllocationMethod::kInteger}) {
    const auto part = Allocate(Of({0.2, 0.3}), Of({10, 10}), 100, method);
    EXPECT_EQ(part.shares, (Shares{2, 3}));
    EXPECT_NEAR(part.leftover, 50, 1e-12);
    EXPECT_NEAR(part.rmse, 0, 1e-15);
    const auto over = Allocate(Of({0.8, 0.6}), Of({10, 10}), 100, method);
    EXPECT_LE(Spent(Of({10, 10}), over.shares), 100 + 1e-9);
    EXPECT_GE(over.leftover, 0);
  }
  EXPECT_EQ(Allocate(Of({0.8, 0.6}), Of({10, 10}), 100, AllocationMethod::kGreedy).shares,
            (Shares{8, 2}));
}

TEST(Allocation, IntegerProgrammeNeverLosesToGreedyAndNeverOverspends) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> assets(2, 8);
  // Up to a billion: in whole shares the objective is then a small difference of huge terms.
  std::uniform_real_distribution<double> log_value(std::log(500), std::log(1e9));
  for (int trial = 0; trial < 150; ++trial) {
    const int n = assets(rng);
    const Vector w = RandomWeights(rng, n), p = RandomPrices(rng, n, 1, 2000);
    const double v = std::round(std::exp(log_value(rng)));
    const auto greedy = Allocate(w, p, v, AllocationMethod::kGreedy);
    const auto exact = Allocate(w, p, v, AllocationMethod::kInteger);
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " value " << v);
    ASSERT_TRUE(exact.optimal);
    for (const auto* a : {&greedy, &exact}) {
      EXPECT_GE(a->leftover, 0);
      EXPECT_NEAR(a->leftover, v - Spent(p, a->shares), 1e-9 * v);
      for (const long long s : a->shares) EXPECT_GE(s, 0);
    }
    EXPECT_LE(LpObjective(w, p, v, exact.shares), LpObjective(w, p, v, greedy.shares) + 1e-9 * v);
  }
}

TEST(Allocation, IntegerProgrammeFindsTheEnumeratedOptimum) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> assets(2, 3);
  std::uniform_real_distribution<double> value(20, 150);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = assets(rng);
    const Vector w = RandomWeights(rng, n), p = RandomPrices(rng, n, 2, 60);
    const double v = std::round(value(rng));
    const auto exact = Allocate(w, p, v, AllocationMethod::kInteger);
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " weights " << w.transpose()
                                      << " prices " << p.transpose() << " value " << v);
    EXPECT_TRUE(exact.optimal);
    EXPECT_GE(exact.leftover, 0);
    EXPECT_NEAR(LpObjective(w, p, v, exact.shares), BruteForceOptimum(w, p, v), 1e-7 * v);
  }
}

// Weights summing past 1 make the budget bind hard, with large sales of cheap shares against the
// floor of each target: there GLPK's tolerance on the budget row can overspend by a hair, which
// must be caught and given back.
TEST(Allocation, NeverOverspendsWhenTheWeightsAskForMoreThanTheCash) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> assets(2, 8);
  std::uniform_real_distribution<double> sum(1.1, 1.5), log_value(std::log(1e3), std::log(1e8)),
      log_price(std::log(0.01), std::log(5000));
  for (int trial = 0; trial < 100; ++trial) {
    const int n = assets(rng);
    const Vector w = RandomWeights(rng, n) * sum(rng);
    Vector p(n);
    for (int i = 0; i < n; ++i) p(i) = std::exp(log_price(rng));
    const double v = std::exp(log_value(rng));
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    const auto greedy = Allocate(w, p, v, AllocationMethod::kGreedy);
    const auto exact = Allocate(w, p, v, AllocationMethod::kInteger, {.time_limit_seconds = 0.2});
    for (const auto* a : {&greedy, &exact}) {
      EXPECT_LE(Spent(p, a->shares), v * (1 + 1e-12));
      EXPECT_GE(a->leftover, 0);
    }
    EXPECT_LE(LpObjective(w, p, v, exact.shares), LpObjective(w, p, v, greedy.shares) + 1e-9 * v);
  }
}

// 60/40 long, 40/60 of a short book worth the 0.5 the negative weights add up to: every target
// is a whole number of shares.
TEST(Allocation, LongShortSplitsIntoTwoBooks) {
  const Vector w = Of({0.6, 0.4, -0.2, -0.3}), p = Of({10, 20, 5, 25});
  for (const auto method : {AllocationMethod::kGreedy, AllocationMethod::kInteger}) {
    const auto a = Allocate(w, p, 1000, method);
    EXPECT_EQ(a.shares, (Shares{60, 20, -40, -12}));
    EXPECT_NEAR(a.leftover, 0, 1e-9);
    EXPECT_NEAR(a.rmse, 0, 1e-15);
    // The short sale's 500 bought longs as well.
    const auto reinvested = Allocate(w, p, 1000, method, {.reinvest_shorts = true});
    EXPECT_EQ(reinvested.shares, (Shares{90, 30, -40, -12}));
  }
  // A short book of 200: targets 80 and 120 at prices 5 and 25. Greedy shorts 16 and 4 and stops
  // (the 25 share is underweight but 20 is left); the optimum overshoots it by 5 to use all 200.
  const auto greedy = Allocate(w, p, 1000, AllocationMethod::kGreedy, {.short_ratio = 0.2});
  EXPECT_EQ(greedy.shares, (Shares{60, 20, -16, -4}));
  EXPECT_NEAR(greedy.leftover, 20, 1e-9);
  const auto exact = Allocate(w, p, 1000, AllocationMethod::kInteger, {.short_ratio = 0.2});
  EXPECT_EQ(exact.shares, (Shares{60, 20, -15, -5}));
  EXPECT_NEAR(exact.leftover, 0, 1e-9);
  EXPECT_TRUE(exact.optimal);
}

TEST(Allocation, AllShortLeavesTheLongCashIdle) {
  for (const auto method : {AllocationMethod::kGreedy, AllocationMethod::kInteger}) {
    const auto a = Allocate(Of({-0.5, -0.5, 0}), Of({10, 40, 7}), 100, method);
    EXPECT_EQ(a.shares, (Shares{-5, -1, 0}));
    EXPECT_NEAR(a.leftover, 100 + 10, 1e-9);
  }
}

TEST(Allocation, RandomLongShortNeverOverspendsEitherBook) {
  std::mt19937 rng(99);
  std::uniform_real_distribution<double> weight(-0.5, 1.0);
  for (int trial = 0; trial < 60; ++trial) {
    Vector w(6);
    for (int i = 0; i < 6; ++i) w(i) = weight(rng);
    w(0) = -0.3;  // at least one short
    const Vector p = RandomPrices(rng, 6, 1, 500);
    for (const auto method : {AllocationMethod::kGreedy, AllocationMethod::kInteger}) {
      const auto a = Allocate(w, p, 50000, method);
      EXPECT_GE(a.leftover, 0);
      double long_spent = 0, short_spent = 0, short_weight = 0;
      for (int i = 0; i < 6; ++i) {
        const auto s = a.shares[static_cast<std::size_t>(i)];
        EXPECT_TRUE(w(i) < 0 ? s <= 0 : s >= 0) << i;
        (s < 0 ? short_spent : long_spent) += std::fabs(static_cast<double>(s) * p(i));
        if (w(i) < 0) short_weight -= w(i);
      }
      EXPECT_LE(long_spent, 50000 * (1 + 1e-12));
      EXPECT_LE(short_spent, 50000 * short_weight * (1 + 1e-12));
      EXPECT_NEAR(a.leftover, 50000 + 50000 * short_weight - long_spent - short_spent, 1e-6);
    }
  }
}

TEST(Allocation, SolverPrintsNothing) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  (void)Allocate(Of({0.4, 0.35, 0.25}), Of({15, 10, 7}), 100, AllocationMethod::kInteger);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// Far too short to prove 300 assets optimal: the best allocation found comes back, flagged, and
// it is no worse than greedy's (the search starts from it).
TEST(Allocation, TimeLimitReturnsTheBestFoundFlagged) {
  std::mt19937 rng(3);
  const Vector w = RandomWeights(rng, 300), p = RandomPrices(rng, 300, 5, 3000);
  const auto start = std::chrono::steady_clock::now();
  const auto a = Allocate(w, p, 1e6, AllocationMethod::kInteger, {.time_limit_seconds = 0.05});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5);
  EXPECT_FALSE(a.optimal);
  EXPECT_GE(a.leftover, 0);
  EXPECT_LE(Spent(p, a.shares), 1e6);
  const auto greedy = Allocate(w, p, 1e6, AllocationMethod::kGreedy);
  EXPECT_LE(LpObjective(w, p, 1e6, a.shares), LpObjective(w, p, 1e6, greedy.shares));
}

using finml::testing::ExpectError;

TEST(Allocation, BadInputsAreClearErrors) {
  const Vector w = Of({0.5, 0.3, 0.2}), p = Of({10, 20, 5});
  const auto call = [](Vector weights, Vector prices, double value, AllocationOptions o = {}) {
    return [=] { (void)AllocateShares(weights, prices, value, o); };
  };
  ExpectError(call(w, Of({10, 20}), 100), "3 weights but 2 latest prices");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {0.0, -5.0, nan, inf}) {
    Vector q = p;
    q(2) = bad;
    ExpectError(call(w, q, 100), "asset 2 has latest price");
  }
  for (const double bad : {0.0, -100.0, nan, inf}) ExpectError(call(w, p, bad), "portfolio value");
  for (const double bad : {nan, inf}) {
    Vector v = w;
    v(1) = bad;
    ExpectError(call(v, p, 100), "asset 1 has weight");
  }
  ExpectError(call(Of({0, 0, 0}), p, 100), "every weight is zero");
  ExpectError(call(Of({0.6, 0.6, -0.2}), p, 100, {.short_ratio = -0.1}), "short ratio");
  ExpectError(call(w, p, 100, {.time_limit_seconds = 0}), "time limit");
  ExpectError(call(w, Of({10, 20, 1e-12}), 1e6), "asset 2 at price");
  EXPECT_THROW((void)AllocateShares(Vector(0), Vector(0), 100), InvalidInput);
}

}  // namespace
}  // namespace finml::portfolio
