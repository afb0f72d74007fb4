// Plotly.js, built into finml (from npm's plotly.js-dist-min, MIT, licence in its first lines):
// every report works offline and finml needs no files beside the binary.
#pragma once

#include <string_view>

namespace finml::report {

[[nodiscard]] std::string_view PlotlyLibrary();
[[nodiscard]] std::string_view PlotlyVersion();

}  // namespace finml::report
