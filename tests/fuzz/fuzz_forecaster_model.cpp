// A saved forecaster: the input replaces model.json of a small AR model, which then predicts on
// 60 closes, as `finml predict` does.
#include "finml/data/loader.hpp"
#include "finml/run/predict.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finml;
  static const std::string dir = fuzz::ScratchCopy("ar", "forecaster_model");
  static const data::MarketData closes = data::LoadMarketData(fuzz::SeedPath("closes.csv"));
  WriteFileAtomic(dir + "/model.json", std::string(fuzz::Text(data, size)));
  fuzz::ExpectOnlyFinmlErrors([&] {
    const auto model = run::SavedForecaster::Load(dir);
    (void)model.Predict(closes, "closes.csv", true);
  });
  return 0;
}
