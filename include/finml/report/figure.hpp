// One chart of a report, drawn in the browser by Plotly.js: traces and layout built from finml's
// vectors. A figure names its series but never colours them: the page gives each name one colour
// across all its charts (HtmlPage::Chart), so a model looks the same everywhere on a page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace finml::report {

// What an axis measures; decides tick and hover formats. kPercent takes ratios (0.05 = 5%).
enum class Unit { kNumber, kMoney, kPercent, kCount, kTime, kCategory };

struct Axis {
  std::string title;  // with its unit in words where the Unit does not say it ("days", "bps")
  Unit unit = Unit::kNumber;
  bool log = false;
};

struct TraceStyle {
  bool dashed = false;
  bool show_legend = true;
  std::string colour_of;  // take the colour of this series name instead of the trace's own
  bool secondary_y = false;
  double width = 2;
  std::string hover_suffix;      // shown after the value, e.g. " (n = 40)"
  bool hover_text_only = false;  // hover shows each point's text alone (Markers with text)
};

class Figure {
 public:
  Figure(std::string title, Axis x, Axis y);

  // x: numbers (seconds since the epoch on a kTime axis) or labels (strings); NaN in y is a gap.
  Figure& Line(const std::string& name, nlohmann::json x, const std::vector<double>& y,
               const TraceStyle& style = {});
  // Filled down to zero (drawdowns).
  Figure& Area(const std::string& name, nlohmann::json x, const std::vector<double>& y,
               const TraceStyle& style = {});
  // Areas stacked on each other (holdings): each call adds a layer.
  Figure& StackedArea(const std::string& name, nlohmann::json x, const std::vector<double>& y,
                      const TraceStyle& style = {});
  // Points; `text` (optional, one per point) is shown on hover.
  Figure& Markers(const std::string& name, nlohmann::json x, const std::vector<double>& y,
                  const std::vector<std::string>& text = {}, const TraceStyle& style = {});
  // Grouped bars per category; several calls put the series side by side.
  Figure& Bars(const std::string& name, const std::vector<std::string>& categories,
               const std::vector<double>& values, const TraceStyle& style = {});
  // Horizontal bars (long labels, e.g. feature names), in the order given, top first.
  Figure& HorizontalBars(const std::string& name, const std::vector<std::string>& labels,
                         const std::vector<double>& values, const TraceStyle& style = {});
  // A density histogram of the middle 99.8% of the values (outliers would squash the rest), from
  // at most ~5,000 evenly spaced values; several calls overlay with transparency on shared bins.
  Figure& Histogram(const std::string& name, const std::vector<double>& values, int bins = 60,
                    const TraceStyle& style = {});
  // A rows x columns grid of values (row-major, NaN blank), diverging around zero, each cell
  // labelled in `cells` units.
  Figure& Heatmap(const std::vector<std::string>& rows, const std::vector<std::string>& columns,
                  const std::vector<double>& values, Unit cells = Unit::kPercent);

  // A labelled vertical or horizontal reference line (a best epoch, a threshold, zero).
  Figure& VerticalLine(const nlohmann::json& x, const std::string& label);
  Figure& HorizontalLine(double y, const std::string& label = "");
  // Linear / log buttons for the y axis (cumulative returns, prices).
  Figure& LogToggle();
  // A range slider and 1y/3y/5y/all buttons on a time x axis.
  Figure& RangeSlider();
  // The right-hand axis that TraceStyle::secondary_y traces use.
  Figure& SecondaryAxis(Axis y2);
  Figure& Height(int pixels);
  Figure& SquareAxes();  // equal x and y scales (QQ plots, calibration)
  // Anything else Plotly's layout takes, merged in last.
  Figure& Layout(const nlohmann::json& patch);

  [[nodiscard]] const std::string& title() const { return title_; }
  [[nodiscard]] std::size_t trace_count() const { return data_.size(); }
  // The Plotly spec {data, layout}; `colour` maps a series name to its CSS colour.
  template <typename ColourOf>
  [[nodiscard]] nlohmann::json Spec(ColourOf&& colour) const {
    nlohmann::json data = data_;
    for (std::size_t i = 0; i < data.size(); ++i) Paint(data[i], colour(colour_keys_[i]));
    return {{"data", data}, {"layout", layout_}};
  }

 private:
  nlohmann::json& Add(nlohmann::json trace, const std::string& name, const TraceStyle& style);
  static void Paint(nlohmann::json& trace, const std::string& colour);

  std::string title_;
  Axis x_, y_;
  nlohmann::json data_ = nlohmann::json::array();
  std::vector<std::string> colour_keys_;
  nlohmann::json layout_;
};

// Seconds since the epoch (finml's timestamps) as the x values of a kTime axis.
[[nodiscard]] nlohmann::json TimeAxisValues(const std::vector<std::int64_t>& seconds);

}  // namespace finml::report
