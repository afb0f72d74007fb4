// The CSV readers: market data (prices, panels) and credit tables.
#include "finml/credit/table.hpp"
#include "finml/data/loader.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finml;
  const std::string_view text = fuzz::Text(data, size);
  fuzz::ExpectOnlyFinmlErrors([&] { (void)data::ParseMarketData(text, "fuzz.csv"); });
  fuzz::ExpectOnlyFinmlErrors([&] { (void)credit::ParseTable(std::string(text), "fuzz.csv"); });
  return 0;
}
