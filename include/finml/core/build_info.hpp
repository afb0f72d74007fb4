// What produced a result: recorded in every run.json and report. The values live in one source
// file generated at build time, so a new commit or another checkout path recompiles that file
// only (and ccache still hits for every other translation unit).
#pragma once

#include <string_view>

namespace finml {

[[nodiscard]] std::string_view Version();
[[nodiscard]] std::string_view GitCommit();
// The source tree finml was built from: the last place data files named in experiments are
// looked for.
[[nodiscard]] std::string_view SourceDirectory();

}  // namespace finml
