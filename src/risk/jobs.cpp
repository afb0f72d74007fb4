#include "finml/risk/jobs.hpp"

#include <algorithm>
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"

namespace finml::risk {
namespace {

Weights ResolveWeights(const Weights& given, const data::MarketData& md) {
  if (!given.empty()) return given;
  Weights w;
  for (const auto& s : md.Symbols()) w.emplace_back(s, 1.0 / static_cast<double>(md.assets.size()));
  return w;
}

}  // namespace

const options::Schema<SeriesSource>& SeriesSource::Schema() {
  static const auto schema = [] {
    using S = SeriesSource;
    options::Schema<S> s;
    s.Add("path", &S::path, "the CSV of returns or prices").Required().NoFlag();
    s.Add("kind", &S::kind, "what the file holds: returns or prices").NoFlag();
    s.Add("column", &S::column, "the value column (default: the only one)");
    s.Add("returns", &S::returns, "from prices: simple or log returns")
        .Switch("--log-returns", "log")
        .NoFlag();
    s.Add("units", &S::units,
          "a returns file's units: ratio (0.01 is 1%), percent (1 is 1%), or auto (percent when "
          "some |return| > 1)");
    s.Embed(&S::load, data::LoadOptions::Schema());
    return s;
  }();
  return schema;
}

const options::Schema<GarchSettings>& GarchSettings::Schema() {
  static const auto schema = [] {
    using G = GarchSettings;
    options::Schema<GarchSpec> spec;
    spec.Add("model", &GarchSpec::model, "garch, gjr or egarch");
    spec.Add("dist", &GarchSpec::dist, "innovations: normal or t");
    spec.Add("stationary", &GarchSpec::stationary,
             "garch: require alpha + beta < 1 (false: bound each to [0, 1), as fGarch)")
        .Switch("--non-stationary", "false");
    static const options::Schema<GarchSpec> kSpec = std::move(spec);
    options::Schema<G> s;
    s.Embed(&G::spec, kSpec);
    s.Add("forecast", &G::forecast, "days of variance forecasts").Max(100000);
    return s;
  }();
  return schema;
}

const options::Schema<VarSettings>& VarSettings::Schema() {
  static const auto schema = [] {
    using V = VarSettings;
    options::Schema<V> s;
    s.Add("methods", &V::methods,
          "historical, normal, student_t, cornish_fisher, monte_carlo, fhs, ewma, garch, or all")
        .DefaultText("historical")
        .Names([](const std::string& m) { return m == "all" ? m : FindVarMethod(m).name; })
        .Flag("--method");
    s.Add("levels", &V::levels, "confidence levels, e.g. 0.99 or 0.99,0.975")
        .Above(0.5)
        .Below(1)
        .Flag("--level");
    s.Add("window", &V::window, "returns in each estimation window").Min(20).Max(1000000);
    s.Add("refit_every", &V::refit_every, "days between GARCH refits").Min(1).Max(1000000);
    s.Add("horizon", &V::horizon,
          "days, for the VaR after the data (sqrt-of-time scaling except monte_carlo and fhs)")
        .Min(1)
        .Max(10000);
    s.Add("ewma_lambda", &V::ewma_lambda, "EWMA decay").Above(0).Below(1).Flag("--lambda");
    s.Add("simulations", &V::simulations, "monte_carlo and fhs draws").Min(100).Max(10000000);
    s.Add("seed", &V::seed, "seed of the simulations");
    s.Add("position", &V::position,
          "money held in the series: VaR and ES are shown in money too (none: returns only)")
        .Above(0)
        .NullWord("none");
    s.Finish([](V& v, const ConfigNode&, const std::string&) {
      if (std::find(v.methods.begin(), v.methods.end(), "all") != v.methods.end())
        v.methods = VarMethodNames();
    });
    s.Rule(
        "methods", [](const V& v) { return !v.methods.empty(); }, "give at least one method");
    s.Rule(
        "levels", [](const V& v) { return !v.levels.empty(); }, "give at least one level");
    return s;
  }();
  return schema;
}

VarOptions VarSettings::Options() const {
  VarOptions o;
  o.level = levels.front();
  o.horizon = horizon;
  o.ewma_lambda = ewma_lambda;
  o.simulations = simulations;
  o.seed = seed;
  return o;
}

const options::Schema<PortfolioSettings>& PortfolioSettings::Schema() {
  static const auto schema = [] {
    using P = PortfolioSettings;
    options::Schema<P> s;
    s.Add("prices", &P::prices, "prices of every asset (wide or long panel)").Required();
    s.Add("weights", &P::weights, "SYMBOL=WEIGHT,... (default: equal weights)");
    s.Add("covariance", &P::covariance, "sample, ewma or ledoit_wolf");
    s.Add("ewma_lambda", &P::ewma_lambda, "EWMA decay").Above(0).Below(1).Flag("--lambda");
    s.Add("level", &P::level, "confidence level").Above(0.5).Below(1);
    s.Add("horizon", &P::horizon, "days").Min(1).Max(10000);
    s.Add("value", &P::value, "portfolio value").Above(0);
    s.Add("window", &P::window, "most recent days of returns used (0: all)").Max(1000000);
    // No --returns flag: in risk var and garch, --returns names a file of returns.
    s.Add("returns", &P::returns, "simple or log returns").Switch("--log-returns", "log").NoFlag();
    s.Embed(&P::load, data::LoadOptions::Schema());
    return s;
  }();
  return schema;
}

const options::Schema<StressSettings>& StressSettings::Schema() {
  static const auto schema = [] {
    using S = StressSettings;
    options::Schema<S> s;
    s.Add("prices", &S::prices, "prices of every asset").Required();
    s.Add("weights", &S::weights, "SYMBOL=WEIGHT,... (default: equal weights)");
    s.Add("value", &S::value, "portfolio value").Above(0);
    s.Add("builtin", &S::builtin, "replay the built-in crises the data covers")
        .Switch("--no-builtin", "false");
    s.Add("scenarios", &S::scenarios, "windows to replay: {name, start, end} or name=START:END")
        .Flag("--scenario")
        .WholeItems();
    s.Add("shocks", &S::shocks,
          "hypothetical moves: {name, returns: {SYMBOL: RETURN}} or [name:]SYMBOL=RETURN,...")
        .Flag("--shock")
        .WholeItems();
    s.Embed(&S::load, data::LoadOptions::Schema());
    return s;
  }();
  return schema;
}

ReturnSeries LoadSeries(const SeriesSource& source) {
  ReturnSeries s = LoadReturnSeries(source.path, source.column, source.kind,
                                    source.returns == data::ReturnKind::kLog, source.load);
  s.unit = source.kind == SeriesKind::kPrices ? 1.0 : RatioPerUnit(s.values, source.units);
  return s;
}

GarchResult ComputeGarch(const SeriesSource& source, const GarchSettings& settings) {
  GarchResult r;
  r.series = LoadSeries(source);
  r.fit = FitGarch(r.series.values, settings.spec);
  r.forecast = ForecastVariance(r.fit, settings.forecast);
  return r;
}

std::vector<VarRun> RunVarBacktests(const ReturnSeries& s, const VarSettings& settings) {
  std::vector<VarRun> runs;
  VarOptions o = settings.Options();
  o.horizon = 1;
  for (const std::string& m : settings.methods) {
    auto series =
        RollingVar(s.values, m, o, settings.levels, settings.window, settings.refit_every);
    for (std::size_t l = 0; l < settings.levels.size(); ++l) {
      VarBacktest b = BacktestVar(series[l]);
      runs.push_back({m, settings.levels[l], std::move(series[l]), b});
    }
  }
  // Reported level by level, each with every method.
  std::stable_sort(runs.begin(), runs.end(),
                   [](const VarRun& a, const VarRun& b) { return a.level > b.level; });
  return runs;
}

VarResult ComputeVar(const SeriesSource& source, const VarSettings& settings) {
  VarResult r;
  r.series = LoadSeries(source);
  const auto& s = r.series;
  FINML_REQUIRE(s.values.size() > settings.window + 20,
                "{}: {} returns leave too few out-of-sample days after a {}-day window (fix: a "
                "shorter --window or a longer series)",
                source.path, s.values.size(), settings.window);
  r.runs = RunVarBacktests(s, settings);
  const std::vector<double> last_window(
      s.values.end() - static_cast<std::ptrdiff_t>(settings.window), s.values.end());
  for (double level : settings.levels) {
    for (const std::string& m : settings.methods) {
      VarOptions o = settings.Options();
      o.level = level;
      r.next_day.push_back({m, level, EstimateVar(m, last_window, o)});
    }
  }
  return r;
}

PortfolioResult ComputePortfolio(const PortfolioSettings& job) {
  const data::MarketData md = data::LoadMarketData(job.prices, job.load);
  const std::string bar = BarUnit(md.time, md.calendar);
  PortfolioResult r;
  r.weights = ResolveWeights(job.weights, md);
  std::vector<const std::vector<double>*> prices;
  const auto symbols = md.Symbols();
  for (const auto& [symbol, w] : r.weights) {
    FINML_REQUIRE(std::find(symbols.begin(), symbols.end(), symbol) != symbols.end(),
                  "weight for '{}', which is not in {} (did you mean '{}'?)", symbol, job.prices,
                  ClosestMatch(symbol, symbols));
    // Adjusted closes where the file has them: a split must not read as a crash.
    const auto& bars = md.Asset(symbol);
    prices.push_back(bars.Has(data::Field::kAdjClose) ? &bars.adj_close : &bars.close);
  }
  const std::size_t n = md.rows();
  FINML_REQUIRE(n >= 3, "{}: too few rows for returns", job.prices);
  const std::size_t first = job.window > 0 && job.window + 1 < n ? n - 1 - job.window : 0;
  const bool log = job.returns == data::ReturnKind::kLog;
  std::vector<std::vector<double>> returns;
  for (std::size_t t = first + 1; t < n; ++t) {
    std::vector<double> row;
    for (const auto* p : prices)
      row.push_back(log ? std::log((*p)[t] / (*p)[t - 1]) : (*p)[t] / (*p)[t - 1] - 1);
    returns.push_back(std::move(row));
  }
  r.covariance = EstimateCovariance(returns, job.covariance, job.ewma_lambda);
  std::vector<double> w;
  for (const auto& [symbol, x] : r.weights) w.push_back(x);
  r.var = PortfolioVar(w, r.covariance, job.level, job.horizon, job.value);
  r.first = md.time_label[first + 1];
  r.last = md.time_label.back();
  r.bar = bar;
  return r;
}

StressResult ComputeStress(const StressSettings& job) {
  const data::MarketData md = data::LoadMarketData(job.prices, job.load);
  StressResult r;
  r.weights = ResolveWeights(job.weights, md);
  std::vector<HistoricalScenario> scenarios = job.scenarios;
  if (job.builtin)
    for (const auto& b : BuiltinScenarios()) scenarios.push_back(b);
  const bool adjusted = std::all_of(md.assets.begin(), md.assets.end(), [](const data::Bars& b) {
    return b.Has(data::Field::kAdjClose);
  });
  auto outcomes = RunStress(md, r.weights, job.value, scenarios, job.shocks,
                            adjusted ? data::Field::kAdjClose : data::Field::kClose);
  // Built-in crises the data does not cover are left out; a user's own window must be covered.
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const bool user = i < job.scenarios.size() || outcomes[i].kind == "hypothetical";
    FINML_REQUIRE(outcomes[i].covered || !user, "scenario '{}' lies outside the data ({} .. {})",
                  outcomes[i].name, md.time_label.front(), md.time_label.back());
    if (outcomes[i].covered) r.outcomes.push_back(outcomes[i]);
  }
  FINML_REQUIRE(!r.outcomes.empty(),
                "no scenario to run: the built-in crises fall outside {} .. {}; give --scenario "
                "name=START:END or --shock SYMBOL=RETURN",
                md.time_label.front(), md.time_label.back());
  return r;
}

}  // namespace finml::risk

namespace finml::options {

risk::HistoricalScenario Codec<risk::HistoricalScenario>::Read(const ConfigNode& n,
                                                               const std::string& path,
                                                               const FieldRules&) {
  std::string text;
  if (n.IsMap()) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (n.key(i) != "name" && n.key(i) != "start" && n.key(i) != "end")
        ThrowUnknownKey(n, i, path, {"name", "start", "end"});
    }
    auto get = [&](const char* key) {
      const ConfigNode* v = n.Find(key);
      if (!v) throw n.Fail(fmt::format("'{}' needs '{}'", path, key));
      return ReadString(*v, JoinPath(path, key));
    };
    text = fmt::format("{}={}:{}", get("name"), get("start"), get("end"));
  } else {
    text = ReadString(n, path);
  }
  try {
    return risk::ParseHistoricalScenario(text);
  } catch (const Error& e) {
    RethrowAt(n, path, e);
  }
}

Json Codec<risk::HistoricalScenario>::Write(const risk::HistoricalScenario& s) {
  return {{"name", s.name},
          {"start", data::FormatTimestamp(s.start)},
          {"end", data::FormatTimestamp(s.end)}};
}

risk::ShockScenario Codec<risk::ShockScenario>::Read(const ConfigNode& n, const std::string& path,
                                                     const FieldRules& rules) {
  if (!n.IsMap()) {
    try {
      return risk::ParseShockScenario(ReadString(n, path));
    } catch (const Error& e) {
      RethrowAt(n, path, e);
    }
  }
  risk::ShockScenario shock;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n.key(i) == "name") {
      shock.name = ReadString(n.value(i), JoinPath(path, "name"));
    } else if (n.key(i) == "returns") {
      shock.shocks = Codec<risk::Weights>::Read(n.value(i), JoinPath(path, "returns"), rules);
    } else {
      ThrowUnknownKey(n, i, path, {"name", "returns"});
    }
  }
  if (shock.name.empty()) shock.name = risk::DescribeShocks(shock.shocks);
  return shock;
}

Json Codec<risk::ShockScenario>::Write(const risk::ShockScenario& s) {
  return {{"name", s.name}, {"returns", Codec<risk::Weights>::Write(s.shocks)}};
}

}  // namespace finml::options
