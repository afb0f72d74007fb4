#include <cmath>
#include <cstdio>

#include "finml/cli/commands.hpp"
#include "finml/data/loader.hpp"

namespace finml::cli {

void SetupInspect(CLI::App& app, InspectCommandOptions& o) {
  app.add_option("--input", o.input, "market data CSV to validate and summarise")->required();
  app.add_option("--missing", o.missing, "error, ffill or drop")->capture_default_str();
  app.add_option("--order", o.order, "error or sort")->capture_default_str();
  app.add_option("--duplicates", o.duplicates, "error or keep_last")->capture_default_str();
  app.add_option("--shape", o.shape, "auto, ohlcv, close_only, wide or long")
      ->capture_default_str();
}

int RunInspect(const InspectCommandOptions& o) {
  data::LoadOptions load;
  load.missing = data::ParseMissingPolicy(o.missing);
  load.order = data::ParseOrderPolicy(o.order);
  load.duplicates = data::ParseDuplicatePolicy(o.duplicates);
  if (o.shape != "auto") load.shape = data::ParseShape(o.shape);
  data::MarketData md = data::LoadMarketData(o.input, load);
  std::printf("%s: %s, %zu rows, %s .. %s%s\n", md.source.c_str(), data::ShapeName(md.shape),
              md.rows(), md.time_label.front().c_str(), md.time_label.back().c_str(),
              md.calendar ? "" : " (no calendar dates: row order only)");
  std::printf("%zu asset(s):", md.assets.size());
  for (const auto& a : md.assets) {
    std::printf(" %s[", a.symbol.c_str());
    bool first = true;
    for (auto f : {data::Field::kOpen, data::Field::kHigh, data::Field::kLow, data::Field::kClose,
                   data::Field::kAdjClose, data::Field::kVolume}) {
      if (!a.Has(f)) continue;
      std::printf("%s%s", first ? "" : ",", data::FieldName(f));
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
