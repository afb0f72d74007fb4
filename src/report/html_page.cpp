#include "finml/report/html_page.hpp"

#include <fmt/format.h>

#include "finml/report/svg_chart.hpp"

namespace finml::report {

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::Heading(const std::string& text, int level) {
  body_ += fmt::format("<h{0}>{1}</h{0}>\n", level, EscapeXml(text));
}

void HtmlPage::Paragraph(const std::string& text) {
  body_ += fmt::format("<p>{}</p>\n", EscapeXml(text));
}

void HtmlPage::Raw(const std::string& html) {
  body_ += "<div class=\"figure\">" + html + "</div>\n";
}

void HtmlPage::Table(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows, int highlight_row) {
  body_ += "<table><thead><tr>";
  for (const auto& h : header) body_ += "<th>" + EscapeXml(h) + "</th>";
  body_ += "</tr></thead><tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    body_ += static_cast<int>(r) == highlight_row ? "<tr class=\"hl\">" : "<tr>";
    for (const auto& cell : rows[r]) body_ += "<td>" + EscapeXml(cell) + "</td>";
    body_ += "</tr>\n";
  }
  body_ += "</tbody></table>\n";
}

void HtmlPage::KeyValues(const std::vector<std::pair<std::string, std::string>>& items) {
  body_ += "<dl>";
  for (const auto& [k, v] : items)
    body_ += "<dt>" + EscapeXml(k) + "</dt><dd>" + EscapeXml(v) + "</dd>";
  body_ += "</dl>\n";
}

std::string HtmlPage::Render() const {
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{0}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222;padding:0 1em}}
h1{{font-size:1.6em}} h2{{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}}
table{{border-collapse:collapse;font-size:.88em;margin:.6em 0}}
th,td{{border:1px solid #ddd;padding:3px 8px;text-align:right}}
th{{background:#f4f4f4}} td:first-child,th:first-child{{text-align:left}}
tr.hl td{{font-weight:bold;background:#f0f7ff}}
dl{{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:.9em}}
dt{{color:#555}} dd{{margin:0;font-family:monospace;word-break:break-all}}
.figure{{margin:.8em 0}} svg{{max-width:100%;height:auto}}
</style></head><body>
<h1>{0}</h1>
{1}</body></html>
)",
                     EscapeXml(title_), body_);
}

}  // namespace finml::report
