#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/portfolio/black_litterman.hpp"

namespace finml::portfolio {
namespace {

struct Market {
  Matrix sigma;
  Vector prior;
  Views views;
};

Market Example() {
  Market s;
  const Vector vol = (Vector(3) << 0.15, 0.25, 0.2).finished();
  Matrix corr(3, 3);
  corr << 1, 0.5, 0.3, 0.5, 1, 0.4, 0.3, 0.4, 1;
  s.sigma = vol.asDiagonal() * corr * vol.asDiagonal();
  s.prior = MarketImpliedReturns(s.sigma, (Vector(3) << 0.5, 0.3, 0.2).finished(), 2.5);
  s.views.picks = Matrix::Zero(2, 3);
  s.views.picks(0, 0) = 1;  // asset 0 returns 10%
  s.views.picks(1, 1) = 1;  // asset 1 outperforms asset 2 by 2%
  s.views.picks(1, 2) = -1;
  s.views.returns = (Vector(2) << 0.10, 0.02).finished();
  return s;
}

// The posterior in its other textbook form, with the inverse of Omega:
// [(tau Sigma)^-1 + P' Omega^-1 P]^-1 [(tau Sigma)^-1 pi + P' Omega^-1 Q].
TEST(BlackLitterman, PosteriorMatchesTheClosedForm) {
  const Market s = Example();
  const double tau = 0.05;
  const Posterior post = BlackLitterman(s.sigma, s.prior, s.views, tau);
  const Matrix ts_inv = (tau * s.sigma).inverse();
  const Matrix om_inv = post.omega.inverse();
  const Matrix precision = ts_inv + s.views.picks.transpose() * om_inv * s.views.picks;
  const Vector expected = precision.inverse() *
                          (ts_inv * s.prior + s.views.picks.transpose() * om_inv * s.views.returns);
  EXPECT_TRUE(post.returns.isApprox(expected, 1e-12)) << post.returns.transpose() << "\n"
                                                      << expected.transpose();
  EXPECT_TRUE(post.covariance.isApprox(s.sigma + precision.inverse(), 1e-12));
  // He-Litterman's Omega: the views' variance under the prior.
  EXPECT_NEAR(post.omega(0, 0), tau * s.sigma(0, 0), 1e-15);
}

// The prior is delta Sigma w; a view at 100% confidence is met exactly, at a tiny confidence
// the posterior stays at the prior.
TEST(BlackLitterman, ConfidenceMovesTheReturnsFromPriorToView) {
  Market s = Example();
  EXPECT_NEAR(s.prior(0),
              2.5 * (s.sigma.row(0).dot(Vector((Vector(3) << 0.5, 0.3, 0.2).finished()))), 1e-15);
  s.views.confidence = (Vector(2) << 1.0, 1.0).finished();
  const Posterior certain = BlackLitterman(s.sigma, s.prior, s.views);
  EXPECT_NEAR(certain.returns(0), 0.10, 1e-12);
  EXPECT_NEAR(certain.returns(1) - certain.returns(2), 0.02, 1e-12);
  s.views.confidence = (Vector(2) << 1e-9, 1e-9).finished();
  const Posterior doubtful = BlackLitterman(s.sigma, s.prior, s.views);
  EXPECT_TRUE(doubtful.returns.isApprox(s.prior, 1e-6));
  s.views.confidence = (Vector(2) << 0.0, 0.5).finished();
  EXPECT_THROW((void)BlackLitterman(s.sigma, s.prior, s.views), Error);
}

}  // namespace
}  // namespace finml::portfolio
