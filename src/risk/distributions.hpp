// Distribution functions the risk code needs, accurate to ~1e-12 or better where it matters
// (quantiles feed VaR figures compared with R to 1e-8): normal, Student-t (plain and standardised
// to unit variance), chi-square and binomial tails.
#pragma once

#include <cstddef>

namespace finml::risk {

[[nodiscard]] double NormalPdf(double x);
[[nodiscard]] double NormalCdf(double x);
[[nodiscard]] double NormalQuantile(double p);

// Student-t with `nu` degrees of freedom (not standardised).
[[nodiscard]] double StudentTPdf(double x, double nu);
[[nodiscard]] double StudentTCdf(double x, double nu);
[[nodiscard]] double StudentTQuantile(double p, double nu);

// Regularised incomplete beta I_x(a, b) and lower regularised gamma P(a, x).
[[nodiscard]] double IncompleteBeta(double a, double b, double x);
[[nodiscard]] double IncompleteGammaP(double a, double x);
// P(X > x) for X ~ chi-square(df).
[[nodiscard]] double ChiSquareSurvival(double x, double df);
// P(X <= k) for X ~ Binomial(n, p).
[[nodiscard]] double BinomialCdf(std::size_t k, std::size_t n, double p);

}  // namespace finml::risk
