// Prediction request bodies as the service reads them: JSON, then the servable's validation, on a
// credit scorecard (first byte even) or an AR forecaster (odd).
#include <nlohmann/json.hpp>

#include "../../src/serve/request_error.hpp"
#include "finml/serve/servable.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finml;
  static const serve::ServeLimits limits;
  static const auto credit = serve::LoadServable(fuzz::SeedPath("credit"), "credit", limits);
  static const auto ar = serve::LoadServable(fuzz::SeedPath("ar"), "ar", limits);
  if (size == 0) return 0;
  const auto& model = data[0] % 2 == 0 ? credit : ar;
  // As the server parses bodies: malformed JSON is a 400 before any model sees it.
  const nlohmann::json body = nlohmann::json::parse(fuzz::Text(data + 1, size - 1), nullptr, false);
  if (body.is_discarded()) return 0;
  try {
    serve::Observation observed;
    (void)model->Predict(body, observed);
  } catch (const serve::RequestError&) {
  } catch (const Error&) {
  }
  return 0;
}
