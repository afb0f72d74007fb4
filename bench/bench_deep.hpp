// finml's deep forecasters against the same network in PyTorch (bench/peer_torch.py), both on
// Debian's one libtorch build. Not Google Benchmark cases: a Fit takes seconds and the latency
// needs percentiles, so finml_bench runs these in their own modes (see bench_main.cpp) and
// bench/run_all.sh alternates them with the peer.
//
//   --deep_generate=DIR  write the windows (raw little-endian doubles) and deep_config.json,
//                        which the peer reads too, so both sides train on the same numbers
//   --deep_run=DIR       time training throughput and one-window latency for every case, with
//                        both of finml's LSTM implementations (fused, torch); prints one JSON
//                        object on stdout. --deep_only=CASE runs one case.
//   --deep_step=DIR      one Fit of the profiling case (a few optimizer steps of the large
//                        config) and nothing else, for `perf record`; with --deep_trace=FILE
//                        under libtorch's own (legacy autograd) profiler, written as a Chrome
//                        trace like the peer's torch.autograd.profiler.profile() export;
//                        --deep_impl=torch profiles finml's torch::nn::LSTM path instead
#pragma once

#include <filesystem>
#include <string>

namespace finml_bench {

void WriteDeepInputs(const std::filesystem::path& dir);
// `only`: one case's name, or empty for all.
void RunDeep(const std::filesystem::path& dir, const std::string& only);
// `implementation`: finml's lstm parameter of that name, "fused" (the default) or "torch".
void RunDeepStep(const std::filesystem::path& dir, const std::string& trace_file,
                 const std::string& implementation);

}  // namespace finml_bench
