// SHA-256 of files and buffers, so every run records exactly which data it saw.
#pragma once

#include <string>
#include <string_view>

namespace finml {

[[nodiscard]] std::string Sha256Hex(std::string_view bytes);
[[nodiscard]] std::string Sha256File(const std::string& path);

}  // namespace finml
