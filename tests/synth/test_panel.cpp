// Multivariate paths: the file round-trips, bad files are errors naming line and column, the real
// panel refuses text and holes, and windows are min-max scaled by the real range.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/panel.hpp"
#include "test_util.hpp"

namespace finml::synth {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = finml::testing::TempDir("panel") + "/" + name;
  WriteFileAtomic(path, text);
  return path;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "no error";
}

TEST(SynthPanel, WrittenPathsReadBackWithTheirColumns) {
  Panel p;
  p.columns = {"Open", "Volume"};
  p.paths = {{1.5, 100, 2.5, 200, 3.25, 300}, {4, 1e7, 5, 2e7}};
  const std::string path = Write("p.csv", "");
  WritePanel(p, path);
  EXPECT_TRUE(IsPathsFile(path));
  EXPECT_FALSE(IsReturnPathsFile(path));
  const Panel back = ReadPanel(path, /*returns=*/false);
  EXPECT_EQ(back.columns, p.columns);
  EXPECT_EQ(back.paths, p.paths);
  EXPECT_EQ(back.Steps(0), 3U);
  EXPECT_EQ(back.Steps(1), 2U);
  // Prices are not log returns: the returns reader refuses them, naming the cell.
  EXPECT_NE(ErrorOf([&] { (void)ReadPanel(path, /*returns=*/true); }).find("p.csv:2:4"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { (void)ReadPaths(path); }).find("not a daily log return"),
            std::string::npos);
}

TEST(SynthPanel, ReturnPathsStayOneColumn) {
  const std::string path = Write("r.csv", "");
  WritePaths({{0.01, -0.02}}, "log_return", path);
  EXPECT_TRUE(IsReturnPathsFile(path));
  EXPECT_EQ(ReadPaths(path), (Paths{{0.01, -0.02}}));
  const std::string two = Write("two.csv", "path,t,a,b\n0,0,0.01,0.02\n");
  EXPECT_NE(ErrorOf([&] { (void)ReadPaths(two); }).find("2 value columns"), std::string::npos);
}

TEST(SynthPanel, BadPathFilesNameLineAndFix) {
  const std::string short_row = Write("short.csv", "path,t,a,b\n0,0,1,2\n0,1,3\n");
  EXPECT_NE(ErrorOf([&] { (void)ReadPanel(short_row, false); }).find("short.csv:3"),
            std::string::npos);
  const std::string gap = Write("gap.csv", "path,t,a,b\n0,0,1,2\n0,2,3,4\n");
  EXPECT_NE(ErrorOf([&] { (void)ReadPanel(gap, false); }).find("no gaps"), std::string::npos);
  const std::string text = Write("text.csv", "path,t,a,b\n0,0,1,x\n");
  EXPECT_NE(ErrorOf([&] { (void)ReadPanel(text, false); }).find("text.csv:2:4"), std::string::npos);
  const std::string order = Write("order.csv", "path,t,a\n0,0,1\n2,0,1\n");
  EXPECT_NE(ErrorOf([&] { (void)ReadPanel(order, false); }).find("path 2 follows path 0"),
            std::string::npos);
}

TEST(SynthPanel, RealPanelRefusesTextColumnsAndHoles) {
  std::string rows = "a,b,name\n";
  for (int i = 0; i < 60; ++i) rows += fmt::format("{},{},x{}\n", i, 2 * i, i);
  const std::string path = Write("real.csv", rows);
  const Panel p = LoadRealPanel(path, {"b", "a"});
  EXPECT_EQ(p.columns, (std::vector<std::string>{"b", "a"}));
  ASSERT_EQ(p.paths.size(), 1U);
  EXPECT_EQ(p.Steps(0), 60U);
  EXPECT_EQ(p.paths[0][2], 2.0);  // step 1: b = 2, a = 1
  EXPECT_EQ(p.paths[0][3], 1.0);
  // By default the numeric columns; a text one is refused only when named.
  EXPECT_EQ(LoadRealPanel(path, {}).columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(ErrorOf([&] {
              (void)LoadRealPanel(path, {"a", "name"});
            }).find("'name' is not numeric"),
            std::string::npos);
  rows.replace(rows.find("\n5,10,"), 6, "\n5,,");
  const std::string holes = Write("holes.csv", rows);
  EXPECT_NE(ErrorOf([&] {
              (void)LoadRealPanel(holes, {"a", "b"});
            }).find("holes.csv:7:2"),
            std::string::npos);
}

TEST(SynthPanel, WindowsAreScaledByTheRealRangeAndSpreadEvenly) {
  Panel real;
  real.columns = {"x", "y"};
  for (int t = 0; t < 10; ++t) {
    real.paths.resize(1);
    real.paths[0].push_back(t);             // 0..9
    real.paths[0].push_back(100 + 10 * t);  // 100..190
  }
  const PanelRange range = RangeOf(real);
  EXPECT_EQ(range.lo, (std::vector<double>{0, 100}));
  EXPECT_EQ(range.hi, (std::vector<double>{9, 190}));
  const Windows all = PanelWindows(real, 4, range, 1000);
  EXPECT_EQ(all.count(), 7U);
  EXPECT_EQ(all.features, 2U);
  EXPECT_FLOAT_EQ(all.values[0], 0.0F);
  EXPECT_FLOAT_EQ(all.values[1], 0.0F);
  // Window 6 starts at t = 6: its last step is t = 9, the maximum of both columns.
  EXPECT_FLOAT_EQ(all.values[(6 * 4 + 3) * 2], 1.0F);
  EXPECT_FLOAT_EQ(all.values[(6 * 4 + 3) * 2 + 1], 1.0F);
  const Windows some = PanelWindows(real, 4, range, 3);
  ASSERT_EQ(some.count(), 3U);
  // Starts 0, 2 and 4 (i * 7 / 3).
  EXPECT_FLOAT_EQ(some.values[4 * 2], 2.0F / 9.0F);
  EXPECT_NE(ErrorOf([&] { (void)PanelWindows(real, 11, range, 10); }).find("no window of 11"),
            std::string::npos);
}

TEST(SynthPanel, VarBaselineLearnsPersistenceAndTheLinkAndRestoresItsState) {
  // A persistent level (AR(1), phi 0.9) and a column that follows it with noise.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> z(0, 1);
  Panel real;
  real.columns = {"level", "follower"};
  real.paths.resize(1);
  double level = 0;
  for (int t = 0; t < 3000; ++t) {
    level = 0.9 * level + z(rng);
    real.paths[0].push_back(100 + level);
    real.paths[0].push_back(5 * level + z(rng));
  }
  SynthSettings s;
  s.model = SynthModelKind::kVar;
  auto g = MakePanelGenerator(s);
  std::mt19937_64 fit_rng(1);
  g->Fit(real, fit_rng, false);
  EXPECT_EQ(g->Window(), 24U);
  const Panel sample = g->Sample(200, 60, 9);
  EXPECT_EQ(sample.paths, g->Sample(200, 60, 9).paths);
  EXPECT_NE(sample.paths, g->Sample(200, 60, 10).paths);
  // Lag-1 correlation of the level within paths, and the two columns' correlation.
  double sxx = 0, sxy = 0, syy = 0, lag = 0, lag_n = 0;
  for (const auto& path : sample.paths)
    for (std::size_t t = 0; t < 60; ++t) {
      const double x = path[t * 2] - 100, y = path[t * 2 + 1];
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      if (t > 0) {
        lag += x * (path[(t - 1) * 2] - 100);
        lag_n += (path[(t - 1) * 2] - 100) * (path[(t - 1) * 2] - 100);
      }
    }
  EXPECT_NEAR(lag / lag_n, 0.9, 0.05);
  EXPECT_GT(sxy / std::sqrt(sxx * syy), 0.9);  // real: about 0.98
  const std::string dir = finml::testing::TempDir("var_saved");
  SaveGenerator(*g, s, {{"steps", 3000}}, dir);
  const SavedGenerator loaded = SavedGenerator::Load(dir);
  ASSERT_TRUE(loaded.panel);
  EXPECT_EQ(loaded.panel->Sample(200, 60, 9).paths, sample.paths);
  auto manifest = nlohmann::json::parse(ReadFile(dir + "/model.json"));
  manifest["state"]["shock"] = {{1.0}};
  WriteFileAtomic(dir + "/model.json", manifest.dump());
  EXPECT_NE(ErrorOf([&] { (void)SavedGenerator::Load(dir); }).find("shock"), std::string::npos);
}

}  // namespace
}  // namespace finml::synth
