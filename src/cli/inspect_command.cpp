#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/quality.hpp"

namespace finml::cli {
namespace {

std::string Percent(double log_return) {
  return fmt::format("{:+.2f}%", std::expm1(log_return) * 100);
}

std::string Fields(const data::Bars& bars) {
  std::string out;
  for (auto f : {data::Field::kOpen, data::Field::kHigh, data::Field::kLow, data::Field::kClose,
                 data::Field::kAdjClose, data::Field::kVolume}) {
    if (bars.Has(f)) out += (out.empty() ? "" : ",") + EnumName(f);
  }
  return out;
}

std::string StepText(std::int64_t seconds) {
  if (seconds % data::kSecondsPerDay == 0) {
    const auto days = seconds / data::kSecondsPerDay;
    return fmt::format("{} day{}", days, days == 1 ? "" : "s");
  }
  if (seconds % 3600 == 0) return fmt::format("{} h", seconds / 3600);
  if (seconds % 60 == 0) return fmt::format("{} min", seconds / 60);
  return fmt::format("{} s", seconds);
}

// One line per finding, in the order a user fixes them: what the file says, then the calendar.
std::vector<std::string> Findings(const data::MarketData& md, const data::QualityReport& q) {
  std::vector<std::string> lines;
  auto more = [&](std::size_t count, std::size_t named, const std::string& what) {
    if (count > named) lines.push_back(fmt::format("  ... and {} more {}", count - named, what));
  };
  for (const auto& a : q.assets) {
    for (const auto& t : a.bad_ticks) {
      lines.push_back(fmt::format(
          "  {} {}: suspected bad tick: {:g} -> {:g} -> {:g} ({} in a bar, {:.1f} robust sd, taken "
          "back by the next bar)",
          a.symbol, md.time_label[t.row], t.before, t.at, t.after,
          Percent(std::log(t.at / t.before)), t.sigmas));
    }
    more(a.bad_tick_count, a.bad_ticks.size(), "suspected bad ticks of " + a.symbol);
    for (const auto& s : a.stale_runs) {
      lines.push_back(fmt::format("  {} {}: the same price {:g} on {} bars in a row", a.symbol,
                                  md.time_label[s.first_row], s.value, s.bars));
    }
    more(a.stale_run_count, a.stale_runs.size(), "runs of one price in " + a.symbol);
    for (const auto& o : a.outside_range) {
      lines.push_back(
          fmt::format("  {} {}: {} {:g} is outside the bar's low-high range [{:g}, {:g}]", a.symbol,
                      md.time_label[o.row], EnumName(o.field), o.value, o.low, o.high));
    }
    more(a.outside_range_count, a.outside_range.size(),
         "opens or closes outside their range in " + a.symbol);
  }
  for (const auto& g : q.gaps) {
    lines.push_back(fmt::format("  calendar {} -> {}: no rows for {:.1f} usual steps of {}",
                                md.time_label[g.row - 1], md.time_label[g.row], g.steps,
                                StepText(q.usual_step_seconds)));
  }
  more(q.gap_count, q.gaps.size(), "calendar gaps");
  return lines;
}

void PrintText(const data::MarketData& md, const data::QualityReport& q,
               const data::QualitySettings& settings) {
  std::printf("%s: %s, %zu rows, %s .. %s%s\n", md.source.c_str(), EnumName(md.shape).c_str(),
              md.rows(), md.time_label.front().c_str(), md.time_label.back().c_str(),
              md.calendar ? "" : " (no calendar dates: row order only)");
  std::printf("%zu asset(s):", md.assets.size());
  for (const auto& a : md.assets) std::printf(" %s[%s]", a.symbol.c_str(), Fields(a).c_str());
  std::printf("\n");
  for (const auto& r : md.repairs) std::printf("repair: %s: %zu\n", r.what.c_str(), r.count);
  if (md.repairs.empty()) std::printf("valid: no repairs needed\n");

  std::size_t width = 5;
  for (const auto& a : q.assets) width = std::max(width, a.symbol.size());
  std::printf("\n%s\n",
              fmt::format("{:<{}} {:>7} {:>7} {:>12} {:>12} {:>12} {:>12} {:>8} {:>8}  {}", "asset",
                          width, "prices", "missing", "first", "last", "min", "max", "sd/bar",
                          "robust", "largest move")
                  .c_str());
  for (const auto& a : q.assets) {
    const std::string largest = a.returns == 0 ? "-"
                                               : fmt::format("{} on {}", Percent(a.largest_move),
                                                             md.time_label[a.largest_move_row]);
    std::printf("%s\n", fmt::format("{:<{}} {:>7} {:>7} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} "
                                    "{:>7.3f}% {:>7.3f}%  {}",
                                    a.symbol, width, a.values, a.missing, a.first, a.last, a.min,
                                    a.max, a.return_sd * 100, a.robust_sd * 100, largest)
                            .c_str());
  }
  const auto findings = Findings(md, q);
  std::printf("\n%s\n", findings.empty() ? "findings: none" : "findings:");
  for (const auto& line : findings) std::printf("%s\n", line.c_str());
  if (!findings.empty()) {
    std::printf(
        "(what counts: a bad tick, a move of %g robust sd (1.4826 x the median absolute "
        "deviation of the log returns) that the next bar takes back by %g%% or more%s; a "
        "run, %zu equal prices; a gap, %g usual steps%s)\n",
        settings.spike_sigmas, settings.spike_reversal * 100,
        md.assets.size() > 2 ? ", and that the other assets did not make together" : "",
        settings.stale_bars, settings.gap_factor,
        md.repairs.empty() ? "" : "; of the data after the repairs above");
  }
}

nlohmann::json Json(const data::MarketData& md, const data::QualityReport& q,
                    const data::QualitySettings& settings) {
  auto label = [&](std::size_t row) { return md.time_label[row]; };
  nlohmann::json out = {{"source", md.source},
                        {"shape", EnumName(md.shape)},
                        {"rows", md.rows()},
                        {"first", md.time_label.front()},
                        {"last", md.time_label.back()},
                        {"calendar", md.calendar},
                        {"repairs", nlohmann::json::array()},
                        {"assets", nlohmann::json::array()}};
  for (const auto& r : md.repairs) out["repairs"].push_back({{"what", r.what}, {"count", r.count}});
  for (std::size_t k = 0; k < q.assets.size(); ++k) {
    const auto& a = q.assets[k];
    nlohmann::json j = {{"symbol", a.symbol},
                        {"fields", Fields(md.assets[k])},
                        {"prices", a.values},
                        {"missing", a.missing},
                        {"first", a.first},
                        {"last", a.last},
                        {"min", a.min},
                        {"max", a.max},
                        {"returns", a.returns},
                        {"log_return_mean", a.return_mean},
                        {"log_return_sd", a.return_sd},
                        {"log_return_robust_sd", a.robust_sd}};
    if (a.returns > 0)
      j["largest_move"] = {{"date", label(a.largest_move_row)}, {"log_return", a.largest_move}};
    j["suspected_bad_ticks"] = {{"count", a.bad_tick_count}, {"named", nlohmann::json::array()}};
    for (const auto& t : a.bad_ticks)
      j["suspected_bad_ticks"]["named"].push_back({{"date", label(t.row)},
                                                   {"before", t.before},
                                                   {"at", t.at},
                                                   {"after", t.after},
                                                   {"robust_sd", t.sigmas}});
    j["stale_runs"] = {{"count", a.stale_run_count}, {"named", nlohmann::json::array()}};
    for (const auto& s : a.stale_runs)
      j["stale_runs"]["named"].push_back(
          {{"from", label(s.first_row)}, {"bars", s.bars}, {"price", s.value}});
    j["outside_range"] = {{"count", a.outside_range_count}, {"named", nlohmann::json::array()}};
    for (const auto& o : a.outside_range)
      j["outside_range"]["named"].push_back({{"date", label(o.row)},
                                             {"field", EnumName(o.field)},
                                             {"value", o.value},
                                             {"low", o.low},
                                             {"high", o.high}});
    out["assets"].push_back(std::move(j));
  }
  out["calendar_gaps"] = {{"usual_step_seconds", q.usual_step_seconds},
                          {"count", q.gap_count},
                          {"named", nlohmann::json::array()}};
  for (const auto& g : q.gaps)
    out["calendar_gaps"]["named"].push_back(
        {{"from", label(g.row - 1)}, {"to", label(g.row)}, {"usual_steps", g.steps}});
  out["settings"] = {
      {"spike_robust_sd", settings.spike_sigmas}, {"spike_reversal", settings.spike_reversal},
      {"market_share", settings.market_share},    {"market_robust_sd", settings.market_sigmas},
      {"stale_bars", settings.stale_bars},        {"gap_usual_steps", settings.gap_factor}};
  return out;
}

}  // namespace

void SetupInspect(CLI::App& app, InspectCommandOptions& o) {
  app.add_option("--input", o.input, "market data CSV to validate and summarise")->required();
  app.add_flag("--json", o.json,
               "print the summary and findings as one JSON document (for scripts) instead of text");
  o.load.Add(app, data::LoadOptions::Schema());
}

int RunInspect(const InspectCommandOptions& o) {
  const auto load = data::LoadOptions::Schema().Parse(o.load.Collect(), "");
  const data::MarketData md = data::LoadMarketData(o.input, load);
  const data::QualitySettings settings;
  const data::QualityReport quality = data::AssessQuality(md, settings);
  if (o.json) {
    std::printf("%s\n", Json(md, quality, settings).dump(2).c_str());
  } else {
    PrintText(md, quality, settings);
  }
  return 0;
}

}  // namespace finml::cli
