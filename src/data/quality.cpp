#include "finml/data/quality.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace finml::data {
namespace {

// 1.4826 x MAD estimates the standard deviation of normal data; unlike the sample standard
// deviation, the bad ticks it is meant to find do not inflate it.
constexpr double kMadToSd = 1.4826;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto middle = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), middle, v.end());
  return *middle;
}

// Keeps the `named` largest by `key` (ties: the earliest first), in that order.
template <typename T, typename Key>
void KeepLargest(std::vector<T>& items, std::size_t named, Key key) {
  std::stable_sort(items.begin(), items.end(),
                   [&](const T& a, const T& b) { return key(a) > key(b); });
  if (items.size() > named) items.resize(named);
}

const std::vector<double>& Prices(const Bars& bars) {
  return bars.close.empty() ? bars.adj_close : bars.close;
}

// Per row, how many of a panel's assets moved up (and down) into it by `market_sigmas` of their
// own spread or more: what tells a market's crash from one asset's bad tick.
struct LargeMoves {
  std::vector<std::uint32_t> up, down;
};

void AssessReturns(const std::vector<double>& price, const std::vector<std::size_t>& rows,
                   const QualitySettings& settings, AssetQuality& q, LargeMoves* moves) {
  std::vector<double> r;
  r.reserve(rows.size());
  for (std::size_t j = 1; j < rows.size(); ++j)
    r.push_back(std::log(price[rows[j]] / price[rows[j - 1]]));
  q.returns = r.size();
  if (r.empty()) return;
  double sum = 0;
  for (double x : r) sum += x;
  q.return_mean = sum / static_cast<double>(r.size());
  double squares = 0;
  for (double x : r) squares += (x - q.return_mean) * (x - q.return_mean);
  q.return_sd = r.size() > 1 ? std::sqrt(squares / static_cast<double>(r.size() - 1)) : 0;
  const double centre = Median(r);
  std::vector<double> deviation(r.size());
  for (std::size_t j = 0; j < r.size(); ++j) deviation[j] = std::fabs(r[j] - centre);
  q.robust_sd = kMadToSd * Median(deviation);
  for (std::size_t j = 0; j < r.size(); ++j) {
    if (std::fabs(r[j]) > std::fabs(q.largest_move)) {
      q.largest_move = r[j];
      q.largest_move_row = rows[j + 1];
    }
  }
  // A price that rarely moves (half its returns zero) has no robust spread; its sample one
  // stands in, so a bad tick there is still measured against something.
  const double sd = q.robust_sd > 0 ? q.robust_sd : q.return_sd;
  if (!(sd > 0)) return;
  if (moves) {
    for (std::size_t j = 0; j < r.size(); ++j)
      if (std::fabs(r[j]) >= settings.market_sigmas * sd)
        ++(r[j] > 0 ? moves->up : moves->down)[rows[j + 1]];
  }
  std::vector<SuspectedBadTick> ticks;
  for (std::size_t j = 0; j + 1 < r.size(); ++j) {
    const double into = r[j], back = r[j + 1];
    if (std::fabs(into) < settings.spike_sigmas * sd) continue;
    if (!(into * back < 0) || std::fabs(back) < settings.spike_reversal * std::fabs(into)) continue;
    ticks.push_back({rows[j + 1], price[rows[j]], price[rows[j + 1]], price[rows[j + 2]],
                     std::fabs(into) / sd});
    ++j;  // the move back is the same tick, not another
  }
  q.bad_ticks = std::move(ticks);  // counted and cut to `named` once the market is known
}

void AssessStaleRuns(const std::vector<double>& price, const std::vector<std::size_t>& rows,
                     const QualitySettings& settings, AssetQuality& q) {
  std::vector<StaleRun> runs;
  for (std::size_t j = 0; j < rows.size();) {
    std::size_t end = j + 1;
    while (end < rows.size() && price[rows[end]] == price[rows[j]]) ++end;
    if (end - j >= settings.stale_bars) runs.push_back({rows[j], end - j, price[rows[j]]});
    j = end;
  }
  q.stale_run_count = runs.size();
  KeepLargest(runs, settings.named, [](const StaleRun& s) { return s.bars; });
  q.stale_runs = std::move(runs);
}

void AssessRanges(const Bars& bars, const QualitySettings& settings, AssetQuality& q) {
  if (!bars.Has(Field::kHigh) || !bars.Has(Field::kLow)) return;
  std::vector<OutsideRange> found;
  for (Field field : {Field::kOpen, Field::kClose}) {
    if (!bars.Has(field)) continue;
    const auto& v = bars.Get(field);
    for (std::size_t t = 0; t < v.size(); ++t) {
      const double low = bars.low[t], high = bars.high[t];
      if (std::isnan(v[t]) || std::isnan(low) || std::isnan(high)) continue;
      if (v[t] < low || v[t] > high) found.push_back({t, field, v[t], low, high});
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const OutsideRange& a, const OutsideRange& b) { return a.row < b.row; });
  q.outside_range_count = found.size();
  if (found.size() > settings.named) found.resize(settings.named);
  q.outside_range = std::move(found);
}

AssetQuality AssessAsset(const MarketData& md, const Bars& bars, const QualitySettings& settings,
                         LargeMoves* moves) {
  AssetQuality q;
  q.symbol = bars.symbol;
  const auto& price = Prices(bars);
  std::vector<std::size_t> rows;
  for (std::size_t t = 0; t < price.size(); ++t) {
    if (std::isfinite(price[t]) && price[t] > 0) rows.push_back(t);
  }
  q.values = rows.size();
  q.missing = md.rows() - rows.size();
  if (!rows.empty()) {
    q.first = price[rows.front()];
    q.last = price[rows.back()];
    q.min = q.max = q.first;
    for (std::size_t t : rows) {
      q.min = std::min(q.min, price[t]);
      q.max = std::max(q.max, price[t]);
    }
  }
  AssessReturns(price, rows, settings, q, moves);
  AssessStaleRuns(price, rows, settings, q);
  AssessRanges(bars, settings, q);
  return q;
}

void AssessCalendar(const MarketData& md, const QualitySettings& settings, QualityReport& report) {
  if (!md.calendar || md.rows() < 3) return;
  report.usual_step_seconds = MedianStep(md.time);
  if (report.usual_step_seconds <= 0) return;
  const double step = static_cast<double>(report.usual_step_seconds);
  // Intraday bars stop every night and weekend; only a hole inside one day is a gap there.
  const bool intraday = report.usual_step_seconds < kSecondsPerDay;
  std::vector<DateGap> gaps;
  for (std::size_t t = 1; t < md.rows(); ++t) {
    if (intraday && DayNumber(md.time[t]) != DayNumber(md.time[t - 1])) continue;
    const double steps = static_cast<double>(md.time[t] - md.time[t - 1]) / step;
    if (steps > settings.gap_factor) gaps.push_back({t, steps});
  }
  report.gap_count = gaps.size();
  KeepLargest(gaps, settings.named, [](const DateGap& g) { return g.steps; });
  report.gaps = std::move(gaps);
}

}  // namespace

QualityReport AssessQuality(const MarketData& md, const QualitySettings& settings) {
  QualityReport report;
  const bool panel = md.assets.size() >= 3;
  LargeMoves moves;
  if (panel) moves = {std::vector<std::uint32_t>(md.rows()), std::vector<std::uint32_t>(md.rows())};
  for (const auto& bars : md.assets)
    report.assets.push_back(AssessAsset(md, bars, settings, panel ? &moves : nullptr));
  // A crash and its rebound move a panel's assets together; a bad tick is one asset's alone.
  // 1997-10-27 in the Dow 30 was seven 'bad ticks' by the single-asset rule.
  const std::size_t others = md.assets.size() - 1;
  const double market = std::max(2.0, settings.market_share * static_cast<double>(others));
  for (auto& q : report.assets) {
    if (panel) {
      std::erase_if(q.bad_ticks, [&](const SuspectedBadTick& t) {
        const bool up = t.at > t.before;
        const double alike = static_cast<double>((up ? moves.up : moves.down)[t.row]) - 1;
        return alike >= market;
      });
    }
    q.bad_tick_count = q.bad_ticks.size();
    KeepLargest(q.bad_ticks, settings.named, [](const SuspectedBadTick& t) { return t.sigmas; });
  }
  AssessCalendar(md, settings, report);
  return report;
}

}  // namespace finml::data
