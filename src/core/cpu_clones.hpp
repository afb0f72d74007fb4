// Loops compiled twice, for AVX2 and for any x86-64, with the loader picking one per CPU: the
// binary still runs without AVX2. Neither clone contracts multiply-adds (-mfma is not on), so
// both give the same bits. Shared by the indicators, the backtest's asset lanes and the fused
// recurrent kernels.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define FINML_CPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FINML_CPU_CLONES
#endif
