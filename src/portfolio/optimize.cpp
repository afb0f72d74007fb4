#include "finml/portfolio/optimize.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "convex_program.hpp"
#include "finml/core/error.hpp"
#include "finml/portfolio/hrp.hpp"
#include "finml/portfolio/risk_parity.hpp"

namespace finml::portfolio {
namespace {

using detail::ConvexProgram;
using detail::kInfinity;

std::string Name(Objective o) { return EnumName(o); }

void CheckConstraints(Eigen::Index n, const Constraints& c) {
  FINML_REQUIRE(c.lower <= c.upper,
                "the weight bounds [{}, {}] are reversed (fix: --bounds LO,HI "
                "with LO <= HI)",
                c.lower, c.upper);
  const double lo_sum = static_cast<double>(n) * c.lower, hi_sum = static_cast<double>(n) * c.upper;
  FINML_REQUIRE(lo_sum <= c.net + 1e-12 && c.net <= hi_sum + 1e-12,
                "no portfolio satisfies the constraints: bounds [{}, {}] on {} assets let the "
                "weights sum to [{}, {}], not {} (fix: wider --bounds)",
                c.lower, c.upper, n, lo_sum, hi_sum, c.net);
  FINML_REQUIRE(c.net != 0 || c.lower < 0,
                "a market-neutral portfolio needs short positions (fix: a negative lower bound, "
                "e.g. --bounds -1,1)");
  if (c.leverage) {
    FINML_REQUIRE(*c.leverage > 0, "the leverage limit must be positive, not {}", *c.leverage);
    FINML_REQUIRE(*c.leverage >= std::abs(c.net) - 1e-12,
                  "no portfolio satisfies the constraints: weights summing to {} need a gross "
                  "leverage of at least {}, above the limit {} (fix: a higher --leverage)",
                  c.net, std::abs(c.net), *c.leverage);
  }
  FINML_REQUIRE(c.current.size() == 0 || c.current.size() == n,
                "the current weights name {} assets, the estimates {}", c.current.size(), n);
  if (c.turnover) {
    FINML_REQUIRE(*c.turnover >= 0, "the turnover limit must be >= 0, not {}", *c.turnover);
    const double held = c.current.size() ? c.current.sum() : 0.0;
    FINML_REQUIRE(*c.turnover >= std::abs(c.net - held) - 1e-12,
                  "no portfolio satisfies the constraints: the current weights sum to {} and the "
                  "new ones must sum to {}, a turnover of at least {}, above the limit {} (fix: "
                  "--current-weights with what is held now, or a higher --turnover)",
                  held, c.net, std::abs(c.net - held), *c.turnover);
  }
  FINML_REQUIRE(c.cost >= 0 && c.l2 >= 0, "the cost penalty ({}) and L2 gamma ({}) must be >= 0",
                c.cost, c.l2);
  std::vector<bool> covered(static_cast<std::size_t>(n), false);
  double caps = 0, floors = 0;
  // Groups may overlap (a sector and a country); the sums below only prove infeasibility for
  // disjoint ones, and the solver reports the rest.
  bool overlapping = false;
  for (const auto& s : c.sectors) {
    FINML_REQUIRE(s.lower <= s.upper, "sector '{}': its limits [{}, {}] are reversed", s.sector,
                  s.lower, s.upper);
    const double most = static_cast<double>(s.assets.size()) * c.upper;
    const double least = static_cast<double>(s.assets.size()) * c.lower;
    FINML_REQUIRE(s.lower <= most + 1e-12 && s.upper >= least - 1e-12,
                  "no portfolio satisfies the constraints: sector '{}' has {} assets, whose "
                  "weights within [{}, {}] sum to [{}, {}], outside its limits [{}, {}] (fix: its "
                  "--sector-cap or --bounds)",
                  s.sector, s.assets.size(), c.lower, c.upper, least, most, s.lower, s.upper);
    for (Eigen::Index i : s.assets) {
      FINML_REQUIRE(i >= 0 && i < n,
                    "sector '{}' names asset {}, outside the {} assets of the estimates (fix: "
                    "index the assets from 0)",
                    s.sector, i, n);
      overlapping = overlapping || covered[static_cast<std::size_t>(i)];
      covered[static_cast<std::size_t>(i)] = true;
    }
    caps += s.upper;
    floors += std::isfinite(s.lower) ? std::max(s.lower, 0.0) : 0.0;
  }
  const bool all_covered = std::all_of(covered.begin(), covered.end(), [](bool b) { return b; });
  if (!c.sectors.empty() && all_covered && c.lower >= 0 && !overlapping)
    FINML_REQUIRE(caps >= c.net - 1e-12,
                  "no portfolio satisfies the constraints: every asset is in a capped sector and "
                  "the caps sum to {}, less than the {} to invest (fix: raise a --sector-cap, or "
                  "leave a sector uncapped)",
                  caps, c.net);
  if (c.lower >= 0 && !overlapping)
    FINML_REQUIRE(floors <= c.net + 1e-12,
                  "no portfolio satisfies the constraints: the sector minimums sum to {}, more "
                  "than the {} to invest",
                  floors, c.net);
}

// Starts the solver at `w` (the auxiliary variables of leverage and turnover at their values
// there).
void StartAt(ConvexProgram& p, const Vector& w, const Constraints& c) {
  const Eigen::Index n = w.size();
  p.start = Vector::Zero(p.variables());
  p.start.head(n) = w;
  Eigen::Index next = n;
  if (c.leverage && c.lower < 0) {
    p.start.segment(next, n) = w.cwiseAbs();
    next += n;
  }
  if (c.turnover || c.cost > 0) {
    const Vector current = c.current.size() ? c.current : Vector::Zero(n);
    p.start.segment(next, n) = (w - current).cwiseAbs();
  }
}

// All of the net investment in the asset scoring highest, when the bounds allow it: a vertex of
// the long-only simplex, from which BLEIC frees the few assets the optimum holds.
std::optional<Vector> Vertex(const Vector& score, const Constraints& c) {
  if (c.lower != 0 || c.upper < c.net || c.net <= 0 || !c.sectors.empty()) return std::nullopt;
  if (c.leverage && *c.leverage < c.net) return std::nullopt;
  Eigen::Index best = 0;
  score.maxCoeff(&best);
  Vector w = Vector::Zero(score.size());
  w(best) = c.net;
  return w;
}

// The weights w (variables 0..n-1) and whatever auxiliary variables the constraints need.
ConvexProgram WeightProgram(Eigen::Index n, const Constraints& c) {
  ConvexProgram p;
  p.AddVariables(n, c.lower, c.upper);
  p.AddRow(Vector::Ones(n), c.net, c.net);
  for (const auto& s : c.sectors) {
    Vector a = Vector::Zero(n);
    for (Eigen::Index i : s.assets) a(i) = 1;
    p.AddRow(a, s.lower, s.upper);
  }
  if (c.leverage) {
    if (c.lower >= 0) {
      p.AddRow(Vector::Ones(n), -kInfinity, *c.leverage);
    } else {
      // t_i >= |w_i|, sum t <= leverage.
      const Eigen::Index t = p.AddVariables(n, 0, kInfinity);
      for (Eigen::Index i = 0; i < n; ++i) {
        Vector a = Vector::Zero(t + n);
        a(i) = 1;
        a(t + i) = -1;
        p.AddRow(a, -kInfinity, 0);
        a(i) = -1;
        p.AddRow(a, -kInfinity, 0);
      }
      Vector a = Vector::Zero(t + n);
      a.tail(n).setOnes();
      p.AddRow(a, -kInfinity, *c.leverage);
    }
  }
  if (c.turnover || c.cost > 0) {
    const Vector current = c.current.size() ? c.current : Vector::Zero(n);
    // d_i >= |w_i - current_i|.
    const Eigen::Index d = p.AddVariables(n, 0, kInfinity);
    for (Eigen::Index i = 0; i < n; ++i) {
      Vector a = Vector::Zero(d + n);
      a(i) = 1;
      a(d + i) = -1;
      p.AddRow(a, -kInfinity, current(i));
      a(i) = -1;
      p.AddRow(a, -kInfinity, -current(i));
    }
    if (c.turnover) {
      Vector a = Vector::Zero(d + n);
      a.tail(n).setOnes();
      p.AddRow(a, -kInfinity, *c.turnover);
    }
    p.linear.segment(d, n).setConstant(c.cost);
  }
  return p;
}

void SetQuadratic(ConvexProgram& p, const Matrix& weights_block) { p.quadratic = weights_block; }

Matrix Ridge(const Matrix& q, double l2) {
  Matrix out = q;
  out.diagonal().array() += 2 * l2;
  return out;
}

std::string Hint(const Constraints& c) {
  std::string hint = fmt::format("bounds [{}, {}], weights summing to {}", c.lower, c.upper, c.net);
  if (!c.sectors.empty()) hint += fmt::format(", {} sector limits", c.sectors.size());
  if (c.leverage) hint += fmt::format(", leverage <= {}", *c.leverage);
  if (c.turnover) hint += fmt::format(", turnover <= {}", *c.turnover);
  return hint + "; fix: relax one of them";
}

Vector Weights(const Vector& x, Eigen::Index n) { return x.head(n); }

// The highest expected return any portfolio under the constraints reaches (an LP).
double HighestReturn(const Estimates& e, const Constraints& c, const std::string& what) {
  ConvexProgram p = WeightProgram(e.expected.size(), c);
  p.linear.setZero();
  p.linear.head(e.expected.size()) = -e.expected;
  return e.expected.dot(Weights(detail::Solve(p, what, Hint(c)), e.expected.size()));
}

Vector MinVarianceWeights(const Estimates& e, const Constraints& c, const std::string& what) {
  ConvexProgram p = WeightProgram(e.expected.size(), c);
  SetQuadratic(p, Ridge(2 * e.covariance, c.l2));
  if (const auto vertex = Vertex(-e.covariance.diagonal(), c)) StartAt(p, *vertex, c);
  return Weights(detail::Solve(p, what, Hint(c)), e.expected.size());
}

// `highest`: the highest achievable return when the caller knows it (a frontier computes it once).
Vector EfficientReturnWeights(const Estimates& e, const Constraints& c, double target,
                              const std::string& what, std::optional<double> known = {}) {
  const Eigen::Index n = e.expected.size();
  const double highest = known ? *known : HighestReturn(e, c, what);
  FINML_REQUIRE(target <= highest + 1e-9 * (1 + std::abs(highest)),
                "{}: the target return {} is above the highest any portfolio under these "
                "constraints reaches, {} (fix: a lower --target-return)",
                what, target, highest);
  ConvexProgram p = WeightProgram(n, c);
  SetQuadratic(p, Ridge(2 * e.covariance, c.l2));
  p.AddRow(e.expected, std::min(target, highest), kInfinity);
  // The highest-return asset alone meets every reachable target.
  if (const auto vertex = Vertex(e.expected, c)) StartAt(p, *vertex, c);
  return Weights(detail::Solve(p, what, Hint(c)), n);
}

Vector UtilityWeights(const Estimates& e, const Constraints& c, double risk_aversion,
                      const std::string& what) {
  const Eigen::Index n = e.expected.size();
  ConvexProgram p = WeightProgram(n, c);
  SetQuadratic(p, Ridge(risk_aversion * e.covariance, c.l2));
  p.linear.head(n) = -e.expected;
  return Weights(detail::Solve(p, what, Hint(c)), n);
}

double Volatility(const Vector& w, const Matrix& covariance) {
  return std::sqrt(std::max(w.dot(covariance * w), 0.0));
}

// The efficient portfolio at a target volatility: along the quadratic-utility path, volatility
// falls as risk aversion rises, so bisection on log(risk aversion) finds it.
Vector EfficientRiskWeights(const Estimates& e, const Constraints& c, double target,
                            const std::string& what) {
  FINML_REQUIRE(target > 0,
                "{}: the target volatility must be positive, not {} (fix: --target-volatility "
                "0.2 for 20% a year)",
                what, target);
  double lo = std::log(1e-6), hi = std::log(1e8);
  Vector least_risky = UtilityWeights(e, c, std::exp(hi), what);
  // The floor is the least volatile portfolio, which the L2 term would move away from.
  Constraints unregularised = c;
  unregularised.l2 = 0;
  const double floor = Volatility(MinVarianceWeights(e, unregularised, what), e.covariance);
  FINML_REQUIRE(target >= floor - 1e-9,
                "{}: the target volatility {} is below the lowest any portfolio under these "
                "constraints reaches, {} (fix: a higher --target-volatility)",
                what, target, floor);
  Vector boldest = UtilityWeights(e, c, std::exp(lo), what);
  if (Volatility(boldest, e.covariance) <= target) return boldest;
  if (Volatility(least_risky, e.covariance) >= target) return least_risky;
  // The solver's own noise can stop the bisection short of 1e-10: keep the closest iterate.
  Vector best = boldest;
  double best_miss = kInfinity;
  for (int i = 0; i < 100 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    const Vector w = UtilityWeights(e, c, std::exp(mid), what);
    const double v = Volatility(w, e.covariance);
    if (std::abs(v - target) < best_miss) {
      best = w;
      best_miss = std::abs(v - target);
    }
    if (best_miss <= 1e-10 * target) break;
    (v > target ? lo : hi) = mid;
  }
  return best;
}

// max score' w / sqrt(w' Sigma w) as the convex problem in y = w kappa (Cornuejols and Tutuncu):
// min y' Sigma y subject to score' y = 1, every constraint a'w in [lo, hi] becoming
// a'y in [lo kappa, hi kappa], kappa >= 0.
Vector RatioWeights(const Estimates& e, const Constraints& c, const Vector& score,
                    const std::string& what) {
  FINML_REQUIRE(c.cost == 0,
                "{} is a ratio, which a transaction-cost penalty would distort (fix: "
                "--objective quadratic_utility or efficient_risk with --cost-penalty, or a "
                "turnover limit)",
                what);
  const Eigen::Index n = score.size();
  // A ratio does not fix the scale of a market-neutral book: it is set afterwards, from the
  // leverage and the bounds, which would not respect these limits.
  FINML_REQUIRE(c.net != 0 || (c.sectors.empty() && !c.turnover),
                "{} of a market-neutral book takes no sector or turnover limits (fix: drop "
                "them, or use efficient_return or quadratic_utility)",
                what);
  const ConvexProgram w = WeightProgram(n, c);
  const Eigen::Index vars = w.variables(), kappa = vars;
  ConvexProgram y;
  y.AddVariables(vars + 1, 0, 0);
  for (Eigen::Index j = 0; j < vars; ++j) {
    y.lower(j) = w.lower(j) >= 0 ? 0 : -kInfinity;
    y.upper(j) = w.upper(j) <= 0 ? 0 : kInfinity;
  }
  y.upper(kappa) = kInfinity;
  // Weights in [0, hi] that sum to net <= hi need no upper rows: the sum row implies them.
  const bool upper_implied = c.lower >= 0 && c.upper >= c.net;
  for (Eigen::Index j = 0; j < vars; ++j) {
    if (std::isfinite(w.lower(j)) && w.lower(j) != 0)
      y.AddRow({{{j, 1.0}, {kappa, -w.lower(j)}}, 0, kInfinity});
    if (std::isfinite(w.upper(j)) && w.upper(j) != 0 && !(j < n && upper_implied))
      y.AddRow({{{j, 1.0}, {kappa, -w.upper(j)}}, -kInfinity, 0});
  }
  for (const auto& row : w.rows) {
    auto with = [&](double bound) {
      detail::Row out{row.terms, 0, 0};
      out.terms.emplace_back(kappa, -bound);
      return out;
    };
    if (row.lo == row.hi) {
      y.AddRow(with(row.lo));
      continue;
    }
    if (std::isfinite(row.lo)) {
      auto r = with(row.lo);
      r.hi = kInfinity;
      y.AddRow(std::move(r));
    }
    if (std::isfinite(row.hi)) {
      auto r = with(row.hi);
      r.lo = -kInfinity;
      y.AddRow(std::move(r));
    }
  }
  Vector normal = Vector::Zero(vars + 1);
  normal.head(n) = score;
  y.AddRow(normal, 1, 1);
  // L2 on y is the ratio under Sigma + gamma I: a covariance shrunk toward independence.
  SetQuadratic(y, Ridge(2 * e.covariance, c.l2));
  // From the vertex of the best single asset by score per unit of volatility (y scaled so that
  // score' y = 1), when there are no auxiliary variables to place.
  if (vars == n && score.maxCoeff() > 0) {
    const Vector ratio = score.cwiseQuotient(e.covariance.diagonal().cwiseMax(1e-300).cwiseSqrt());
    if (const auto vertex = Vertex(ratio, c)) {
      Eigen::Index k = 0;
      vertex->maxCoeff(&k);
      if (score(k) > 0) {
        y.start = Vector::Zero(vars + 1);
        y.start(k) = 1 / score(k);
        y.start(kappa) = y.start(k) / c.net;
      }
    }
  }
  const Vector x = detail::Solve(y, what, Hint(c) + "; or no portfolio has a positive " + what);
  const Vector ys = x.head(n);
  if (c.net != 0) {
    FINML_REQUIRE(x(kappa) > 1e-14, "{}: the solver returned no scale for the weights", what);
    return ys / x(kappa);
  }
  // Market neutral: the ratio does not depend on scale, so take the largest the leverage and
  // bounds allow.
  const double gross = ys.cwiseAbs().sum();
  FINML_REQUIRE(gross > 0, "{}: the solver returned no positions", what);
  double scale = c.leverage.value_or(1.0) / gross;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (ys(i) > 0 && std::isfinite(c.upper)) scale = std::min(scale, c.upper / ys(i));
    if (ys(i) < 0 && std::isfinite(c.lower)) scale = std::min(scale, c.lower / ys(i));
  }
  return ys * scale;
}

Matrix Scenarios(const Estimates& e, const std::string& what) {
  FINML_REQUIRE(e.returns.rows() >= 2 && e.returns.cols() == e.expected.size(),
                "{} needs the per-bar returns ({} bars of {} assets given; fix: estimate from "
                "prices or returns, not a covariance alone)",
                what, e.returns.rows(), e.returns.cols());
  return MissingAsZero(e.returns);
}

// Rockafellar and Uryasev: min alpha + 1 / ((1 - beta) T) sum_t u_t, u_t >= -r_t' w - alpha,
// u_t >= 0.
Vector MinCvarWeights(const Estimates& e, const Constraints& c, double beta,
                      const std::string& what) {
  FINML_REQUIRE(c.l2 == 0,
                "{} is a linear programme: L2 regularisation does not apply (fix: drop "
                "--l2, or use a quadratic objective)",
                what);
  FINML_REQUIRE(beta > 0 && beta < 1, "{}: beta must be in (0, 1), not {}", what, beta);
  const Matrix r = Scenarios(e, what);
  const Eigen::Index n = r.cols(), bars = r.rows();
  ConvexProgram p = WeightProgram(n, c);
  const Eigen::Index alpha = p.AddVariables(1, -kInfinity, kInfinity);
  const Eigen::Index u = p.AddVariables(bars, 0, kInfinity);
  p.linear(alpha) = 1;
  p.linear.segment(u, bars).setConstant(1 / ((1 - beta) * static_cast<double>(bars)));
  for (Eigen::Index t = 0; t < bars; ++t) {
    detail::Row row{{}, -kInfinity, 0};
    for (Eigen::Index j = 0; j < n; ++j)
      if (r(t, j) != 0) row.terms.emplace_back(j, -r(t, j));
    row.terms.emplace_back(alpha, -1.0);
    row.terms.emplace_back(u + t, -1.0);
    p.AddRow(std::move(row));
  }
  return Weights(detail::Solve(p, what, Hint(c)), n);
}

// min (frequency / T) sum_t s_t^2 with s_t >= benchmark - r_t' w, s_t >= 0 (Markowitz's
// semivariance as PyPortfolioOpt's EfficientSemivariance poses it).
Vector MinSemivarianceWeights(const Estimates& e, const Constraints& c, double benchmark,
                              double frequency, const std::string& what) {
  const Matrix r = Scenarios(e, what);
  const Eigen::Index n = r.cols(), bars = r.rows();
  ConvexProgram p = WeightProgram(n, c);
  const Eigen::Index s = p.AddVariables(bars, 0, kInfinity);
  p.quadratic_diagonal = Vector::Zero(p.variables());
  p.quadratic_diagonal.segment(s, bars).setConstant(2 * frequency / static_cast<double>(bars));
  p.quadratic_diagonal.head(n).setConstant(2 * c.l2);
  for (Eigen::Index t = 0; t < bars; ++t) {
    detail::Row row{{}, benchmark, kInfinity};
    for (Eigen::Index j = 0; j < n; ++j)
      if (r(t, j) != 0) row.terms.emplace_back(j, r(t, j));
    row.terms.emplace_back(s + t, 1.0);
    p.AddRow(std::move(row));
  }
  return Weights(detail::Solve(p, what, Hint(c)), n);
}

// CVaR of the scenarios' portfolio returns as the LP defines it: min over alpha of
// alpha + mean of the (1 - beta) tail beyond it; the minimum sits at a scenario's loss.
double ScenarioCvar(const Vector& returns, double beta) {
  std::vector<double> losses(returns.size());
  for (Eigen::Index t = 0; t < returns.size(); ++t) losses[t] = -returns(t);
  std::sort(losses.begin(), losses.end(), std::greater<>());
  const double scale = 1 / ((1 - beta) * static_cast<double>(losses.size()));
  double best = kInfinity, above = 0;
  for (std::size_t k = 0; k < losses.size(); ++k) {
    // alpha = losses[k]: the k larger losses exceed it.
    best = std::min(best, losses[k] + scale * (above - static_cast<double>(k) * losses[k]));
    above += losses[k];
  }
  return best;
}

}  // namespace

bool IsOptimised(Objective o) {
  return o != Objective::kRiskParity && o != Objective::kHrp &&
         o != Objective::kInverseVolatility && o != Objective::kEqualWeight;
}

bool Constraints::Binding() const {
  return lower != 0 || upper < 1 || net != 1 || leverage || !sectors.empty() || turnover ||
         cost != 0 || l2 != 0;
}

Portfolio Describe(const Vector& w, const Estimates& e, const ObjectiveOptions& o) {
  Portfolio p;
  p.weights = w;
  p.expected_return = e.expected.dot(w);
  p.volatility = Volatility(w, e.covariance);
  p.sharpe = p.volatility > 0 ? (p.expected_return - o.risk_free) / p.volatility : 0;
  const Vector marginal = e.covariance * w;
  const double variance = w.dot(marginal);
  p.risk_contributions =
      variance > 0 ? Vector(w.cwiseProduct(marginal) / variance) : Vector(Vector::Zero(w.size()));
  const Vector sigma = e.covariance.diagonal().cwiseMax(0.0).cwiseSqrt();
  p.diversification_ratio = p.volatility > 0 ? sigma.dot(w) / p.volatility : 0;
  if (e.returns.rows() >= 2 && e.returns.cols() == w.size()) {
    const Vector r = MissingAsZero(e.returns) * w;
    p.cvar = ScenarioCvar(r, o.cvar_beta);
    const double downside =
        (r.array() - o.downside_benchmark).min(0.0).square().sum() / static_cast<double>(r.size());
    p.semideviation = std::sqrt(o.frequency * downside);
  }
  return p;
}

Portfolio Optimize(const Estimates& e, const ObjectiveOptions& o, const Constraints& c) {
  const Eigen::Index n = e.expected.size();
  FINML_REQUIRE(n > 0 && e.covariance.rows() == n && e.covariance.cols() == n,
                "portfolio optimisation: {} expected returns for a {} x {} covariance", n,
                e.covariance.rows(), e.covariance.cols());
  FINML_REQUIRE(e.expected.allFinite() && e.covariance.allFinite(),
                "portfolio optimisation: the estimates hold NaN or infinite values (an asset with "
                "too few returns in the window?)");
  const std::string what = Name(o.objective);
  if (!IsOptimised(o.objective)) {
    FINML_REQUIRE(!c.Binding(),
                  "{} is a rule, not an optimisation: it makes long-only, fully invested weights "
                  "and takes no bounds, sectors, leverage, turnover, cost or L2 (fix: drop them, "
                  "or choose an optimised objective such as min_variance)",
                  what);
  } else {
    CheckConstraints(n, c);
  }
  Vector w;
  switch (o.objective) {
    case Objective::kMinVariance:
      FINML_REQUIRE(c.net != 0,
                    "min_variance: the least risky market-neutral portfolio holds nothing (fix: "
                    "efficient_return with --target-return, or max_sharpe)");
      w = MinVarianceWeights(e, c, what);
      break;
    case Objective::kMaxSharpe: {
      const Vector excess = e.expected.array() - o.risk_free;
      FINML_REQUIRE(c.lower < 0 || excess.maxCoeff() > 0,
                    "max_sharpe: no asset's expected return ({} at best) beats the risk-free rate "
                    "{}, so every long-only portfolio has a negative Sharpe ratio (fix: a lower "
                    "--risk-free, other expected returns, or min_variance)",
                    e.expected.maxCoeff(), o.risk_free);
      w = RatioWeights(e, c, excess, what);
      break;
    }
    case Objective::kMaxDiversification:
      w = RatioWeights(e, c, e.covariance.diagonal().cwiseMax(0.0).cwiseSqrt(), what);
      break;
    case Objective::kEfficientReturn:
      FINML_REQUIRE(o.target_return.has_value(),
                    "efficient_return needs a target (fix: --target-return 0.15)");
      w = EfficientReturnWeights(e, c, *o.target_return, what);
      break;
    case Objective::kEfficientRisk:
      FINML_REQUIRE(o.target_volatility.has_value(),
                    "efficient_risk needs a target (fix: --target-volatility 0.2)");
      w = EfficientRiskWeights(e, c, *o.target_volatility, what);
      break;
    case Objective::kQuadraticUtility:
      FINML_REQUIRE(o.risk_aversion > 0, "quadratic_utility: risk aversion must be positive");
      w = UtilityWeights(e, c, o.risk_aversion, what);
      break;
    case Objective::kMinCvar:
      w = MinCvarWeights(e, c, o.cvar_beta, what);
      break;
    case Objective::kMinSemivariance:
      w = MinSemivarianceWeights(e, c, o.downside_benchmark, o.frequency, what);
      break;
    case Objective::kRiskParity: {
      const Vector budgets = o.budgets.size() ? o.budgets : Vector(Vector::Ones(n));
      FINML_REQUIRE(budgets.size() == n, "risk_parity: {} budgets for {} assets", budgets.size(),
                    n);
      w = RiskBudgeting(e.covariance, budgets / budgets.sum()).weights;
      break;
    }
    case Objective::kHrp:
      FINML_REQUIRE(e.returns.rows() >= 2 && e.returns.cols() == n,
                    "hrp needs the per-bar returns (fix: estimate from prices or returns, not a "
                    "covariance alone)");
      w = HierarchicalRiskParity(e.returns).weights;
      break;
    case Objective::kInverseVolatility:
      w = InverseVolatility(e.covariance);
      break;
    case Objective::kEqualWeight:
      w = EqualWeight(n);
      break;
  }
  // Solvers stop within tolerance of the bounds; weights a hair outside them are noise.
  for (Eigen::Index i = 0; i < n; ++i) {
    if (std::abs(w(i)) < 1e-12) w(i) = 0;
    if (IsOptimised(o.objective)) w(i) = std::clamp(w(i), c.lower, c.upper);
  }
  return Describe(w, e, o);
}

std::vector<Portfolio> EfficientFrontier(const Estimates& e, const ObjectiveOptions& o,
                                         const Constraints& c, std::size_t points) {
  FINML_REQUIRE(points >= 2, "a frontier needs at least 2 points, not {}", points);
  CheckConstraints(e.expected.size(), c);
  const std::string what = "efficient frontier";
  const double low = c.net == 0 ? 0 : e.expected.dot(MinVarianceWeights(e, c, what));
  const double high = HighestReturn(e, c, what);
  std::vector<Portfolio> out;
  for (std::size_t k = 0; k < points; ++k) {
    const double target =
        low + (high - low) * static_cast<double>(k) / static_cast<double>(points - 1);
    out.push_back(Describe(EfficientReturnWeights(e, c, target, what, high), e, o));
  }
  return out;
}

}  // namespace finml::portfolio
