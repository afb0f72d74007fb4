// File helpers that never leave a half-written file behind: write to a temporary sibling, then
// rename over the target (atomic on POSIX within one filesystem).
#pragma once

#include <string>
#include <string_view>

namespace finml {

void WriteFileAtomic(const std::string& path, std::string_view contents);
[[nodiscard]] std::string ReadFile(const std::string& path);
void EnsureDirectory(const std::string& path);

}  // namespace finml
