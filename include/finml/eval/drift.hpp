// Distribution drift between a reference (what a model saw in training) and live data: the
// population stability index over the reference's decile bins and the Kolmogorov-Smirnov
// distance against the reference's stored quantiles. References are small JSON objects stored
// in model manifests, so a server can judge drift without the training data.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/core/json_reader.hpp"

namespace finml::eval {

// Bin edges at the deciles of `values` (duplicates merged), the last one +inf.
[[nodiscard]] std::vector<double> DecileEdges(std::vector<double> values);
// Share of `values` in each bin of `edges` (upper-inclusive, the last one +inf).
[[nodiscard]] std::vector<double> BinShares(const std::vector<double>& values,
                                            const std::vector<double>& edges);
// PSI from bin shares: sum (a - e) ln(a / e), each share floored at 1e-4.
[[nodiscard]] double StabilityIndex(const std::vector<double>& expected_shares,
                                    const std::vector<double>& actual_shares);

// Quantiles stored per numeric reference (at 0, 1/100, ..., 1).
inline constexpr std::size_t kReferenceQuantiles = 101;

// {"kind":"numeric","count":n,"edges":[...,"inf"],"shares":[...],"quantiles":[101 values]}.
// Non-finite values are left out; an empty input gives {"kind":"numeric","count":0}.
[[nodiscard]] nlohmann::json NumericReference(std::vector<double> values);
// {"kind":"categorical","count":n,"shares":{label: share}}; "" counts as "(missing)".
[[nodiscard]] nlohmann::json CategoricalReference(const std::vector<std::string>& labels);

// Checks a reference read from a saved model (kind, count, ascending edges ending at "inf" with
// one share each, shares in [0, 1], ascending quantiles); a bad one is an InvalidInput at its
// field.
void CheckReference(const JsonReader& reference);

// The reference's CDF at x, linear between stored quantiles (right-continuous at ties).
[[nodiscard]] double ReferenceCdf(const std::vector<double>& quantiles, double x);
// sup |F_live - F_ref| over every jump of either CDF; F_ref from the quantiles, so the result is
// within about 1/100 of the two-sample statistic on the full data.
[[nodiscard]] double KolmogorovSmirnov(const std::vector<double>& quantiles,
                                       std::vector<double> live);

struct DriftStatistics {
  std::size_t count = 0;  // live values judged
  double psi = 0;
  // The PSI that sampling alone exceeds 5% of the time at this batch size (no shift at all),
  // when asked for (PsiSamplingLevel). A small batch leaves bins empty and gives a large PSI by
  // chance; below this level, PSI is no evidence of a shift.
  double sampling_level = 0;
  std::optional<double> ks;  // numeric references with quantiles only
};
// Drift of live values against a reference made by NumericReference or CategoricalReference
// (numbers against a categorical reference are compared as their "%g" text).
// Batches of up to 20,000 are simulated (400 multinomial draws from the reference's shares, a fixed
// seed, the same 1e-4 floor); larger ones use n * PSI ~ chi-square(bins - 1), scaled by
// 1/n + 1/reference.
[[nodiscard]] double PsiSamplingLevel(const std::vector<double>& shares, std::size_t live,
                                      std::size_t reference);
// The same for a stored reference (NumericReference or CategoricalReference). Not part of
// NumericDrift: the simulation costs milliseconds, too much for every feature of a monitor.
[[nodiscard]] double PsiSamplingLevel(const nlohmann::json& reference, std::size_t live);
// "stable", "watch" or "shifted" by the usual 0.1 / 0.25 cut-offs, and "not evidence of a shift
// at this batch size" when the PSI is within its sampling level.
[[nodiscard]] std::string PsiVerdict(const DriftStatistics& s);
[[nodiscard]] DriftStatistics NumericDrift(const nlohmann::json& reference,
                                           const std::vector<double>& live);
[[nodiscard]] DriftStatistics CategoricalDrift(const nlohmann::json& reference,
                                               const std::vector<std::string>& live);

}  // namespace finml::eval
