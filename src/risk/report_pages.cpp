#include "report_pages.hpp"

#include <fmt/format.h>

#include <cmath>

#include "finml/core/names.hpp"
#include "finml/report/format.hpp"

namespace finml::risk::pages {

std::string PValue(double p) {
  if (!std::isfinite(p)) return "n/a";
  return p < 0.001 ? "< 0.001" : fmt::format("{:.3f}", p);
}

std::string PIs(double p) {
  return std::isfinite(p) && p < 0.001 ? "p < 0.001" : "p = " + PValue(p);
}

nlohmann::json RowsAxisValues(const ReturnSeries& s, const std::vector<std::size_t>& rows) {
  if (s.calendar) {
    std::vector<std::int64_t> seconds;
    seconds.reserve(rows.size());
    for (auto r : rows) seconds.push_back(s.time[r]);
    return report::TimeAxisValues(seconds);
  }
  nlohmann::json x = nlohmann::json::array();
  for (auto r : rows) x.push_back(r + 1);
  return x;
}

report::Axis RowsAxis(const ReturnSeries& s) {
  return s.calendar ? report::Axis{"date", report::Unit::kTime}
                    : report::Axis{"observation (the file has no dates)", report::Unit::kCount};
}

std::vector<double> Rounded(std::vector<double> values, int significant) {
  for (double& v : values) {
    if (!std::isfinite(v) || v == 0) continue;
    const double scale =
        std::pow(10.0, significant - 1 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
    v = std::round(v * scale) / scale;
  }
  return values;
}

report::TraceStyle Style(double width, bool legend, const std::string& colour_of, bool dashed) {
  report::TraceStyle style;
  style.width = width;
  style.show_legend = legend;
  style.colour_of = colour_of;
  style.dashed = dashed;
  return style;
}

std::string Level(double level) { return report::Number(100 * level, 4) + "%"; }

std::string UnitsFact(const ReturnSeries& s, const SeriesSource& source) {
  if (source.kind == SeriesKind::kPrices)
    return fmt::format("{} returns computed from prices", EnumName(source.returns));
  const bool percent = s.unit != 1.0;
  const std::string what = percent ? "percent (1 is 1%)" : "ratios (0.01 is 1%)";
  if (source.units != ReturnUnits::kAuto) return what + ", as set";
  return fmt::format("{}, read from the data ({}); set units: {} if that is wrong", what,
                     percent ? "some |return| > 1" : "no |return| > 1",
                     percent ? "ratio" : "percent");
}

}  // namespace finml::risk::pages
