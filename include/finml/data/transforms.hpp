// Whole-series transforms of market data: returns, calendar resampling and panel alignment.
// Returns are aligned with their input: element t is the return from t-1 to t, element 0 is NaN.
#pragma once

#include <vector>

#include "finml/core/names.hpp"
#include "finml/data/market_data.hpp"

namespace finml::data {

enum class ReturnKind { kSimple, kLog };
[[nodiscard]] std::vector<double> Returns(const std::vector<double>& prices, ReturnKind kind,
                                          std::size_t periods = 1);

enum class Frequency { kWeekly, kMonthly };
// Bars of each period: first open, max high, min low, last close/adj close, summed volume; stamped
// with the period's last trading time. Weeks run Monday to Sunday.
[[nodiscard]] MarketData Resample(const MarketData& md, Frequency frequency);

enum class JoinKind { kInner, kOuter };
// Puts the assets of several sources on one calendar. Inner keeps dates every source has; outer
// keeps all dates and leaves NaN where a source has none (apply a missing policy afterwards).
[[nodiscard]] MarketData AlignOnCalendar(const std::vector<MarketData>& sources, JoinKind join);

}  // namespace finml::data

template <>
struct finml::EnumNames<finml::data::Frequency> {
  static constexpr std::string_view what = "frequency";
  static constexpr finml::NamedValue<finml::data::Frequency> values[] = {
      {finml::data::Frequency::kWeekly, "weekly"},
      {finml::data::Frequency::kMonthly, "monthly"},
      {finml::data::Frequency::kWeekly, "W"},
      {finml::data::Frequency::kMonthly, "M"}};
};

template <>
struct finml::EnumNames<finml::data::ReturnKind> {
  static constexpr std::string_view what = "return kind";
  static constexpr finml::NamedValue<finml::data::ReturnKind> values[] = {
      {finml::data::ReturnKind::kSimple, "simple"}, {finml::data::ReturnKind::kLog, "log"}};
};
