#include "distributions.hpp"

#include <cmath>
#include <limits>

#include "finml/core/error.hpp"

namespace finml::risk {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Continued fraction for the incomplete beta (modified Lentz), as in Numerical Recipes 6.4.
double BetaContinuedFraction(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-16) break;
  }
  return h;
}

}  // namespace

double NormalPdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * kPi); }

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) {
    if (p == 0) return -std::numeric_limits<double>::infinity();
    if (p == 1) return std::numeric_limits<double>::infinity();
    throw InvalidInput("NormalQuantile: probability outside [0, 1]");
  }
  // Acklam's rational approximation (relative error 1.15e-9), then two Halley steps on the exact
  // CDF, which takes it to full double precision.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  double x;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (int k = 0; k < 2; ++k) {
    // Work on the smaller tail so the difference keeps its digits.
    const double e = p < 0.5 ? NormalCdf(x) - p : (p - 1) + 0.5 * std::erfc(x / std::sqrt(2.0));
    const double err = p < 0.5 ? e : -e;
    const double u = err * std::sqrt(2 * kPi) * std::exp(0.5 * x * x);
    x = x - u / (1 + 0.5 * x * u);
  }
  return x;
}

double IncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

double StudentTPdf(double x, double nu) {
  return std::exp(std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2) - 0.5 * std::log(nu * kPi) -
                  (nu + 1) / 2 * std::log1p(x * x / nu));
}

double StudentTCdf(double x, double nu) {
  const double tail = 0.5 * IncompleteBeta(nu / 2, 0.5, nu / (nu + x * x));
  return x < 0 ? tail : 1 - tail;
}

double StudentTQuantile(double p, double nu) {
  FINML_REQUIRE(p > 0 && p < 1 && nu > 0, "StudentTQuantile: need 0 < p < 1 and nu > 0");
  if (p == 0.5) return 0;
  // Newton from the normal quantile, safeguarded by bisection on a bracket.
  double lo = -1e6, hi = 1e6;
  double x = NormalQuantile(p);
  for (int k = 0; k < 200; ++k) {
    const double f = StudentTCdf(x, nu) - p;
    if (f == 0) break;
    if (f < 0)
      lo = x;
    else
      hi = x;
    const double next = x - f / StudentTPdf(x, nu);
    const double step = std::abs(next - x);
    x = (next >= lo && next <= hi) ? next : 0.5 * (lo + hi);
    if (step < 1e-15 * (1 + std::abs(x)) || hi - lo < 1e-14 * (1 + std::abs(x))) break;
  }
  return x;
}

namespace {

// Q(a, x) = 1 - P(a, x) by its continued fraction (modified Lentz), for x >= a + 1: computed
// directly, so a tail probability of 1e-60 is not lost to 1 - P rounding to zero.
double UpperGammaFraction(double a, double x, double log_front) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-16) break;
  }
  return std::exp(log_front) * h;
}

}  // namespace

double IncompleteGammaP(double a, double x) {
  if (x <= 0) return 0;
  const double log_front = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    double sum = 1 / a, term = sum;
    for (int n = 1; n < 10000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::abs(term) < std::abs(sum) * 1e-17) break;
    }
    return sum * std::exp(log_front);
  }
  return 1 - UpperGammaFraction(a, x, log_front);
}

double ChiSquareSurvival(double x, double df) {
  if (x <= 0) return 1;
  if (df == 1) return std::erfc(std::sqrt(x / 2));
  if (df == 2) return std::exp(-x / 2);
  const double a = df / 2, h = x / 2;
  if (h < a + 1) return 1 - IncompleteGammaP(a, h);
  return UpperGammaFraction(a, h, -h + a * std::log(h) - std::lgamma(a));
}

double BinomialCdf(std::size_t k, std::size_t n, double p) {
  if (k >= n) return 1;
  // P(X <= k) = I_{1-p}(n - k, k + 1).
  return IncompleteBeta(static_cast<double>(n - k), static_cast<double>(k + 1), 1 - p);
}

}  // namespace finml::risk
