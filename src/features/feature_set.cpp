#include "finml/features/feature_set.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>

#include "finml/core/error.hpp"
#include "finml/core/names.hpp"
#include "finml/core/strings.hpp"

namespace finml::features {
namespace {

using data::Bars;
using data::Field;

struct Context {
  const Bars& bars;
  const Series& price;
};

struct SpecKind {
  const char* base;
  bool needs_period;
  std::size_t default_period;
  std::vector<Field> needs;  // besides the price
  std::function<void(const Context&, std::size_t, FeatureTable&)> compute;
};

void Add(FeatureTable& table, std::string name, Series values) {
  table.names.push_back(std::move(name));
  table.columns.push_back(std::move(values));
}

Series Divide(const Series& a, const Series& b) {
  Series out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] / b[i];
  return out;
}

const std::vector<SpecKind>& SpecTable() {
  static const std::vector<SpecKind> kSpecs = {
      {"sma",
       true,
       20,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("sma_{}", n), Sma(c.price, n));
       }},
      {"ema",
       true,
       12,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("ema_{}", n), Ema(c.price, n));
       }},
      {"wma",
       true,
       10,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("wma_{}", n), Wma(c.price, n));
       }},
      {"macd",
       false,
       0,
       {},
       [](const Context& c, std::size_t, FeatureTable& t) {
         MacdLines m = Macd(c.price);
         Add(t, "macd", m.macd);
         Add(t, "macd_signal", m.signal);
         Add(t, "macd_hist", m.histogram);
       }},
      {"macd_norm",
       false,
       0,
       {},
       [](const Context& c, std::size_t, FeatureTable& t) {
         Add(t, "macd_norm", Divide(Macd(c.price).macd, c.price));
       }},
      {"rsi",
       true,
       14,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("rsi_{}", n), Rsi(c.price, n));
       }},
      {"bb",
       true,
       20,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         BollingerBands b = Bollinger(c.price, n, 2.0);
         Add(t, fmt::format("bb_lower_{}", n), b.lower);
         Add(t, fmt::format("bb_mid_{}", n), b.middle);
         Add(t, fmt::format("bb_upper_{}", n), b.upper);
         Add(t, fmt::format("bb_pctb_{}", n), b.percent_b);
       }},
      {"bb_pctb",
       true,
       20,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("bb_pctb_{}", n), Bollinger(c.price, n, 2.0).percent_b);
       }},
      {"atr",
       true,
       14,
       {Field::kHigh, Field::kLow},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("atr_{}", n), Atr(c.bars.high, c.bars.low, c.price, n));
       }},
      {"atr_norm",
       true,
       14,
       {Field::kHigh, Field::kLow},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("atr_norm_{}", n),
             Divide(Atr(c.bars.high, c.bars.low, c.price, n), c.price));
       }},
      {"stoch",
       true,
       14,
       {Field::kHigh, Field::kLow},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         StochasticLines s = Stochastic(c.bars.high, c.bars.low, c.price, n);
         Add(t, fmt::format("stoch_k_{}", n), s.fast_k);
         Add(t, fmt::format("stoch_d_{}", n), s.fast_d);
         Add(t, fmt::format("stoch_slowd_{}", n), s.slow_d);
       }},
      {"obv",
       false,
       0,
       {Field::kVolume},
       [](const Context& c, std::size_t, FeatureTable& t) {
         Add(t, "obv", Obv(c.price, c.bars.volume));
       }},
      {"roc",
       true,
       10,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("roc_{}", n), Roc(c.price, n));
       }},
      {"mom",
       true,
       10,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("mom_{}", n), Momentum(c.price, n));
       }},
      {"vol",
       true,
       20,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("vol_{}", n), RollingVolatility(c.price, n));
       }},
      {"zscore",
       true,
       20,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("zscore_{}", n), RollingZScore(c.price, n));
       }},
      {"close_sma_ratio",
       true,
       20,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Series ratio = Divide(c.price, Sma(c.price, n));
         for (double& v : ratio) v -= 1.0;
         Add(t, fmt::format("close_sma_ratio_{}", n), ratio);
       }},
      {"lag_close",
       true,
       1,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("lag_close_{}", n), Lag(c.price, n));
       }},
      // One-period log return, lagged k periods (lag_ret_0 is the latest return).
      {"lag_ret",
       true,
       0,
       {},
       [](const Context& c, std::size_t n, FeatureTable& t) {
         Add(t, fmt::format("lag_ret_{}", n), Lag(Roc(c.price, 1), n));
       }},
      {"log_volume",
       false,
       0,
       {Field::kVolume},
       [](const Context& c, std::size_t, FeatureTable& t) {
         Series v(c.bars.volume.size());
         for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::log1p(c.bars.volume[i]);
         Add(t, "log_volume", v);
       }},
  };
  return kSpecs;
}

// Splits "bb_pctb_20" into ("bb_pctb", 20); a spec without a trailing number has no period.
std::pair<std::string, std::optional<std::size_t>> SplitSpec(const std::string& spec) {
  auto pos = spec.rfind('_');
  if (pos != std::string::npos && pos + 1 < spec.size()) {
    std::size_t period = 0;
    const char* b = spec.data() + pos + 1;
    const char* e = spec.data() + spec.size();
    auto [ptr, ec] = std::from_chars(b, e, period);
    if (ec == std::errc() && ptr == e) return {spec.substr(0, pos), period};
  }
  return {spec, std::nullopt};
}

bool Available(const SpecKind& kind, const Bars& bars) {
  for (Field f : kind.needs)
    if (!bars.Has(f)) return false;
  return true;
}

}  // namespace

const Series& FeatureTable::Column(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return columns[i];
  throw InvalidInput(
      fmt::format("no feature column '{}' (did you mean '{}'?)", name, ClosestMatch(name, names)));
}

std::vector<std::string> FeatureSetNames() { return {"all", "close", "stationary"}; }

std::vector<std::string> FeatureSpecNames() {
  std::vector<std::string> out;
  for (const auto& kind : SpecTable()) out.emplace_back(kind.base);
  return out;
}

std::vector<std::string> ExpandFeatureSet(const std::string& set_name, const Bars& bars) {
  const bool hl = bars.Has(Field::kHigh) && bars.Has(Field::kLow);
  const bool volume = bars.Has(Field::kVolume);
  std::vector<std::string> specs;
  if (set_name == "all" || set_name == "close") {
    specs = {"sma_20", "ema_12", "ema_26", "wma_10", "macd",      "rsi_14",
             "bb_20",  "roc_10", "mom_10", "vol_20", "zscore_20", "lag_close_1"};
    if (set_name == "all") {
      if (hl) specs.insert(specs.end(), {"atr_14", "stoch_14"});
      if (volume) specs.push_back("obv");
    }
  } else if (set_name == "stationary") {
    specs = {"lag_ret_0",
             "lag_ret_1",
             "lag_ret_2",
             "lag_ret_3",
             "lag_ret_4",
             "roc_5",
             "roc_20",
             "close_sma_ratio_20",
             "close_sma_ratio_50",
             "macd_norm",
             "rsi_14",
             "bb_pctb_20",
             "vol_20",
             "zscore_20"};
    if (hl) specs.insert(specs.end(), {"atr_norm_14", "stoch_14"});
  } else {
    ThrowUnknownName("feature set", set_name, FeatureSetNames());
  }
  return specs;
}

FeatureTable ComputeFeatures(const Bars& bars, const std::vector<std::string>& specs, Field price) {
  const auto& price_series = bars.Get(price);
  FINML_REQUIRE(!price_series.empty(), "asset '{}' has no {} column for indicators", bars.symbol,
                EnumName(price));
  Context context{bars, price_series};
  FeatureTable table;
  for (const auto& spec : specs) {
    auto [base, period] = SplitSpec(spec);
    const SpecKind* kind = nullptr;
    for (const auto& k : SpecTable()) {
      if (base == k.base) kind = &k;
    }
    if (kind == nullptr) {
      // "macd_norm" and friends have no period, so also try the whole name.
      for (const auto& k : SpecTable())
        if (spec == k.base) kind = &k, period.reset();
    }
    if (kind == nullptr) {
      throw ConfigError(fmt::format("unknown feature '{}' (did you mean '{}'? known: {})", spec,
                                    ClosestMatch(base, FeatureSpecNames()),
                                    JoinStrings(FeatureSpecNames(), ", ")));
    }
    if (kind->needs_period && !period) period = kind->default_period;
    if (!kind->needs_period && period) {
      throw ConfigError(fmt::format("feature '{}' takes no period; write '{}'", spec, kind->base));
    }
    if (!Available(*kind, bars)) {
      throw ConfigError(
          fmt::format("feature '{}' needs high/low/volume columns, which asset '{}' "
                      "does not have",
                      spec, bars.symbol));
    }
    if (kind->needs_period && *period == 0 && base != "lag_ret") {
      throw ConfigError(fmt::format("feature '{}': the period must be at least 1", spec));
    }
    kind->compute(context, period.value_or(0), table);
  }
  return table;
}

std::vector<FeatureTable> ComputeFeaturesOfAssets(const data::MarketData& md,
                                                  const std::string& set_name,
                                                  const std::vector<std::string>& include,
                                                  Field price, const std::string& include_label) {
  FINML_REQUIRE(price == Field::kClose || price == Field::kAdjClose,
                "the price must be close or adj_close");
  std::vector<FeatureTable> tables;
  for (const auto& bars : md.assets) {
    tables.push_back(ComputeSetAndIncludes(bars, set_name, include, price, include_label));
  }
  return tables;
}

FeatureTable ComputeSetAndIncludes(const data::Bars& bars, const std::string& set_name,
                                   const std::vector<std::string>& include, Field price,
                                   const std::string& include_label) {
  FeatureTable table = ComputeFeatures(bars, ExpandFeatureSet(set_name, bars), price);
  if (include.empty()) return table;
  FeatureTable extra = ComputeFeatures(bars, include, price);
  const std::size_t from_set = table.names.size();
  for (std::size_t j = 0; j < extra.names.size(); ++j) {
    const auto begin = table.names.begin();
    const auto found = std::find(begin, table.names.end(), extra.names[j]);
    if (found != table.names.end()) {
      throw ConfigError(
          fmt::format("{}: '{}' is {} (fix: leave it out of {})", include_label, extra.names[j],
                      found - begin < static_cast<std::ptrdiff_t>(from_set)
                          ? fmt::format("already a column of the feature set '{}'", set_name)
                          : std::string("included twice"),
                      include_label));
    }
    table.names.push_back(std::move(extra.names[j]));
    table.columns.push_back(std::move(extra.columns[j]));
  }
  return table;
}

}  // namespace finml::features
