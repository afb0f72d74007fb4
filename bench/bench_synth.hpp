// The QuantGAN speed comparison with bench/peer_quantgan.py (issue 19), driven by
// bench/synth_bench.sh. One torch thread, in this process, on the log returns of a prices CSV:
//   finml_bench --synth_run=PRICES_CSV [--synth_out=FILE] [--synth_hidden=H] [--synth_returns=F]
//     seconds per generator step: synth::MakeSeriesGenerator(quantgan)'s Fit for 1 and for 3
//       epochs (window 128, stride 4, batch 64, 5 critic steps), the difference over the steps of
//       the 2 extra epochs (so the Lambert W fit and the setup cancel out);
//     log returns generated per second: Sample(64 paths of 4,096 days), best of 3 after a warm-up.
//   --synth_returns=F also writes the normalised returns the peer trains on ({"returns": [...]}).
// Writes JSON to the --synth_out file (default stdout).
#pragma once

#include <cstdint>
#include <string>

namespace finml_bench {

struct SynthOptions {
  std::string prices, out, returns;
  std::int64_t hidden = 32;
};

void RunSynth(const SynthOptions& options);

}  // namespace finml_bench
