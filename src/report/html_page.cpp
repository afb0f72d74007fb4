#include "finml/report/html_page.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "finml/core/files.hpp"
#include "finml/core/provenance.hpp"
#include "finml/report/format.hpp"
#include "plotly_library.hpp"

namespace finml::report {
namespace {

// Tableau 10: distinguishable, and readable by most colour-blind readers; after ten, hues spaced
// by the golden angle.
std::string PaletteColour(std::size_t i) {
  static const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                         "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"};
  if (i < 10) return kPalette[i];
  const double hue = std::fmod(static_cast<double>(i) * 137.508, 360.0);
  // HSL(h, 55%, 45%) to RGB.
  const double c = (1 - std::fabs(2 * 0.45 - 1)) * 0.55, h = hue / 60.0;
  const double x = c * (1 - std::fabs(std::fmod(h, 2.0) - 1)), m = 0.45 - c / 2;
  double r = 0, g = 0, b = 0;
  if (h < 1)
    r = c, g = x;
  else if (h < 2)
    r = x, g = c;
  else if (h < 3)
    g = c, b = x;
  else if (h < 4)
    g = x, b = c;
  else if (h < 5)
    r = x, b = c;
  else
    r = c, b = x;
  auto byte = [&](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b));
}

// JSON inside <script> holds no <, > or &: names from data files ("<!--<script>") could otherwise
// end the element early or switch the HTML parser into a state that swallows the rest of the page.
// The \u escapes read back as the same characters.
std::string ScriptSafe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

constexpr const char* kStyle = R"(
:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0;line-height:1.45}
main{max-width:1200px;margin:0 auto;padding:0 1.2em 3em}
header{max-width:1200px;margin:0 auto;padding:1.2em 1.2em .2em}
h1{font-size:1.6em;margin:.2em 0 .4em} h2{font-size:1.25em;margin-top:1.8em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin-top:1.2em} h2,h3{scroll-margin-top:3.5em}
nav{position:sticky;top:0;z-index:10;background:#fffe;border-bottom:1px solid var(--line);padding:.4em 1.2em;font-size:.88em}
nav a{color:var(--muted);text-decoration:none;margin-right:1.1em;white-space:nowrap;display:inline-block}
nav a:hover{color:var(--ink);text-decoration:underline}
.verdict{background:#eef6ff;border-left:4px solid #4e79a7;padding:.7em 1em;margin:.8em 0;font-size:1.02em}
.warning{background:#fff8e6;border-left:4px solid #edc948;padding:.5em 1em;margin:.5em 0}
#report-problems{background:#ffebe9;border-left:4px solid #e15759;padding:.5em 1em}
.table-wrap{overflow-x:auto;margin:.6em 0;max-width:100%}
table{border-collapse:collapse;font-size:.88em;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:3px 9px;text-align:right;white-space:nowrap}
th{background:var(--soft);font-weight:600} td:first-child,th:first-child{text-align:left;white-space:normal}
tr.hl td{font-weight:600;background:#eef6ff}
dl{display:grid;grid-template-columns:minmax(8em,max-content) 1fr;gap:3px 16px;font-size:.9em}
dt{color:var(--muted)} dd{margin:0;overflow-wrap:anywhere}
dd.code{font-family:ui-monospace,monospace;font-size:.92em}
.chart{width:100%;min-height:200px;margin:.8em 0;border:1px solid #f0f0f0}
pre{background:var(--soft);padding:.6em;overflow-x:auto;font-size:.85em}
footer{color:var(--muted);font-size:.82em;margin-top:3em}
)";

}  // namespace

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::Verdict(const std::string& text) {
  body_ += fmt::format("<div class=\"verdict\">{}</div>\n", EscapeHtml(text));
}

void HtmlPage::Warning(const std::string& text) {
  body_ += fmt::format("<div class=\"warning\">Warning: {}</div>\n", EscapeHtml(text));
}

void HtmlPage::Heading(const std::string& text, int level) {
  if (level == 2) {
    const std::string anchor = fmt::format("s{}", sections_.size() + 1);
    sections_.emplace_back(anchor, text);
    body_ += fmt::format("<h2 id=\"{}\">{}</h2>\n", anchor, EscapeHtml(text));
    return;
  }
  body_ += fmt::format("<h{0}>{1}</h{0}>\n", level, EscapeHtml(text));
}

void HtmlPage::Paragraph(const std::string& text) {
  body_ += fmt::format("<p>{}</p>\n", EscapeHtml(text));
}

void HtmlPage::Raw(const std::string& html) { body_ += html + "\n"; }

void HtmlPage::Table(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows, int highlight_row) {
  body_ += "<div class=\"table-wrap\"><table><thead><tr>";
  for (const auto& h : header) body_ += "<th>" + EscapeHtml(h) + "</th>";
  body_ += "</tr></thead><tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    body_ += static_cast<int>(r) == highlight_row ? "<tr class=\"hl\">" : "<tr>";
    for (const auto& cell : rows[r]) body_ += "<td>" + EscapeHtml(cell) + "</td>";
    body_ += "</tr>\n";
  }
  body_ += "</tbody></table></div>\n";
}

void HtmlPage::KeyValues(const std::vector<std::pair<std::string, std::string>>& items) {
  body_ += "<dl>";
  for (const auto& [k, v] : items) {
    // Long unbroken values (hashes, settings as JSON, commands) read better in monospace.
    const bool code = v.size() > 40 && v.find(' ') == std::string::npos;
    body_ += "<dt>" + EscapeHtml(k) + "</dt><dd" + (code ? " class=\"code\"" : "") + ">" +
             EscapeHtml(v) + "</dd>";
  }
  body_ += "</dl>\n";
}

void HtmlPage::Provenance(const finml::Provenance& provenance,
                          const std::vector<std::pair<std::string, std::string>>& extra) {
  Heading("How this was made");
  auto facts = extra;
  for (const auto& fact : provenance.Facts()) facts.push_back(fact);
  KeyValues(facts);
}

std::string HtmlPage::ColourOf(const std::string& series) {
  auto it = colours_.find(series);
  if (it != colours_.end()) return it->second;
  return colours_[series] = PaletteColour(colours_.size());
}

void HtmlPage::Chart(const Figure& figure) {
  const std::string id = fmt::format("chart{}", ++charts_);
  const nlohmann::json spec = figure.Spec([&](const std::string& s) { return ColourOf(s); });
  body_ += fmt::format(
      "<div class=\"chart\" id=\"{0}\" role=\"img\" aria-label=\"{1}\"></div>\n"
      "<script type=\"application/json\" id=\"{0}-spec\">{2}</script>\n",
      id, EscapeHtml(figure.title()),
      ScriptSafe(spec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

std::string HtmlPage::Render(const std::string& library_src) const {
  std::string nav;
  for (const auto& [anchor, text] : sections_)
    nav += fmt::format("<a href=\"#{}\">{}</a>", anchor, EscapeHtml(text));
  // Errors show on the page (and as data-* attributes the browser test reads), never as a
  // silently blank chart.
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="finml">
<title>{0}</title>
<style>{1}</style>
<script>
window.finmlProblems = [];
window.addEventListener('error', function (e) {{ window.finmlProblems.push('script error: ' + e.message); }});
</script>
<script src="{2}"></script>
</head><body data-charts="{3}" data-drawn="0">
<header><h1>{0}</h1></header>
{4}
<main>
<div id="report-problems" hidden><strong>This page did not draw completely:</strong><ul></ul></div>
{5}
<footer>Written by finml. Charts: Plotly.js ({2}), loaded from the file beside this page; keep it
with the page when you move it.</footer>
</main>
<script>
(function () {{
  var body = document.body, box = document.getElementById('report-problems');
  function problem(text) {{
    box.hidden = false;
    var item = document.createElement('li');
    item.textContent = text;
    box.querySelector('ul').appendChild(item);
    body.dataset.problems = (Number(body.dataset.problems || 0) + 1).toString();
  }}
  window.finmlProblems.forEach(problem);
  window.addEventListener('error', function (e) {{ problem('script error: ' + e.message); }});
  if (!window.Plotly) {{
    problem('the charts need {2} beside this page; copy it along when you move the page');
    return;
  }}
  var config = {{responsive: true, displaylogo: false, toImageButtonOptions: {{format: 'png', scale: 2}}}};
  document.querySelectorAll('div.chart').forEach(function (div) {{
    try {{
      var spec = JSON.parse(document.getElementById(div.id + '-spec').textContent);
      // A responsive plot takes its container's height: give the container the figure's.
      if (spec.layout.height) div.style.height = spec.layout.height + 'px';
      Plotly.newPlot(div, spec.data, spec.layout, config).then(function () {{
        body.dataset.drawn = (Number(body.dataset.drawn) + 1).toString();
      }}, function (err) {{ problem(div.id + ': ' + err); }});
    }} catch (err) {{ problem(div.id + ': ' + err); }}
  }});
}})();
</script>
</body></html>
)",
                     EscapeHtml(title_), kStyle, EscapeHtml(library_src), charts_,
                     nav.empty() ? "" : "<nav>" + nav + "</nav>", body_);
}

std::string ChartLibraryName() { return fmt::format("plotly-{}.min.js", PlotlyVersion()); }

void WriteChartLibrary(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / ChartLibraryName()).string();
  const std::string_view library = PlotlyLibrary();
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == library.size() && !ec && ReadFile(path) == library)
    return;
  WriteFileAtomic(path, library);
}

void WriteReport(const std::string& path, const HtmlPage& page, const std::string& library_dir) {
  namespace fs = std::filesystem;
  const fs::path page_dir =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  const fs::path lib_dir = library_dir.empty() ? page_dir : fs::path(library_dir);
  WriteChartLibrary(lib_dir.string());
  fs::path relative = fs::path(lib_dir).lexically_relative(page_dir) / ChartLibraryName();
  WriteFileAtomic(path, page.Render(relative.lexically_normal().generic_string()));
}

}  // namespace finml::report
