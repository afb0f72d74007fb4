#include <gtest/gtest.h>

#include "risk/distributions.hpp"

namespace finml::risk {
namespace {

// Reference values from R 4.2: qnorm, qt, pt, pchisq, pbinom.
TEST(Distributions, MatchR) {
  EXPECT_NEAR(NormalQuantile(0.01), -2.326347874040841, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-11);
  EXPECT_NEAR(StudentTQuantile(0.01, 5), -3.364929998907217, 1e-11);
  EXPECT_NEAR(StudentTQuantile(0.975, 3.5), 2.940088637982729, 1e-9);
  EXPECT_NEAR(StudentTCdf(-2.0, 4), 0.05805826175840778, 1e-13);
  EXPECT_NEAR(ChiSquareSurvival(3.841458820694124, 1), 0.05, 1e-13);
  EXPECT_NEAR(ChiSquareSurvival(5.991464547107979, 2), 0.05, 1e-13);
  EXPECT_NEAR(ChiSquareSurvival(7.814727903251178, 3), 0.05, 1e-12);
  EXPECT_NEAR(BinomialCdf(4, 250, 0.01), 0.8921876269036251, 1e-10);
  EXPECT_NEAR(BinomialCdf(9, 250, 0.01), 0.9997498099312595, 1e-10);
  EXPECT_EQ(BinomialCdf(250, 250, 0.01), 1.0);
}

}  // namespace
}  // namespace finml::risk
