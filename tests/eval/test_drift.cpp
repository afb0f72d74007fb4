#include <gtest/gtest.h>

#include <random>

#include "finml/core/error.hpp"
#include "finml/eval/drift.hpp"

namespace finml::eval {
namespace {

// The two-sample KS statistic on full samples, by brute force.
double ExactKs(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> points = a;
  points.insert(points.end(), b.begin(), b.end());
  double d = 0;
  for (double t : points) {
    const double fa =
        static_cast<double>(std::upper_bound(a.begin(), a.end(), t) - a.begin()) / a.size();
    const double fb =
        static_cast<double>(std::upper_bound(b.begin(), b.end(), t) - b.begin()) / b.size();
    d = std::max(d, std::abs(fa - fb));
  }
  return d;
}

std::vector<double> Normal(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, sd);
  std::vector<double> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

TEST(Drift, KsFromStoredQuantilesIsWithinOnePercentOfTheExactStatistic) {
  const auto train = Normal(5000, 0, 1, 1);
  const auto reference = NumericReference(train);
  ASSERT_EQ(reference.at("quantiles").size(), kReferenceQuantiles);
  const auto q = reference.at("quantiles").get<std::vector<double>>();
  for (auto [mean, sd] : {std::pair{0.0, 1.0}, {0.3, 1.0}, {0.0, 2.0}, {2.0, 0.5}}) {
    SCOPED_TRACE(mean);
    const auto live = Normal(800, mean, sd, 7);
    EXPECT_NEAR(KolmogorovSmirnov(q, live), ExactKs(train, live), 0.011);
  }
}

TEST(Drift, SameDistributionIsQuietAndAShiftIsLoud) {
  const auto reference = NumericReference(Normal(5000, 0, 1, 2));
  const auto same = NumericDrift(reference, Normal(1000, 0, 1, 3));
  EXPECT_EQ(same.count, 1000u);
  EXPECT_LT(same.psi, 0.03);
  ASSERT_TRUE(same.ks);
  EXPECT_LT(*same.ks, 0.06);
  const auto shifted = NumericDrift(reference, Normal(1000, 1, 1, 3));
  EXPECT_GT(shifted.psi, 0.25);  // the usual "significant shift" line
  EXPECT_GT(*shifted.ks, 0.3);
  // Non-finite live values are not judged.
  EXPECT_EQ(NumericDrift(reference, {NAN, INFINITY, 0.5}).count, 1u);
  EXPECT_EQ(NumericDrift(reference, {}).count, 0u);
}

TEST(Drift, ReferenceCdfHandlesTiesAndTails) {
  // A reference with an atom at 0 (half the values).
  std::vector<double> v(100, 0.0);
  for (int i = 0; i < 100; ++i) v.push_back(1 + i);
  const auto q = NumericReference(v).at("quantiles").get<std::vector<double>>();
  EXPECT_EQ(ReferenceCdf(q, -1), 0);
  EXPECT_NEAR(ReferenceCdf(q, 0), 0.5, 0.011);
  EXPECT_EQ(ReferenceCdf(q, 1000), 1);
  // Live values all at the atom: F_live jumps 0 -> 1 at 0 while F_ref jumps to ~0.5.
  EXPECT_NEAR(KolmogorovSmirnov(q, std::vector<double>(50, 0.0)), 0.5, 0.011);
  double previous = 0;
  for (double x = -5; x < 205; x += 0.5) {
    EXPECT_GE(ReferenceCdf(q, x), previous);
    previous = ReferenceCdf(q, x);
  }
}

TEST(Drift, MalformedReferencesAreRefusedNotReadOutOfBounds) {
  auto reference = NumericReference({1, 2, 3, 4, 5});
  auto no_edges = reference;
  no_edges["edges"] = nlohmann::json::array();
  EXPECT_THROW((void)NumericDrift(no_edges, {1.0}), InvalidInput);
  auto unsorted = reference;
  unsorted["quantiles"] = {3.0, 1.0, 2.0};
  EXPECT_THROW((void)NumericDrift(unsorted, {1.0}), InvalidInput);
  auto short_shares = reference;
  short_shares["shares"] = {1.0};
  EXPECT_THROW((void)NumericDrift(short_shares, {1.0}), InvalidInput);
}

TEST(Drift, CategoriesNewToTheReferenceCountAsDrift) {
  const auto reference = CategoricalReference({"a", "a", "b", "", "b", "a"});
  EXPECT_NEAR(reference.at("shares").at("(missing)").get<double>(), 1.0 / 6, 1e-12);
  EXPECT_LT(CategoricalDrift(reference, {"a", "a", "b", "", "b", "a"}).psi, 1e-12);
  EXPECT_GT(CategoricalDrift(reference, {"c", "c", "c", "a"}).psi, 1.0);
  // Numbers judged against a categorical reference compare as their text.
  const auto numeric_categories = CategoricalReference({"1", "2", "2"});
  EXPECT_LT(NumericDrift(numeric_categories, {1, 2, 2}).psi, 1e-12);
}

}  // namespace
}  // namespace finml::eval

namespace finml::eval {

// Small batches from the training population itself: PSI above the sampling level about 5% of
// the time (issue 14, item 10), and a real shift still above it.
TEST(Drift, PsiSamplingLevelIsTheNinetyFifthPercentileOfChance) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> training(5000);
  for (auto& x : training) x = normal(rng);
  const auto reference = NumericReference(training);
  for (std::size_t n : {20u, 200u}) {
    int above = 0;
    constexpr int kBatches = 400;
    const double level = PsiSamplingLevel(reference, n);
    for (int b = 0; b < kBatches; ++b) {
      std::vector<double> batch(n);
      for (auto& x : batch) x = normal(rng);
      above += NumericDrift(reference, batch).psi > level ? 1 : 0;
    }
    const double share = static_cast<double>(above) / kBatches;
    EXPECT_GT(share, 0.01) << n << " rows, level " << level;
    EXPECT_LT(share, 0.10) << n << " rows, level " << level;
  }
  std::vector<double> shifted(20);
  for (auto& x : shifted) x = normal(rng) + 2;
  auto d = NumericDrift(reference, shifted);
  d.sampling_level = PsiSamplingLevel(reference, d.count);
  EXPECT_GT(d.psi, d.sampling_level);
  EXPECT_EQ(PsiVerdict(d), "shifted");
  // 20 rows of no shift: "watch" or "shifted" by the cut-offs, but the verdict says it is chance.
  DriftStatistics chance;
  chance.count = 20;
  chance.psi = 0.4;
  chance.sampling_level = 0.9;
  EXPECT_NE(PsiVerdict(chance).find("not evidence of a shift"), std::string::npos);
}

}  // namespace finml::eval
