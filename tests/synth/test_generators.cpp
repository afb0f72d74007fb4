// The baseline generators (GARCH(1,1)-t, stationary bootstrap): they recover what they were fitted
// to, draw the same paths from the same seed, and save and load; the paths file's errors name the
// place and the fix.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/stylized_facts.hpp"
#include "test_util.hpp"

namespace finml::synth {
namespace {

// AR(1)-GARCH(1,1) with Student-t(6) innovations.
std::vector<double> SimulatedReturns(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t(6);
  const double scale = std::sqrt(4.0 / 6.0);
  const double omega = 2e-6, alpha = 0.08, beta = 0.9, phi = 0.05, mu = 3e-4;
  double sigma2 = omega / (1 - alpha - beta), e = 0, previous = 0;
  std::vector<double> r;
  for (std::size_t i = 0; i < n + 500; ++i) {
    sigma2 = omega + alpha * e * e + beta * sigma2;
    e = std::sqrt(sigma2) * scale * t(rng);
    const double value = mu + phi * (previous - mu) + e;
    previous = value;
    if (i >= 500) r.push_back(value);
  }
  return r;
}

SynthSettings Settings(SynthModelKind model) {
  SynthSettings s;
  s.model = model;
  return s;
}

TEST(SynthGenerators, GarchRecoversTheMomentsAndClusteringOfWhatItFitted) {
  const std::vector<double> real = SimulatedReturns(6000, 1);
  auto g = MakeSeriesGenerator(Settings(SynthModelKind::kGarch));
  std::mt19937_64 rng(1);
  g->Fit(real, rng, false);
  const Paths paths = g->Sample(20, 6000, 5);
  const FactSettings s;
  const SeriesFacts rf = ComputeFacts({real}, s), sf = ComputeFacts(paths, s);
  EXPECT_NEAR(sf.std, rf.std, 0.1 * rf.std);
  EXPECT_NEAR(sf.mean, rf.mean, 2e-4);
  // One real path of a persistent GARCH gives a noisy ACF: a loose band, and clustering that
  // lasts (still positive three weeks on) on both sides.
  EXPECT_NEAR(sf.acf_abs[0], rf.acf_abs[0], 0.08);
  EXPECT_GT(sf.acf_abs[19], 0.05);
  EXPECT_GT(rf.acf_abs[19], 0.05);
  EXPECT_GT(sf.kurtosis, 1.0);  // t innovations and volatility clustering: fat tails
  const FactDistances d = CompareFacts({real}, rf, paths, sf, s);
  EXPECT_FALSE(d.collapsed);
  EXPECT_LT(d.emd[0], 0.1 * rf.std);
}

TEST(SynthGenerators, BootstrapKeepsTheDistributionAndShortRangeDependence) {
  const std::vector<double> real = SimulatedReturns(4000, 2);
  SynthSettings s = Settings(SynthModelKind::kBootstrap);
  s.block = 50;
  auto g = MakeSeriesGenerator(s);
  std::mt19937_64 rng(1);
  g->Fit(real, rng, false);
  const Paths paths = g->Sample(10, 4000, 9);
  for (const auto& p : paths)
    for (const double v : p) ASSERT_NE(std::find(real.begin(), real.end(), v), real.end());
  const FactSettings f;
  const SeriesFacts rf = ComputeFacts({real}, f), sf = ComputeFacts(paths, f);
  EXPECT_LT(CompareFacts({real}, rf, paths, sf, f).emd[0], 0.05 * rf.std);
  EXPECT_NEAR(sf.acf_returns[0], rf.acf_returns[0], 0.04);  // the AR(1) survives within blocks
}

TEST(SynthGenerators, SameSeedSamePathsAndSaveLoadRoundTrips) {
  const std::vector<double> real = SimulatedReturns(3000, 3);
  for (const auto model : {SynthModelKind::kGarch, SynthModelKind::kBootstrap}) {
    const SynthSettings s = Settings(model);
    auto g = MakeSeriesGenerator(s);
    std::mt19937_64 rng(1);
    g->Fit(real, rng, false);
    EXPECT_EQ(g->Sample(3, 100, 7), g->Sample(3, 100, 7));
    EXPECT_NE(g->Sample(3, 100, 7), g->Sample(3, 100, 8));
    const std::string dir = finml::testing::TempDir("synth_saved") + "/" + EnumName(model);
    SaveGenerator(*g, s, {{"returns", real.size()}}, dir);
    const SavedGenerator loaded = SavedGenerator::Load(dir);
    EXPECT_EQ(loaded.settings.model, model);
    EXPECT_EQ(loaded.generator->Sample(3, 100, 7), g->Sample(3, 100, 7));
  }
}

TEST(SynthGenerators, DamagedModelDirectoriesAreClearErrors) {
  const std::string dir = finml::testing::TempDir("synth_damaged");
  WriteFileAtomic(dir + "/model.json", "{\"format\": \"finml-nlp/1\"}");
  try {
    (void)SavedGenerator::Load(dir);
    FAIL() << "expected an error";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("not a finml synthetic-data model"), std::string::npos)
        << e.what();
  }
  WriteFileAtomic(dir + "/model.json",
                  R"({"format": "finml-synth/1", "settings": {"model": "garch"},
                      "state": {"mu": 0, "omega": -1, "alpha": 0.1, "beta": 0.8, "nu": 5}})");
  EXPECT_THROW((void)SavedGenerator::Load(dir), InvalidInput);
  WriteFileAtomic(dir + "/model.json", "not json");
  EXPECT_THROW((void)SavedGenerator::Load(dir), InvalidInput);
}

TEST(SynthPaths, WriteReadRoundTripAndErrorsNameTheLine) {
  const std::string dir = finml::testing::TempDir("synth_paths");
  const Paths paths = {{0.01, -0.02, 0.003}, {0.0, 1e-9}};
  WritePaths(paths, "log_return", dir + "/p.csv");
  EXPECT_EQ(ReadPaths(dir + "/p.csv"), paths);
  const auto error_of = [&](const std::string& text) {
    WriteFileAtomic(dir + "/bad.csv", text);
    try {
      (void)ReadPaths(dir + "/bad.csv");
    } catch (const InvalidInput& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("a,b,c\n0,0,1\n").find("header must be path,t"), std::string::npos);
  EXPECT_NE(error_of("path,t,r\n0,0,0.1\n0,1,abc\n").find("bad.csv:3:3"), std::string::npos);
  EXPECT_NE(error_of("path,t,r\n0,0,0.1\n2,0,0.2\n").find("path 2 follows path 0"),
            std::string::npos);
  EXPECT_NE(error_of("path,t,r\n0,0,inf\n").find("not a finite number"), std::string::npos);
  EXPECT_NE(error_of("path,t,r\n").find("no rows"), std::string::npos);
  EXPECT_NE(error_of("path,t,r\n0,0,0.1\n0,2,0.2\n").find("bad.csv:3:2: step '2' where 1 is next"),
            std::string::npos);
  EXPECT_NE(error_of("path,t,r\n0,0,1e308\n").find("not a daily log return"), std::string::npos);
}

}  // namespace
}  // namespace finml::synth
