// The HTML report of each risk job (private to src/risk): outputs.cpp writes the data files and
// these pages, one per job, in the shared report shell. Returns are charted as ratios on percent
// axes (a percent returns file is scaled by ReturnSeries::unit), money with thousands separators.
#pragma once

#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/report/figure.hpp"
#include "finml/report/html_page.hpp"
#include "finml/risk/jobs.hpp"

namespace finml::risk {

[[nodiscard]] report::HtmlPage GarchPage(const GarchResult& result, const SeriesSource& source,
                                         const GarchSettings& settings,
                                         const Provenance& provenance);
[[nodiscard]] report::HtmlPage VarPage(const VarResult& result, const SeriesSource& source,
                                       const VarSettings& settings, const Provenance& provenance);
[[nodiscard]] report::HtmlPage PortfolioPage(const PortfolioResult& result,
                                             const PortfolioSettings& settings,
                                             const Provenance& provenance);
[[nodiscard]] report::HtmlPage StressPage(const StressResult& result,
                                          const StressSettings& settings,
                                          const Provenance& provenance);

// Shared by the pages.
namespace pages {

// A p-value as people read it: 0.432, or < 0.001.
[[nodiscard]] std::string PValue(double p);
// "p = 0.432" or "p < 0.001", for sentences.
[[nodiscard]] std::string PIs(double p);
// The x values and axis of a series' rows: dates when it has them, else observation numbers.
[[nodiscard]] nlohmann::json RowsAxisValues(const ReturnSeries& s,
                                            const std::vector<std::size_t>& rows);
[[nodiscard]] report::Axis RowsAxis(const ReturnSeries& s);
// Values rounded to `significant` digits, so a chart's JSON stays small.
[[nodiscard]] std::vector<double> Rounded(std::vector<double> values, int significant = 6);
// "99%", "97.5%"
[[nodiscard]] std::string Level(double level);
// A trace's look: line width, whether it has a legend entry, whose colour it takes, dashes.
[[nodiscard]] report::TraceStyle Style(double width, bool legend = true,
                                       const std::string& colour_of = "", bool dashed = false);
// What the returns' unit was taken to be, for the facts.
[[nodiscard]] std::string UnitsFact(const ReturnSeries& s, const SeriesSource& source);

}  // namespace pages
}  // namespace finml::risk
