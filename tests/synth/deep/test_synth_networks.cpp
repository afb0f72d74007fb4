// QuantGAN, TimeGAN and CTGAN, and TimeGAN's post-hoc scores: reproducible from a seed, saved and
// loaded without change, and close to simple distributions after short trainings on this 2-core
// machine (the long trainings and the targets are in bench/RESULTS.md).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/panel.hpp"
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

// A persistent level (AR(1), phi 0.95) and a second column that follows it with noise.
Panel TwoColumns(std::size_t steps, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  Panel p;
  p.source = "two columns";
  p.columns = {"level", "follower"};
  p.paths.resize(1);
  double level = 0;
  for (std::size_t t = 0; t < steps; ++t) {
    level = 0.95 * level + 0.3 * z(rng);
    p.paths[0].push_back(50 + 10 * level);
    p.paths[0].push_back(1000 + 200 * level + 20 * z(rng));
  }
  return p;
}

SynthSettings SmallTimeGan() {
  SynthSettings s;
  s.model = SynthModelKind::kTimeGan;
  s.timegan.hidden = 8;
  s.timegan.layers = 2;
  s.timegan.window = 12;
  s.loop.batch = 64;
  s.loop.lr = 1e-2;
  s.loop.epochs = 1;
  return s;
}

TEST(TimeGan, SameSeedSameGeneratorAndSavedModelSamplesTheSame) {
  const Panel real = TwoColumns(300, 1);
  const SynthSettings s = SmallTimeGan();
  auto a = MakePanelGenerator(s), b = MakePanelGenerator(s);
  std::mt19937_64 ra(s.seed), rb(s.seed);
  a->Fit(real, ra, false);
  b->Fit(real, rb, false);
  const Panel pa = a->Sample(5, 12, 5);
  EXPECT_EQ(pa.paths, b->Sample(5, 12, 5).paths);
  EXPECT_NE(pa.paths, a->Sample(5, 12, 6).paths);
  EXPECT_EQ(pa.columns, real.columns);
  ASSERT_EQ(pa.paths.size(), 5U);
  // Recovery ends in a sigmoid: every value lies within the real range, in the real units.
  const PanelRange range = RangeOf(real);
  for (const auto& path : pa.paths) {
    ASSERT_EQ(path.size(), 24U);
    for (std::size_t i = 0; i < path.size(); ++i) {
      EXPECT_GE(path[i], range.lo[i % 2] - 1e-6);
      EXPECT_LE(path[i], range.hi[i % 2] + 1e-6);
    }
  }
  const std::string dir = finml::testing::TempDir("timegan_saved");
  SaveGenerator(*a, s, {{"steps", 300}}, dir);
  const SavedGenerator loaded = SavedGenerator::Load(dir);
  ASSERT_TRUE(loaded.panel);
  EXPECT_EQ(loaded.panel->Sample(5, 12, 5).paths, pa.paths);
  EXPECT_EQ(loaded.panel->Window(), 12U);
  auto manifest = nlohmann::json::parse(ReadFile(dir + "/model.json"));
  manifest["settings"]["timegan_hidden"] = 9;
  WriteFileAtomic(dir + "/model.json", manifest.dump());
  EXPECT_THROW((void)SavedGenerator::Load(dir), InvalidInput);
  manifest["settings"]["timegan_hidden"] = 8;
  manifest["state"]["span"] = {1.0};
  WriteFileAtomic(dir + "/model.json", manifest.dump());
  EXPECT_THROW((void)SavedGenerator::Load(dir), InvalidInput);
}

TEST(TimeGan, ShortTrainingLearnsLevelsPersistenceAndTheLinkBetweenColumns) {
  const Panel real = TwoColumns(600, 2);
  SynthSettings s = SmallTimeGan();
  // Persistence comes last: after 22 epochs the level's lag-1 correlation is still 0.37, after
  // 40 it is 0.94 (real: 0.94).
  s.loop.epochs = 40;
  auto g = MakePanelGenerator(s);
  std::mt19937_64 rng(42);
  g->Fit(real, rng, false);
  const PanelRange range = RangeOf(real);
  const Windows fake = PanelWindows(g->Sample(400, 12, 3), 12, range, 400);
  const Windows truth = PanelWindows(real, 12, range, 400);
  // Per column, the mean and spread of the scaled values; the columns' correlation; and the
  // lag-1 correlation of the level within windows.
  struct Stats {
    double mean[2] = {0, 0}, sd[2] = {0, 0}, corr = 0, lag1 = 0;
  };
  const auto stats = [](const Windows& w) {
    Stats st;
    const std::size_t n = w.count() * w.length;
    double sxy = 0, sxx = 0, syy = 0, lag_xy = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (int j = 0; j < 2; ++j) st.mean[j] += w.values[i * 2 + j] / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double x = w.values[i * 2] - st.mean[0], y = w.values[i * 2 + 1] - st.mean[1];
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      if (i % w.length > 0) lag_xy += x * (w.values[(i - 1) * 2] - st.mean[0]);
    }
    st.sd[0] = std::sqrt(sxx / static_cast<double>(n));
    st.sd[1] = std::sqrt(syy / static_cast<double>(n));
    st.corr = sxy / std::sqrt(sxx * syy);
    st.lag1 = lag_xy / sxx * static_cast<double>(w.length) / static_cast<double>(w.length - 1);
    return st;
  };
  const Stats r = stats(truth), f = stats(fake);
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(f.mean[j], r.mean[j], 0.1) << j;
    EXPECT_NEAR(f.sd[j], r.sd[j], 0.5 * r.sd[j]) << j;
  }
  EXPECT_GT(f.corr, 0.7);  // real: about 0.99
  EXPECT_GT(f.lag1, 0.7);  // real: about 0.95
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
  s.predictive_iterations = 500;
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
