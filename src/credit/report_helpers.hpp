// What the credit report's source files share: sizes of its charts, trace styles by role and
// number formats. Private to src/credit/.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "finml/credit/outputs.hpp"
#include "finml/report/figure.hpp"
#include "finml/report/html_page.hpp"

namespace finml::credit::page {

using report::TraceStyle;

// A curve of 100,000 points draws no better than one of this many, and the page stays small.
inline constexpr std::size_t kCurvePoints = 800;
inline constexpr std::size_t kTopFeatures = 20;  // bars of importance
inline constexpr std::size_t kSwarmFeatures = 15;
inline constexpr std::size_t kSwarmRows = 1000;

// To `decimals` places, as the nearest double to the decimal (so the page prints 0.475, not
// 0.47500000000000003).
inline double Rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// Trace styles by role: a series in another's colour, a dashed reference line, points whose hover
// shows their own text.
inline TraceStyle ColouredAs(const std::string& series) {
  TraceStyle style;
  style.colour_of = series;
  return style;
}
inline TraceStyle Reference(const std::string& colour_of = "") {
  TraceStyle style;
  style.dashed = true;
  style.colour_of = colour_of;
  return style;
}
inline TraceStyle HoverText(const std::string& colour_of = "") {
  TraceStyle style;
  style.colour_of = colour_of;
  style.hover_text_only = true;
  return style;
}

inline std::string Fixed(double v, int decimals) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "n/a";
}

inline std::string DataName(const CreditConfig& c) {
  return std::filesystem::path(c.data).filename().string();
}

inline std::string EncodingName(const CreditConfig& c) {
  return c.preprocess.encoding == Encoding::kWoe ? "WoE" : "one-hot";
}

// Where the charted predictions come from.
inline std::string Source(const CreditRun& run) {
  return run.config.holdout > 0 ? "hold-out" : "out-of-fold";
}

inline bool IsTreeModel(const CreditRun& run) {
  const auto& m = run.final_model.ModelName();
  return m == "gbdt" || m == "rf";
}

// The sections in drivers_section.cpp: what drives the model, and fairness.
void Scorecard(report::HtmlPage& page, const CreditRun& run,
               const std::vector<std::vector<std::string>>& card);
void Drivers(report::HtmlPage& page, const CreditRun& run, const Table& table);
void FairnessSection(report::HtmlPage& page, const CreditRun& run);

}  // namespace finml::credit::page
