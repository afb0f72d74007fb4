// A saved credit model: the input replaces state.json (first byte even) or model.json (odd) of a
// small scorecard, which then scores five applicants, as `finml credit score` does.
#include <filesystem>

#include "finml/credit/outputs.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finml;
  static const std::string dir = fuzz::ScratchCopy("credit", "credit_model");
  static const std::string state = ReadFile(dir + "/state.json");
  static const std::string manifest = ReadFile(dir + "/model.json");
  if (size == 0) return 0;
  const bool corrupt_state = data[0] % 2 == 0;
  const std::string text(fuzz::Text(data + 1, size - 1));
  WriteFileAtomic(dir + "/state.json", corrupt_state ? text : state);
  WriteFileAtomic(dir + "/model.json", corrupt_state ? manifest : text);
  fuzz::ExpectOnlyFinmlErrors([&] {
    (void)credit::ScoreFile(dir, fuzz::SeedPath("applicants.csv"), dir + "_scores.csv", {});
  });
  return 0;
}
