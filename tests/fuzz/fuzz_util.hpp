// Shared by the fuzz targets: an input is fine if it is accepted or refused with finml's own
// error; anything else (a crash, a sanitizer report, another exception, a hang, memory past the
// limit) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"

namespace finml::fuzz {

inline std::string_view Text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The seed models and inputs under tests/fuzz/models.
inline std::string SeedPath(const std::string& relative) {
  return std::string(FINML_SOURCE_DIR) + "/tests/fuzz/models/" + relative;
}

// A scratch directory of this process, holding a copy of a seed model to corrupt.
inline std::string ScratchCopy(const std::string& seed, const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("finml_fuzz_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(SeedPath(seed), dir, fs::copy_options::recursive);
  return dir.string();
}

template <class F>
void ExpectOnlyFinmlErrors(F&& f) {
  try {
    f();
  } catch (const Error&) {
    // a clear refusal: what the target wants for bad input
  }
}

}  // namespace finml::fuzz
