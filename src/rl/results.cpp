#include "rl/results.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/report/figure.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"

namespace finml::rl {
namespace {

struct Spread {
  double mean = 0, sd = 0;
};

Spread Of(const std::vector<const StrategyRun*>& runs, double (*get)(const StrategyRun&)) {
  Spread s;
  if (runs.empty()) return s;
  for (const auto* r : runs) s.mean += get(*r);
  s.mean /= static_cast<double>(runs.size());
  if (runs.size() > 1) {
    for (const auto* r : runs) s.sd += (get(*r) - s.mean) * (get(*r) - s.mean);
    s.sd = std::sqrt(s.sd / static_cast<double>(runs.size() - 1));
  }
  return s;
}

double SharpeOf(const StrategyRun& r) { return r.performance.sharpe; }
double ReturnOf(const StrategyRun& r) { return r.performance.total_return; }
double DrawdownOf(const StrategyRun& r) { return r.performance.drawdown.depth; }
double TurnoverOf(const StrategyRun& r) { return r.annual_turnover; }
double AnnualReturnOf(const StrategyRun& r) { return r.performance.annual_return; }
double VolatilityOf(const StrategyRun& r) { return r.performance.annual_volatility; }

nlohmann::json Finite(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json Block(const std::vector<const StrategyRun*>& runs) {
  nlohmann::json j = nlohmann::json::object();
  const std::pair<const char*, double (*)(const StrategyRun&)> fields[] = {
      {"sharpe", SharpeOf},
      {"total_return", ReturnOf},
      {"max_drawdown", DrawdownOf},
      {"turnover", TurnoverOf},
      {"annual_return", AnnualReturnOf},
      {"annual_volatility", VolatilityOf}};
  for (const auto& [name, get] : fields) {
    const Spread s = Of(runs, get);
    j[name] = Finite(s.mean);
    if (runs.size() > 1) j[std::string(name) + "_sd"] = Finite(s.sd);
  }
  return j;
}

std::string MeanSd(const std::vector<const StrategyRun*>& runs, double (*get)(const StrategyRun&),
                   bool percent) {
  const Spread s = Of(runs, get);
  const auto f = [&](double v) { return percent ? report::Percent(v) : report::Number(v, 3); };
  return runs.size() > 1 ? fmt::format("{} ± {}", f(s.mean), f(s.sd)) : f(s.mean);
}

std::vector<double> Normalised(const std::vector<double>& equity) {
  std::vector<double> out(equity.size());
  for (std::size_t k = 0; k < equity.size(); ++k) out[k] = equity[k] / equity.front();
  return out;
}

}  // namespace

std::vector<const StrategyRun*> RunsOf(const RlResults& r, const std::string& name) {
  std::vector<const StrategyRun*> out;
  for (const auto& run : r.agent_runs)
    if (run.name == name) out.push_back(&run);
  return out;
}

nlohmann::json RlMetricsJson(const RlResults& r) {
  nlohmann::json agents = nlohmann::json::object();
  for (const auto& name : r.strategies) {
    const auto runs = RunsOf(r, name);
    nlohmann::json block = Block(runs);
    block["name"] = name;
    block["seeds"] = runs.size();
    nlohmann::json each = nlohmann::json::array();
    for (const auto* run : runs) {
      nlohmann::json validation = nlohmann::json::array();
      for (double v : run->validation_sharpe) validation.push_back(Finite(v));
      each.push_back({{"seed", run->seed},
                      {"sharpe", Finite(run->performance.sharpe)},
                      {"total_return", Finite(run->performance.total_return)},
                      {"max_drawdown", Finite(run->performance.drawdown.depth)},
                      {"turnover", Finite(run->annual_turnover)},
                      {"validation_sharpe", validation},
                      {"traded_by", run->chosen},
                      {"risk_off_bars", run->risk_off_bars}});
    }
    block["runs"] = each;
    agents[name] = block;
  }
  nlohmann::json baselines = nlohmann::json::object();
  for (std::size_t k = 0; k < r.baselines.size(); ++k) {
    nlohmann::json block = Block({&r.baselines[k]});
    block["description"] = r.baseline_descriptions[k];
    baselines[r.baselines[k].name] = block;
  }
  nlohmann::json comparison = nlohmann::json::object();
  for (const auto& c : r.comparisons) {
    nlohmann::json per_seed = nlohmann::json::array();
    const auto runs = RunsOf(r, c.strategy);
    for (std::size_t k = 0; k < c.per_seed.size(); ++k)
      per_seed.push_back({{"seed", runs[k]->seed},
                          {"sharpe_difference", Finite(c.per_seed[k].difference)},
                          {"p_value", Finite(c.per_seed[k].p_value)}});
    comparison[c.baseline] = {
        {"sharpe_difference", Finite(c.pooled.difference)},
        {"p_value", Finite(c.pooled.p_value)},
        {"interval_95", {Finite(c.pooled.low), Finite(c.pooled.high)}},
        {"note",
         "the seeds' average strategy (equal capital in each) against the baseline; "
         "paired stationary block bootstrap, two-sided"},
        {"per_seed", per_seed}};
  }
  nlohmann::json facts = nlohmann::json::object();
  for (const auto& [k, v] : r.facts) facts[k] = v;
  return {{"agent", agents[r.strategies.front()]},
          {"agents", agents},
          {"baselines", baselines},
          {"comparison", comparison},
          {"trading",
           {{"first_decision", r.time_label.front()},
            {"last_bar", r.time_label.back()},
            {"bars", r.time_label.size() - 1},
            {"periods_per_year", r.periods_per_year}}},
          {"windows", r.window_starts},
          {"facts", facts},
          {"provenance", r.provenance.ToJson()}};
}

void WriteEquityCsv(const std::string& path, const RlResults& r) {
  std::vector<std::string> header = {"date"};
  std::vector<const std::vector<double>*> columns;
  for (const auto& run : r.agent_runs) {
    header.push_back(CsvField(fmt::format("{} seed {}", run.name, run.seed)));
    columns.push_back(&run.engine.equity);
  }
  for (const auto& b : r.baselines) {
    header.push_back(CsvField(b.name));
    columns.push_back(&b.engine.equity);
  }
  std::string csv = JoinStrings(header, ",") + "\n";
  for (std::size_t t = 0; t < r.time_label.size(); ++t) {
    csv += r.time_label[t];
    for (const auto* c : columns) csv += fmt::format(",{:.10g}", (*c)[t]);
    csv += "\n";
  }
  WriteFileAtomic(path, csv);
}

void WriteRlReport(const std::string& path, const RlResults& r) {
  report::HtmlPage page(r.title);
  const std::string& main = r.strategies.front();
  const auto runs = RunsOf(r, main);
  const Spread sharpe = Of(runs, SharpeOf);
  const StrategyRun* best = nullptr;
  for (const auto& b : r.baselines)
    if (!best || b.performance.sharpe > best->performance.sharpe) best = &b;
  const Comparison* against_best = nullptr;
  for (const auto& c : r.comparisons)
    if (best && c.baseline == best->name) against_best = &c;
  const std::string when =
      fmt::format("{} ({} to {})", r.out_of_sample ? "Out of sample" : "On the bars traded",
                  r.time_label.front(), r.time_label.back());
  std::string verdict =
      runs.size() > 1
          ? fmt::format("{}, {}'s Sharpe ratio is {} ± {} over {} seeds", when, main,
                        report::Number(sharpe.mean, 3), report::Number(sharpe.sd, 3), runs.size())
          : fmt::format("{}, {}'s Sharpe ratio is {}", when, main, report::Number(sharpe.mean, 3));
  if (against_best && runs.size() > 1)
    verdict +=
        fmt::format(" (the seeds' average agent: {})",
                    report::Number(best->performance.sharpe + against_best->pooled.difference, 3));
  if (best)
    verdict += fmt::format(". The best baseline, {}, has {}", best->name,
                           report::Number(best->performance.sharpe, 3));
  if (against_best) {
    const double p = against_best->pooled.p_value;
    const std::string who = runs.size() > 1 ? "the average agent" : "the agent";
    verdict += against_best->pooled.difference > 0
                   ? (p < 0.05 ? fmt::format(": {} beats it (p = {}).", who, report::Number(p, 2))
                               : fmt::format(": {} is ahead, but not significantly (p = {}).", who,
                                             report::Number(p, 2)))
                   : fmt::format(": {} does not beat it (p = {}).", who, report::Number(p, 2));
  } else {
    verdict += ".";
  }
  page.Verdict(verdict);

  page.Heading("Out-of-sample results");
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : r.strategies) {
    const auto rs = RunsOf(r, name);
    rows.push_back({name + (rs.size() > 1 ? fmt::format(" ({} seeds)", rs.size()) : ""),
                    MeanSd(rs, SharpeOf, false), MeanSd(rs, ReturnOf, true),
                    MeanSd(rs, DrawdownOf, true), MeanSd(rs, TurnoverOf, false)});
  }
  for (const auto& b : r.baselines)
    rows.push_back({b.name, MeanSd({&b}, SharpeOf, false), MeanSd({&b}, ReturnOf, true),
                    MeanSd({&b}, DrawdownOf, true), MeanSd({&b}, TurnoverOf, false)});
  page.Table({"strategy", "Sharpe", "total return", "max drawdown", "turnover (x a year)"}, rows,
             0);
  std::string described;
  for (std::size_t k = 0; k < r.baselines.size(); ++k)
    described +=
        fmt::format("{}{}: {}", k ? "; " : "", r.baselines[k].name, r.baseline_descriptions[k]);
  page.Paragraph("Baselines: " + described +
                 ". Every strategy is filled by the same backtester, with the same costs, over "
                 "the same bars." +
                 (runs.size() > 1 ? " Agents: mean ± standard deviation over seeds." : ""));

  page.Heading("Is the difference real?");
  std::vector<std::vector<std::string>> diffs;
  for (const auto& c : r.comparisons) {
    std::vector<std::string> per_seed;
    for (const auto& d : c.per_seed) per_seed.push_back(report::Number(d.p_value, 2));
    diffs.push_back(
        {c.baseline, report::Number(c.pooled.difference, 3),
         fmt::format("{} to {}", report::Number(c.pooled.low, 3), report::Number(c.pooled.high, 3)),
         report::Number(c.pooled.p_value, 3), JoinStrings(per_seed, ", ")});
  }
  page.Table({"against", "Sharpe difference", "95% interval", "p-value", "p-value per seed"},
             diffs);
  page.Paragraph(fmt::format(
      "{} minus the baseline, for the seeds' average strategy (equal capital in each seed's "
      "agent); a paired stationary block bootstrap of the two return series, two-sided.",
      main));

  report::Figure equity("Growth of 1 over the trading period",
                        {"", r.calendar ? report::Unit::kTime : report::Unit::kCategory},
                        {"growth of 1", report::Unit::kNumber});
  const nlohmann::json x =
      r.calendar ? report::TimeAxisValues(r.time) : nlohmann::json(r.time_label);
  for (const auto& name : r.strategies) {
    const auto rs = RunsOf(r, name);
    std::vector<double> mean(r.time_label.size(), 0.0);
    for (const auto* run : rs) {
      const auto g = Normalised(run->engine.equity);
      for (std::size_t k = 0; k < mean.size(); ++k)
        mean[k] += g[k] / static_cast<double>(rs.size());
      if (rs.size() > 1)
        equity.Line(fmt::format("{} seed {}", name, run->seed), x, g,
                    {.show_legend = false, .colour_of = name, .width = 0.7});
    }
    equity.Line(name, x, mean, {.width = 2.5});
  }
  for (const auto& b : r.baselines)
    equity.Line(b.name, x, Normalised(b.engine.equity), {.dashed = true});
  equity.LogToggle();
  page.Chart(equity);
  if (runs.size() > 1)
    page.Paragraph("Thin lines: each seed's agent; thick: their average (equal capital in each).");

  const bool any_point = std::any_of(r.curves.begin(), r.curves.end(),
                                     [](const CurveRun& c) { return !c.points.empty(); });
  // A saved agent's evaluation trained nothing: no curve to speak of.
  if (!r.curves.empty() && !any_point)
    page.Paragraph(
        "No learning curve: no training episode ended (fewer timesteps than the "
        "copies times the episode length).");
  report::Figure curves("Learning curves (first training window)",
                        {"environment steps", report::Unit::kCount},
                        {"mean episode return (scaled reward)", report::Unit::kNumber});
  for (const auto& c : r.curves) {
    if (c.window != 0) continue;
    std::vector<double> steps, values;
    for (const auto& p : c.points) {
      steps.push_back(static_cast<double>(p.timestep));
      values.push_back(p.episode_return);
    }
    // One point draws no line: show it as a marker.
    if (values.size() == 1) {
      curves.Markers(fmt::format("{} seed {}", c.agent, c.seed), steps, values);
    } else {
      curves.Line(fmt::format("{} seed {}", c.agent, c.seed), steps, values, {.width = 1.2});
    }
  }
  if (any_point) page.Chart(curves);

  if (r.window_starts.size() > 1 || r.strategies.size() > 1) {
    page.Heading("Who traded each window");
    std::vector<std::vector<std::string>> windows;
    for (std::size_t w = 0; w < r.window_starts.size(); ++w) {
      std::vector<std::string> row = {r.window_starts[w]};
      for (const auto* run : runs)
        row.push_back(fmt::format("{} (validation Sharpe {})", run->chosen[w],
                                  report::Number(run->validation_sharpe[w], 3)));
      windows.push_back(row);
    }
    std::vector<std::string> header = {"window from"};
    for (const auto* run : runs) header.push_back(fmt::format("seed {}", run->seed));
    page.Table(header, windows);
  }
  for (const auto& note : r.notes) page.Paragraph(note);
  page.Provenance(r.provenance, r.facts);
  report::WriteReport(path, page);
}

}  // namespace finml::rl
