// Experiment files: YAML, then every declared option.
#include "finml/run/experiment.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finml;
  fuzz::ExpectOnlyFinmlErrors(
      [&] { (void)run::ParseExperiment(std::string(fuzz::Text(data, size)), "fuzz.yaml"); });
  return 0;
}
