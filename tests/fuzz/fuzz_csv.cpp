// The CSV readers: market data (prices, panels) and credit tables.
#include "finml/credit/table.hpp"
#include "finml/data/loader.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finml;
  const std::string_view text = fuzz::Text(data, size);
  fuzz::ExpectOnlyFinmlErrors([&] { (void)data::ParseMarketData(text, "fuzz.csv"); });
  // The repairs, column choices and clocks: every path of the loader, not only its defaults.
  data::LoadOptions repaired;
  repaired.missing = data::MissingPolicy::kForwardFill;
  repaired.order = data::OrderPolicy::kSort;
  repaired.duplicates = data::DuplicatePolicy::kKeepLast;
  repaired.source_timezone = "UTC";
  repaired.timezone = "Europe/Zurich";
  repaired.resample = data::ResampleRule::Parse("1h");
  repaired.drop = {"volume"};
  fuzz::ExpectOnlyFinmlErrors([&] { (void)data::ParseMarketData(text, "fuzz.csv", repaired); });
  data::LoadOptions returns;
  returns.signed_values = true;
  returns.missing = data::MissingPolicy::kDrop;
  returns.timezone = "+05:30";
  returns.resample = data::ResampleRule::Parse("W");
  returns.date_column = "date";
  returns.symbols = {"close"};
  returns.rename = {{"Close", "close"}};
  fuzz::ExpectOnlyFinmlErrors([&] { (void)data::ParseMarketData(text, "fuzz.csv", returns); });
  fuzz::ExpectOnlyFinmlErrors([&] { (void)credit::ParseTable(std::string(text), "fuzz.csv"); });
  fuzz::ExpectOnlyFinmlErrors([&] {
    (void)credit::ParseTable(std::string(text), "fuzz.csv", {"b"}, {{"a", "b"}});
  });
  return 0;
}
