// Expected returns and risk models against pandas and scikit-learn on a window of
// PyPortfolioOpt's prices (tests/portfolio/make_estimates_fixture.py writes the references).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/data/loader.hpp"
#include "finml/portfolio/estimates.hpp"
#include "reference_csv.hpp"
#include "test_util.hpp"

namespace finml::portfolio {
namespace {

const std::string kDir = finml::testing::RepoPath("tests/portfolio/fixtures/");

Matrix WindowPrices() {
  data::LoadOptions load;
  load.missing = data::MissingPolicy::kKeep;
  const auto market = data::LoadMarketData(kDir + "prices_window.csv", load);
  return PriceMatrix(market);
}

// quantity -> rows x columns of reference values.
std::map<std::string, Matrix> References() {
  return finml::testing::ReadReferenceCsv(kDir + "estimates_reference.csv");
}

void ExpectNear(const Matrix& got, const Matrix& want, double tolerance, const std::string& what) {
  ASSERT_EQ(got.rows(), want.rows()) << what;
  ASSERT_EQ(got.cols(), want.cols()) << what;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index j = 0; j < got.cols(); ++j)
      EXPECT_NEAR(got(i, j), want(i, j), tolerance * std::max(1.0, std::fabs(want(i, j))))
          << what << " (" << i << ", " << j << ")";
}

class Estimates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    returns_ = new Matrix(SimpleReturns(WindowPrices()));
    references_ = new std::map<std::string, Matrix>(References());
  }
  static Matrix* returns_;
  static std::map<std::string, Matrix>* references_;
};
Matrix* Estimates::returns_ = nullptr;
std::map<std::string, Matrix>* Estimates::references_ = nullptr;

TEST_F(Estimates, ExpectedReturnsMatchPandas) {
  const std::vector<std::pair<std::string, ReturnsOptions>> cases = {
      {"mean", {ReturnsModel::kMean}},
      {"cagr", {ReturnsModel::kCagr}},
      {"ewma", {ReturnsModel::kEwma, 252, 500}},
      {"capm", {ReturnsModel::kCapm, 252, 500, 0.02}},
  };
  for (const auto& [name, options] : cases)
    ExpectNear(ExpectedReturns(*returns_, options).transpose(), references_->at(name), 1e-10, name);
}

TEST_F(Estimates, RiskModelsMatchPandasAndScikitLearn) {
  const std::vector<std::pair<std::string, RiskOptions>> cases = {
      {"sample", {RiskModel::kSample}},
      {"semicovariance", {RiskModel::kSemicovariance}},
      {"exponential", {RiskModel::kExponential, 252, 180}},
      {"ledoit_wolf", {RiskModel::kLedoitWolf}},
      {"oas", {RiskModel::kOracleApproximating}},
  };
  for (const auto& [name, options] : cases) {
    const RiskEstimate e = EstimateRisk(*returns_, options);
    EXPECT_FALSE(e.repaired) << name;
    ExpectNear(e.covariance, references_->at(name), 1e-10, name);
  }
  EXPECT_NEAR(EstimateRisk(*returns_, {RiskModel::kLedoitWolf}).shrinkage,
              references_->at("ledoit_wolf_shrinkage")(0, 0), 1e-12);
  EXPECT_NEAR(EstimateRisk(*returns_, {RiskModel::kOracleApproximating}).shrinkage,
              references_->at("oas_shrinkage")(0, 0), 1e-12);
}

// PyPortfolioOpt's other Ledoit-Wolf targets (CovarianceShrinkage.ledoit_wolf with
// shrinkage_target "single_factor" and "constant_correlation"), transcribed in the fixture script.
TEST_F(Estimates, LedoitWolfTargetsMatchPyPortfolioOpt) {
  const std::vector<std::pair<std::string, RiskModel>> cases = {
      {"ledoit_wolf_single_factor", RiskModel::kLedoitWolfSingleFactor},
      {"ledoit_wolf_constant_correlation", RiskModel::kLedoitWolfConstantCorrelation},
  };
  for (const auto& [name, model] : cases) {
    const RiskEstimate e = EstimateRisk(*returns_, {model});
    EXPECT_FALSE(e.repaired) << name;
    ExpectNear(e.covariance, references_->at(name), 1e-10, name);
    EXPECT_NEAR(e.shrinkage, references_->at(name + "_shrinkage")(0, 0), 1e-10) << name;
  }
}

// Whatever the target, the intensity is a convex weight and the estimate a usable covariance.
TEST_F(Estimates, ShrinkageIsConvexAndPsd) {
  for (const RiskModel model :
       {RiskModel::kLedoitWolf, RiskModel::kLedoitWolfSingleFactor,
        RiskModel::kLedoitWolfConstantCorrelation, RiskModel::kOracleApproximating}) {
    const RiskEstimate e = EstimateRisk(*returns_, {model});
    const int id = static_cast<int>(model);
    EXPECT_GE(e.shrinkage, 0) << id;
    EXPECT_LE(e.shrinkage, 1) << id;
    EXPECT_EQ(e.covariance, e.covariance.transpose()) << id;
    Eigen::SelfAdjointEigenSolver<Matrix> eig(e.covariance);
    EXPECT_GE(eig.eigenvalues().minCoeff(), 0) << id;
  }
}

// FB lists midway through the window: its returns start later, and every statistic of it uses
// only its own bars.
TEST_F(Estimates, LateListingsUseTheirOwnBars) {
  const Matrix& r = *returns_;
  EXPECT_TRUE(std::isnan(r(0, 2)));
  EXPECT_FALSE(std::isnan(r(r.rows() - 1, 2)));
  EXPECT_TRUE(ExpectedReturns(r, {ReturnsModel::kCagr}).allFinite());
}

// Pairwise estimates need not be positive semidefinite: the repair clips negative eigenvalues and
// says so; a PSD matrix passes unchanged.
TEST(RepairPsd, ClipsNegativeEigenvaluesOnly) {
  Matrix m(3, 3);
  m << 1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1;
  bool repaired = false;
  const Matrix fixed = RepairPsd(m, &repaired);
  EXPECT_TRUE(repaired);
  Eigen::SelfAdjointEigenSolver<Matrix> eig(fixed);
  EXPECT_GE(eig.eigenvalues().minCoeff(), -1e-12);
  EXPECT_TRUE(fixed.isApprox(fixed.transpose()));
  const Matrix identity = Matrix::Identity(3, 3);
  EXPECT_EQ(RepairPsd(identity, &repaired), identity);
  EXPECT_FALSE(repaired);
}

TEST(EstimateInputs, TooFewBarsIsAClearError) {
  Matrix one(1, 2);
  one << 0.01, 0.02;
  EXPECT_THROW((void)ExpectedReturns(one, {}), Error);
  EXPECT_THROW((void)EstimateRisk(one, {}), Error);
}

}  // namespace
}  // namespace finml::portfolio

namespace finml::portfolio {
namespace {

TEST(EstimatesEdges, ConstantCorrelationNamesAFlatPriceAndTakesOneAsset) {
  Matrix r(5, 2);
  r << 0.01, 0.0, -0.02, 0.0, 0.03, 0.0, 0.0, 0.0, 0.01, 0.0;
  const RiskOptions o{RiskModel::kLedoitWolfConstantCorrelation};
  try {
    (void)EstimateRisk(r, o);
    ADD_FAILURE() << "no error for a flat price";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has the same return on every bar"), std::string::npos)
        << e.what();
  }
  const RiskEstimate one = EstimateRisk(r.leftCols(1), o);
  EXPECT_TRUE(one.covariance.allFinite());
  EXPECT_EQ(one.shrinkage, 0);
}

}  // namespace
}  // namespace finml::portfolio
