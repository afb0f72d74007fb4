#include "finml/portfolio/walk_forward.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "finml/backtest/performance.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/strings.hpp"

namespace finml::portfolio {
namespace {

bool ParseBars(const std::string& s, std::size_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out > 0;
}

}  // namespace

std::vector<std::size_t> RebalanceRows(const std::vector<data::Timestamp>& time, bool calendar,
                                       const std::string& rule_text, std::size_t window) {
  const std::string rule = ToLower(Trim(rule_text));
  const std::size_t n = time.size();
  std::vector<std::size_t> rows;
  if (n < 2) return rows;
  // Row t holds the return into bar t, so a window of returns ending at t starts at t - window + 1
  // and needs t >= window.
  const std::size_t first = std::max<std::size_t>(window, 1);
  std::size_t every = 0;
  if (ParseBars(rule, every) || rule == "daily") {
    if (every == 0) every = 1;
    FINML_REQUIRE(every < n, "rebalance every {} bars: the data hold {} (fix: a smaller number)",
                  every, n);
    for (std::size_t t = first; t + 1 < n; t += every) rows.push_back(t);
    return rows;
  }
  FINML_REQUIRE(rule == "weekly" || rule == "monthly" || rule == "quarterly",
                "rebalance '{}' is not daily, weekly, monthly, quarterly or a number of bars",
                rule_text);
  FINML_REQUIRE(calendar,
                "rebalance '{}' needs dates, and the data has none (fix: --rebalance N for every N "
                "bars)",
                rule_text);
  auto period = [&](std::size_t t) -> long long {
    // Weeks start on Monday: the Monday on or before the day names the week.
    if (rule == "weekly") return data::DayNumber(time[t]) - data::Weekday(time[t]);
    const data::CivilDate c = data::DateOf(time[t]);
    if (rule == "monthly") return c.year * 12LL + c.month;
    return c.year * 4LL + (c.month - 1) / 3;
  };
  // The last bar of each period: the next bar starts a new one.
  for (std::size_t t = first; t + 1 < n; ++t)
    if (period(t + 1) != period(t)) rows.push_back(t);
  return rows;
}

WalkForward WalkForwardWeights(const ReturnsData& data, const PortfolioSettings& s,
                               const ExpectedReturnsAt* expected) {
  FINML_REQUIRE(s.window != 1,
                "a walk-forward estimates from a trailing window of at least 2 bars (fix: "
                "--window 252, or 0 for an expanding window)");
  FINML_REQUIRE(data.assets.size() >= 2,
                "{}: {} asset; a portfolio needs at least two (fix: a file with several columns)",
                data.source, data.assets.size());
  for (std::size_t k = 0; k < s.objectives.size(); ++k)
    for (std::size_t i = 0; i < k; ++i)
      FINML_REQUIRE(s.objectives[i] != s.objectives[k], "--objectives names {} twice",
                    EnumName(s.objectives[k]));
  // 0: an expanding window, first decided once a year of daily bars is there.
  const std::size_t window = s.window == 0 ? 252 : s.window;
  WalkForward walk;
  walk.rows = RebalanceRows(data.time, data.calendar, s.rebalance, window);
  FINML_REQUIRE(!walk.rows.empty(),
                "{}: no rebalance date has a {}-bar window of returns before it and a bar after "
                "it ({} bars in all; fix: a shorter --window)",
                data.source, window, data.time.size());
  const auto rows = static_cast<std::size_t>(data.returns.rows());
  const auto n = static_cast<Eigen::Index>(data.assets.size());
  // Files naming assets (sectors, budgets, market caps) are read once over every asset; each
  // decision takes the part over the assets it can hold.
  const Constraints all = MakeConstraints(s, data.assets, nullptr);
  const std::optional<Vector> caps =
      s.market_caps.empty()
          ? std::nullopt
          : std::optional<Vector>(LoadAssetValues(s.market_caps, data.assets, "cap"));
  std::vector<ObjectiveOptions> options;
  for (Objective o : s.objectives) {
    walk.tracks.push_back(
        {o, EnumName(o), backtest::Panel(rows, static_cast<std::size_t>(n)), 0, {}});
    options.push_back(MakeObjectiveOptions(s, o, data.frequency, data.assets));
  }
  std::vector<Vector> held(walk.tracks.size(), Vector::Zero(n));
  Progress progress("rebalance", walk.rows.size(), Progress::TerminalAttached());
  for (std::size_t d = 0; d < walk.rows.size(); ++d) {
    const std::size_t t = walk.rows[d];
    progress.Update(d + 1, data.time_label[t]);
    // Eligible: a price at the decision (something to trade), returns on 90% of the window, and
    // a forecast when the expected returns are forecasts.
    const Matrix trailing = TrailingReturns(data.returns, t, s.window);
    std::vector<Eigen::Index> eligible;
    for (Eigen::Index j = 0; j < n; ++j) {
      const bool priced =
          data.prices.size() == 0 || std::isfinite(data.prices(static_cast<Eigen::Index>(t), j));
      const auto count = trailing.col(j).array().isFinite().count();
      if (priced && static_cast<double>(count) >= 0.9 * static_cast<double>(trailing.rows()))
        eligible.push_back(j);
    }
    Vector forecast;
    if (expected && !eligible.empty()) {
      const Vector all_forecasts = (*expected)(t, eligible);
      std::vector<Eigen::Index> kept;
      std::vector<double> values;
      for (std::size_t i = 0; i < eligible.size(); ++i)
        if (std::isfinite(all_forecasts(static_cast<Eigen::Index>(i)))) {
          kept.push_back(eligible[i]);
          values.push_back(all_forecasts(static_cast<Eigen::Index>(i)));
        }
      eligible = kept;
      forecast = Eigen::Map<const Vector>(values.data(), static_cast<Eigen::Index>(values.size()));
    }
    walk.eligible.push_back(eligible.size());
    if (eligible.size() < 2) continue;  // nothing to optimise: no instruction
    const auto m = static_cast<Eigen::Index>(eligible.size());
    Matrix sub(trailing.rows(), m);
    std::vector<std::string> names;
    std::vector<Eigen::Index> position(static_cast<std::size_t>(n), -1);
    for (Eigen::Index k = 0; k < m; ++k) {
      const Eigen::Index j = eligible[static_cast<std::size_t>(k)];
      sub.col(k) = trailing.col(j);
      names.push_back(data.assets[static_cast<std::size_t>(j)]);
      position[static_cast<std::size_t>(j)] = k;
    }
    Constraints part = all;
    part.sectors.clear();
    for (const auto& sector : all.sectors) {
      SectorLimit kept{sector.sector, {}, sector.lower, sector.upper};
      for (Eigen::Index i : sector.assets)
        if (position[static_cast<std::size_t>(i)] >= 0)
          kept.assets.push_back(position[static_cast<std::size_t>(i)]);
      if (!kept.assets.empty()) part.sectors.push_back(std::move(kept));
    }
    Vector part_caps;
    if (caps) {
      part_caps.resize(m);
      for (Eigen::Index k = 0; k < m; ++k)
        part_caps(k) = (*caps)(eligible[static_cast<std::size_t>(k)]);
    }
    // One estimate per date serves every objective.
    std::optional<Estimates> estimates;
    std::string estimate_error;
    try {
      estimates =
          EstimateFromReturns(sub, s, data.frequency, names, nullptr, caps ? &part_caps : nullptr);
      if (expected) estimates->expected = forecast;
    } catch (const Error& err) {
      estimate_error = err.what();
    }
    for (std::size_t k = 0; k < walk.tracks.size(); ++k) {
      auto& track = walk.tracks[k];
      Vector w;
      try {
        if (!estimates) throw InvalidInput(estimate_error);
        const Estimates& e = *estimates;
        Constraints c = part;
        c.current.resize(m);
        for (Eigen::Index i = 0; i < m; ++i)
          c.current(i) = held[k](eligible[static_cast<std::size_t>(i)]);
        // The first book is built from cash: a turnover limit applies from the next decision.
        if (held[k].cwiseAbs().sum() == 0) c.turnover.reset();
        if (!IsOptimised(track.objective)) c = Constraints{};
        ObjectiveOptions o = options[k];
        if (o.budgets.size() > 0) {
          Vector budgets(m);
          for (Eigen::Index i = 0; i < m; ++i)
            budgets(i) = options[k].budgets(eligible[static_cast<std::size_t>(i)]);
          o.budgets = budgets;
        }
        w = Optimize(e, o, c).weights;
      } catch (const Error& err) {
        if (track.failures++ == 0)
          track.first_failure = fmt::format("{}: {}", data.time_label[t], err.what());
        continue;  // no instruction: the book is kept
      }
      Vector full = Vector::Zero(n);
      for (Eigen::Index i = 0; i < m; ++i) full(eligible[static_cast<std::size_t>(i)]) = w(i);
      held[k] = full;
      for (Eigen::Index j = 0; j < n; ++j)
        track.weights.at(t, static_cast<std::size_t>(j)) = full(j);
    }
  }
  progress.Finish();
  return walk;
}

std::vector<backtest::BacktestResult> BacktestTracks(const ReturnsData& data,
                                                     const PortfolioSettings& s,
                                                     const WalkForward& walk) {
  FINML_REQUIRE(data.panel.rows() > 0, "a portfolio backtest trades prices: give --prices");
  const double gross_bound =
      s.leverage.value_or(std::max(std::abs(s.bounds.at(0)), std::abs(s.bounds.at(1))) *
                          static_cast<double>(data.assets.size()));
  std::vector<backtest::BacktestResult> out;
  // Every track starts at the latest first decision among them, so they share one period.
  std::size_t start = 0;
  for (const auto& track : walk.tracks)
    for (std::size_t t = 0; t < track.weights.rows; ++t)
      if (std::isfinite(track.weights.at(t, 0))) {
        start = std::max(start, t);
        break;
      }
  for (const auto& track : walk.tracks) {
    backtest::BacktestConfig config;
    config.strategy.name = "weights";
    config.execution.fill = s.fill;
    config.execution.cost_bps = s.cost_bps;
    config.execution.slippage_bps = s.slippage_bps;
    config.execution.initial_capital = s.initial_capital;
    // Rules (HRP, risk parity) take no bounds, so the backtester must not clip them to any.
    config.execution.max_weight = IsOptimised(track.objective)
                                      ? std::max(std::abs(s.bounds.at(0)), std::abs(s.bounds.at(1)))
                                      : 1.0;
    config.execution.max_leverage = std::max(1.0, gross_bound);
    config.risk_free = s.risk_free;
    backtest::SignalPanel signals;
    signals.source = fmt::format("{} weights, re-optimised {}", track.name, s.rebalance);
    signals.score = track.weights;
    for (double v : track.weights.values) signals.count += std::isfinite(v);
    FINML_REQUIRE(signals.count > 0, "{}: no rebalance date could be optimised ({})", track.name,
                  track.first_failure);
    out.push_back(backtest::RunBacktest(data.panel, &signals, config, true, start));
  }
  return out;
}

std::vector<std::string> WriteWalkForward(const std::string& dir, const ReturnsData& data,
                                          const PortfolioSettings& settings,
                                          const WalkForward& walk,
                                          const std::vector<backtest::BacktestResult>& results,
                                          const Provenance& provenance,
                                          const WalkForwardReport& report) {
  std::vector<backtest::TearsheetEntry> entries;
  for (std::size_t k = 0; k < results.size(); ++k)
    entries.push_back({walk.tracks[k].name, &results[k]});
  backtest::BacktestInputs inputs;
  inputs.provenance = provenance;
  inputs.title = report.title;
  inputs.signals = report.signals;
  inputs.chart_library_dir = report.chart_library_dir;
  if (data.prices.size() == 0)
    inputs.prices_note = fmt::format(
        "indices compounded from the returns in {}, each from {} before its first return",
        data.source, kIndexBase);
  std::vector<std::string> lines;
  nlohmann::json summary = nlohmann::json::array();
  std::string weights_csv = "date,portfolio,asset,weight\n";
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    const auto& track = walk.tracks[k];
    const double annual_turnover = r.mean_turnover * r.periods_per_year;
    const std::string& name = track.name;
    summary.push_back({{"portfolio", name},
                       {"objective", EnumName(track.objective)},
                       {"sharpe", r.performance.sharpe},
                       {"annual_return", r.performance.annual_return},
                       {"annual_volatility", r.performance.annual_volatility},
                       {"max_drawdown", r.performance.drawdown.depth},
                       {"annual_turnover", annual_turnover},
                       {"fees", r.total_fees},
                       {"decisions", r.decisions},
                       {"failed_decisions", track.failures},
                       {"first_failure", track.first_failure}});
    lines.push_back(
        fmt::format("{:<26} Sharpe {:6.3f}  return {:7.2f}%  max drawdown {:7.2f}%  "
                    "turnover {:6.2f}x a year",
                    name, r.performance.sharpe, 100 * r.performance.annual_return,
                    100 * r.performance.drawdown.depth, annual_turnover));
    if (track.failures > 0)
      std::fprintf(stderr,
                   "finml: warning: %s: %zu of %zu rebalances failed and kept the book; first: "
                   "%s\n",
                   name.c_str(), track.failures, walk.rows.size(), track.first_failure.c_str());
    for (std::size_t t : walk.rows)
      for (std::size_t j = 0; j < data.assets.size(); ++j) {
        const double w = track.weights.at(t, j);
        if (std::isfinite(w) && w != 0)
          weights_csv +=
              fmt::format("{},{},{},{:.10g}\n", data.time_label[t], name, data.assets[j], w);
      }
  }
  if (!results.empty() && results[0].benchmark_performance) {
    const auto& b = *results[0].benchmark_performance;
    lines.push_back(fmt::format("{:<26} Sharpe {:6.3f}  return {:7.2f}%  max drawdown {:7.2f}%",
                                results[0].benchmark_name, b.sharpe, 100 * b.annual_return,
                                100 * b.drawdown.depth));
    summary.push_back({{"portfolio", results[0].benchmark_name},
                       {"sharpe", b.sharpe},
                       {"annual_return", b.annual_return},
                       {"annual_volatility", b.annual_volatility},
                       {"max_drawdown", b.drawdown.depth}});
  }
  nlohmann::json metrics = {{"summary", summary},
                            {"rebalances", walk.rows.size()},
                            {"first_decision", data.time_label[walk.rows.front()]},
                            {"settings", PortfolioSettings::Schema().ToJson(settings)},
                            {"provenance", provenance.ToJson()}};
  nlohmann::json each = nlohmann::json::object();
  for (std::size_t k = 0; k < results.size(); ++k)
    each[walk.tracks[k].name] = backtest::BacktestMetricsJson(results[k], data.panel, inputs);
  metrics["backtests"] = each;
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WriteFileAtomic(dir + "/weights.csv", weights_csv);
  report::WriteReport(dir + "/tearsheet.html", backtest::TearsheetPage(entries, data.panel, inputs),
                      report.chart_library_dir);
  return lines;
}

std::vector<std::string> RunPortfolioBacktestJob(const PortfolioSettings& settings,
                                                 const std::string& dir,
                                                 const Provenance& provenance) {
  FINML_REQUIRE(!settings.objectives.empty(), "--objectives: name at least one");
  const ReturnsData data = LoadReturnsData(settings);
  const WalkForward walk = WalkForwardWeights(data, settings);
  const auto results = BacktestTracks(data, settings, walk);
  std::vector<std::string> names;
  for (const auto& t : walk.tracks) names.push_back(t.name);
  WalkForwardReport report;
  report.title = fmt::format("Portfolio backtest: {} re-optimised {}, {}", JoinStrings(names, ", "),
                             settings.rebalance,
                             settings.window == 0 ? std::string("expanding window")
                                                  : fmt::format("{}-bar window", settings.window));
  report.signals = "weights optimised on each rebalance date from the trailing window only";
  return WriteWalkForward(dir, data, settings, walk, results, provenance, report);
}

}  // namespace finml::portfolio
