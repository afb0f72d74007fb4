#include "finml/portfolio/job.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"
#include "finml/portfolio/page.hpp"

namespace finml::portfolio {
namespace {

std::string Fixed(double v) { return fmt::format("{:.10g}", v); }

nlohmann::json PortfolioJson(const Portfolio& p, const std::vector<std::string>& assets,
                             const ObjectiveOptions& o) {
  nlohmann::json rc = nlohmann::json::object(), w = nlohmann::json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    w[assets[i]] = p.weights(static_cast<Eigen::Index>(i));
    rc[assets[i]] = p.risk_contributions(static_cast<Eigen::Index>(i));
  }
  return {{"expected_return", p.expected_return},
          {"volatility", p.volatility},
          {"sharpe", p.sharpe},
          {"diversification_ratio", p.diversification_ratio},
          {"cvar", p.cvar},
          {"cvar_beta", o.cvar_beta},
          {"semideviation", p.semideviation},
          {"weights", w},
          {"risk_contributions", rc}};
}

}  // namespace

ReturnsData ReturnsDataFrom(const data::MarketData& md, const std::string& source,
                            bool values_are_returns, const std::string& frequency,
                            data::Field field) {
  ReturnsData d;
  d.source = source;
  d.assets = md.Symbols();
  d.time = md.time;
  d.time_label = md.time_label;
  d.calendar = md.calendar;
  FINML_REQUIRE(md.rows() >= 3, "{}: {} rows are too few to estimate from", d.source, md.rows());
  const Matrix values = PriceMatrix(md, field);
  if (!values_are_returns) {
    d.prices = values;
    d.panel = backtest::MakePricePanel(md, field);
    d.returns = Matrix::Constant(values.rows(), values.cols(), NAN);
    for (Eigen::Index t = 1; t < values.rows(); ++t)
      for (Eigen::Index j = 0; j < values.cols(); ++j) {
        const double a = values(t - 1, j), b = values(t, j);
        if (std::isfinite(a) && std::isfinite(b) && a > 0) d.returns(t, j) = b / a - 1;
      }
  } else {
    d.returns = values;
    for (Eigen::Index j = 0; j < values.cols(); ++j)
      for (Eigen::Index t = 0; t < values.rows(); ++t)
        FINML_REQUIRE(!(values(t, j) <= -1),
                      "{}: '{}' returns {} on {}, a loss of 100% or more; are these percentages? "
                      "(fix: simple returns as fractions, 0.05 for 5%)",
                      source, d.assets[static_cast<std::size_t>(j)], values(t, j),
                      d.time_label[static_cast<std::size_t>(t)]);
  }
  d.frequency = BarsPerYear(frequency, d.time, d.calendar);
  if (values_are_returns) d.panel = CompoundedPricePanel(d);
  return d;
}

backtest::PricePanel CompoundedPricePanel(const ReturnsData& d) {
  backtest::PricePanel p;
  p.source = d.source;
  p.symbols = d.assets;
  p.time = d.time;
  p.time_label = d.time_label;
  p.calendar = d.calendar;
  const auto rows = static_cast<std::size_t>(d.returns.rows()),
             cols = static_cast<std::size_t>(d.returns.cols());
  p.close = backtest::Panel(rows, cols);
  for (std::size_t j = 0; j < cols; ++j) {
    // No level before an asset's first return (not listed yet); a missing return later leaves
    // that bar without a price and the level where it was.
    double level = NAN;
    for (std::size_t t = 0; t < rows; ++t) {
      const double r = d.returns(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(j));
      if (!std::isfinite(r)) continue;
      level = (std::isfinite(level) ? level : kIndexBase) * (1 + r);
      p.close.at(t, j) = level;
    }
  }
  return p;
}

ReturnsData LoadReturnsData(const PortfolioSettings& s) {
  FINML_REQUIRE(s.prices.empty() != s.returns.empty(),
                "give the assets' history once: --prices FILE or --returns FILE");
  data::LoadOptions load = s.load;
  const std::string source = s.prices.empty() ? s.returns : s.prices;
  if (!s.returns.empty()) load.signed_values = true;
  return ReturnsDataFrom(data::LoadMarketData(source, load), source, !s.returns.empty(),
                         s.frequency, data::Field::kClose);
}

Matrix TrailingReturns(const Matrix& returns, std::size_t last, std::size_t window) {
  const auto end = static_cast<Eigen::Index>(last) + 1;
  const Eigen::Index begin =
      window == 0 ? 0 : std::max<Eigen::Index>(0, end - static_cast<Eigen::Index>(window));
  std::vector<Eigen::Index> keep;
  for (Eigen::Index t = begin; t < end; ++t)
    if (returns.row(t).array().isFinite().any()) keep.push_back(t);
  Matrix out(static_cast<Eigen::Index>(keep.size()), returns.cols());
  for (std::size_t k = 0; k < keep.size(); ++k)
    out.row(static_cast<Eigen::Index>(k)) = returns.row(keep[k]);
  return out;
}

namespace {

struct Prepared {
  ReturnsData data;
  Matrix window;
  std::size_t first_row = 0;
  Estimates estimates;
  EstimateNotes notes;
  Constraints constraints;
  ObjectiveOptions options;
  std::vector<std::string> warnings;
};

Prepared Prepare(const PortfolioSettings& s) {
  Prepared p;
  p.data = LoadReturnsData(s);
  const std::size_t last = static_cast<std::size_t>(p.data.returns.rows()) - 1;
  p.window = TrailingReturns(p.data.returns, last, s.window);
  p.first_row = s.window == 0 || s.window > last ? 0 : last + 1 - s.window;
  std::vector<std::string> sparse;  // assets with returns on under 90% of the window's bars
  for (Eigen::Index j = 0; j < p.window.cols(); ++j) {
    const auto count = p.window.col(j).array().isFinite().count();
    const std::string& asset = p.data.assets[static_cast<std::size_t>(j)];
    FINML_REQUIRE(count >= 2,
                  "{}: asset '{}' has {} returns in the window, too few to estimate its risk "
                  "(fix: a longer --window, or --drop {})",
                  p.data.source, asset, count, asset);
    if (static_cast<double>(count) < 0.9 * static_cast<double>(p.window.rows()))
      sparse.push_back(fmt::format("{} ({} of {})", asset, count, p.window.rows()));
  }
  if (!sparse.empty())
    p.warnings.push_back(fmt::format(
        "{} assets have returns on under 90% of the window's bars: {}. Pairwise estimates use "
        "fewer bars for them, and the shrinkage risk models and the scenario objectives (CVaR, "
        "semivariance) count a missing return as 0, which makes them look safer than they are "
        "(fix: a --window where every asset trades, or --drop them)",
        sparse.size(), JoinStrings(sparse, ", ")));
  if (p.window.rows() <= p.window.cols())
    p.warnings.push_back(fmt::format(
        "{} bars of returns for {} assets: the sample covariance is singular and the estimates "
        "mostly noise (fix: a longer --window, or a shrinkage --risk-model such as ledoit_wolf)",
        p.window.rows(), p.window.cols()));
  // Settings that only some choices read: say so rather than ignore them.
  auto unused = [&](bool given, const char* flag, const char* needs) {
    if (given) p.warnings.push_back(fmt::format("{} has no effect without {}", flag, needs));
  };
  const bool bl = s.returns_model == ReturnsChoice::kBlackLitterman;
  unused(!bl && !s.views.empty(), "--view", "--returns-model black_litterman");
  unused(!bl && !s.market_caps.empty(), "--market-caps", "--returns-model black_litterman");
  unused(s.objective != Objective::kRiskParity && !s.budgets.empty(), "--budget",
         "--objective risk_parity");
  unused(s.objective != Objective::kEfficientReturn && s.target_return.has_value(),
         "--target-return", "--objective efficient_return");
  unused(s.objective != Objective::kEfficientRisk && s.target_volatility.has_value(),
         "--target-volatility", "--objective efficient_risk");
  p.estimates = EstimateFromReturns(p.window, s, p.data.frequency, p.data.assets, &p.notes);
  if (p.notes.repaired)
    p.warnings.push_back(
        "the covariance was not positive semidefinite (pairwise estimates over different bars) "
        "and its negative eigenvalues were clipped to zero; prefer a window where every asset "
        "trades, or a shrinkage risk model");
  p.constraints = MakeConstraints(s, p.data.assets, &p.warnings);
  p.options = MakeObjectiveOptions(s, s.objective, p.data.frequency, p.data.assets);
  return p;
}

nlohmann::json EstimatesJson(const Prepared& p, const PortfolioSettings& s) {
  return {{"source", p.data.source},
          {"assets", p.data.assets.size()},
          {"bars", p.window.rows()},
          {"first", p.data.time_label[p.first_row]},
          {"last", p.data.time_label.back()},
          {"bars_per_year", p.data.frequency},
          {"returns_model", EnumName(s.returns_model)},
          {"risk_model", EnumName(s.risk_model)},
          {"shrinkage", p.notes.shrinkage},
          {"covariance_repaired", p.notes.repaired}};
}

std::string WeightsCsv(const std::vector<std::string>& assets, const Vector& w) {
  std::string out = "asset,weight\n";
  for (std::size_t i = 0; i < assets.size(); ++i)
    out += fmt::format("{},{}\n", assets[i], Fixed(w(static_cast<Eigen::Index>(i))));
  return out;
}

std::string FrontierCsv(const std::vector<Portfolio>& frontier,
                        const std::vector<std::string>& assets) {
  std::string out = "point,expected_return,volatility,sharpe";
  for (const auto& a : assets) out += "," + a;
  out += "\n";
  for (std::size_t k = 0; k < frontier.size(); ++k) {
    const auto& p = frontier[k];
    out += fmt::format("{},{},{},{}", k, Fixed(p.expected_return), Fixed(p.volatility),
                       Fixed(p.sharpe));
    for (Eigen::Index i = 0; i < p.weights.size(); ++i) out += "," + Fixed(p.weights(i));
    out += "\n";
  }
  return out;
}

// The frontier under the same constraints, for the report; a frontier that cannot be drawn (a
// rule objective's constraints, say) is a warning, not a failure of the job.
std::vector<Portfolio> TryFrontier(const Prepared& p, std::size_t points,
                                   std::vector<std::string>& warnings) {
  try {
    return EfficientFrontier(p.estimates, p.options, p.constraints, points);
  } catch (const Error& e) {
    warnings.push_back(fmt::format("no efficient frontier drawn: {}", e.what()));
    return {};
  }
}

// The slope of the capital market line: the maximum Sharpe ratio under the job's constraints,
// or nothing where that programme has no answer (no asset beats the risk-free rate, say).
std::optional<double> TangencySharpe(const Prepared& p, const Portfolio& chosen) {
  if (p.options.objective == Objective::kMaxSharpe) return chosen.sharpe;
  ObjectiveOptions sharpe = p.options;
  sharpe.objective = Objective::kMaxSharpe;
  try {
    return Optimize(p.estimates, sharpe, p.constraints).sharpe;
  } catch (const Error&) {
    return std::nullopt;
  }
}

void Warn(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "finml: warning: %s\n", w.c_str());
}

}  // namespace

std::vector<std::string> RunOptimizeJob(const PortfolioSettings& s, const std::string& dir,
                                        const Provenance& provenance) {
  Prepared p = Prepare(s);
  const Portfolio chosen = Optimize(p.estimates, p.options, p.constraints);
  const std::vector<Portfolio> frontier = TryFrontier(p, s.points, p.warnings);
  nlohmann::json metrics = PortfolioJson(chosen, p.data.assets, p.options);
  metrics["objective"] = EnumName(s.objective);
  metrics["estimates"] = EstimatesJson(p, s);
  metrics["settings"] = PortfolioSettings::Schema().ToJson(s);
  metrics["warnings"] = p.warnings;
  metrics["provenance"] = provenance.ToJson();
  std::optional<Allocation> allocation;
  if (s.portfolio_value) {
    FINML_REQUIRE(p.data.prices.size() > 0,
                  "--portfolio-value buys whole shares at the latest prices: give --prices");
    Vector latest(p.data.prices.cols());
    for (Eigen::Index j = 0; j < latest.size(); ++j) {
      latest(j) = NAN;
      for (Eigen::Index t = p.data.prices.rows() - 1; t >= 0 && !std::isfinite(latest(j)); --t)
        latest(j) = p.data.prices(t, j);
    }
    AllocationOptions how;
    how.method = s.allocation;
    allocation = AllocateShares(chosen.weights, latest, *s.portfolio_value, how);
    nlohmann::json shares = nlohmann::json::object();
    for (std::size_t i = 0; i < p.data.assets.size(); ++i)
      shares[p.data.assets[i]] = allocation->shares[i];
    metrics["allocation"] = {{"portfolio_value", *s.portfolio_value},
                             {"method", EnumName(s.allocation)},
                             {"proved_optimal", allocation->optimal},
                             {"shares", shares},
                             {"leftover", allocation->leftover}};
    std::string csv = "asset,shares,price,value\n";
    for (std::size_t i = 0; i < p.data.assets.size(); ++i) {
      const auto j = static_cast<Eigen::Index>(i);
      csv += fmt::format("{},{},{},{}\n", p.data.assets[i], allocation->shares[i], Fixed(latest(j)),
                         Fixed(static_cast<double>(allocation->shares[i]) * latest(j)));
    }
    WriteFileAtomic(dir + "/allocation.csv", csv);
  }
  WriteFileAtomic(dir + "/weights.csv", WeightsCsv(p.data.assets, chosen.weights));
  if (!frontier.empty())
    WriteFileAtomic(dir + "/frontier.csv", FrontierCsv(frontier, p.data.assets));
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  OptimizePageInputs page{EnumName(s.objective),
                          p.data.assets,
                          p.estimates,
                          p.options,
                          chosen,
                          frontier,
                          p.warnings,
                          EstimatesJson(p, s),
                          allocation ? &*allocation : nullptr,
                          s.portfolio_value.value_or(0),
                          provenance};
  if (!frontier.empty()) page.tangency_sharpe = TangencySharpe(p, chosen);
  report::WriteReport(dir + "/report.html", OptimizePage(page));
  Warn(p.warnings);
  std::size_t held = 0;
  for (Eigen::Index i = 0; i < chosen.weights.size(); ++i) held += chosen.weights(i) != 0;
  return {
      fmt::format("{}: {} of {} assets held; expected return {:.2f}%, volatility {:.2f}%, "
                  "Sharpe {:.3f}",
                  EnumName(s.objective), held, p.data.assets.size(), 100 * chosen.expected_return,
                  100 * chosen.volatility, chosen.sharpe)};
}

std::vector<std::string> RunFrontierJob(const PortfolioSettings& s, const std::string& dir,
                                        const Provenance& provenance) {
  Prepared p = Prepare(s);
  const std::vector<Portfolio> frontier =
      EfficientFrontier(p.estimates, p.options, p.constraints, s.points);
  WriteFileAtomic(dir + "/frontier.csv", FrontierCsv(frontier, p.data.assets));
  nlohmann::json points = nlohmann::json::array();
  for (const auto& f : frontier) points.push_back(PortfolioJson(f, p.data.assets, p.options));
  nlohmann::json metrics = {{"points", points},
                            {"estimates", EstimatesJson(p, s)},
                            {"settings", PortfolioSettings::Schema().ToJson(s)},
                            {"warnings", p.warnings},
                            {"provenance", provenance.ToJson()}};
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  // The maximum Sharpe portfolio marks the frontier's tangency point where it exists.
  ObjectiveOptions sharpe = p.options;
  sharpe.objective = Objective::kMaxSharpe;
  Portfolio chosen = frontier.front();
  std::string chosen_name = "minimum variance";
  try {
    chosen = Optimize(p.estimates, sharpe, p.constraints);
    chosen_name = "max_sharpe";
  } catch (const Error& e) {
    p.warnings.push_back(fmt::format("no maximum Sharpe point: {}", e.what()));
  }
  OptimizePageInputs page{chosen_name, p.data.assets, p.estimates,         p.options, chosen,
                          frontier,    p.warnings,    EstimatesJson(p, s), nullptr,   0,
                          provenance};
  page.frontier_only = true;
  if (chosen_name == "max_sharpe") page.tangency_sharpe = chosen.sharpe;
  report::WriteReport(dir + "/report.html", OptimizePage(page));
  Warn(p.warnings);
  return {fmt::format(
      "{} frontier points from volatility {:.2f}% (return {:.2f}%) to {:.2f}% "
      "(return {:.2f}%)",
      frontier.size(), 100 * frontier.front().volatility, 100 * frontier.front().expected_return,
      100 * frontier.back().volatility, 100 * frontier.back().expected_return)};
}

}  // namespace finml::portfolio
