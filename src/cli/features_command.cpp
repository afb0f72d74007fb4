#include <cstdio>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"
#include "finml/features/feature_set.hpp"

namespace finml::cli {

void SetupFeatures(CLI::App& app, FeaturesCommandOptions& o) {
  app.add_option("--input", o.input, "prices CSV (OHLCV, close-only, wide or long panel)")
      ->required();
  app.add_option("--out", o.out, "features CSV to write")->required();
  app.add_option("--set", o.set, "feature set: all, close or stationary")->capture_default_str();
  app.add_option("--include", o.include,
                 "extra indicators, e.g. sma_50 rsi_7 (or sma_50,rsi_7; each once, and none the "
                 "set already has)")
      ->delimiter(',');
  app.add_option("--price", o.price, "close or adj_close")->capture_default_str();
  o.load.Add(app, data::LoadOptions::Schema());
}

int RunFeatures(const FeaturesCommandOptions& o) {
  const auto load = data::LoadOptions::Schema().Parse(o.load.Collect(), "");
  data::MarketData md = data::LoadMarketData(o.input, load);
  for (const auto& r : md.repairs)
    std::fprintf(stderr, "repair: %s: %zu\n", r.what.c_str(), r.count);
  const data::Field price = ParseEnum<data::Field>(o.price);
  FINML_REQUIRE(price == data::Field::kClose || price == data::Field::kAdjClose,
                "--price must be close or adj_close");
  const bool panel = md.assets.size() > 1;
  const auto tables = features::ComputeFeaturesOfAssets(md, o.set, o.include, price);
  std::string out;
  for (std::size_t a = 0; a < md.assets.size(); ++a) {
    const auto& bars = md.assets[a];
    const features::FeatureTable& table = tables[a];
    if (a == 0) {
      out += panel ? "date,symbol" : "date";
      for (const auto& name : table.names) out += "," + name;
      out += '\n';
    }
    for (std::size_t t = 0; t < md.rows(); ++t) {
      out += md.time_label[t];
      if (panel) out += "," + CsvField(bars.symbol);
      for (const auto& column : table.columns) {
        out += ',';
        // An indicator still warming up has no value yet: an empty field, as for missing data.
        if (std::isfinite(column[t])) out += fmt::format("{}", column[t]);
      }
      out += '\n';
    }
  }
  WriteFileAtomic(o.out, out);
  std::printf("wrote %s (%zu rows x %zu asset(s))\n", o.out.c_str(), md.rows(), md.assets.size());
  return 0;
}

}  // namespace finml::cli
