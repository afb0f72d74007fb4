#include "finml/report/figure.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace finml::report {
namespace {

using json = nlohmann::json;

// d3-format strings: Plotly's defaults would print money as "2.00e+06" or "2M".
void FormatAxis(json& axis, const Axis& a) {
  axis["title"] = {{"text", a.title}};
  axis["automargin"] = true;
  axis["zeroline"] = false;
  switch (a.unit) {
    case Unit::kMoney:
      axis["tickformat"] = ",.0f";
      axis["hoverformat"] = ",.2f";
      break;
    case Unit::kPercent:
      axis["tickformat"] = ",.2~%";  // 0.05%, 0.1%, 12.5%: as many digits as the ticks need
      axis["hoverformat"] = ",.2%";
      break;
    case Unit::kCount:
      axis["tickformat"] = ",.0f";
      axis["hoverformat"] = ",.0f";
      break;
    case Unit::kTime:
      axis["type"] = "date";
      axis.erase("title");  // dates say what they are; the room goes to the legend
      break;
    case Unit::kCategory:
      axis["type"] = "category";
      break;
    case Unit::kNumber:
      axis["exponentformat"] = "none";
      axis["hoverformat"] = ".4~g";
      break;
  }
  if (a.log) axis["type"] = "log";
}

std::string TextTemplate(Unit unit) {
  switch (unit) {
    case Unit::kPercent:
      return "%{z:.1%}";
    case Unit::kMoney:
      return "%{z:,.0f}";
    default:
      return "%{z:.3~g}";
  }
}

// Six significant digits: what a chart can show, and a third of the page size of round-trip
// doubles. NaN becomes null, which Plotly draws as a gap.
json Compact(const std::vector<double>& values) {
  json out = json::array();
  for (double v : values) {
    if (!std::isfinite(v)) {
      out.push_back(nullptr);
      continue;
    }
    out.push_back(std::strtod(fmt::format("{:.6g}", v).c_str(), nullptr));
  }
  return out;
}

// Lines of more than kMaxLinePoints: the lowest and the highest point of each of
// kMaxLinePoints / 2 equal runs, in order. A screen is narrower than that, so the drawn line is the
// same (every spike stays), and a 100,000-bar intraday series does not make a 10 MB page.
constexpr std::size_t kMaxLinePoints = 8000;

void Decimate(json& x, json& y) {
  const std::size_t n = y.size();
  if (n <= kMaxLinePoints || x.size() != n) return;
  const std::size_t runs = kMaxLinePoints / 2;
  json xs = json::array(), ys = json::array();
  for (std::size_t r = 0; r < runs; ++r) {
    const std::size_t from = r * n / runs, to = (r + 1) * n / runs;
    std::size_t lo = from, hi = from;
    for (std::size_t i = from; i < to; ++i) {
      if (y[i].is_null()) continue;
      if (y[lo].is_null() || y[i].get<double>() < y[lo].get<double>()) lo = i;
      if (y[hi].is_null() || y[i].get<double>() > y[hi].get<double>()) hi = i;
    }
    for (std::size_t i : {std::min(lo, hi), std::max(lo, hi)}) {
      xs.push_back(x[i]);
      ys.push_back(y[i]);
      if (lo == hi) break;
    }
  }
  x = std::move(xs);
  y = std::move(ys);
}

}  // namespace

json TimeAxisValues(const std::vector<std::int64_t>& seconds) {
  json out = json::array();
  for (auto s : seconds) out.push_back(s * 1000);  // Plotly dates are milliseconds
  return out;
}

Figure::Figure(std::string title, Axis x, Axis y)
    : title_(std::move(title)), x_(std::move(x)), y_(std::move(y)) {
  layout_ = {
      {"title", {{"text", title_}, {"x", 0}, {"xanchor", "left"}, {"font", {{"size", 15}}}}},
      {"height", 380},
      {"margin", {{"l", 60}, {"r", 24}, {"t", 56}, {"b", 40}}},
      // Below the plot, clear of the x axis's title.
      {"legend",
       {{"orientation", "h"}, {"y", x_.unit == Unit::kTime ? -0.12 : -0.26}, {"yanchor", "top"}}},
      {"hovermode", x_.unit == Unit::kTime ? "x unified" : "closest"},
      {"font", {{"family", "system-ui, sans-serif"}, {"size", 12}}},
      {"plot_bgcolor", "#fff"},
      {"paper_bgcolor", "#fff"}};
  FormatAxis(layout_["xaxis"], x_);
  FormatAxis(layout_["yaxis"], y_);
  layout_["xaxis"]["gridcolor"] = layout_["yaxis"]["gridcolor"] = "#eee";
}

json& Figure::Add(json trace, const std::string& name, const TraceStyle& style) {
  trace["name"] = name;
  if (!style.show_legend) trace["showlegend"] = false;
  if (style.secondary_y) trace["yaxis"] = "y2";
  if (!style.hover_suffix.empty())
    trace["hovertemplate"] = "%{y}" + style.hover_suffix + "<extra>" + name + "</extra>";
  if (style.hover_text_only) trace["hovertemplate"] = "%{text}<extra>" + name + "</extra>";
  data_.push_back(std::move(trace));
  colour_keys_.push_back(style.colour_of.empty() ? name : style.colour_of);
  return data_.back();
}

void Figure::Paint(json& trace, const std::string& colour) {
  const std::string type = trace.value("type", "scatter");
  if (type == "heatmap") return;
  if (trace.contains("line")) trace["line"]["color"] = colour;
  if (trace.contains("marker") || type != "scatter") trace["marker"]["color"] = colour;
  if (trace.value("fill", "") == "tozeroy") trace["fillcolor"] = colour + "33";
}

Figure& Figure::Line(const std::string& name, json x, const std::vector<double>& y,
                     const TraceStyle& style) {
  json line = {{"width", style.width}};
  if (style.dashed) line["dash"] = "dash";
  json xs = std::move(x), ys = Compact(y);
  Decimate(xs, ys);
  Add({{"type", "scatter"},
       {"mode", "lines"},
       {"x", std::move(xs)},
       {"y", std::move(ys)},
       {"line", line},
       {"connectgaps", false}},
      name, style);
  return *this;
}

Figure& Figure::Area(const std::string& name, json x, const std::vector<double>& y,
                     const TraceStyle& style) {
  Line(name, std::move(x), y, style);
  data_.back()["fill"] = "tozeroy";
  data_.back()["line"]["width"] = 1;
  return *this;
}

Figure& Figure::StackedArea(const std::string& name, json x, const std::vector<double>& y,
                            const TraceStyle& style) {
  // Layers stack point by point, so all must keep the same points: every k-th one, not each
  // layer's own lows and highs.
  const std::size_t stride = (y.size() + kMaxLinePoints - 1) / kMaxLinePoints;
  if (stride > 1 && x.size() == y.size()) {
    json xs = json::array();
    std::vector<double> ys;
    for (std::size_t i = 0; i < y.size(); i += stride) {
      xs.push_back(x[i]);
      ys.push_back(y[i]);
    }
    Line(name, std::move(xs), ys, style);
  } else {
    Line(name, std::move(x), y, style);
  }
  data_.back()["stackgroup"] = "one";
  data_.back()["line"]["width"] = 0.5;
  return *this;
}

Figure& Figure::Markers(const std::string& name, json x, const std::vector<double>& y,
                        const std::vector<std::string>& text, const TraceStyle& style) {
  json trace = {{"type", y.size() > 20000 ? "scattergl" : "scatter"},
                {"mode", "markers"},
                {"x", std::move(x)},
                {"y", Compact(y)},
                {"marker", {{"size", y.size() > 2000 ? 3 : 6}, {"opacity", 0.7}}}};
  if (!text.empty()) trace["text"] = text;
  Add(std::move(trace), name, style);
  return *this;
}

Figure& Figure::Bars(const std::string& name, const std::vector<std::string>& categories,
                     const std::vector<double>& values, const TraceStyle& style) {
  Add({{"type", "bar"}, {"x", categories}, {"y", Compact(values)}}, name, style);
  layout_["barmode"] = "group";
  layout_["xaxis"]["type"] = "category";
  return *this;
}

Figure& Figure::HorizontalBars(const std::string& name, const std::vector<std::string>& labels,
                               const std::vector<double>& values, const TraceStyle& style) {
  Add({{"type", "bar"}, {"orientation", "h"}, {"y", labels}, {"x", Compact(values)}}, name, style);
  layout_["barmode"] = "group";
  layout_["yaxis"]["type"] = "category";
  layout_["yaxis"]["autorange"] = "reversed";
  layout_["height"] = std::max(380, 120 + 22 * static_cast<int>(labels.size()));
  return *this;
}

Figure& Figure::Histogram(const std::string& name, const std::vector<double>& values, int bins,
                          const TraceStyle& style) {
  // A density drawn from 5,000 evenly spaced values looks the same as from a million, and the
  // page stays small.
  std::vector<double> kept;
  const std::size_t stride = std::max<std::size_t>(1, values.size() / 5000);
  for (std::size_t i = 0; i < values.size(); i += stride) kept.push_back(values[i]);
  json finite = json::array();
  for (double v : kept)
    if (std::isfinite(v)) finite.push_back(std::strtod(fmt::format("{:.6g}", v).c_str(), nullptr));
  // Bins and the visible range from the middle 99.8%: one outlier would squash the rest. A few
  // values (a handful of anomalies beside thousands of normal records) are each shown, however
  // far out: they are the point of the chart.
  std::vector<double> sorted(finite.begin(), finite.end());
  std::sort(sorted.begin(), sorted.end());
  if (!sorted.empty()) {
    const std::size_t trim = sorted.size() > 20 ? sorted.size() / 1000 : 0;
    const double lo = sorted[trim], hi = sorted[sorted.size() - 1 - trim];
    if (hi > lo || trim == 0) {
      auto& range = layout_["xaxis"]["range"];
      const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::fabs(lo) * 0.05, 0.5);
      range = range.is_array() ? json{std::min(range[0].get<double>(), lo - pad),
                                      std::max(range[1].get<double>(), hi + pad)}
                               : json{lo - pad, hi + pad};
    }
  }
  Add({{"type", "histogram"},
       {"x", std::move(finite)},
       {"histnorm", "probability density"},
       {"nbinsx", bins},
       {"opacity", 0.6}},
      name, style);
  // Every overlaid histogram on the same bins over the shown range.
  const auto& range = layout_["xaxis"]["range"];
  if (range.is_array())
    for (auto& trace : data_)
      if (trace.value("type", "") == "histogram")
        trace["xbins"] = {{"start", range[0]},
                          {"end", range[1]},
                          {"size", (range[1].get<double>() - range[0].get<double>()) / bins}};
  layout_["barmode"] = "overlay";
  return *this;
}

Figure& Figure::Heatmap(const std::vector<std::string>& rows,
                        const std::vector<std::string>& columns, const std::vector<double>& values,
                        Unit cells) {
  json z = json::array();
  double largest = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    json row = json::array();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const double v = values[r * columns.size() + c];
      row.push_back(std::isfinite(v) ? json(v) : json());
      if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    }
    z.push_back(std::move(row));
  }
  Add({{"type", "heatmap"},
       {"x", columns},
       {"y", rows},
       {"z", std::move(z)},
       {"zmid", 0},
       {"zmin", -largest},
       {"zmax", largest},
       // Red for losses, green for gains, white at zero (plotly.js has no RdYlGn built in).
       {"colorscale", {{0, "#c0392b"}, {0.5, "#f7f7f7"}, {1, "#1e8449"}}},
       {"texttemplate", TextTemplate(cells)},
       {"hoverongaps", false},
       {"xgap", 1},
       {"ygap", 1},
       {"showscale", false}},
      "", {});
  layout_["xaxis"]["type"] = "category";
  layout_["yaxis"]["type"] = "category";
  layout_["yaxis"]["autorange"] = "reversed";
  layout_["yaxis"].erase("tickformat");
  layout_["height"] = std::max(200, 90 + 28 * static_cast<int>(rows.size()));
  return *this;
}

Figure& Figure::VerticalLine(const json& x, const std::string& label) {
  layout_["shapes"].push_back({{"type", "line"},
                               {"xref", "x"},
                               {"yref", "paper"},
                               {"x0", x},
                               {"x1", x},
                               {"y0", 0},
                               {"y1", 1},
                               {"line", {{"color", "#555"}, {"width", 1}, {"dash", "dot"}}}});
  if (!label.empty())
    // Inside the plot, below the top edge, where range buttons and titles are not.
    layout_["annotations"].push_back(
        {{"x", x},
         {"y", 0.98 - 0.07 * static_cast<double>(layout_["annotations"].size() % 3)},
         {"xref", "x"},
         {"yref", "paper"},
         {"text", label},
         {"showarrow", false},
         {"xanchor", "left"},
         {"yanchor", "top"},
         {"bgcolor", "rgba(255,255,255,0.8)"},
         {"font", {{"size", 11}, {"color", "#555"}}}});
  return *this;
}

Figure& Figure::HorizontalLine(double y, const std::string& label) {
  layout_["shapes"].push_back({{"type", "line"},
                               {"xref", "paper"},
                               {"yref", "y"},
                               {"x0", 0},
                               {"x1", 1},
                               {"y0", y},
                               {"y1", y},
                               {"line", {{"color", "#888"}, {"width", 1}, {"dash", "dot"}}}});
  if (!label.empty())
    layout_["annotations"].push_back({{"x", 1},
                                      {"y", y},
                                      {"xref", "paper"},
                                      {"yref", "y"},
                                      {"text", label},
                                      {"showarrow", false},
                                      {"xanchor", "right"},
                                      {"yanchor", "bottom"},
                                      // Legible where a series crosses it (GARCH's long-run level).
                                      {"bgcolor", "rgba(255,255,255,0.8)"},
                                      {"font", {{"size", 11}, {"color", "#555"}}}});
  return *this;
}

Figure& Figure::LogToggle() {
  layout_["updatemenus"].push_back(
      {{"type", "buttons"},
       {"direction", "left"},
       {"x", 1},
       {"xanchor", "right"},
       {"y", 1.0},
       {"yanchor", "bottom"},
       {"pad", {{"b", 2}}},  // just above the plot, below the modebar
       {"showactive", true},
       {"active", y_.log ? 1 : 0},
       {"buttons",
        {{{"label", "linear"}, {"method", "relayout"}, {"args", {{{"yaxis.type", "linear"}}}}},
         {{"label", "log"}, {"method", "relayout"}, {"args", {{{"yaxis.type", "log"}}}}}}}});
  return *this;
}

Figure& Figure::RangeSlider() {
  layout_["xaxis"]["rangeslider"] = {{"visible", true}, {"thickness", 0.07}};
  if (x_.unit == Unit::kTime)
    layout_["xaxis"]["rangeselector"] = {
        {"buttons",
         {{{"count", 1}, {"label", "1y"}, {"step", "year"}, {"stepmode", "backward"}},
          {{"count", 3}, {"label", "3y"}, {"step", "year"}, {"stepmode", "backward"}},
          {{"count", 5}, {"label", "5y"}, {"step", "year"}, {"stepmode", "backward"}},
          {{"step", "all"}, {"label", "all"}}}}};
  // Below the plot the legend would collide with the slider: it goes to the right instead.
  layout_["height"] = std::max(layout_["height"].get<int>(), 520);
  layout_["legend"] = {{"orientation", "v"}, {"x", 1.02}, {"y", 1}, {"yanchor", "top"}};
  return *this;
}

Figure& Figure::SecondaryAxis(Axis y2) {
  FormatAxis(layout_["yaxis2"], y2);
  layout_["yaxis2"]["overlaying"] = "y";
  layout_["yaxis2"]["side"] = "right";
  layout_["yaxis2"]["showgrid"] = false;
  return *this;
}

Figure& Figure::Height(int pixels) {
  layout_["height"] = pixels;
  return *this;
}

Figure& Figure::SquareAxes() {
  layout_["yaxis"]["scaleanchor"] = "x";
  layout_["yaxis"]["scaleratio"] = 1;
  return *this;
}

Figure& Figure::Layout(const json& patch) {
  layout_.merge_patch(patch);
  return *this;
}

}  // namespace finml::report
