#include "finml/report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finml/data/timestamp.hpp"

namespace finml::report {
namespace {

// Colour-blind-safe palette (Okabe-Ito).
const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                          "#E69F00", "#56B4E9", "#000000", "#F0E442"};
const char* Colour(std::size_t i) { return kPalette[i % 8]; }

constexpr int kLeft = 70, kRight = 150, kTop = 30, kBottom = 40;

struct Frame {
  double x0, x1, y0, y1;
  int w, h;
  [[nodiscard]] double Px(double x) const {
    return kLeft + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (w - kLeft - kRight);
  }
  [[nodiscard]] double Py(double y) const {
    return kTop + (y1 > y0 ? (y1 - y) / (y1 - y0) : 0.5) * (h - kTop - kBottom);
  }
};

std::string FormatTick(double v) {
  if (v == 0) return "0";
  double a = std::abs(v);
  if (a >= 1e5 || a < 1e-3) return fmt::format("{:.2e}", v);
  return fmt::format("{:.6g}", v);
}

// Calendar-aligned ticks: first days of years (every 1, 2, 5, ... years) or of months.
std::vector<double> TimeTicks(double lo, double hi) {
  using data::CivilDate;
  const double year_seconds = 365.25 * data::kSecondsPerDay;
  const double span_years = (hi - lo) / year_seconds;
  std::vector<double> ticks;
  CivilDate start = data::DateOf(static_cast<data::Timestamp>(lo));
  if (span_years >= 2) {
    int step = 1;
    for (int s : {1, 2, 5, 10, 20, 50}) {
      step = s;
      if (span_years / s <= 7) break;
    }
    for (int y = (start.year / step) * step;; y += step) {
      double t = static_cast<double>(data::DaysFromCivil({y, 1, 1}) * data::kSecondsPerDay);
      if (t > hi) break;
      if (t >= lo) ticks.push_back(t);
    }
    return ticks;
  }
  const double span_months = span_years * 12;
  int step = span_months <= 7 ? 1 : span_months <= 14 ? 2 : span_months <= 21 ? 3 : 6;
  int month_index = start.year * 12 + static_cast<int>(start.month) - 1;
  for (int m = month_index;; ++m) {
    if (m % step != 0) continue;
    double t = static_cast<double>(
        data::DaysFromCivil({m / 12, static_cast<unsigned>(m % 12 + 1), 1}) * data::kSecondsPerDay);
    if (t > hi) break;
    if (t >= lo) ticks.push_back(t);
  }
  if (ticks.size() < 2) return NiceTicks(lo, hi);  // spans of days or hours
  return ticks;
}

std::string Header(const ChartOptions& o) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
      "<title>{2}</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
      "<text x=\"{3}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{2}</text>",
      o.width, o.height, EscapeXml(o.title), kLeft);
}

std::string Axes(const Frame& f, const ChartOptions& o, bool x_ticks) {
  std::string s;
  for (double t : NiceTicks(f.y0, f.y1)) {
    double y = f.Py(t);
    s += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#e5e5e5\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
        kLeft, f.w - kRight, y, kLeft - 6, y + 4, FormatTick(t));
  }
  if (x_ticks) {
    for (double t : o.x_is_time ? TimeTicks(f.x0, f.x1) : NiceTicks(f.x0, f.x1)) {
      double x = f.Px(t);
      std::string label =
          o.x_is_time ? data::FormatTimestamp(static_cast<data::Timestamp>(t)) : FormatTick(t);
      if (o.x_is_time && label.size() > 10) label.resize(10);
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x,
                       f.h - kBottom + 16, EscapeXml(label));
    }
  }
  s += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>", kLeft,
      kTop, f.w - kLeft - kRight, f.h - kTop - kBottom);
  if (!o.y_label.empty()) {
    s += fmt::format(
        "<text transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (f.h - kBottom + kTop) / 2, EscapeXml(o.y_label));
  }
  if (!o.x_label.empty()) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                     (f.w - kRight + kLeft) / 2, f.h - 6, EscapeXml(o.x_label));
  }
  return s;
}

std::string Legend(const std::vector<std::string>& names, const Frame& f) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    double y = kTop + 8 + 16.0 * static_cast<double>(i);
    s += fmt::format(
        "<rect x=\"{0}\" y=\"{1:.1f}\" width=\"12\" height=\"3\" fill=\"{2}\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\">{5}</text>",
        f.w - kRight + 10, y, Colour(i), f.w - kRight + 27, y + 4, EscapeXml(names[i]));
  }
  return s;
}

void Extend(double v, double& lo, double& hi) {
  if (!std::isfinite(v)) return;
  lo = std::min(lo, v);
  hi = std::max(hi, v);
}

}  // namespace

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi <= lo) return {lo};
  double raw = (hi - lo) / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (raw <= step) break;
  }
  std::vector<double> ticks;
  // Counted steps: `t += step` stalls when step is below the precision of t.
  const double first = std::ceil(lo / step) * step;
  for (int k = 0; k <= 4 * target; ++k) {
    double t = first + k * step;
    if (t > hi + step * 1e-9) break;
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::string LineChart(const std::vector<LineSeries>& series, const ChartOptions& o) {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : series) {
    for (double x : s.x) Extend(x, x0, x1);
    for (double y : s.y) Extend(y, y0, y1);
  }
  std::string svg = Header(o);
  if (!std::isfinite(x0) || !std::isfinite(y0))
    return svg + "<text x=\"70\" y=\"60\">no data</text></svg>";
  double pad = (y1 - y0) * 0.05;
  if (pad == 0) pad = std::abs(y0) * 0.05 + 1e-12;
  Frame f{x0, x1, y0 - pad, y1 + pad, o.width, o.height};
  svg += Axes(f, o, true);
  std::vector<std::string> names;
  // Long series are thinned to about two points per pixel column; shapes stay faithful.
  const std::size_t max_points = static_cast<std::size_t>(2 * (o.width - kLeft - kRight));
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    names.push_back(s.name);
    if (s.markers) {
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        if (!std::isfinite(s.y[i]) || !std::isfinite(s.x[i])) continue;
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>",
                           f.Px(s.x[i]), f.Py(s.y[i]), Colour(k));
      }
      continue;
    }
    std::size_t stride =
        std::max<std::size_t>(1, s.x.size() / std::max<std::size_t>(max_points, 1));
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); i += stride) {
      if (!std::isfinite(s.y[i]) || !std::isfinite(s.x[i])) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.1f},{:.1f}", pen_down ? " L" : " M", f.Px(s.x[i]), f.Py(s.y[i]));
      pen_down = true;
    }
    svg += fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\" "
        "stroke-linejoin=\"round\"/>",
        path, Colour(k));
  }
  svg += Legend(names, f);
  return svg + "</svg>";
}

std::string BarChart(const std::vector<std::string>& labels, const std::vector<double>& values,
                     const ChartOptions& o) {
  double y0 = 0, y1 = 0;
  for (double v : values) Extend(v, y0, y1);
  if (y1 == y0) y1 = y0 + 1;
  Frame f{0, 1, y0, y1 + (y1 - y0) * 0.05, o.width, o.height};
  std::string svg = Header(o);
  svg += Axes(f, o, false);
  const double plot_w = o.width - kLeft - kRight;
  const double slot = plot_w / std::max<std::size_t>(1, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    double top = f.Py(std::max(values[i], 0.0)), bottom = f.Py(std::min(values[i], 0.0));
    double x = kLeft + slot * static_cast<double>(i) + slot * 0.15;
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
        "<title>{}: {}</title></rect>",
        x, top, slot * 0.7, std::max(bottom - top, 0.5), Colour(i), EscapeXml(labels[i]),
        FormatTick(values[i]));
    // Labels longer than their slot are cut with an ellipsis; the bar's tooltip has the full text.
    const auto fits = static_cast<std::size_t>(std::max(3.0, slot / 6.5));
    std::string label = labels[i];
    if (label.size() > fits) label = label.substr(0, fits - 1) + "\u2026";
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                       x + slot * 0.35, o.height - kBottom + 16, EscapeXml(label));
  }
  return svg + "</svg>";
}

std::string Histogram(const std::vector<LineSeries>& samples, int bins, const ChartOptions& o) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : samples)
    for (double v : s.y) Extend(v, lo, hi);
  std::string svg = Header(o);
  if (!std::isfinite(lo) || bins < 1) return svg + "<text x=\"70\" y=\"60\">no data</text></svg>";
  if (hi == lo) hi = lo + 1;
  const double width = (hi - lo) / bins;
  std::vector<std::vector<double>> density(samples.size(), std::vector<double>(bins, 0.0));
  double top = 0;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    std::size_t count = 0;
    for (double v : samples[k].y) {
      if (!std::isfinite(v)) continue;
      int b = std::min(bins - 1, static_cast<int>((v - lo) / width));
      density[k][b] += 1;
      ++count;
    }
    for (double& d : density[k]) {
      d = count ? d / (static_cast<double>(count) * width) : 0;
      top = std::max(top, d);
    }
  }
  Frame f{lo, hi, 0, top * 1.05 + 1e-300, o.width, o.height};
  ChartOptions axis_options = o;
  axis_options.x_is_time = false;
  svg += Axes(f, axis_options, true);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    names.push_back(samples[k].name);
    std::string path = fmt::format("M{:.1f},{:.1f}", f.Px(lo), f.Py(0));
    for (int b = 0; b < bins; ++b) {
      double xl = f.Px(lo + b * width), xr = f.Px(lo + (b + 1) * width), y = f.Py(density[k][b]);
      path += fmt::format(" L{:.1f},{:.1f} L{:.1f},{:.1f}", xl, y, xr, y);
    }
    path += fmt::format(" L{:.1f},{:.1f}", f.Px(hi), f.Py(0));
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\"/>", path,
                       Colour(k));
  }
  svg += Legend(names, f);
  return svg + "</svg>";
}

std::string Heatmap(const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& column_labels,
                    const std::vector<double>& values, const ChartOptions& o,
                    const std::string& format, double scale) {
  const std::size_t rows = row_labels.size(), cols = column_labels.size();
  const int cell_h = 20, left = 60, top = 44;
  const int cell_w = static_cast<int>((o.width - left - 20) / std::max<std::size_t>(cols, 1));
  ChartOptions sized = o;
  sized.height = top + static_cast<int>(rows) * cell_h + 10;
  std::string svg = Header(sized);
  double extent = 0;
  for (double v : values)
    if (std::isfinite(v)) extent = std::max(extent, std::abs(v));
  for (std::size_t c = 0; c < cols; ++c) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                       left + static_cast<int>(c) * cell_w + cell_w / 2, top - 6,
                       EscapeXml(column_labels[c]));
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const int y = top + static_cast<int>(r) * cell_h;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 6, y + 14,
                       EscapeXml(row_labels[r]));
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = r * cols + c < values.size() ? values[r * cols + c] : std::nan("");
      if (!std::isfinite(v)) continue;
      // Blend white toward red or green in proportion to |v|, so the sign reads at a glance.
      const double a = extent > 0 ? std::min(1.0, std::abs(v) / extent) : 0.0;
      const int red = v < 0 ? 255 : static_cast<int>(255 - a * (255 - 26));
      const int green =
          v < 0 ? static_cast<int>(255 - a * (255 - 80)) : static_cast<int>(255 - a * (255 - 152));
      const int blue =
          v < 0 ? static_cast<int>(255 - a * (255 - 80)) : static_cast<int>(255 - a * (255 - 80));
      const int x = left + static_cast<int>(c) * cell_w;
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#{:02x}{:02x}{:02x}\" "
          "stroke=\"#fff\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
          "font-size=\"10\">{}</text>",
          x, y, cell_w, cell_h, red, green, blue, x + cell_w / 2, y + 14,
          EscapeXml(fmt::format(fmt::runtime(format), v * scale)));
    }
  }
  return svg + "</svg>";
}

}  // namespace finml::report
