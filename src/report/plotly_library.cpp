#include "plotly_library.hpp"

// FINML_PLOTLY_JS (the file's path) and FINML_PLOTLY_VERSION come from CMake. .incbin copies the
// 4.8 MB file into the library's read-only data in milliseconds, where a generated C array would
// take the compiler minutes; the version is part of this file's preprocessed text, so ccache
// never serves a stale copy after an upgrade.
__asm__(
    ".section .rodata\n"
    ".balign 16\n"
    "finml_plotly_js_begin:\n"
    ".incbin \"" FINML_PLOTLY_JS
    "\"\n"
    "finml_plotly_js_end:\n"
    ".previous\n");

namespace finml::report {
namespace {
extern "C" const char finml_plotly_js_begin[] __asm__("finml_plotly_js_begin");
extern "C" const char finml_plotly_js_end[] __asm__("finml_plotly_js_end");
}  // namespace

std::string_view PlotlyLibrary() {
  return {finml_plotly_js_begin,
          static_cast<std::size_t>(finml_plotly_js_end - finml_plotly_js_begin)};
}

std::string_view PlotlyVersion() { return FINML_PLOTLY_VERSION; }

}  // namespace finml::report
