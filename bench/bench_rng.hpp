// The benches' random numbers: splitmix64 gives the same output for a fixed seed on every
// platform and compiler, unlike the <random> distributions, so every side reads the same bytes.
#pragma once

#include <cstdint>

namespace finml_bench {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Irwin-Hall with four terms, rescaled to unit variance: arithmetic only, so no libm
  // differences can change the bytes written.
  double Noise() {
    return (Uniform() + Uniform() + Uniform() + Uniform() - 2.0) * 1.7320508075688772;
  }

 private:
  std::uint64_t state_;
};

}  // namespace finml_bench
