#include "finml/data/transforms.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "finml/core/error.hpp"

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

MarketData Resample(const MarketData& md, Frequency frequency) {
  FINML_REQUIRE(md.calendar, "{}: cannot resample data without calendar dates (its index is '{}')",
                md.source, md.time_label.empty() ? "" : md.time_label.front());
  auto period_of = [&](Timestamp t) -> std::int64_t {
    if (frequency == Frequency::kMonthly) {
      CivilDate d = DateOf(t);
      return static_cast<std::int64_t>(d.year) * 12 + (d.month - 1);
    }
    std::int64_t days = (t >= 0 ? t : t - kSecondsPerDay + 1) / kSecondsPerDay;
    return (days - Weekday(t)) / 7;  // Monday of the week, in weeks
  };
  // Period boundaries: [begin, end) row ranges.
  std::vector<std::pair<std::size_t, std::size_t>> periods;
  for (std::size_t i = 0; i < md.rows(); ++i) {
    if (i == 0 || period_of(md.time[i]) != period_of(md.time[i - 1])) {
      if (!periods.empty()) periods.back().second = i;
      periods.emplace_back(i, md.rows());
    }
  }
  MarketData out;
  out.source = md.source;
  out.shape = md.shape;
  out.calendar = true;
  out.repairs = md.repairs;
  for (auto [b, e] : periods) {
    out.time.push_back(md.time[e - 1]);
    out.time_label.push_back(md.time_label[e - 1]);
  }
  for (const auto& asset : md.assets) {
    Bars bars;
    bars.symbol = asset.symbol;
    for (Field f : kAllFields) {
      const auto& in = asset.Get(f);
      if (in.empty()) continue;
      auto& v = bars.Get(f);
      for (auto [b, e] : periods) {
        switch (f) {
          case Field::kOpen:
            v.push_back(in[b]);
            break;
          case Field::kHigh:
            v.push_back(*std::max_element(in.begin() + b, in.begin() + e));
            break;
          case Field::kLow:
            v.push_back(*std::min_element(in.begin() + b, in.begin() + e));
            break;
          case Field::kVolume: {
            double s = 0;
            for (std::size_t i = b; i < e; ++i) s += in[i];
            v.push_back(s);
            break;
          }
          default:
            v.push_back(in[e - 1]);
        }
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
