#include "finml/data/transforms.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml::data {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Field kAllFields[] = {Field::kOpen,  Field::kHigh,     Field::kLow,
                                Field::kClose, Field::kAdjClose, Field::kVolume};
}  // namespace

std::vector<double> Returns(const std::vector<double>& prices, ReturnKind kind,
                            std::size_t periods) {
  FINML_REQUIRE(periods >= 1, "return period must be at least 1");
  std::vector<double> out(prices.size(), kNaN);
  for (std::size_t t = periods; t < prices.size(); ++t) {
    double prev = prices[t - periods];
    out[t] = kind == ReturnKind::kLog ? std::log(prices[t] / prev) : prices[t] / prev - 1.0;
  }
  return out;
}

ResampleRule ResampleRule::Parse(const std::string& raw) {
  const std::string text = Trim(raw);
  const std::string lower = ToLower(text);
  if (lower == "daily") return {Unit::kDay, 1};
  if (lower == "weekly") return {Unit::kWeek, 1};
  if (lower == "monthly") return {Unit::kMonth, 1};
  if (lower == "hourly") return {Unit::kHour, 1};
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  int count = 1;
  if (digits > 0) {
    if (digits > 6)
      throw InvalidInput(fmt::format("resample rule '{}': too many units", Excerpt(text)));
    count = std::stoi(text.substr(0, digits));
  }
  std::optional<Unit> u;
  if (unit == "min" || unit == "T" || unit == "m") u = Unit::kMinute;
  if (unit == "h" || unit == "H") u = Unit::kHour;
  if (unit == "D" || unit == "d") u = Unit::kDay;
  if (unit == "W" || unit == "w") u = Unit::kWeek;
  if (unit == "M" || unit == "ME") u = Unit::kMonth;
  if (!u || count < 1) {
    throw InvalidInput(fmt::format(
        "'{}' is not a resample rule (fix: Nmin, Nh, D, W or M, e.g. 5min, 1h, D, W, M; or "
        "daily, weekly, monthly)",
        Excerpt(text)));
  }
  return {*u, count};
}

std::string ResampleRule::Text() const {
  static constexpr const char* kUnits[] = {"min", "h", "D", "W", "M"};
  const char* u = kUnits[static_cast<int>(unit)];
  return count == 1 && !Intraday() ? std::string(u) : fmt::format("{}{}", count, u);
}

MarketData Resample(const MarketData& md, const ResampleRule& rule, const Zone& zone,
                    BarStamp stamp) {
  FINML_REQUIRE(md.calendar, "{}: cannot resample data without calendar dates (its index is '{}')",
                md.source, md.time_label.empty() ? "" : md.time_label.front());
  using Unit = ResampleRule::Unit;
  const std::int64_t width = rule.unit == Unit::kMinute ? 60LL * rule.count
                             : rule.unit == Unit::kHour ? 3600LL * rule.count
                                                        : kSecondsPerDay * rule.count;
  auto floor_div = [](std::int64_t a, std::int64_t b) { return (a >= 0 ? a : a - b + 1) / b; };
  // Minutes and hours count from each midnight, so 7min or 5h bins restart every day.
  auto bin_start = [&](Timestamp local) -> Timestamp {
    const std::int64_t day = DayNumber(local) * kSecondsPerDay;
    return day + (local - day) / width * width;
  };
  auto group_of = [&](Timestamp local) -> std::int64_t {
    switch (rule.unit) {
      case Unit::kMonth: {
        const CivilDate d = DateOf(local);
        return floor_div(static_cast<std::int64_t>(d.year) * 12 + (d.month - 1), rule.count);
      }
      case Unit::kWeek: {
        return floor_div(floor_div(DayNumber(local) - Weekday(local), 7), rule.count);  // Monday
      }
      case Unit::kMinute:
      case Unit::kHour:
        return bin_start(local);
      default:
        return floor_div(local, width);
    }
  };
  // An end stamp belongs to the interval it closes: 10:00 ends (09:00, 10:00], midnight ends the
  // day before. Shifting by one second makes every interval [start, end) below.
  // Dates alone (daily bars) are never shifted.
  std::vector<Timestamp> local(md.rows());
  for (std::size_t i = 0; i < md.rows(); ++i) local[i] = zone.ToLocal(md.time[i]);
  const bool end =
      stamp == BarStamp::kEnd &&
      std::any_of(local.begin(), local.end(), [](Timestamp t) { return t % kSecondsPerDay != 0; });
  if (end)
    for (auto& t : local) --t;
  // Group boundaries: [begin, end) row ranges.
  std::vector<std::pair<std::size_t, std::size_t>> groups;
  for (std::size_t i = 0; i < md.rows(); ++i) {
    if (i == 0 || group_of(local[i]) != group_of(local[i - 1])) {
      if (!groups.empty()) groups.back().second = i;
      groups.emplace_back(i, md.rows());
    }
  }
  MarketData out;
  out.source = md.source;
  out.shape = md.shape;
  out.calendar = true;
  out.repairs = md.repairs;
  out.warnings = md.warnings;
  for (auto [b, e] : groups) {
    Timestamp when = 0;
    if (rule.Intraday()) {
      when = bin_start(local[b]) + (end ? width : 0);
    } else {
      when = DayNumber(local[e - 1]) * kSecondsPerDay;
    }
    out.time.push_back(when);
    out.time_label.push_back(FormatTimestamp(when, rule.Intraday()));
  }
  for (const auto& asset : md.assets) {
    Bars bars;
    bars.symbol = asset.symbol;
    for (Field f : kAllFields) {
      const auto& in = asset.Get(f);
      if (in.empty()) continue;
      auto& v = bars.Get(f);
      for (auto [b, e] : groups) {
        double value = kNaN;
        for (std::size_t i = b; i < e; ++i) {
          const double x = in[i];
          if (std::isnan(x)) continue;
          if (std::isnan(value)) {
            value = x;
            if (f == Field::kOpen) break;
            continue;
          }
          switch (f) {
            case Field::kHigh:
              value = std::max(value, x);
              break;
            case Field::kLow:
              value = std::min(value, x);
              break;
            case Field::kVolume:
              value += x;
              break;
            default:
              value = x;  // close, adj close: the last one
          }
        }
        v.push_back(value);
      }
    }
    out.assets.push_back(std::move(bars));
  }
  return out;
}

MarketData AlignOnCalendar(const std::vector<MarketData>& sources, JoinKind join) {
  FINML_REQUIRE(!sources.empty(), "nothing to align");
  std::map<Timestamp, std::size_t> count;
  std::map<Timestamp, std::string> label;
  std::set<std::string> seen_symbols;
  for (const auto& md : sources) {
    FINML_REQUIRE(md.calendar, "{}: cannot align data without calendar dates", md.source);
    for (std::size_t i = 0; i < md.rows(); ++i) {
      ++count[md.time[i]];
      label.emplace(md.time[i], md.time_label[i]);
    }
    for (const auto& a : md.assets) {
      FINML_REQUIRE(seen_symbols.insert(a.symbol).second,
                    "symbol '{}' appears in more than one source ({}); rename one", a.symbol,
                    md.source);
    }
  }
  MarketData out;
  out.shape = Shape::kWidePanel;
  out.calendar = true;
  std::string joined_sources;
  for (const auto& [t, c] : count) {
    if (join == JoinKind::kInner && c != sources.size()) continue;
    out.time.push_back(t);
    out.time_label.push_back(label[t]);
  }
  for (const auto& md : sources) {
    if (!joined_sources.empty()) joined_sources += "+";
    joined_sources += md.source;
    for (const auto& r : md.repairs) out.repairs.push_back(r);
    for (const auto& asset : md.assets) {
      Bars bars;
      bars.symbol = asset.symbol;
      for (Field f : kAllFields) {
        const auto& in = asset.Get(f);
        if (in.empty()) continue;
        auto& v = bars.Get(f);
        v.assign(out.rows(), kNaN);
        std::size_t j = 0;
        for (std::size_t i = 0; i < out.rows(); ++i) {
          while (j < md.rows() && md.time[j] < out.time[i]) ++j;
          if (j < md.rows() && md.time[j] == out.time[i]) v[i] = in[j];
        }
      }
      out.assets.push_back(std::move(bars));
    }
  }
  out.source = joined_sources;
  return out;
}

}  // namespace finml::data
