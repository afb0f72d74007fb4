// What produced a result: recorded in every run.json and report.
#pragma once

#include <string_view>

namespace finml {

[[nodiscard]] std::string_view Version();
[[nodiscard]] std::string_view GitCommit();

}  // namespace finml
