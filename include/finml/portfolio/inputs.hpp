// What the settings (portfolio/settings.hpp) make of the data: the constraints, the objective's
// options and the estimates, with the files they name (sectors, weights, market caps, views).
#pragma once

#include <string>
#include <vector>

#include "finml/data/timestamp.hpp"
#include "finml/portfolio/black_litterman.hpp"
#include "finml/portfolio/estimates.hpp"
#include "finml/portfolio/optimize.hpp"
#include "finml/portfolio/settings.hpp"

namespace finml::portfolio {

// Bars per year: `frequency` as set, or inferred from the dates.
[[nodiscard]] double BarsPerYear(const std::string& frequency,
                                 const std::vector<data::Timestamp>& time, bool calendar);

// `asset,sector` rows; every capped sector must appear. Errors name the file and line.
[[nodiscard]] std::vector<SectorLimit> LoadSectorLimits(const std::string& path,
                                                        const std::vector<std::string>& assets,
                                                        const NamedValues& caps,
                                                        const NamedValues& floors,
                                                        std::vector<std::string>* warnings);
// `asset,VALUE` rows (weights, market caps) over `assets`, 0 for those not listed.
[[nodiscard]] Vector LoadAssetValues(const std::string& path,
                                     const std::vector<std::string>& assets,
                                     const std::string& what);
// "A=0.1", "A-B=0.02", "A+B-C=0.01", each optionally "@confidence".
[[nodiscard]] Views ParseViews(const std::vector<std::string>& views,
                               const std::vector<std::string>& assets);

// The constraints the settings ask for, over `assets`.
[[nodiscard]] Constraints MakeConstraints(const PortfolioSettings& settings,
                                          const std::vector<std::string>& assets,
                                          std::vector<std::string>* warnings);
[[nodiscard]] ObjectiveOptions MakeObjectiveOptions(const PortfolioSettings& settings,
                                                    Objective objective, double frequency,
                                                    const std::vector<std::string>& assets);

// Expected returns and risk from a window of per-bar returns (bars x assets, NaN where missing).
struct EstimateNotes {
  double shrinkage = 0;
  bool repaired = false;
};
// `market_caps`: Black-Litterman's prior weights over `assets` (default: read from the settings'
// file).
[[nodiscard]] Estimates EstimateFromReturns(const Matrix& returns,
                                            const PortfolioSettings& settings, double frequency,
                                            const std::vector<std::string>& assets,
                                            EstimateNotes* notes = nullptr,
                                            const Vector* market_caps = nullptr);

}  // namespace finml::portfolio
