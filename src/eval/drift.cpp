#include "finml/eval/drift.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "finml/core/error.hpp"

namespace finml::eval {

std::vector<double> DecileEdges(std::vector<double> v) {
  FINML_REQUIRE(!v.empty(), "no values for stability bins");
  std::sort(v.begin(), v.end());
  std::set<double> edges;
  for (int k = 1; k < 10; ++k) edges.insert(v[static_cast<std::size_t>(k * (v.size() - 1) / 10)]);
  edges.insert(std::numeric_limits<double>::infinity());
  return {edges.begin(), edges.end()};
}

std::vector<double> BinShares(const std::vector<double>& values, const std::vector<double>& edges) {
  std::vector<double> s(edges.size(), 0.0);
  for (double x : values) {
    const auto b =
        static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), x) - edges.begin());
    s[std::min(b, edges.size() - 1)] += 1.0 / static_cast<double>(values.size());
  }
  return s;
}

double StabilityIndex(const std::vector<double>& expected, const std::vector<double>& actual) {
  double psi = 0;
  for (std::size_t b = 0; b < expected.size() && b < actual.size(); ++b) {
    const double e = std::max(expected[b], 1e-4), a = std::max(actual[b], 1e-4);
    psi += (a - e) * std::log(a / e);
  }
  return psi;
}

namespace {

nlohmann::json EdgesJson(const std::vector<double>& e) {
  nlohmann::json j = nlohmann::json::array();
  for (double x : e) j.push_back(std::isinf(x) ? nlohmann::json("inf") : nlohmann::json(x));
  return j;
}

std::vector<double> EdgesFromJson(const nlohmann::json& j) {
  std::vector<double> e;
  for (const auto& x : j)
    e.push_back(x.is_string() ? std::numeric_limits<double>::infinity() : x.get<double>());
  return e;
}

}  // namespace

nlohmann::json NumericReference(std::vector<double> values) {
  std::erase_if(values, [](double x) { return !std::isfinite(x); });
  if (values.empty()) return {{"kind", "numeric"}, {"count", 0}};
  std::sort(values.begin(), values.end());
  const auto edges = DecileEdges(values);
  std::vector<double> q(kReferenceQuantiles);
  const double last = static_cast<double>(values.size() - 1);
  for (std::size_t k = 0; k < q.size(); ++k) {
    // Type-7 quantile (R's default, numpy's linear).
    const double h = last * static_cast<double>(k) / static_cast<double>(q.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    q[k] = values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
  }
  return {{"kind", "numeric"},
          {"count", values.size()},
          {"edges", EdgesJson(edges)},
          {"shares", BinShares(values, edges)},
          {"quantiles", q}};
}

nlohmann::json CategoricalReference(const std::vector<std::string>& labels) {
  std::map<std::string, double> shares;
  for (const auto& l : labels)
    shares[l.empty() ? "(missing)" : l] += 1.0 / static_cast<double>(labels.size());
  return {{"kind", "categorical"}, {"count", labels.size()}, {"shares", shares}};
}

double ReferenceCdf(const std::vector<double>& q, double x) {
  if (q.empty() || x < q.front()) return 0;
  if (x >= q.back()) return 1;
  const double step = 1.0 / static_cast<double>(q.size() - 1);
  // Last stored quantile at or below x: ties (an atom in the reference) jump to their top.
  const auto k = static_cast<std::size_t>(std::upper_bound(q.begin(), q.end(), x) - q.begin()) - 1;
  const double base = static_cast<double>(k) * step;
  if (q[k + 1] <= q[k]) return base;
  return base + step * (x - q[k]) / (q[k + 1] - q[k]);
}

double KolmogorovSmirnov(const std::vector<double>& q, std::vector<double> live) {
  std::erase_if(live, [](double x) { return !std::isfinite(x); });
  if (live.empty() || q.empty()) return 0;
  std::sort(live.begin(), live.end());
  const double n = static_cast<double>(live.size());
  // Both CDFs are steps or straight lines between the points of either; the supremum sits at
  // one of them, on the left or the right limit.
  std::vector<double> points = live;
  points.insert(points.end(), q.begin(), q.end());
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  double d = 0;
  for (double t : points) {
    const double below =
        static_cast<double>(std::lower_bound(live.begin(), live.end(), t) - live.begin());
    const double upto =
        static_cast<double>(std::upper_bound(live.begin(), live.end(), t) - live.begin());
    const double ref_right = ReferenceCdf(q, t);
    const double ref_left =
        ReferenceCdf(q, std::nextafter(t, -std::numeric_limits<double>::infinity()));
    d = std::max({d, std::abs(upto / n - ref_right), std::abs(below / n - ref_left)});
  }
  return d;
}

void CheckReference(const JsonReader& r) {
  const std::string kind = r["kind"].String();
  if (kind != "numeric" && kind != "categorical") r["kind"].Fail("must be numeric or categorical");
  if (r["count"].Integer(0, std::numeric_limits<std::int64_t>::max()) == 0) return;
  constexpr std::size_t kMaxBins = 100000;
  if (kind == "categorical") {
    if (!r["shares"].raw().is_object()) r["shares"].Fail("must map categories to shares");
    if (r["shares"].raw().size() > kMaxBins) r["shares"].Fail("has too many categories");
    for (const auto& [label, share] : r["shares"].raw().items())
      (void)r["shares"][label].Number(0, 1 + 1e-9);
    return;
  }
  const auto edges = r["edges"];
  const std::size_t n = edges.Size(kMaxBins);
  double previous = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    double e = std::numeric_limits<double>::infinity();
    if (i + 1 < n) {
      e = edges.At(i).Number();
    } else if (edges.At(i).raw() != "inf") {
      edges.At(i).Fail("must be \"inf\": the last bin is open above");
    }
    if (!(e > previous)) edges.At(i).Fail("must be above the previous edge");
    previous = e;
  }
  const auto shares = r["shares"].Numbers(kMaxBins);
  if (n == 0 || shares.size() != n)
    r["shares"].Fail(fmt::format("has {} shares for {} bins", shares.size(), n));
  // Shares sum sums of 1/n: they may pass 1 by a rounding error.
  for (std::size_t i = 0; i < shares.size(); ++i) (void)r["shares"].At(i).Number(0, 1 + 1e-9);
  if (r.Has("quantiles")) {
    const auto q = r["quantiles"].Numbers(kMaxBins);
    if (q.size() < 2 || !std::is_sorted(q.begin(), q.end()))
      r["quantiles"].Fail("must be at least two ascending numbers");
  }
}

double PsiSamplingLevel(const std::vector<double>& shares, std::size_t live,
                        std::size_t reference) {
  const std::size_t bins = shares.size();
  if (bins < 2 || live == 0) return std::numeric_limits<double>::infinity();
  if (live <= 20000) {
    std::vector<double> cumulative(bins);
    std::partial_sum(shares.begin(), shares.end(), cumulative.begin());
    std::mt19937_64 rng(20261130);
    std::uniform_real_distribution<double> u(0.0, cumulative.back());
    constexpr int kDraws = 400;
    std::vector<double> psi(kDraws), counts(bins);
    for (int d = 0; d < kDraws; ++d) {
      std::fill(counts.begin(), counts.end(), 0.0);
      for (std::size_t i = 0; i < live; ++i) {
        const auto bin =
            std::upper_bound(cumulative.begin(), cumulative.end(), u(rng)) - cumulative.begin();
        counts[std::min<std::size_t>(static_cast<std::size_t>(bin), bins - 1)] += 1;
      }
      for (auto& c : counts) c /= static_cast<double>(live);
      psi[static_cast<std::size_t>(d)] = StabilityIndex(shares, counts);
    }
    std::nth_element(psi.begin(), psi.begin() + kDraws * 95 / 100, psi.end());
    return psi[kDraws * 95 / 100];
  }
  // Wilson-Hilferty: the 95% quantile of chi-square with k degrees of freedom.
  const double k = static_cast<double>(bins - 1);
  const double h = 2.0 / (9.0 * k);
  const double chi2 = k * std::pow(1 - h + 1.6448536 * std::sqrt(h), 3);
  return chi2 * (1.0 / static_cast<double>(live) +
                 (reference > 0 ? 1.0 / static_cast<double>(reference) : 0.0));
}

double PsiSamplingLevel(const nlohmann::json& reference, std::size_t live) {
  std::vector<double> shares;
  if (reference.value("kind", "") == "categorical") {
    for (const auto& [category, share] : reference.at("shares").items())
      shares.push_back(share.get<double>());
  } else {
    shares = reference.at("shares").get<std::vector<double>>();
  }
  return PsiSamplingLevel(shares, live, reference.value("count", std::size_t{0}));
}

std::string PsiVerdict(const DriftStatistics& s) {
  const char* band = s.psi < 0.1 ? "stable" : s.psi <= 0.25 ? "watch" : "shifted";
  if (s.psi >= 0.1 && s.psi <= s.sampling_level) {
    return fmt::format(
        "{} by the usual cut-offs, but {} rows give a PSI up to {:.2f} by chance (95%): not "
        "evidence of a shift at this batch size",
        band, s.count, s.sampling_level);
  }
  return band;
}

DriftStatistics NumericDrift(const nlohmann::json& reference, const std::vector<double>& live) {
  DriftStatistics s;
  std::vector<double> finite;
  for (double x : live)
    if (std::isfinite(x)) finite.push_back(x);
  s.count = finite.size();
  if (finite.empty() || reference.value("count", 0) == 0) return s;
  if (reference.value("kind", "") == "categorical") {
    std::vector<std::string> labels;
    for (double x : finite) labels.push_back(fmt::format("{:g}", x));
    return CategoricalDrift(reference, labels);
  }
  const auto edges = EdgesFromJson(reference.at("edges"));
  const auto shares = reference.at("shares").get<std::vector<double>>();
  FINML_REQUIRE(!edges.empty() && edges.size() == shares.size() &&
                    std::is_sorted(edges.begin(), edges.end()) && std::isinf(edges.back()),
                "drift reference: {} bin edges (ascending, the last inf) for {} shares",
                edges.size(), shares.size());
  s.psi = StabilityIndex(shares, BinShares(finite, edges));
  if (reference.contains("quantiles")) {
    const auto q = reference.at("quantiles").get<std::vector<double>>();
    FINML_REQUIRE(q.size() >= 2 && std::is_sorted(q.begin(), q.end()),
                  "drift reference: the quantiles must be at least two, ascending");
    s.ks = KolmogorovSmirnov(q, finite);
  }
  return s;
}

DriftStatistics CategoricalDrift(const nlohmann::json& reference,
                                 const std::vector<std::string>& live) {
  DriftStatistics s;
  s.count = live.size();
  if (live.empty()) return s;
  std::map<std::string, double> batch;
  for (const auto& l : live)
    batch[l.empty() ? "(missing)" : l] += 1.0 / static_cast<double>(live.size());
  std::vector<double> e, a;
  for (const auto& [cat, share] : reference.at("shares").items()) {
    e.push_back(share.get<double>());
    a.push_back(batch.count(cat) ? batch[cat] : 0.0);
  }
  for (const auto& [cat, share] : batch) {  // categories the training never saw count as drift
    if (reference.at("shares").contains(cat)) continue;
    e.push_back(0.0);
    a.push_back(share);
  }
  s.psi = StabilityIndex(e, a);
  return s;
}

}  // namespace finml::eval
