// FNV-1a, 64 bits: a fast hash that is the same on every machine and build, for fingerprints and
// hash buckets (not for anything an adversary chooses: sha256.hpp is for that).
#pragma once

#include <cstddef>
#include <cstdint>

namespace finml {

inline constexpr std::uint64_t kFnv1aStart = 1469598103934665603ULL;

// `hash` continued over `size` bytes at `data`; start from kFnv1aStart.
[[nodiscard]] inline std::uint64_t Fnv1a(const void* data, std::size_t size,
                                         std::uint64_t hash = kFnv1aStart) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
  return hash;
}

}  // namespace finml
