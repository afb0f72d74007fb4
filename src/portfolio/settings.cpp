// PortfolioSettings (portfolio/settings.hpp) and what it makes of the data (portfolio/inputs.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>

#include "finml/backtest/performance.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/portfolio/inputs.hpp"

namespace finml::portfolio {
namespace {

// The two-column rows of a small CSV (a header line is skipped when its second field is not a
// number), each with its line number.
struct Row {
  std::size_t line;
  std::string key;
  std::string value;
};

std::vector<Row> ReadPairs(const std::string& path, const std::string& what) {
  const std::string text = ReadFile(path);
  std::vector<Row> rows;
  std::size_t line = 0, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string s = Trim(std::string_view(text).substr(start, end - start));
    ++line;
    start = end + 1;
    if (s.empty() || s[0] == '#') continue;
    const auto comma = s.find(',');
    if (comma == std::string::npos)
      throw DataError({path, line, 0},
                      fmt::format("expected two columns ({}), found '{}'", what, Excerpt(s)),
                      "write one 'asset,value' pair per line");
    rows.push_back({line, CsvField(Trim(s.substr(0, comma))), CsvField(Trim(s.substr(comma + 1)))});
  }
  return rows;
}

bool ParseNumber(const std::string& s, double& out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && std::isfinite(out);
}

Eigen::Index AssetIndex(const std::string& name, const std::vector<std::string>& assets,
                        const std::string& where) {
  const auto it = std::find(assets.begin(), assets.end(), name);
  FINML_REQUIRE(it != assets.end(), "{}: '{}' is not an asset of the data (did you mean '{}'?)",
                where, name, ClosestMatch(name, assets));
  return static_cast<Eigen::Index>(it - assets.begin());
}

bool ValidRebalance(const std::string& text) {
  const std::string rule = ToLower(Trim(text));
  if (rule == "daily" || rule == "weekly" || rule == "monthly" || rule == "quarterly") return true;
  std::size_t bars = 0;
  const auto [end, ec] = std::from_chars(rule.data(), rule.data() + rule.size(), bars);
  return ec == std::errc() && end == rule.data() + rule.size() && bars > 0;
}

bool ValidFrequency(const std::string& text) {
  const std::string f = ToLower(Trim(text));
  double n = 0;
  return f == "auto" || f == "daily" || f == "weekly" || f == "monthly" ||
         (ParseNumber(f, n) && n > 0);
}

}  // namespace

const options::Schema<PortfolioSettings>& PortfolioSettings::Schema() {
  static const auto schema = [] {
    using P = PortfolioSettings;
    options::Schema<P> s;
    s.Add("prices", &P::prices, "CSV of prices (wide or long panel)");
    s.Add("returns", &P::returns,
          "CSV of per-bar simple returns instead (wide); backtest trades them compounded into "
          "price indices from 100");
    s.Embed(&P::load, data::LoadOptions::Schema());
    s.Add("window", &P::window,
          "bars of returns behind each estimate; 0: all (backtest: an expanding window, from bar "
          "252)")
        .Max(1e7);
    s.Add("frequency", &P::frequency, "bars per year: auto, daily, weekly, monthly or a number");
    s.Add("returns_model", &P::returns_model, "expected returns");
    s.Add("returns_span", &P::returns_span, "ewma returns: span in bars").Min(1);
    s.Add("risk_model", &P::risk_model, "covariance estimate");
    s.Add("risk_span", &P::risk_span, "exponential risk model: span in bars").Min(1);
    s.Add("semicovariance_benchmark", &P::semicovariance_benchmark,
          "semicovariance: per-bar return below which is downside");
    s.Add("risk_free", &P::risk_free, "annual risk-free rate").Min(-1).Max(1);
    s.Add("views", &P::views, "Black-Litterman views: A=0.1, A-B=0.02, optionally @confidence")
        .Flag("--view")
        .WholeItems();
    s.Add("market_caps", &P::market_caps, "Black-Litterman prior: CSV asset,cap (default equal)");
    s.Add("tau", &P::tau, "Black-Litterman: uncertainty of the prior").Above(0).Max(1);
    s.Add("market_risk_aversion", &P::market_risk_aversion,
          "Black-Litterman: delta of the market-implied prior")
        .Above(0);
    s.Add("objective", &P::objective, "what to optimise");
    s.Add("target_return", &P::target_return, "efficient_return: annual return");
    s.Add("target_volatility", &P::target_volatility, "efficient_risk: annual volatility").Above(0);
    s.Add("risk_aversion", &P::risk_aversion, "quadratic_utility: delta").Above(0);
    s.Add("cvar_beta", &P::cvar_beta, "min_cvar: tail level").Above(0).Below(1);
    s.Add("downside_benchmark", &P::downside_benchmark,
          "min_semivariance: per-bar return below which counts");
    s.Add("budgets", &P::budgets, "risk_parity: ASSET=BUDGET (others 1)").Flag("--budget");
    s.Add("bounds", &P::bounds, "LO,HI of every weight (negative LO: shorting)");
    s.Add("market_neutral", &P::market_neutral, "weights sum to 0 (needs a negative LO)");
    s.Add("leverage", &P::leverage, "sum of |weights| at most").Above(0);
    s.Add("sectors", &P::sectors, "CSV asset,sector for the sector limits");
    s.Add("sector_cap", &P::sector_cap, "SECTOR=MAX weight").Flag("--sector-cap");
    s.Add("sector_floor", &P::sector_floor, "SECTOR=MIN weight");
    s.Add("current_weights", &P::current_weights, "CSV asset,weight held now (turnover, costs)");
    s.Add("turnover", &P::turnover, "sum |w - current| at most").Min(0);
    s.Add("cost_penalty", &P::cost_penalty, "objective penalty per unit of turnover").Min(0);
    s.Add("l2", &P::l2, "L2 regularisation gamma").Min(0);
    s.Add("points", &P::points, "frontier points").Min(2).Max(1000);
    s.Add("portfolio_value", &P::portfolio_value, "buy whole shares for this much money").Above(0);
    s.Add("allocation", &P::allocation,
          "whole shares by the exact integer programme (GLPK) or greedy rounding");
    s.Add("objectives", &P::objectives, "backtest: objectives compared");
    s.Add("rebalance", &P::rebalance, "backtest: daily, weekly, monthly, quarterly or N bars");
    s.Add("cost_bps", &P::cost_bps, "backtest: commission per side, basis points").Min(0).Max(1e4);
    s.Add("slippage_bps", &P::slippage_bps, "backtest: slippage, basis points").Min(0).Max(1e4);
    s.Add("fill", &P::fill, "backtest: fill at the next bar's close or open");
    s.Add("initial_capital", &P::initial_capital, "backtest: starting cash").Above(0);
    s.Rule(
        "bounds", [](const P& p) { return p.bounds.size() == 2 && p.bounds[0] <= p.bounds[1]; },
        "give two numbers LO,HI with LO <= HI, e.g. --bounds 0,1 (or -1,1 to allow shorting)");
    s.Rule(
        "rebalance", [](const P& p) { return ValidRebalance(p.rebalance); },
        "write daily, weekly, monthly, quarterly, or a whole number of bars such as 21");
    s.Rule(
        "frequency", [](const P& p) { return ValidFrequency(p.frequency); },
        "write auto, daily, weekly, monthly, or a positive number of bars per year");
    return s;
  }();
  return schema;
}

double BarsPerYear(const std::string& frequency, const std::vector<data::Timestamp>& time,
                   bool calendar) {
  const std::string f = ToLower(Trim(frequency));
  if (f == "auto") return backtest::InferPeriodsPerYear(time, calendar);
  if (f == "daily") return 252;
  if (f == "weekly") return 52;
  if (f == "monthly") return 12;
  double n = 0;
  FINML_REQUIRE(ParseNumber(f, n) && n > 0,
                "frequency '{}' is not auto, daily, weekly, monthly or a positive number of bars "
                "per year",
                frequency);
  return n;
}

std::vector<SectorLimit> LoadSectorLimits(const std::string& path,
                                          const std::vector<std::string>& assets,
                                          const NamedValues& caps, const NamedValues& floors,
                                          std::vector<std::string>* warnings) {
  FINML_REQUIRE(!path.empty() || (caps.empty() && floors.empty()),
                "sector limits need the sector of each asset (fix: --sectors MAP.csv with "
                "asset,sector rows)");
  if (path.empty()) return {};
  std::vector<SectorLimit> sectors;
  std::vector<bool> mapped(assets.size(), false);
  for (const auto& row : ReadPairs(path, "asset,sector")) {
    const auto it = std::find(assets.begin(), assets.end(), row.key);
    if (it == assets.end()) continue;  // a map may cover a wider universe
    auto s = std::find_if(sectors.begin(), sectors.end(),
                          [&](const SectorLimit& l) { return l.sector == row.value; });
    if (s == sectors.end()) {
      sectors.push_back({row.value,
                         {},
                         -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::infinity()});
      s = sectors.end() - 1;
    }
    const auto i = static_cast<std::size_t>(it - assets.begin());
    if (mapped[i])
      throw DataError({path, row.line, 0}, fmt::format("'{}' is mapped twice", row.key),
                      "give each asset one sector");
    mapped[i] = true;
    s->assets.push_back(static_cast<Eigen::Index>(i));
  }
  std::vector<std::string> unmapped;
  for (std::size_t i = 0; i < assets.size(); ++i)
    if (!mapped[i]) unmapped.push_back(assets[i]);
  if (!unmapped.empty() && warnings)
    warnings->push_back(fmt::format("{} assets have no sector in {} and are not sector-limited: {}",
                                    unmapped.size(), path, JoinStrings(unmapped, ", ")));
  std::vector<std::string> names;
  for (const auto& s : sectors) names.push_back(s.sector);
  auto find = [&](const std::string& name, const char* flag) -> SectorLimit& {
    auto s = std::find_if(sectors.begin(), sectors.end(),
                          [&](const SectorLimit& l) { return l.sector == name; });
    FINML_REQUIRE(s != sectors.end(),
                  "{} {}: no asset of the data is in sector '{}' of {} (did you mean '{}'?)", flag,
                  name, name, path, ClosestMatch(name, names));
    return *s;
  };
  for (const auto& [name, cap] : caps) find(name, "--sector-cap").upper = cap;
  for (const auto& [name, floor] : floors) find(name, "--sector-floor").lower = floor;
  // Sectors without limits constrain nothing.
  std::erase_if(sectors, [](const SectorLimit& s) {
    return !std::isfinite(s.lower) && !std::isfinite(s.upper);
  });
  return sectors;
}

Vector LoadAssetValues(const std::string& path, const std::vector<std::string>& assets,
                       const std::string& what) {
  Vector out = Vector::Zero(static_cast<Eigen::Index>(assets.size()));
  std::vector<bool> seen(assets.size(), false);
  bool any = false, first = true;
  for (const auto& row : ReadPairs(path, "asset," + what)) {
    double v = 0;
    const bool header = first;
    first = false;
    if (!ParseNumber(row.value, v)) {
      if (header) continue;
      throw DataError({path, row.line, 0},
                      fmt::format("{} '{}' of '{}' is not a number", what, row.value, row.key),
                      "write a plain decimal");
    }
    const auto it = std::find(assets.begin(), assets.end(), row.key);
    if (it == assets.end())
      throw DataError({path, row.line, 0},
                      fmt::format("'{}' is not an asset of the data (did you mean '{}'?)", row.key,
                                  ClosestMatch(row.key, assets)),
                      "use the data's column names");
    const auto i = static_cast<std::size_t>(it - assets.begin());
    if (seen[i])
      throw DataError({path, row.line, 0}, fmt::format("'{}' is listed twice", row.key),
                      "keep one row per asset");
    seen[i] = true;
    out(static_cast<Eigen::Index>(i)) = v;
    any = true;
  }
  FINML_REQUIRE(any, "{}: no 'asset,{}' rows", path, what);
  return out;
}

Views ParseViews(const std::vector<std::string>& views, const std::vector<std::string>& assets) {
  const auto n = static_cast<Eigen::Index>(assets.size());
  const auto k = static_cast<Eigen::Index>(views.size());
  Views out{Matrix::Zero(k, n), Vector::Zero(k), std::nullopt};
  Vector confidence(k);
  Eigen::Index confident = 0;
  for (Eigen::Index v = 0; v < k; ++v) {
    std::string text = views[static_cast<std::size_t>(v)];
    const std::string where = fmt::format("view '{}'", Excerpt(text));
    const auto at = text.find('@');
    if (at != std::string::npos) {
      double c = 0;
      FINML_REQUIRE(ParseNumber(Trim(text.substr(at + 1)), c) && c > 0 && c <= 1,
                    "{}: the confidence after '@' must be in (0, 1]", where);
      confidence(v) = c;
      ++confident;
      text = text.substr(0, at);
    }
    const auto eq = text.find('=');
    FINML_REQUIRE(eq != std::string::npos && ParseNumber(Trim(text.substr(eq + 1)), out.returns(v)),
                  "{}: write ASSET=RETURN (absolute) or A-B=RETURN (A beats B by RETURN)", where);
    // Terms with their signs; each side of a relative view is weighted equally and sums to 1.
    std::vector<std::pair<int, std::string>> terms;
    std::string lhs = Trim(text.substr(0, eq));
    // A ticker may hold '-' (BRK-B): a whole name of the data is an absolute view.
    if (std::find(assets.begin(), assets.end(), lhs) != assets.end()) {
      out.picks(v, AssetIndex(lhs, assets, where)) = 1;
      continue;
    }
    int sign = 1;
    std::string current;
    for (char ch : lhs + "+") {
      if ((ch == '+' || ch == '-') && !Trim(current).empty()) {
        terms.emplace_back(sign, Trim(current));
        current.clear();
        sign = ch == '+' ? 1 : -1;
      } else if (ch == '+' || ch == '-') {
        sign = ch == '+' ? 1 : -1;
      } else {
        current += ch;
      }
    }
    FINML_REQUIRE(!terms.empty(), "{}: no asset named", where);
    int longs = 0, shorts = 0;
    for (const auto& [s, name] : terms) (s > 0 ? longs : shorts)++;
    for (const auto& [s, name] : terms)
      out.picks(v, AssetIndex(name, assets, where)) +=
          s > 0 ? 1.0 / longs : -1.0 / static_cast<double>(shorts);
    FINML_REQUIRE(out.picks.row(v).cwiseAbs().sum() > 1e-12,
                  "{}: its assets cancel out, so it says nothing (fix: name each asset once)",
                  where);
  }
  FINML_REQUIRE(confident == 0 || confident == k,
                "Idzorek's method needs a confidence on every view or on none ({} of {} have one)",
                confident, k);
  if (confident == k && k > 0) out.confidence = confidence;
  return out;
}

Constraints MakeConstraints(const PortfolioSettings& s, const std::vector<std::string>& assets,
                            std::vector<std::string>* warnings) {
  FINML_REQUIRE(s.bounds.size() == 2, "bounds: give LO,HI (two numbers), not {} values",
                s.bounds.size());
  Constraints c;
  c.lower = s.bounds[0];
  c.upper = s.bounds[1];
  c.net = s.market_neutral ? 0 : 1;
  c.leverage = s.leverage;
  c.sectors = LoadSectorLimits(s.sectors, assets, s.sector_cap, s.sector_floor, warnings);
  if (!s.current_weights.empty()) c.current = LoadAssetValues(s.current_weights, assets, "weight");
  c.turnover = s.turnover;
  c.cost = s.cost_penalty;
  c.l2 = s.l2;
  return c;
}

ObjectiveOptions MakeObjectiveOptions(const PortfolioSettings& s, Objective objective,
                                      double frequency, const std::vector<std::string>& assets) {
  ObjectiveOptions o;
  o.objective = objective;
  o.risk_free = s.risk_free;
  o.target_return = s.target_return;
  o.target_volatility = s.target_volatility;
  o.risk_aversion = s.risk_aversion;
  o.cvar_beta = s.cvar_beta;
  o.downside_benchmark = s.downside_benchmark;
  o.frequency = frequency;
  if (!s.budgets.empty()) {
    o.budgets = Vector::Ones(static_cast<Eigen::Index>(assets.size()));
    for (const auto& [name, b] : s.budgets) {
      FINML_REQUIRE(b > 0, "budget {}={}: budgets must be positive", name, b);
      o.budgets(AssetIndex(name, assets, "--budget")) = b;
    }
  }
  return o;
}

Estimates EstimateFromReturns(const Matrix& returns, const PortfolioSettings& s, double frequency,
                              const std::vector<std::string>& assets, EstimateNotes* notes,
                              const Vector* market_caps) {
  FINML_REQUIRE(returns.rows() >= 2, "too few bars of returns to estimate from ({})",
                returns.rows());
  RiskOptions risk;
  risk.model = s.risk_model;
  risk.frequency = frequency;
  risk.span = s.risk_span;
  risk.benchmark = s.semicovariance_benchmark;
  const RiskEstimate r = EstimateRisk(returns, risk);
  if (notes) *notes = {r.shrinkage, r.repaired};
  Estimates e{Vector(), r.covariance, returns};
  if (s.returns_model == ReturnsChoice::kBlackLitterman) {
    const auto n = static_cast<Eigen::Index>(assets.size());
    Vector market = market_caps             ? *market_caps
                    : s.market_caps.empty() ? Vector(Vector::Ones(n))
                                            : LoadAssetValues(s.market_caps, assets, "cap");
    FINML_REQUIRE(market.minCoeff() >= 0 && market.sum() > 0,
                  "market caps must be >= 0 and not all 0 ({})", s.market_caps);
    market /= market.sum();
    const Vector prior =
        MarketImpliedReturns(r.covariance, market, s.market_risk_aversion, s.risk_free);
    if (s.views.empty()) {
      e.expected = prior;
    } else {
      e.expected = BlackLitterman(r.covariance, prior, ParseViews(s.views, assets), s.tau).returns;
    }
    return e;
  }
  ReturnsOptions ro;
  ro.frequency = frequency;
  ro.span = s.returns_span;
  ro.risk_free = s.risk_free;
  switch (s.returns_model) {
    case ReturnsChoice::kMean:
      ro.model = ReturnsModel::kMean;
      break;
    case ReturnsChoice::kEwma:
      ro.model = ReturnsModel::kEwma;
      break;
    case ReturnsChoice::kCapm:
      ro.model = ReturnsModel::kCapm;
      break;
    default:
      ro.model = ReturnsModel::kCagr;
      break;
  }
  e.expected = ExpectedReturns(returns, ro);
  return e;
}

}  // namespace finml::portfolio
