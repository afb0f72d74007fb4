// QuantGAN and CTGAN, and TimeGAN's post-hoc scores: reproducible from a seed, saved and loaded
// without change, and close to simple distributions after short trainings on this 2-core machine
// (the long trainings and the targets are in bench/RESULTS.md).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/stylized_facts.hpp"
#include "finml/synth/table_metrics.hpp"
#include "finml/synth/window_scores.hpp"
#include "test_util.hpp"

namespace finml::synth {
namespace {

std::vector<double> StudentReturns(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t(5);
  std::vector<double> r(n);
  for (double& v : r) v = 0.0003 + 0.01 * std::sqrt(3.0 / 5.0) * t(rng);
  return r;
}

SynthSettings SmallQuantGan() {
  SynthSettings s;
  s.model = SynthModelKind::kQuantGan;
  s.quantgan.hidden = 12;
  s.quantgan.stride = 3;
  s.loop.epochs = 20;
  s.loop.batch = 32;
  s.loop.lr = 1e-3;
  return s;
}

TEST(QuantGan, SameSeedSameGeneratorAndSavedModelSamplesTheSame) {
  const auto real = StudentReturns(1200, 1);
  SynthSettings s = SmallQuantGan();
  s.loop.epochs = 1;
  auto a = MakeSeriesGenerator(s), b = MakeSeriesGenerator(s);
  std::mt19937_64 ra(s.seed), rb(s.seed);
  a->Fit(real, ra, false);
  b->Fit(real, rb, false);
  const Paths pa = a->Sample(3, 300, 5);
  EXPECT_EQ(pa, b->Sample(3, 300, 5));
  EXPECT_NE(pa, a->Sample(3, 300, 6));
  ASSERT_EQ(pa.size(), 3U);
  for (const auto& p : pa) {
    ASSERT_EQ(p.size(), 300U);  // any length: the generator is convolutional
    for (const double v : p) ASSERT_TRUE(std::isfinite(v));
  }
  const std::string dir = finml::testing::TempDir("quantgan_saved");
  SaveGenerator(*a, s, {{"returns", real.size()}}, dir);
  const SavedGenerator loaded = SavedGenerator::Load(dir);
  EXPECT_EQ(loaded.generator->Sample(3, 300, 5), pa);
  // Weights of another shape are refused, naming the file.
  auto manifest = nlohmann::json::parse(ReadFile(dir + "/model.json"));
  manifest["settings"]["hidden"] = 24;
  WriteFileAtomic(dir + "/model.json", manifest.dump());
  EXPECT_THROW((void)SavedGenerator::Load(dir), InvalidInput);
}

TEST(QuantGan, ShortTrainingLearnsTheScaleAndTailsOfIidReturns) {
  const auto real = StudentReturns(1500, 2);
  auto g = MakeSeriesGenerator(SmallQuantGan());
  std::mt19937_64 rng(42);
  g->Fit(real, rng, false);
  const Paths paths = g->Sample(10, 1500, 3);
  const FactSettings f;
  const SeriesFacts rf = ComputeFacts({real}, f), sf = ComputeFacts(paths, f);
  EXPECT_NEAR(sf.std, rf.std, 0.3 * rf.std);
  EXPECT_LT(std::abs(sf.acf_returns[0]), 0.15);  // iid in, (nearly) uncorrelated out
  const FactDistances d = CompareFacts({real}, rf, paths, sf, f);
  EXPECT_FALSE(d.collapsed);
  EXPECT_LT(d.emd[0], 0.3 * rf.std);
}

credit::Table Loans(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::bernoulli_distribution coin(0.3);
  credit::Table t;
  t.source = "loans";
  t.rows = n;
  credit::Column amount{"amount"}, term{"term"}, flag{"owner"}, purpose{"purpose"};
  purpose.kind = credit::ColumnKind::kCategorical;
  for (std::size_t i = 0; i < n; ++i) {
    // A bimodal amount: small consumer loans and large car loans.
    const bool car = coin(rng);
    amount.numbers.push_back(car ? 20000 + 3000 * z(rng) : 2000 + 500 * z(rng));
    term.numbers.push_back(car ? 48 : 12);
    flag.numbers.push_back(coin(rng) ? 1 : 0);
    purpose.labels.push_back(car ? "car" : (coin(rng) ? "furniture" : "other"));
  }
  t.columns = {amount, term, flag, purpose};
  return t;
}

SynthSettings SmallCtgan() {
  SynthSettings s;
  s.model = SynthModelKind::kCtgan;
  s.ctgan.width = 64;
  s.ctgan.embedding = 32;
  s.loop.epochs = 80;
  s.loop.batch = 64;
  s.loop.lr = 1e-3;
  return s;
}

TEST(Ctgan, LearnsModesAndCategoriesOfASmallTable) {
  const credit::Table real = Loans(1200, 1);
  auto g = MakeTableGenerator(SmallCtgan());
  std::mt19937_64 rng(42);
  g->Fit(real, rng, false);
  const credit::Table fake = g->Sample(1200, 7);
  // Discrete numeric columns keep their values only.
  for (const double v : fake.Get("owner").numbers) ASSERT_TRUE(v == 0 || v == 1);
  for (const double v : fake.Get("term").numbers) ASSERT_TRUE(v == 12 || v == 48);
  EXPECT_LT(TotalVariation(real.Get("purpose").labels, fake.Get("purpose").labels), 0.15);
  EXPECT_LT(KolmogorovSmirnov(real.Get("amount").numbers, fake.Get("amount").numbers), 0.2);
  // The car loans stay large: the link between columns is learnt, not just the marginals.
  double car_amount = 0, other_amount = 0, cars = 0, others = 0;
  for (std::size_t r = 0; r < fake.rows; ++r) {
    const bool car = fake.Get("purpose").labels[r] == "car";
    (car ? car_amount : other_amount) += fake.Get("amount").numbers[r];
    (car ? cars : others) += 1;
  }
  ASSERT_GT(cars, 0);
  ASSERT_GT(others, 0);
  EXPECT_GT(car_amount / cars, 2 * other_amount / others);
}

TEST(Ctgan, SameSeedSameRowsAndSavedModelSamplesTheSame) {
  const credit::Table real = Loans(300, 2);
  SynthSettings s = SmallCtgan();
  s.loop.epochs = 2;
  auto a = MakeTableGenerator(s), b = MakeTableGenerator(s);
  std::mt19937_64 ra(s.seed), rb(s.seed);
  a->Fit(real, ra, false);
  b->Fit(real, rb, false);
  const credit::Table x = a->Sample(50, 3);
  EXPECT_EQ(x.Get("amount").numbers, b->Sample(50, 3).Get("amount").numbers);
  const std::string dir = finml::testing::TempDir("ctgan_saved");
  SaveGenerator(*a, s, {{"rows", real.rows}}, dir);
  const SavedGenerator loaded = SavedGenerator::Load(dir);
  ASSERT_TRUE(loaded.table);
  const credit::Table y = loaded.table->Sample(50, 3);
  EXPECT_EQ(y.Get("amount").numbers, x.Get("amount").numbers);
  EXPECT_EQ(y.Get("purpose").labels, x.Get("purpose").labels);
}

}  // namespace
}  // namespace finml::synth

namespace finml::synth {
namespace {

// Windows of a noisy AR(1) (predictable) and of white noise with the same range.
// Many short paths: windows of one long path overlap and would make few independent examples.
Paths Ar1Paths(double phi, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  Paths paths(n / 30);
  for (auto& p : paths) {
    double x = 0;
    for (std::size_t t = 0; t < 30; ++t) p.push_back(x = phi * x + 0.3 * z(rng));
  }
  return paths;
}

TEST(WindowScores, TellApartWhatDiffersAndNotWhatIsTheSame) {
  ScoreSettings s;
  s.iterations = 500;
  s.max_windows = 1000;
  const Windows real = SlidingWindows(Ar1Paths(0.95, 6000, 1), 24, -2, 2, s.max_windows);
  const Windows same = SlidingWindows(Ar1Paths(0.95, 6000, 2), 24, -2, 2, s.max_windows);
  const Windows noise = SlidingWindows(Ar1Paths(0.0, 6000, 3), 24, -2, 2, s.max_windows);
  const WindowScores a = ScoreWindows(real, same, s), b = ScoreWindows(real, noise, s);
  EXPECT_LT(a.discriminative, 0.1) << a.discriminative;
  // Persistent paths against white noise: told apart even by a short training.
  EXPECT_GT(b.discriminative, a.discriminative + 0.1) << b.discriminative;
  // Trained on noise, a predictor misses the persistence it is judged on.
  EXPECT_LT(a.predictive, b.predictive);
  EXPECT_NEAR(a.predictive_real, b.predictive_real,
              1e-12);  // the floor does not depend on the fake
  // Five times as many synthetic windows: a classifier that always answers "synthetic" must not
  // score, so the sides are balanced.
  const Windows few = SlidingWindows(Ar1Paths(0.95, 900, 4), 24, -2, 2, s.max_windows);
  ASSERT_LT(few.count() * 4, same.count());
  EXPECT_LT(ScoreWindows(few, same, s).discriminative, 0.15);
}

}  // namespace
}  // namespace finml::synth
