// Serving a saved forecaster: a request carries recent bars (or prices) of one asset; they
// become market data exactly like a CSV row would, and go through SavedForecaster::Predict, the
// code behind `finml predict`.
#include "forecast_servable.hpp"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/time_zone.hpp"
#include "finml/data/transforms.hpp"
#include "finml/serve/model_store.hpp"
#include "finml/train/samples.hpp"
#include "json_fields.hpp"
#include "replica_pool.hpp"
#include "request_error.hpp"

namespace finml::serve {

namespace {

using data::Field;

constexpr Field kAllFields[] = {Field::kOpen,  Field::kHigh,     Field::kLow,
                                Field::kClose, Field::kAdjClose, Field::kVolume};

// A seeded random walk with every field, business-daily dates: only used to find out which
// fields and how many rows the model's pipeline needs.
data::MarketData ProbeData(const std::vector<Field>& fields, std::size_t rows) {
  data::MarketData md;
  md.source = "probe";
  md.shape = fields.size() > 1 ? data::Shape::kOhlcv : data::Shape::kCloseOnly;
  data::Bars bars;
  bars.symbol = "probe";
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 0.01);
  double price = 100;
  std::int64_t day = data::DaysFromCivil({2000, 1, 3});
  std::vector<double> open, high, low, close, volume;
  for (std::size_t i = 0; i < rows; ++i) {
    while (data::Weekday(day * data::kSecondsPerDay) >= 5) ++day;
    const double o = price;
    price *= std::exp(noise(rng));
    const double spread = std::abs(noise(rng)) * price;
    open.push_back(o);
    close.push_back(price);
    high.push_back(std::max(o, price) + spread);
    low.push_back(std::min(o, price) - spread);
    volume.push_back(1e6 * (1 + std::abs(noise(rng)) * 50));
    md.time.push_back(day * data::kSecondsPerDay);
    md.time_label.push_back(data::FormatTimestamp(day * data::kSecondsPerDay));
    ++day;
  }
  for (Field f : fields) {
    switch (f) {
      case Field::kOpen:
        bars.open = open;
        break;
      case Field::kHigh:
        bars.high = high;
        break;
      case Field::kLow:
        bars.low = low;
        break;
      case Field::kClose:
        bars.close = close;
        break;
      case Field::kAdjClose:
        bars.adj_close = close;
        break;
      case Field::kVolume:
        bars.volume = volume;
        break;
    }
  }
  md.assets.push_back(std::move(bars));
  return md;
}

data::MarketData FirstRows(const data::MarketData& md, std::size_t n) {
  data::MarketData out = md;
  out.time.resize(n);
  out.time_label.resize(n);
  for (auto& a : out.assets)
    for (Field f : kAllFields)
      if (a.Has(f)) a.Get(f).resize(n);
  return out;
}

class ForecastServable final : public Servable {
 public:
  ForecastServable(const std::string& dir, std::string name, const ServeLimits& limits)
      : name_(std::move(name)), limits_(limits) {
    std::vector<std::unique_ptr<run::SavedForecaster>> copies;
    for (std::size_t k = 0; k < std::max<std::size_t>(limits.replicas, 1); ++k)
      copies.push_back(std::make_unique<run::SavedForecaster>(run::SavedForecaster::Load(dir)));
    pool_ = std::make_unique<ReplicaPool<run::SavedForecaster>>(std::move(copies));
    const auto& saved = pool_->Any();
    version_ = ModelContentVersion(dir);
    resample_ = saved.Config().data.load.resample.has_value();
    zone_ = data::Zone::Parse(saved.Config().data.load.timezone, "timezone");
    reference_ = saved.Manifest().value("drift_reference", nlohmann::json::object());
    FindInputShape(saved);
  }

  const std::string& Name() const override { return name_; }
  const char* Kind() const override { return "forecaster"; }
  const std::string& Version() const override { return version_; }
  const nlohmann::json& DriftReference() const override { return reference_; }

  nlohmann::json Info() const override {
    const auto& m = pool_->Any().Manifest();
    const auto& c = pool_->Any().Config();
    std::vector<std::string> fields;
    for (Field f : fields_) fields.emplace_back(EnumName(f));
    return {{"name", name_},
            {"kind", Kind()},
            {"version", version_},
            {"type", m.at("type")},
            {"target", {{"kind", EnumName(c.target.kind)}, {"horizon", c.target.horizon}}},
            {"features", pool_->Any().FeatureNames()},
            {"input",
             {{"fields", fields},
              {"min_bars", min_rows_},
              {"max_bars", limits_.max_window_rows},
              {"dates", resample_ ? "required" : "optional"},
              {"prices_shorthand", fields_.size() == 1}}},
            {"training", m.at("training")},
            {"metrics", m.at("metrics")},
            {"finml_version", ManifestBuild(m).first},
            {"git_commit", ManifestBuild(m).second},
            {"drift_reference", !reference_.empty()}};
  }

  nlohmann::json Predict(const nlohmann::json& request, Observation& observed) const override {
    RequireObject(request, "");
    bool all = false;
    if (request.contains("decisions")) {
      const std::string& d = RequireString(request.at("decisions"), "decisions");
      if (d != "latest" && d != "all")
        throw InvalidValue("decisions", fmt::format("'{}' is not 'latest' or 'all'", d));
      all = d == "all";
    }
    std::vector<std::pair<const nlohmann::json*, std::string>> instances;
    if (request.contains("instances")) {
      RequireKnownKeys(request, {"instances", "decisions"}, "");
      const auto& list = RequireArray(request.at("instances"), "instances");
      if (list.empty()) throw InvalidValue("instances", "no instances");
      if (list.size() > limits_.max_batch)
        throw RequestError(
            413, "batch_too_large",
            fmt::format("instances: {} instances; the limit is {}", list.size(), limits_.max_batch),
            "instances");
      for (std::size_t i = 0; i < list.size(); ++i)
        instances.emplace_back(&list[i], fmt::format("instances[{}]", i));
    } else {
      instances.emplace_back(&request, "");
    }

    // Validate everything before predicting anything: a batch succeeds or fails whole.
    std::vector<data::MarketData> markets;
    std::size_t bars = 0;
    for (const auto& [instance, path] : instances) {
      markets.push_back(ParseInstance(*instance, path, instances.size() == 1 && path.empty()));
      bars += markets.back().rows();
      if (bars > limits_.max_request_bars)
        throw RequestError(
            413, "batch_too_large",
            fmt::format("more than {} bars in one request; split it", limits_.max_request_bars));
    }

    nlohmann::json predictions = nlohmann::json::array();
    auto lease = pool_->Acquire();
    const auto& names = lease->FeatureNames();
    for (std::size_t k = 0; k < markets.size(); ++k) {
      run::ForecastBatch batch;
      try {
        batch = lease->Predict(markets[k],
                               instances[k].second.empty() ? "request" : instances[k].second,
                               /*latest_only=*/!all);
      } catch (const InvalidInput& e) {
        throw InvalidValue(instances[k].second, e.what());
      }
      const std::size_t n = batch.samples.size();
      const std::size_t f = names.size();
      for (std::size_t i = 0; i < n; ++i) {
        predictions.push_back({{"instance", k},
                               {"decision", markets[k].time_label[batch.samples.decision_row[i]]},
                               {"prediction", batch.prediction[i]}});
        for (std::size_t j = 0; j < f; ++j)
          observed.numeric[names[j]].push_back(batch.latest_features[i * f + j]);
        observed.predictions.push_back(batch.prediction[i]);
      }
    }
    const auto& c = lease->Config();
    return {{"model", name_},
            {"version", version_},
            {"kind", Kind()},
            {"target", {{"kind", EnumName(c.target.kind)}, {"horizon", c.target.horizon}}},
            {"predictions", predictions}};
  }

 private:
  // The fewest fields (and then rows) with which the pipeline yields the model's features.
  void FindInputShape(const run::SavedForecaster& saved) {
    const Field price = saved.Config().data.price;
    std::vector<std::vector<Field>> candidates = {
        {price},
        {price, Field::kHigh, Field::kLow},
        {price, Field::kVolume},
        {price, Field::kHigh, Field::kLow, Field::kVolume},
        {Field::kOpen, Field::kHigh, Field::kLow, Field::kClose, Field::kVolume}};
    if (price == Field::kAdjClose) candidates.back().push_back(Field::kAdjClose);
    constexpr std::size_t kProbeRows = 3000;
    std::string last_error;
    for (auto& fields : candidates) {
      std::sort(fields.begin(), fields.end());
      data::MarketData md = ProbeData(fields, kProbeRows);
      try {
        (void)saved.Predict(Prepared(md), "probe", true);
      } catch (const std::exception& e) {
        last_error = e.what();
        continue;
      }
      fields_ = fields;
      // The shortest prefix that still yields one decision.
      std::size_t lo = 1, hi = kProbeRows;
      while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        bool ok = true;
        try {
          (void)saved.Predict(Prepared(FirstRows(md, mid)), "probe", true);
        } catch (const std::exception&) {
          ok = false;
        }
        if (ok)
          hi = mid;
        else
          lo = mid + 1;
      }
      min_rows_ = lo;
      return;
    }
    throw InvalidInput(fmt::format("model '{}': no set of bar fields yields its features ({})",
                                   name_, last_error));
  }

  data::MarketData Prepared(data::MarketData md) const {
    const auto& load = pool_->Any().Config().data.load;
    if (resample_) return data::Resample(md, *load.resample, {}, load.bar_stamp);
    return md;
  }

  data::MarketData ParseInstance(const nlohmann::json& instance, const std::string& path,
                                 bool top_level) const {
    RequireObject(instance, path);
    auto at = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
    std::vector<std::string> allowed = {"bars", "prices", "dates", "symbol"};
    if (top_level) allowed.push_back("decisions");
    RequireKnownKeys(instance, allowed, path);
    const bool has_bars = instance.contains("bars"), has_prices = instance.contains("prices");
    if (has_bars == has_prices)
      throw InvalidRequest(path, has_bars ? "give either 'bars' or 'prices', not both"
                                          : "missing 'bars' (objects with date and " + FieldList() +
                                                ") or 'prices' (numbers)");
    data::MarketData md;
    md.source = path.empty() ? "request" : path;
    data::Bars bars;
    const auto& symbols = pool_->Any().Config().data.load.symbols;
    bars.symbol = symbols.empty() ? name_ : symbols.front();
    if (instance.contains("symbol"))
      bars.symbol = RequireString(instance.at("symbol"), at("symbol"));
    std::vector<std::string> dates;
    std::size_t rows = 0;
    if (has_prices) {
      if (fields_.size() != 1)
        throw InvalidRequest(
            at("prices"),
            fmt::format("this model's features need {} for every bar; send 'bars'", FieldList()));
      const auto& prices = RequireArray(instance.at("prices"), at("prices"));
      rows = prices.size();
      CheckRows(rows, at("prices"));
      auto& column = bars.Get(fields_.front());
      for (std::size_t i = 0; i < rows; ++i) {
        const std::string where = fmt::format("{}[{}]", at("prices"), i);
        column.push_back(RequireFiniteNumber(prices[i], where));
        if (column.back() <= 0)
          throw InvalidValue(where, fmt::format("price {} is not positive", column.back()));
      }
      if (instance.contains("dates")) {
        const auto& d = RequireArray(instance.at("dates"), at("dates"));
        if (d.size() != rows)
          throw InvalidRequest(at("dates"), fmt::format("{} dates for {} prices", d.size(), rows));
        for (std::size_t i = 0; i < rows; ++i)
          dates.push_back(RequireString(d[i], fmt::format("{}[{}]", at("dates"), i)));
      }
    } else {
      if (instance.contains("dates"))
        throw InvalidRequest(at("dates"), "with 'bars', give each bar its own 'date'");
      const auto& list = RequireArray(instance.at("bars"), at("bars"));
      rows = list.size();
      CheckRows(rows, at("bars"));
      const bool with_dates = rows > 0 && list[0].is_object() && list[0].contains("date");
      std::vector<std::string> bar_keys = {"date"};
      for (Field f : fields_) bar_keys.emplace_back(EnumName(f));
      for (std::size_t i = 0; i < rows; ++i) {
        const std::string where = fmt::format("{}[{}]", at("bars"), i);
        const auto& bar = list[i];
        RequireObject(bar, where);
        for (const auto& item : bar.items()) {
          const std::string& key = item.key();  // clang 14 cannot capture a structured binding
          if (std::find(bar_keys.begin(), bar_keys.end(), key) != bar_keys.end()) continue;
          const bool is_field = std::any_of(std::begin(kAllFields), std::end(kAllFields),
                                            [&](Field f) { return key == EnumName(f); });
          throw InvalidRequest(
              where + "." + key,
              is_field ? fmt::format("this model does not use {} (its bars carry "
                                     "{}); leave it out",
                                     key, FieldList())
                       : fmt::format("unknown field (did you mean '{}'? valid: {})",
                                     ClosestMatch(key, bar_keys), JoinStrings(bar_keys, ", ")));
        }
        for (Field f : fields_) {
          if (!bar.contains(EnumName(f)))
            throw InvalidRequest(
                where, fmt::format("missing '{}' (every bar needs {})", EnumName(f), FieldList()));
          const double v = RequireFiniteNumber(bar.at(EnumName(f)), where + "." + EnumName(f));
          if (f == Field::kVolume ? v < 0 : v <= 0)
            throw InvalidValue(where + "." + EnumName(f),
                               fmt::format("{} {} is {}", EnumName(f), v,
                                           f == Field::kVolume ? "negative" : "not positive"));
          bars.Get(f).push_back(v);
        }
        if (bars.Has(Field::kHigh) && bars.high.back() < bars.low.back())
          throw InvalidValue(
              where, fmt::format("high {} is below low {}", bars.high.back(), bars.low.back()));
        if (bar.contains("date") != with_dates)
          throw InvalidRequest(where, with_dates
                                          ? "missing 'date' (give every bar a date, or none)"
                                          : "has a 'date' but bar 0 has none (give every bar "
                                            "a date, or none)");
        if (with_dates) dates.push_back(RequireString(bar.at("date"), where + ".date"));
      }
    }
    const std::string date_path = has_bars ? at("bars") : at("dates");
    if (dates.empty()) {
      if (resample_)
        throw InvalidRequest(date_path,
                             "this model resamples its data by calendar, so every bar "
                             "needs a date");
      for (std::size_t i = 0; i < rows; ++i) {
        md.time.push_back(static_cast<data::Timestamp>(i));
        md.time_label.push_back(std::to_string(i));
      }
      md.calendar = false;
    } else {
      for (std::size_t i = 0; i < rows; ++i) {
        const std::string where = has_bars ? fmt::format("{}[{}].date", at("bars"), i)
                                           : fmt::format("{}[{}]", at("dates"), i);
        // A time with an offset is shown in the model's zone, as its training data was; one
        // without is taken as written (already that zone's wall-clock time).
        const auto parsed = data::ParseTime(dates[i]);
        if (!parsed)
          throw InvalidValue(where, fmt::format("'{}' is not an ISO 8601 date", dates[i]));
        const std::optional<data::Timestamp> t =
            parsed->offset ? zone_.ToLocal(parsed->time) : parsed->time;
        if (!md.time.empty() && *t <= md.time.back())
          throw InvalidValue(where,
                             fmt::format("{} is not after the previous date {} (oldest first, "
                                         "no duplicates)",
                                         dates[i], md.time_label.back()));
        md.time.push_back(*t);
        md.time_label.push_back(dates[i]);
      }
    }
    md.shape = fields_.size() > 1 ? data::Shape::kOhlcv : data::Shape::kCloseOnly;
    md.assets.push_back(std::move(bars));
    return Prepared(std::move(md));
  }

  void CheckRows(std::size_t rows, const std::string& path) const {
    if (rows < min_rows_ || rows > limits_.max_window_rows)
      throw RequestError(422, "wrong_window_length",
                         fmt::format("{}: {} bars; this model needs {} {} (its lookback and "
                                     "indicator warm-up)",
                                     path, rows, rows < min_rows_ ? "at least" : "at most",
                                     rows < min_rows_ ? min_rows_ : limits_.max_window_rows),
                         path);
  }

  std::string FieldList() const {
    std::vector<std::string> keys;
    for (Field f : fields_) keys.emplace_back(EnumName(f));
    return JoinStrings(keys, ", ");
  }

  std::string name_, version_;
  ServeLimits limits_;
  std::unique_ptr<ReplicaPool<run::SavedForecaster>> pool_;
  nlohmann::json reference_;
  bool resample_ = false;
  data::Zone zone_;  // the zone the model's training times were shown in
  std::vector<Field> fields_;
  std::size_t min_rows_ = 1;
};

}  // namespace

std::shared_ptr<const Servable> LoadForecastServable(const std::string& dir,
                                                     const std::string& name,
                                                     const ServeLimits& limits) {
  return std::make_shared<ForecastServable>(dir, name, limits);
}

}  // namespace finml::serve
