// Writers of the risk jobs' results: each creates `dir`, writes its files atomically (named
// below) with the provenance block, and returns one-line summaries for the terminal. Every job
// writes a report.html (its page: risk/report_pages.hpp) with the chart library beside it.
#pragma once

#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/risk/jobs.hpp"

namespace finml::risk {

// params.json, volatility.csv, forecast.csv, report.html
std::vector<std::string> WriteGarch(const GarchResult& result, const SeriesSource& source,
                                    const GarchSettings& settings, const std::string& dir,
                                    const Provenance& provenance);
// var.csv, backtest.json, report.html
std::vector<std::string> WriteVar(const VarResult& result, const SeriesSource& source,
                                  const VarSettings& settings, const std::string& dir,
                                  const Provenance& provenance);
// portfolio.json, report.html
std::vector<std::string> WritePortfolio(const PortfolioResult& result,
                                        const PortfolioSettings& settings, const std::string& dir,
                                        const Provenance& provenance);
// stress.json, report.html
std::vector<std::string> WriteStress(const StressResult& result, const StressSettings& settings,
                                     const std::string& dir, const Provenance& provenance);

}  // namespace finml::risk
