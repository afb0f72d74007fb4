// The one page shell every finml report is assembled into: title, verdict, run facts, sections
// with tables and Plotly charts, and provenance at the foot. Charts are drawn by Plotly.js, which
// the page loads from one file beside it (WriteReport), so reports open offline.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "finml/report/figure.hpp"

namespace finml {
struct Provenance;
}

namespace finml::report {

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  // The answer in a sentence or two, shown boxed under the title.
  void Verdict(const std::string& text);
  void Warning(const std::string& text);
  // Level-2 headings become the page's table of contents.
  void Heading(const std::string& text, int level = 2);
  void Paragraph(const std::string& text);  // escaped
  void Raw(const std::string& html);        // trusted markup
  // A table; cells are escaped. `highlight_row` (if >= 0) is shown in bold.
  void Table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, int highlight_row = -1);
  void KeyValues(const std::vector<std::pair<std::string, std::string>>& items);
  // The provenance (finml version, command, inputs and their hashes, seed) and any extra facts,
  // under "How this was made".
  void Provenance(const finml::Provenance& provenance,
                  const std::vector<std::pair<std::string, std::string>>& extra = {});
  void Chart(const Figure& figure);
  // The colour of a series on this page: each name keeps the first colour it was given.
  [[nodiscard]] std::string ColourOf(const std::string& series);

  [[nodiscard]] std::size_t chart_count() const { return charts_; }
  // The page, loading Plotly from `library_src` (a path relative to the page).
  [[nodiscard]] std::string Render(const std::string& library_src) const;

 private:
  std::string title_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> sections_;  // anchor, heading
  std::map<std::string, std::string> colours_;
  std::size_t charts_ = 0;
};

// The Plotly.js file name every report loads (versioned: an upgrade never mixes with an old copy).
[[nodiscard]] std::string ChartLibraryName();
// Writes the library into `dir` unless an identical copy is there (atomically).
void WriteChartLibrary(const std::string& dir);
// Writes the page to `path` atomically and the library into `library_dir` (default: beside it).
void WriteReport(const std::string& path, const HtmlPage& page,
                 const std::string& library_dir = "");

}  // namespace finml::report
