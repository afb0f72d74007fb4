#include "finml/anomaly/ensemble.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::anomaly {
namespace {

// The training scores' mean and population deviation per detector (1 where constant or, for
// scores so large that it overflows, infinite).
void Standardisation(const Matrix& training, Ensemble& e) {
  const Standardizer standardizer = Standardizer::Fit(training);
  e.centre = standardizer.mean.transpose();
  e.scale = standardizer.scale.transpose();
  for (Eigen::Index d = 0; d < e.scale.size(); ++d)
    if (!std::isfinite(e.scale[d])) e.scale[d] = 1;
}

double Normal(double x, double mean, double variance) {
  return std::exp(-0.5 * (x - mean) * (x - mean) / variance) /
         std::sqrt(2 * std::numbers::pi * variance);
}

// SELECT's weights for its correlations: a two-Gaussian mixture fitted to the target by EM; the
// records the upper component claims are the target's anomalies, and they weigh as much in all
// as the rest (each 1 / (2 |anomalies|), each other 1 / (2 |normal|)). Equal weights where the
// mixture finds no split.
Eigen::VectorXd TargetWeights(const Eigen::VectorXd& target) {
  const Eigen::Index n = target.size();
  const Eigen::VectorXd uniform = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  std::vector<double> sorted(target.data(), target.data() + n);
  std::sort(sorted.begin(), sorted.end());
  const auto at = [&](double q) {
    return sorted[static_cast<std::size_t>(std::floor(q * static_cast<double>(n - 1)))];
  };
  const double mean = target.mean();
  const double variance = (target.array() - mean).square().mean();
  if (!(variance > 0)) return uniform;
  const double floor = 1e-6 * variance;
  double mu_lo = at(0.5), mu_hi = at(0.95), var_lo = variance, var_hi = variance, share_hi = 0.1;
  Eigen::VectorXd upper(n);
  double previous = -std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < 500; ++iteration) {
    double likelihood = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double hi = share_hi * Normal(target[i], mu_hi, var_hi);
      const double lo = (1 - share_hi) * Normal(target[i], mu_lo, var_lo);
      const double total = hi + lo;
      upper[i] = total > 0 ? hi / total : (target[i] > mu_lo ? 1.0 : 0.0);
      likelihood += std::log(std::max(total, std::numeric_limits<double>::min()));
    }
    const double mass_hi = upper.sum(), mass_lo = static_cast<double>(n) - mass_hi;
    if (!(mass_hi > 0) || !(mass_lo > 0)) return uniform;
    mu_hi = upper.dot(target) / mass_hi;
    mu_lo = (target.sum() - upper.dot(target)) / mass_lo;
    var_hi = std::max(floor, upper.dot((target.array() - mu_hi).square().matrix()) / mass_hi);
    var_lo = std::max(
        floor,
        (1 - upper.array()).matrix().dot((target.array() - mu_lo).square().matrix()) / mass_lo);
    share_hi = mass_hi / static_cast<double>(n);
    if (std::abs(likelihood - previous) <= 1e-10 * (1 + std::abs(likelihood))) break;
    previous = likelihood;
  }
  if (mu_hi < mu_lo) {  // the components swapped: the upper one is the other
    upper = (1 - upper.array()).matrix();
    std::swap(mu_hi, mu_lo);
  }
  Eigen::VectorXd w(n);
  Eigen::Index anomalies = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const bool anomaly = upper[i] > 0.5 && target[i] > mu_lo;
    w[i] = anomaly ? 1.0 : 0.0;
    anomalies += anomaly ? 1 : 0;
  }
  if (anomalies == 0 || anomalies == n) return uniform;
  for (Eigen::Index i = 0; i < n; ++i)
    w[i] =
        w[i] > 0 ? 0.5 / static_cast<double>(anomalies) : 0.5 / static_cast<double>(n - anomalies);
  return w;
}

Ensemble FitAvgRank(const Matrix& training) {
  Ensemble e;
  Standardisation(training, e);
  e.weight = Eigen::VectorXd::Constant(training.cols(), 1.0 / static_cast<double>(training.cols()));
  return e;
}

Ensemble FitMaxZ(const Matrix& training) {
  Ensemble e;
  Standardisation(training, e);
  e.weight = Eigen::VectorXd::Ones(training.cols());
  return e;
}

// Each detector's training scores' median and scaled median absolute deviation (the mean
// absolute deviation from the median where more than half the scores are equal; 1 where all
// are): the training part holds the anomalies too, and their scores inflate a mean and a
// deviation, which shrinks the z-scores of exactly the detectors that separate them best.
Ensemble FitMaxRobustZ(const Matrix& training) {
  Ensemble e;
  const Eigen::Index n = training.rows();
  e.centre.resize(training.cols());
  e.scale.resize(training.cols());
  for (Eigen::Index d = 0; d < training.cols(); ++d) {
    std::vector<double> v(training.col(d).data(), training.col(d).data() + n);
    const double centre = Median(v);
    for (double& x : v) x = std::abs(x - centre);
    // 1.4826 and sqrt(pi / 2) make both deviations the standard deviation for normal scores.
    double scale = 1.482602218505602 * Median(v);
    if (!(scale > 0))
      scale = std::sqrt(std::numbers::pi / 2) * std::accumulate(v.begin(), v.end(), 0.0) /
              static_cast<double>(n);
    e.centre[d] = centre;
    e.scale[d] = scale > 0 && std::isfinite(scale) ? scale : 1.0;
  }
  e.weight = Eigen::VectorXd::Ones(training.cols());
  return e;
}

Ensemble FitSelect(const Matrix& training) {
  Ensemble e;
  Standardisation(training, e);
  const Eigen::Index detectors = training.cols();
  const Matrix z = e.Standardised(training);
  const Eigen::VectorXd target = z.rowwise().mean();
  const Eigen::VectorXd w = TargetWeights(target);
  // A detector whose correlation is undefined (constant scores) goes last.
  std::vector<double> correlation(static_cast<std::size_t>(detectors));
  for (Eigen::Index d = 0; d < detectors; ++d) {
    const double c = WeightedCorrelation(z.col(d), target, w);
    correlation[static_cast<std::size_t>(d)] =
        std::isnan(c) ? -std::numeric_limits<double>::infinity() : c;
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(detectors));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    return correlation[static_cast<std::size_t>(a)] > correlation[static_cast<std::size_t>(b)];
  });
  e.weight = Eigen::VectorXd::Zero(detectors);
  e.weight[order[0]] = 1;
  // The members' mean correlates as their sum does.
  Eigen::VectorXd sum = z.col(order[0]);
  double best = correlation[static_cast<std::size_t>(order[0])];
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Eigen::VectorXd candidate = sum + z.col(order[k]);
    const double c = WeightedCorrelation(candidate, target, w);
    if (c > best) {  // false at NaN: a constant detector never joins
      best = c;
      sum = candidate;
      e.weight[order[k]] = 1;
    }
  }
  e.weight /= e.weight.sum();
  return e;
}

Eigen::VectorXd ScoreAvgRank(const Ensemble& e, const std::vector<Eigen::VectorXd>& training,
                             const Matrix& scores) {
  Eigen::VectorXd out = Eigen::VectorXd::Zero(scores.rows());
  for (Eigen::Index d = 0; d < scores.cols(); ++d)
    if (e.weight[d] > 0)
      out += e.weight[d] * RankAmong(training[static_cast<std::size_t>(d)], scores.col(d));
  return out;
}

Eigen::VectorXd ScoreMaxZ(const Ensemble& e, const std::vector<Eigen::VectorXd>& /*training*/,
                          const Matrix& scores) {
  Eigen::VectorXd out =
      Eigen::VectorXd::Constant(scores.rows(), -std::numeric_limits<double>::infinity());
  const Matrix z = e.Standardised(scores);
  for (Eigen::Index d = 0; d < scores.cols(); ++d)
    if (e.weight[d] > 0) out = out.cwiseMax(z.col(d));
  return out;
}

Eigen::VectorXd ScoreMeanZ(const Ensemble& e, const std::vector<Eigen::VectorXd>& /*training*/,
                           const Matrix& scores) {
  Eigen::VectorXd out = Eigen::VectorXd::Zero(scores.rows());
  const Matrix z = e.Standardised(scores);
  for (Eigen::Index d = 0; d < scores.cols(); ++d)
    if (e.weight[d] > 0) out += e.weight[d] * z.col(d);
  return out;
}

// The registry: how each ensemble decides, and how it scores with what it decided.
struct Entry {
  EnsembleKind kind;
  Ensemble (*fit)(const Matrix&);
  Eigen::VectorXd (*score)(const Ensemble&, const std::vector<Eigen::VectorXd>&, const Matrix&);
};
constexpr Entry kEntries[] = {{EnsembleKind::kAvgRank, FitAvgRank, ScoreAvgRank},
                              {EnsembleKind::kMaxZ, FitMaxZ, ScoreMaxZ},
                              {EnsembleKind::kMaxRobustZ, FitMaxRobustZ, ScoreMaxZ},
                              {EnsembleKind::kSelect, FitSelect, ScoreMeanZ}};

const Entry& Find(EnsembleKind kind) {
  for (const auto& entry : kEntries)
    if (entry.kind == kind) return entry;
  throw InvalidInput("unknown anomaly ensemble");
}

}  // namespace

double WeightedCorrelation(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                           const Eigen::VectorXd& w) {
  const double total = w.sum();
  const double ma = w.dot(a) / total, mb = w.dot(b) / total;
  const Eigen::ArrayXd da = a.array() - ma, db = b.array() - mb;
  const double cov = (w.array() * da * db).sum();
  const double va = (w.array() * da.square()).sum(), vb = (w.array() * db.square()).sum();
  if (!(va > 0) || !(vb > 0)) return std::nan("");
  return cov / std::sqrt(va * vb);
}

Ensemble Ensemble::Fit(EnsembleKind kind, const Matrix& training) {
  FINML_REQUIRE(training.cols() >= 1 && training.rows() >= 2,
                "an ensemble needs the training scores of 1 or more detectors on 2 or more "
                "records ({} x {})",
                training.rows(), training.cols());
  FINML_REQUIRE(training.allFinite(), "an ensemble's training scores hold a non-finite value");
  Ensemble e = Find(kind).fit(training);
  e.kind = kind;
  return e;
}

Eigen::VectorXd Ensemble::Score(const std::vector<Eigen::VectorXd>& training,
                                const Matrix& scores) const {
  FINML_REQUIRE(
      scores.cols() == weight.size() && training.size() == static_cast<std::size_t>(weight.size()),
      "{} detectors' scores for an ensemble of {}", scores.cols(), weight.size());
  return Find(kind).score(*this, training, scores);
}

Matrix Ensemble::Standardised(const Matrix& scores) const {
  return (scores.rowwise() - centre.transpose()).array().rowwise() / scale.transpose().array();
}

std::vector<Eigen::Index> Ensemble::Members() const {
  std::vector<Eigen::Index> members;
  for (Eigen::Index d = 0; d < weight.size(); ++d)
    if (weight[d] > 0) members.push_back(d);
  return members;
}

nlohmann::json Ensemble::State() const {
  return {{"weight", ToVector(weight)}, {"centre", ToVector(centre)}, {"scale", ToVector(scale)}};
}

Ensemble Ensemble::Load(EnsembleKind kind, const nlohmann::json& state, Eigen::Index detectors) {
  Ensemble e;
  e.kind = kind;
  const auto read = [&](const char* key) {
    FINML_REQUIRE(state.is_object() && state.contains(key) && state.at(key).is_array(),
                  "the {} ensemble's state has no '{}' list", EnumName(kind), key);
    const auto v = state.at(key).get<std::vector<double>>();
    FINML_REQUIRE(static_cast<Eigen::Index>(v.size()) == detectors,
                  "the {} ensemble's '{}' has {} values for {} detectors", EnumName(kind), key,
                  v.size(), detectors);
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), detectors));
  };
  e.weight = read("weight");
  e.centre = read("centre");
  e.scale = read("scale");
  FINML_REQUIRE(e.weight.allFinite() && (e.weight.array() >= 0).all() && e.weight.sum() > 0 &&
                    e.centre.allFinite() && e.scale.allFinite() && (e.scale.array() > 0).all(),
                "the {} ensemble's state is damaged (negative weights, no member, or a scale "
                "that is not positive)",
                EnumName(kind));
  return e;
}

}  // namespace finml::anomaly
