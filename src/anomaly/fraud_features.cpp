#include "anomaly/fraud_features.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::anomaly {
namespace {

constexpr double kNoPreviousSeconds = 1e9;  // "never": longer than any window

std::string CellText(const credit::Column& c, std::size_t row) {
  if (c.kind == credit::ColumnKind::kCategorical) return c.labels[row];
  if (std::isnan(c.numbers[row])) return "";
  return fmt::format("{:.17g}", c.numbers[row]);
}

struct EntityHistory {
  std::vector<data::Timestamp> time;
  std::vector<double> cumulative_amount;  // after each transaction
  std::vector<std::unordered_map<std::string, data::Timestamp>> first_seen;  // per categorical
};

}  // namespace

std::vector<data::Timestamp> ReadTimes(const credit::Table& table, const std::string& name) {
  const credit::Column& c = table.Get(name);
  std::vector<data::Timestamp> t(table.rows);
  for (std::size_t r = 0; r < table.rows; ++r) {
    if (c.kind == credit::ColumnKind::kNumeric) {
      FINML_REQUIRE(std::isfinite(c.numbers[r]),
                    "{}: line {}, column '{}': no time (fix: every transaction needs one)",
                    table.source, r + 2, name);
      t[r] = static_cast<data::Timestamp>(std::floor(c.numbers[r]));
      continue;
    }
    auto parsed = data::ParseTimestamp(c.labels[r]);
    if (!parsed) {
      // Seconds as text (a JSON request's "1767230132", a column with a stray word elsewhere).
      const std::string& text = c.labels[r];
      char* end = nullptr;
      const double seconds = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(seconds))
        parsed = static_cast<data::Timestamp>(std::floor(seconds));
    }
    FINML_REQUIRE(parsed.has_value(),
                  "{}: line {}, column '{}': '{}' is not a time (fix: ISO 8601 such as "
                  "2026-01-31T14:05:00, or seconds since 1970)",
                  table.source, r + 2, name, c.labels[r]);
    t[r] = *parsed;
  }
  return t;
}

RawFeatures BuildRawFeatures(const credit::Table& table, const FeatureSpec& spec) {
  const std::size_t n = table.rows;
  FINML_REQUIRE(n > 0, "{}: no transactions", table.source);
  const std::vector<data::Timestamp> file_time = ReadTimes(table, spec.time);
  RawFeatures f;
  f.order.resize(n);
  std::iota(f.order.begin(), f.order.end(), std::size_t{0});
  std::stable_sort(f.order.begin(), f.order.end(),
                   [&](std::size_t a, std::size_t b) { return file_time[a] < file_time[b]; });
  f.time.resize(n);
  for (std::size_t i = 0; i < n; ++i) f.time[i] = file_time[f.order[i]];

  std::vector<const credit::Column*> numeric;
  for (const auto& name : spec.numeric) {
    const credit::Column& c = table.Get(name);
    FINML_REQUIRE(c.kind == credit::ColumnKind::kNumeric,
                  "{}: column '{}' is not numeric (fix: list it among the categorical columns)",
                  table.source, name);
    numeric.push_back(&c);
    f.names.push_back(name);
  }
  const credit::Column* amount = nullptr;
  if (!spec.amount.empty()) {
    amount = &table.Get(spec.amount);
    FINML_REQUIRE(amount->kind == credit::ColumnKind::kNumeric,
                  "{}: the amount column '{}' is not numeric", table.source, spec.amount);
    f.amount.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double a = amount->numbers[f.order[i]];
      FINML_REQUIRE(std::isfinite(a) && a >= 0,
                    "{}: line {}, column '{}': the amount must be a number >= 0", table.source,
                    f.order[i] + 2, spec.amount);
      f.amount[i] = a;
    }
    f.names.push_back("log_amount");
  }
  const bool velocity = !spec.entity.empty();
  if (velocity) {
    for (const auto& w : spec.window_names) {
      f.names.push_back(w + "_count");
      if (amount) f.names.push_back(w + "_amount");
    }
    f.names.push_back("seconds_since_last");
    f.names.push_back("history_count");
    if (amount) f.names.push_back("amount_to_mean");
    for (const auto& c : spec.categorical) f.names.push_back(c + "_new");
  }
  f.names.push_back("hour_sin");
  f.names.push_back("hour_cos");

  std::vector<const credit::Column*> categorical;
  for (const auto& name : spec.categorical) categorical.push_back(&table.Get(name));
  f.categories.assign(categorical.size(), std::vector<std::string>(n));
  for (std::size_t k = 0; k < categorical.size(); ++k)
    for (std::size_t i = 0; i < n; ++i) f.categories[k][i] = CellText(*categorical[k], f.order[i]);

  const credit::Column* entity = velocity ? &table.Get(spec.entity) : nullptr;
  std::unordered_map<std::string, EntityHistory> histories;
  f.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(f.names.size()));
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    Eigen::Index col = 0;
    for (const auto* c : numeric) f.x(row, col++) = c->numbers[f.order[i]];
    if (amount) f.x(row, col++) = std::log1p(f.amount[i]);
    const data::Timestamp t = f.time[i];
    if (velocity) {
      const std::string key = CellText(*entity, f.order[i]);
      FINML_REQUIRE(!key.empty(), "{}: line {}, column '{}': no entity (fix: fill it in)",
                    table.source, f.order[i] + 2, spec.entity);
      EntityHistory& h = histories[key];
      if (h.first_seen.empty()) h.first_seen.resize(categorical.size());
      // Only transactions strictly before t: one at the same second is not yet known.
      const auto end = static_cast<std::size_t>(std::lower_bound(h.time.begin(), h.time.end(), t) -
                                                h.time.begin());
      const auto amount_before = [&](std::size_t k) {
        return k == 0 ? 0.0 : h.cumulative_amount[k - 1];
      };
      for (const std::int64_t w : spec.windows) {
        const auto begin = static_cast<std::size_t>(
            std::upper_bound(h.time.begin(), h.time.begin() + static_cast<std::ptrdiff_t>(end),
                             t - w) -
            h.time.begin());
        f.x(row, col++) = static_cast<double>(end - begin);
        if (amount) f.x(row, col++) = std::log1p(amount_before(end) - amount_before(begin));
      }
      f.x(row, col++) =
          std::log1p(end == 0 ? kNoPreviousSeconds : static_cast<double>(t - h.time[end - 1]));
      f.x(row, col++) = std::log1p(static_cast<double>(end));
      if (amount) {
        const double mean = end == 0 ? 0 : amount_before(end) / static_cast<double>(end);
        f.x(row, col++) = mean > 0 ? std::log((f.amount[i] + 1) / (mean + 1)) : 0.0;
      }
      for (std::size_t k = 0; k < categorical.size(); ++k) {
        const auto seen = h.first_seen[k].find(f.categories[k][i]);
        f.x(row, col++) = seen == h.first_seen[k].end() || seen->second >= t ? 1.0 : 0.0;
      }
      h.time.push_back(t);
      h.cumulative_amount.push_back(amount_before(h.time.size() - 1) +
                                    (amount ? f.amount[i] : 0.0));
      for (std::size_t k = 0; k < categorical.size(); ++k)
        h.first_seen[k].emplace(f.categories[k][i], t);
    }
    const double day = static_cast<double>(((t % data::kSecondsPerDay) + data::kSecondsPerDay) %
                                           data::kSecondsPerDay) /
                       static_cast<double>(data::kSecondsPerDay);
    f.x(row, col++) = std::sin(2 * M_PI * day);
    f.x(row, col++) = std::cos(2 * M_PI * day);
  }
  return f;
}

TargetEncoder TargetEncoder::Fit(const std::vector<std::vector<std::string>>& categories,
                                 const std::vector<int>& y, const std::vector<std::size_t>& rows,
                                 double smoothing) {
  TargetEncoder e;
  double frauds = 0;
  for (const auto r : rows) frauds += y[r];
  e.prior = rows.empty() ? 0 : frauds / static_cast<double>(rows.size());
  for (const auto& column : categories) {
    std::unordered_map<std::string, std::pair<double, double>> counts;  // frauds, rows
    for (const auto r : rows) {
      auto& c = counts[column[r]];
      c.first += y[r];
      c.second += 1;
    }
    auto& rates = e.rates.emplace_back();
    for (const auto& [value, c] : counts)
      rates[value] = (c.first + smoothing * e.prior) / (c.second + smoothing);
  }
  return e;
}

Eigen::MatrixXd TargetEncoder::Encode(const std::vector<std::vector<std::string>>& categories,
                                      std::size_t begin, std::size_t end) const {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(end - begin),
                      static_cast<Eigen::Index>(categories.size()));
  for (std::size_t k = 0; k < categories.size(); ++k)
    for (std::size_t r = begin; r < end; ++r) {
      const auto it = rates[k].find(categories[k][r]);
      out(static_cast<Eigen::Index>(r - begin), static_cast<Eigen::Index>(k)) =
          it == rates[k].end() ? prior : it->second;
    }
  return out;
}

Eigen::MatrixXd CrossFitEncode(const std::vector<std::vector<std::string>>& categories,
                               const std::vector<int>& y, std::size_t train, std::size_t folds,
                               double smoothing) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(train),
                      static_cast<Eigen::Index>(categories.size()));
  folds = std::clamp<std::size_t>(folds, 2, std::max<std::size_t>(2, train));
  for (std::size_t f = 0; f < folds; ++f) {
    const std::size_t begin = train * f / folds, end = train * (f + 1) / folds;
    std::vector<std::size_t> others;
    for (std::size_t r = 0; r < train; ++r)
      if (r < begin || r >= end) others.push_back(r);
    const TargetEncoder e = TargetEncoder::Fit(categories, y, others, smoothing);
    out.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin)) =
        e.Encode(categories, begin, end);
  }
  return out;
}

}  // namespace finml::anomaly
