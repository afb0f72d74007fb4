// Float exp, sigmoid and tanh on eight lanes at a time (libm's expf and tanhf are called one
// element at a time, and GCC turns the range clamps of a scalar version into branches that stop
// it vectorising). Cephes' expf range reduction and polynomial: about 1 ulp on [-87, 88].
// Written without fused multiply-adds, so every CPU (AVX2 or not) gets the same bits.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "core/cpu_clones.hpp"  // the gate loops' FINML_CPU_CLONES

// 32-byte vectors passed between inline functions: GCC notes that their ABI differs without AVX,
// which matters only across a library boundary, and none of these cross one.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace finml::models::deep::gate_math {

using Floats = float __attribute__((vector_size(32)));
using Ints = std::int32_t __attribute__((vector_size(32)));
constexpr std::int64_t kLanes = 8;

// Every function here is always inlined: one left out of line is compiled for the default target,
// where a 32-byte vector is two SSE halves passed through memory, even when an AVX2 clone calls it.
[[gnu::always_inline]] inline Floats Splat(float v) { return Floats{} + v; }

// The first `count` (1..8) floats at p; the other lanes 0.
[[gnu::always_inline]] inline Floats Load(const float* p, std::int64_t count) {
  Floats v{};
  if (count == kLanes)
    std::memcpy(&v, p, sizeof v);
  else
    std::memcpy(&v, p, sizeof(float) * static_cast<std::size_t>(count));
  return v;
}
[[gnu::always_inline]] inline void Store(float* p, Floats v, std::int64_t count) {
  if (count == kLanes)
    std::memcpy(p, &v, sizeof v);
  else
    std::memcpy(p, &v, sizeof(float) * static_cast<std::size_t>(count));
}

// Calls chunk(k, m) over [0, H) in chunks of m = kLanes lanes. Where H is not a multiple of
// kLanes (and at least kLanes), the last chunk is the whole one ending at H, overlapping the one
// before it: each lane is computed alone, so the lanes done twice come out the same, and a whole
// chunk costs about a fifth of a partial one (whose loads and stores are library calls).
// Where outputs overwrite inputs, the caller must read the last chunk's inputs first.
// Inlined with `chunk` (which must be always_inline too), so that both take the caller's target.
template <typename Chunk>
[[gnu::always_inline]] inline void OverlappingChunks(std::int64_t H, Chunk chunk) {
  if (H < kLanes) {
    chunk(0, H);
    return;
  }
  std::int64_t k = 0;
  for (; k + kLanes <= H; k += kLanes) chunk(k, kLanes);
  if (k < H) chunk(H - kLanes, kLanes);
}

[[gnu::always_inline]] inline Floats Exp(Floats x) {
  x = x > 88.0f ? Splat(88.0f) : x;  // keeps n <= 127, a finite scale
  x = x < -87.3365447504019f ? Splat(-87.3365447504019f) : x;
  // x = n ln2 + r with |r| <= ln2 / 2; ln2 split in two so n * ln2 stays exact.
  const Floats t = x * 1.44269504088896341f + 0.5f;
  Ints n = __builtin_convertvector(t, Ints);    // truncates: one too high below zero
  n += __builtin_convertvector(n, Floats) > t;  // true is -1
  const Floats nf = __builtin_convertvector(n, Floats);
  Floats r = x - nf * 0.693359375f;
  r = r - nf * -2.12194440e-4f;
  Floats p = Splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * std::bit_cast<Floats>((n + 127) << 23);
}

[[gnu::always_inline]] inline Floats Sigmoid(Floats x) { return 1.0f / (1.0f + Exp(-x)); }

// tanh(x) = 1 - 2 / (exp(2x) + 1): saturates cleanly at +-1 with an absolute error of at most
// 1.8e-7 (tests/models/deep/test_fused_lstm.cpp), which is what the gate products need; the
// relative error near 0 is larger.
[[gnu::always_inline]] inline Floats Tanh(Floats x) { return 1.0f - 2.0f / (Exp(2.0f * x) + 1.0f); }

// One value through the same lanes: the same bits as inside a vector.
[[gnu::always_inline]] inline float Exp(float x) { return Exp(Splat(x))[0]; }
[[gnu::always_inline]] inline float Sigmoid(float x) { return Sigmoid(Splat(x))[0]; }
[[gnu::always_inline]] inline float Tanh(float x) { return Tanh(Splat(x))[0]; }

}  // namespace finml::models::deep::gate_math
