#include "finml/train/samples.hpp"

#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml::train {

const options::Schema<TargetSpec>& TargetSpec::Schema() {
  static const auto schema = [] {
    options::Schema<TargetSpec> s;
    s.Add("kind", &TargetSpec::kind, "log_return, simple_return, close or direction");
    s.Add("horizon", &TargetSpec::horizon, "bars ahead: the target is realised at t + horizon")
        .Min(1);
    return s;
  }();
  return schema;
}

const double* SampleSet::LatestRow(std::size_t i) const {
  const std::size_t f = num_features();
  return x.data() + (i * lookback + (lookback - 1)) * f;
}

namespace {

// The series whose future value the target is: the one AR models regress on.
std::vector<double> OwnSeries(const std::vector<double>& price, TargetKind kind) {
  std::vector<double> z(price.size(), std::nan(""));
  if (kind == TargetKind::kClose) return price;
  for (std::size_t t = 1; t < price.size(); ++t) {
    z[t] = kind == TargetKind::kSimpleReturn ? price[t] / price[t - 1] - 1.0
                                             : std::log(price[t] / price[t - 1]);
  }
  return z;
}

double TargetValue(const std::vector<double>& price, std::size_t t, std::size_t h,
                   TargetKind kind) {
  double now = price[t], later = price[t + h];
  switch (kind) {
    case TargetKind::kLogReturn:
      return std::log(later / now);
    case TargetKind::kSimpleReturn:
      return later / now - 1.0;
    case TargetKind::kClose:
      return later;
    case TargetKind::kDirection:
      return later > now ? 1.0 : 0.0;
  }
  return std::nan("");
}

double NoChangeForecast(const std::vector<double>& price, std::size_t t, TargetKind kind) {
  switch (kind) {
    case TargetKind::kClose:
      return price[t];
    case TargetKind::kDirection:
      return 0.5;
    default:
      return 0.0;
  }
}

}  // namespace

SampleSet BuildSamples(const std::vector<AssetInputs>& assets,
                       const std::vector<data::Timestamp>& calendar,
                       const std::vector<std::string>& calendar_label, const TargetSpec& target,
                       std::size_t lookback, std::size_t ar_lags, bool require_target) {
  FINML_REQUIRE(lookback >= 1, "lookback must be at least 1");
  FINML_REQUIRE(target.horizon >= 1, "target horizon must be at least 1");
  FINML_REQUIRE(!assets.empty(), "no assets to build samples from");
  SampleSet s;
  s.lookback = lookback;
  s.ar_lags = ar_lags;
  s.feature_names = assets.front().features.names;
  s.calendar = calendar;
  s.calendar_label = calendar_label;
  const std::size_t f = s.num_features();
  const std::size_t n = calendar.size();
  for (std::size_t a = 0; a < assets.size(); ++a) {
    const auto& in = assets[a];
    FINML_REQUIRE(in.price.size() == n, "asset '{}': price length {} differs from calendar {}",
                  in.symbol, in.price.size(), n);
    FINML_REQUIRE(in.features.names == s.feature_names, "asset '{}' has different feature columns",
                  in.symbol);
    s.symbols.push_back(in.symbol);
    std::vector<double> own = OwnSeries(in.price, target.kind);
    const std::size_t end = require_target ? (n > target.horizon ? n - target.horizon : 0) : n;
    for (std::size_t t = 0; t < end; ++t) {
      bool complete = t + 1 >= lookback && t + 1 >= ar_lags;
      for (std::size_t k = 0; complete && k < ar_lags; ++k) complete = std::isfinite(own[t - k]);
      for (std::size_t step = 0; complete && step < lookback; ++step) {
        std::size_t row = t + 1 - lookback + step;
        for (std::size_t j = 0; complete && j < f; ++j)
          complete = std::isfinite(in.features.columns[j][row]);
      }
      const bool known = t + target.horizon < n;
      double y = known ? TargetValue(in.price, t, target.horizon, target.kind) : std::nan("");
      if (!complete || (known && !std::isfinite(y))) {
        ++s.warmup_skipped;
        continue;
      }
      for (std::size_t step = 0; step < lookback; ++step) {
        std::size_t row = t + 1 - lookback + step;
        for (std::size_t j = 0; j < f; ++j) s.x.push_back(in.features.columns[j][row]);
      }
      for (std::size_t k = 0; k < ar_lags; ++k) s.own_lags.push_back(own[t - k]);
      s.y.push_back(y);
      s.no_change.push_back(NoChangeForecast(in.price, t, target.kind));
      s.asset.push_back(a);
      s.decision_row.push_back(t);
      s.target_row.push_back(t + target.horizon);
    }
  }
  return s;
}

SampleSet TrimWindow(const SampleSet& samples, std::size_t lookback) {
  FINML_REQUIRE(lookback >= 1 && lookback <= samples.lookback,
                "cannot trim windows of {} steps to {}", samples.lookback, lookback);
  if (lookback == samples.lookback) return samples;
  SampleSet out = samples;
  const std::size_t f = samples.num_features(), skip = samples.lookback - lookback;
  out.lookback = lookback;
  out.x.clear();
  out.x.reserve(samples.size() * lookback * f);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    auto begin = samples.x.begin() + static_cast<std::ptrdiff_t>((i * samples.lookback + skip) * f);
    out.x.insert(out.x.end(), begin, begin + static_cast<std::ptrdiff_t>(lookback * f));
  }
  return out;
}

void AppendSamples(SampleSet& into, const SampleSet& more) {
  if (into.size() == 0 && into.symbols.empty()) {
    into = more;
    return;
  }
  FINML_REQUIRE(into.feature_names == more.feature_names && into.lookback == more.lookback &&
                    into.ar_lags == more.ar_lags,
                "cannot pool samples with different features or windows");
  const std::size_t offset = into.symbols.size();
  into.symbols.insert(into.symbols.end(), more.symbols.begin(), more.symbols.end());
  into.x.insert(into.x.end(), more.x.begin(), more.x.end());
  into.own_lags.insert(into.own_lags.end(), more.own_lags.begin(), more.own_lags.end());
  into.y.insert(into.y.end(), more.y.begin(), more.y.end());
  into.no_change.insert(into.no_change.end(), more.no_change.begin(), more.no_change.end());
  for (std::size_t a : more.asset) into.asset.push_back(a + offset);
  into.decision_row.insert(into.decision_row.end(), more.decision_row.begin(),
                           more.decision_row.end());
  into.target_row.insert(into.target_row.end(), more.target_row.begin(), more.target_row.end());
  into.warmup_skipped += more.warmup_skipped;
}

SampleSet Subset(const SampleSet& samples, const std::vector<std::size_t>& rows) {
  SampleSet out;
  out.lookback = samples.lookback;
  out.ar_lags = samples.ar_lags;
  out.feature_names = samples.feature_names;
  out.symbols = samples.symbols;
  out.calendar = samples.calendar;
  out.calendar_label = samples.calendar_label;
  const std::size_t window = samples.lookback * samples.num_features();
  for (std::size_t i : rows) {
    out.x.insert(out.x.end(), samples.x.begin() + i * window, samples.x.begin() + (i + 1) * window);
    out.own_lags.insert(out.own_lags.end(), samples.own_lags.begin() + i * samples.ar_lags,
                        samples.own_lags.begin() + (i + 1) * samples.ar_lags);
    out.y.push_back(samples.y[i]);
    out.no_change.push_back(samples.no_change[i]);
    out.asset.push_back(samples.asset[i]);
    out.decision_row.push_back(samples.decision_row[i]);
    out.target_row.push_back(samples.target_row[i]);
  }
  return out;
}

}  // namespace finml::train
