// Hierarchical risk parity against PyPortfolioOpt's own published weights on its prices
// (../shared/data/pypfopt_weights_hrp.csv, from its tests/resources).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/data/loader.hpp"
#include "finml/portfolio/hrp.hpp"
#include "test_util.hpp"

namespace finml::portfolio {
namespace {

TEST(Hrp, ReproducesPyPortfolioOptsWeights) {
  const std::string shared = finml::testing::RepoPath("../shared/data/");
  if (!std::filesystem::exists(shared + "pypfopt_stock_prices.csv"))
    GTEST_SKIP() << "needs ../shared/data beside the checkout";
  data::LoadOptions load;
  load.missing = data::MissingPolicy::kKeep;
  const auto market = data::LoadMarketData(shared + "pypfopt_stock_prices.csv", load);
  const Matrix prices = PriceMatrix(market);
  const HrpResult hrp = HierarchicalRiskParity(SimpleReturns(prices));
  EXPECT_NEAR(hrp.weights.sum(), 1.0, 1e-12);

  std::map<std::string, double> published;
  std::istringstream in(ReadFile(shared + "pypfopt_weights_hrp.csv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    published[line.substr(0, comma)] = std::stod(line.substr(comma + 1));
  }
  ASSERT_EQ(published.size(), market.assets.size());
  for (std::size_t j = 0; j < market.assets.size(); ++j)
    EXPECT_NEAR(hrp.weights(static_cast<Eigen::Index>(j)), published.at(market.assets[j].symbol),
                1e-8)
        << market.assets[j].symbol;
}

// Two blocks of perfectly correlated assets: the dendrogram keeps each block together, and
// single linkage merges the closest pair first.
TEST(Hrp, SingleLinkageMergesClosestFirst) {
  Matrix d(4, 4);
  d << 0, 0.1, 0.8, 0.9,  //
      0.1, 0, 0.7, 0.85,  //
      0.8, 0.7, 0, 0.2,   //
      0.9, 0.85, 0.2, 0;
  const auto merges = SingleLinkage(d);
  ASSERT_EQ(merges.size(), 3u);
  EXPECT_EQ(merges[0].a, 0);
  EXPECT_EQ(merges[0].b, 1);
  EXPECT_DOUBLE_EQ(merges[0].distance, 0.1);
  EXPECT_EQ(merges[1].a, 2);
  EXPECT_EQ(merges[1].b, 3);
  EXPECT_EQ(merges[2].a, 4);
  EXPECT_EQ(merges[2].b, 5);
  EXPECT_DOUBLE_EQ(merges[2].distance, 0.7);
}

TEST(Hrp, NeedsTwoAssets) {
  Matrix one(10, 1);
  one.setConstant(0.01);
  EXPECT_THROW((void)HierarchicalRiskParity(one), Error);
}

}  // namespace
}  // namespace finml::portfolio
