// Charts as inline SVG, drawn by finml itself so reports open offline with no third-party code.
// Every report reuses these: line charts over time, bar charts and histograms.
#pragma once

#include <string>
#include <vector>

namespace finml::report {

struct LineSeries {
  std::string name;
  std::vector<double> x;  // e.g. seconds since epoch, or any increasing value
  std::vector<double> y;  // NaN leaves a gap
  bool markers = false;   // draw each finite point as a dot instead of joining them (events)
};

struct ChartOptions {
  std::string title;
  std::string x_label, y_label;
  int width = 900, height = 320;
  bool x_is_time = true;  // format x ticks as dates
};

[[nodiscard]] std::string LineChart(const std::vector<LineSeries>& series,
                                    const ChartOptions& options);
[[nodiscard]] std::string BarChart(const std::vector<std::string>& labels,
                                   const std::vector<double>& values, const ChartOptions& options);
// Overlaid histograms sharing bins over the pooled range.
[[nodiscard]] std::string Histogram(const std::vector<LineSeries>& samples, int bins,
                                    const ChartOptions& options);

// A table of coloured cells (e.g. monthly returns: years x months), diverging around zero:
// red below, green above, scaled by the largest |value|; NaN cells stay blank. Each cell shows
// its value formatted by `format` (fmt syntax, applied to value * `scale`).
[[nodiscard]] std::string Heatmap(const std::vector<std::string>& row_labels,
                                  const std::vector<std::string>& column_labels,
                                  const std::vector<double>& values, const ChartOptions& options,
                                  const std::string& format = "{:.1f}", double scale = 100.0);

// Escapes &, <, >, " and ' for HTML/SVG text.
[[nodiscard]] std::string EscapeXml(const std::string& text);
// Up to ~6 "nice" tick values spanning [lo, hi].
[[nodiscard]] std::vector<double> NiceTicks(double lo, double hi, int target = 6);

}  // namespace finml::report
