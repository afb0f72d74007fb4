#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "finml/report/figure.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"

namespace finml::report {
namespace {

using json = nlohmann::json;

TEST(ReportFormat, CountedIsSingularForOne) {
  EXPECT_EQ(Counted(1, "day"), "1 day");
  EXPECT_EQ(Counted(2190, "day"), "2,190 days");
  EXPECT_EQ(Counted(0, "bar"), "0 bars");
}

TEST(ReportFormat, MoneyPercentNumbersForPeople) {
  EXPECT_EQ(Money(2000000), "2,000,000.00");
  EXPECT_EQ(Money(-1234.567, 1), "-1,234.6");
  EXPECT_EQ(Money(-0.001), "0.00");
  EXPECT_EQ(Money(NAN), "n/a");
  EXPECT_EQ(Percent(0.12345), "12.35%");
  EXPECT_EQ(Percent(-1.5, 0), "-150%");
  EXPECT_EQ(Count(1234567), "1,234,567");
  EXPECT_EQ(Number(0.000123456), "0.0001235");
  EXPECT_EQ(Number(12345.6), "12,346");
  EXPECT_EQ(Number(1.5), "1.5");
  EXPECT_EQ(Number(2e-7), "2.000e-07");
  EXPECT_EQ(EscapeHtml("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
}

json SpecOf(const Figure& f) {
  return f.Spec([](const std::string& s) { return "#" + s; });
}

// Money axes never fall back to Plotly's "2M" or "2.00e+06"; percent axes take ratios.
TEST(ReportFigure, AxesFormatTheirUnits) {
  Figure f("t", {"date", Unit::kTime}, {"equity", Unit::kMoney});
  f.Line("a", TimeAxisValues({0, 86400}), {1e6, 2e6});
  const json spec = SpecOf(f);
  EXPECT_EQ(spec["layout"]["yaxis"]["tickformat"], ",.0f");
  EXPECT_EQ(spec["layout"]["xaxis"]["type"], "date");
  EXPECT_EQ(spec["data"][0]["x"][1], 86400000);
  Figure p("t", {"x", Unit::kNumber}, {"r", Unit::kPercent});
  EXPECT_EQ(SpecOf(p)["layout"]["yaxis"]["tickformat"], ",.2~%");
}

// A handful of far-out values beside many (anomalies beside normal records) stay on the chart;
// one outlier among many is still trimmed from the range.
TEST(ReportFigure, HistogramShowsAFewFarValuesAndTrimsOneOutlierAmongMany) {
  std::vector<double> normal;
  for (int i = 0; i < 1000; ++i) normal.push_back(i / 1000.0);
  Figure f("scores", {"score"}, {"density"});
  f.Histogram("normal", normal).Histogram("anomalies", {100, 250});
  const json spec = SpecOf(f);
  const auto& range = spec["layout"]["xaxis"]["range"];
  EXPECT_LE(range[0].get<double>(), 0);
  EXPECT_GE(range[1].get<double>(), 250);
  EXPECT_EQ(spec["data"][1]["xbins"]["end"], range[1]);

  normal.push_back(1e6);
  Figure g("scores", {"score"}, {"density"});
  g.Histogram("normal", normal);
  EXPECT_LT(SpecOf(g)["layout"]["xaxis"]["range"][1].get<double>(), 2);
}

// A series keeps its colour on every chart of a page; colour_of borrows another's.
TEST(ReportFigure, PageGivesEachNameOneColour) {
  HtmlPage page("p");
  const std::string a = page.ColourOf("ridge"), b = page.ColourOf("lstm");
  EXPECT_NE(a, b);
  EXPECT_EQ(page.ColourOf("ridge"), a);
  Figure f("t", {"x", Unit::kNumber}, {"y", Unit::kNumber});
  f.Line("lstm", json{1, 2}, {1, 2}).Line("lstm net", json{1, 2}, {1, 2}, {.colour_of = "ridge"});
  const json spec = f.Spec([&](const std::string& s) { return page.ColourOf(s); });
  EXPECT_EQ(spec["data"][0]["line"]["color"], b);
  EXPECT_EQ(spec["data"][1]["line"]["color"], a);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(page.ColourOf("s" + std::to_string(i)).size(), 7u);
}

// A 100,000-point line is drawn from at most 8,000 points, and its extremes survive; NaN stays a
// gap (null).
TEST(ReportFigure, LongLinesKeepTheirExtremes) {
  std::vector<double> y(100000);
  json x = json::array();
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = std::sin(static_cast<double>(i) / 100);
    x.push_back(i);
  }
  y[54321] = 9;
  y[777] = -9;
  y[5000] = NAN;
  Figure f("t", {"x", Unit::kNumber}, {"y", Unit::kNumber});
  f.Line("s", x, y);
  const json trace = SpecOf(f)["data"][0];
  EXPECT_LE(trace["y"].size(), 8000u);
  std::vector<double> kept;
  bool gap = false;
  for (const auto& v : trace["y"]) {
    if (v.is_null())
      gap = true;
    else
      kept.push_back(v.get<double>());
  }
  EXPECT_EQ(*std::max_element(kept.begin(), kept.end()), 9);
  EXPECT_EQ(*std::min_element(kept.begin(), kept.end()), -9);
  EXPECT_FALSE(gap);  // one NaN among a run of numbers is not drawn as a gap at this zoom
  for (std::size_t i = 1; i < trace["x"].size(); ++i)
    EXPECT_LT(trace["x"][i - 1].get<double>(), trace["x"][i].get<double>());
}

// Stacked layers keep the same points, so they still stack after thinning.
TEST(ReportFigure, StackedLayersThinTogether) {
  json x = json::array();
  std::vector<double> a(20000), b(20000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    x.push_back(i);
    a[i] = std::sin(static_cast<double>(i));
    b[i] = std::cos(static_cast<double>(i) * 3);
  }
  Figure f("t", {"x", Unit::kNumber}, {"w", Unit::kPercent});
  f.StackedArea("a", x, a).StackedArea("b", x, b);
  const json spec = SpecOf(f);
  EXPECT_LE(spec["data"][0]["x"].size(), 8000u);
  EXPECT_EQ(spec["data"][0]["x"], spec["data"][1]["x"]);
}

// Names from data files are text: markup in them cannot end the chart's script element.
TEST(ReportPage, MarkupInNamesStaysInsideTheSpec) {
  HtmlPage page("<b>title</b>");
  Figure f("</script><!--<script>", {"x", Unit::kNumber}, {"y", Unit::kNumber});
  f.Line("</script>", json{1, 2}, {1, 2});
  page.Chart(f);
  const std::string html = page.Render("plotly.js");
  EXPECT_EQ(html.find("<!--<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>title"), std::string::npos);
  EXPECT_EQ(page.chart_count(), 1u);
  // The JSON reads back with the names intact.
  const auto begin = html.find("id=\"chart1-spec\">") + 17;
  const json spec = json::parse(html.substr(begin, html.find("</script>", begin) - begin));
  EXPECT_EQ(spec["data"][0]["name"], "</script>");
}

}  // namespace
}  // namespace finml::report
