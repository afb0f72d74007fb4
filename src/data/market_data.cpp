#include "finml/data/market_data.hpp"

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml::data {

const std::vector<double>& Bars::Get(Field field) const {
  switch (field) {
    case Field::kOpen:
      return open;
    case Field::kHigh:
      return high;
    case Field::kLow:
      return low;
    case Field::kClose:
      return close;
    case Field::kAdjClose:
      return adj_close;
    case Field::kVolume:
      return volume;
  }
  throw InternalError("unknown field");
}

std::vector<double>& Bars::Get(Field field) {
  return const_cast<std::vector<double>&>(static_cast<const Bars&>(*this).Get(field));
}

const Bars& MarketData::Asset(const std::string& symbol) const {
  for (const auto& a : assets) {
    if (a.symbol == symbol) return a;
  }
  auto names = Symbols();
  throw InvalidInput(fmt::format("{}: no symbol '{}' (did you mean '{}'? symbols: {})", source,
                                 symbol, ClosestMatch(symbol, names), JoinStrings(names, ", ")));
}

std::vector<std::string> MarketData::Symbols() const {
  std::vector<std::string> out;
  for (const auto& a : assets) out.push_back(a.symbol);
  return out;
}

}  // namespace finml::data
