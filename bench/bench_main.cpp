// finml_bench [--generate=DIR | --data_dir=DIR] [google benchmark flags]
//   --generate=DIR  write the input CSVs into DIR and exit (bench/run_all.sh hands DIR to the
//                   peers too, so all sides time the same bytes)
//   --data_dir=DIR  benchmark on the CSVs already in DIR
// With neither, the inputs go to a fresh temporary directory that is removed afterwards.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "bench_inputs.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::string generate_dir, data_dir;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--generate=")) {
      generate_dir = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--data_dir=")) {
      data_dir = arg.substr(arg.find('=') + 1);
    } else {
      rest.push_back(argv[i]);
    }
  }
  try {
    if (!generate_dir.empty()) {
      finml_bench::WriteInputs(generate_dir);
      return 0;
    }
    fs::path owned_dir;
    if (data_dir.empty()) {
      owned_dir = fs::temp_directory_path() / ("finml_bench." + std::to_string(::getpid()));
      finml_bench::WriteInputs(owned_dir);
      data_dir = owned_dir.string();
    }
    finml_bench::SetDataDir(data_dir);
    int rest_argc = static_cast<int>(rest.size());
    benchmark::Initialize(&rest_argc, rest.data());
    if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (!owned_dir.empty()) fs::remove_all(owned_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finml_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
