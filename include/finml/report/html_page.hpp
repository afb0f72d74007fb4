// A self-contained HTML page (inline CSS and SVG, no scripts or external links) that every finml
// report is assembled into.
#pragma once

#include <string>
#include <vector>

namespace finml::report {

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  void Heading(const std::string& text, int level = 2);
  void Paragraph(const std::string& text);  // escaped
  void Raw(const std::string& html);        // trusted markup, e.g. an SVG chart
  // A table; cells are escaped. `highlight_row` (if >= 0) is shown in bold.
  void Table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, int highlight_row = -1);
  void KeyValues(const std::vector<std::pair<std::string, std::string>>& items);

  [[nodiscard]] std::string Render() const;

 private:
  std::string title_;
  std::string body_;
};

}  // namespace finml::report
