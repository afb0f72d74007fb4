#include <cmath>
#include <cstdio>

#include "commands.hpp"
#include "finml/data/loader.hpp"

namespace finml::cli {

void SetupInspect(CLI::App& app, InspectCommandOptions& o) {
  app.add_option("--input", o.input, "market data CSV to validate and summarise")->required();
  o.load.Add(app, data::LoadOptions::Schema());
}

int RunInspect(const InspectCommandOptions& o) {
  const auto load = data::LoadOptions::Schema().Parse(o.load.Collect(), "");
  data::MarketData md = data::LoadMarketData(o.input, load);
  std::printf("%s: %s, %zu rows, %s .. %s%s\n", md.source.c_str(), EnumName(md.shape).c_str(),
              md.rows(), md.time_label.front().c_str(), md.time_label.back().c_str(),
              md.calendar ? "" : " (no calendar dates: row order only)");
  std::printf("%zu asset(s):", md.assets.size());
  for (const auto& a : md.assets) {
    std::printf(" %s[", a.symbol.c_str());
    bool first = true;
    for (auto f : {data::Field::kOpen, data::Field::kHigh, data::Field::kLow, data::Field::kClose,
                   data::Field::kAdjClose, data::Field::kVolume}) {
      if (!a.Has(f)) continue;
      std::printf("%s%s", first ? "" : ",", EnumName(f).c_str());
      first = false;
    }
    std::printf("]");
  }
  std::printf("\n");
  for (const auto& r : md.repairs) std::printf("repair: %s: %zu\n", r.what.c_str(), r.count);
  if (md.repairs.empty()) std::printf("valid: no repairs needed\n");
  return 0;
}

}  // namespace finml::cli
