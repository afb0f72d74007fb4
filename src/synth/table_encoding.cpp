#include "finml/synth/table_encoding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <numeric>
#include <set>

#include "finml/core/error.hpp"

namespace finml::synth {
namespace {

std::string NumberText(double v) { return fmt::format("{:.10g}", v); }

// 1-D Gaussian mixture by EM from quantile starts; modes under 0.5% weight are dropped and the
// rest refitted once.
void FitMixture(const std::vector<double>& x, std::size_t max_modes, EncodedColumn& c) {
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  const double range = std::max(sorted.back() - sorted.front(), 1e-12);
  std::size_t k = std::min<std::size_t>(max_modes, std::max<std::size_t>(1, x.size() / 20));
  for (int round = 0; round < 2; ++round) {
    c.weights.assign(k, 1.0 / static_cast<double>(k));
    c.means.resize(k);
    c.sds.assign(k, range / static_cast<double>(2 * k));
    if (round == 0)
      for (std::size_t j = 0; j < k; ++j)
        c.means[j] = sorted[std::min(sorted.size() - 1, (2 * j + 1) * sorted.size() / (2 * k))];
    std::vector<double> r(x.size() * k);
    for (int iteration = 0; iteration < 200; ++iteration) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        double total = 0;
        for (std::size_t j = 0; j < k; ++j) {
          const double z = (x[i] - c.means[j]) / c.sds[j];
          r[i * k + j] = c.weights[j] * std::exp(-0.5 * z * z) / c.sds[j];
          total += r[i * k + j];
        }
        for (std::size_t j = 0; j < k; ++j)
          r[i * k + j] = total > 0 ? r[i * k + j] / total : 1.0 / static_cast<double>(k);
      }
      double change = 0;
      for (std::size_t j = 0; j < k; ++j) {
        double n = 0, s = 0, ss = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
          n += r[i * k + j];
          s += r[i * k + j] * x[i];
        }
        const double mean = n > 0 ? s / n : c.means[j];
        for (std::size_t i = 0; i < x.size(); ++i)
          ss += r[i * k + j] * (x[i] - mean) * (x[i] - mean);
        change = std::max(change, std::abs(mean - c.means[j]) / range);
        c.means[j] = mean;
        c.sds[j] = std::max(n > 0 ? std::sqrt(ss / n) : c.sds[j], 1e-3 * range);
        c.weights[j] = n / static_cast<double>(x.size());
      }
      if (change < 1e-7) break;
    }
    // Keep the modes that matter, then refit from them.
    std::vector<double> w, m, s;
    for (std::size_t j = 0; j < k; ++j)
      if (c.weights[j] >= 0.005) {
        w.push_back(c.weights[j]);
        m.push_back(c.means[j]);
        s.push_back(c.sds[j]);
      }
    if (w.size() == k) break;
    k = w.size();
    c.means = m;
  }
  const double total = std::accumulate(c.weights.begin(), c.weights.end(), 0.0);
  for (double& w : c.weights) w /= total;
}

}  // namespace

TableEncoding TableEncoding::Fit(const credit::Table& table, std::size_t max_modes,
                                 std::size_t discrete_limit, std::uint64_t /*seed*/) {
  TableEncoding e;
  for (const auto& col : table.columns) {
    EncodedColumn c;
    c.name = col.name;
    c.numeric = col.kind == credit::ColumnKind::kNumeric;
    std::size_t missing = 0;
    std::map<std::string, double> counts;
    std::vector<double> values;
    bool whole = true;
    for (std::size_t r = 0; r < table.rows; ++r) {
      if (col.Missing(r)) {
        ++missing;
        continue;
      }
      if (c.numeric) {
        values.push_back(col.numbers[r]);
        whole = whole && col.numbers[r] == std::round(col.numbers[r]);
        if (counts.size() <= discrete_limit) counts[NumberText(col.numbers[r])] += 1;
      } else {
        counts[col.labels[r]] += 1;
      }
    }
    FINML_REQUIRE(missing < table.rows, "column '{}' has no values to learn from (fix: drop it)",
                  col.name);
    c.missing = static_cast<double>(missing) / static_cast<double>(table.rows);
    c.discrete = !c.numeric || (whole && counts.size() <= discrete_limit);
    if (c.discrete) {
      for (const auto& [label, n] : counts) {
        c.categories.push_back(label);
        c.category_counts.push_back(n);
      }
      if (c.numeric)  // numeric order, not text order
      {
        std::vector<std::size_t> order(c.categories.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](auto a, auto b) {
          return std::stod(c.categories[a]) < std::stod(c.categories[b]);
        });
        std::vector<std::string> cats;
        std::vector<double> cnt;
        for (const auto i : order) {
          cats.push_back(c.categories[i]);
          cnt.push_back(c.category_counts[i]);
        }
        c.categories = cats;
        c.category_counts = cnt;
      }
    } else {
      FitMixture(values, max_modes, c);
    }
    e.columns_.push_back(std::move(c));
  }
  e.Layout();
  return e;
}

void TableEncoding::Layout() {
  spans_.clear();
  column_spans_.clear();
  width_ = 0;
  for (const auto& c : columns_) {
    std::vector<std::size_t> mine;
    if (c.discrete) {
      mine.push_back(spans_.size());
      spans_.push_back({width_, c.categories.size(), true});
      width_ += c.categories.size();
    } else {
      mine.push_back(spans_.size());
      spans_.push_back({width_, 1, false});
      width_ += 1;
      mine.push_back(spans_.size());
      spans_.push_back({width_, c.weights.size(), true});
      width_ += c.weights.size();
    }
    column_spans_.push_back(mine);
  }
}

std::vector<int> TableEncoding::Categories(const credit::Table& table, std::size_t column) const {
  const EncodedColumn& c = columns_[column];
  const credit::Column& col = table.Get(c.name);
  std::vector<int> out(table.rows, -1);
  for (std::size_t r = 0; r < table.rows; ++r) {
    if (col.Missing(r)) continue;
    const std::string label = c.numeric ? NumberText(col.numbers[r]) : col.labels[r];
    const auto it = std::find(c.categories.begin(), c.categories.end(), label);
    if (it != c.categories.end()) out[r] = static_cast<int>(it - c.categories.begin());
  }
  return out;
}

std::vector<float> TableEncoding::Encode(const credit::Table& table, std::mt19937_64& rng) const {
  std::vector<float> x(table.rows * width_, 0.0F);
  for (std::size_t ci = 0; ci < columns_.size(); ++ci) {
    const EncodedColumn& c = columns_[ci];
    const credit::Column& col = table.Get(c.name);
    if (c.discrete) {
      const std::vector<int> cats = Categories(table, ci);
      const Span& s = spans_[column_spans_[ci][0]];
      for (std::size_t r = 0; r < table.rows; ++r)
        if (cats[r] >= 0) x[r * width_ + s.start + static_cast<std::size_t>(cats[r])] = 1.0F;
      continue;
    }
    const Span& alpha = spans_[column_spans_[ci][0]];
    const Span& modes = spans_[column_spans_[ci][1]];
    std::vector<double> posterior(c.weights.size());
    for (std::size_t r = 0; r < table.rows; ++r) {
      const double v = col.numbers[r];
      if (std::isnan(v)) continue;  // all zeros: the generator learns missing as no mode
      for (std::size_t j = 0; j < c.weights.size(); ++j) {
        const double z = (v - c.means[j]) / c.sds[j];
        posterior[j] = c.weights[j] * std::exp(-0.5 * z * z) / c.sds[j] + 1e-300;
      }
      std::discrete_distribution<std::size_t> pick(posterior.begin(), posterior.end());
      const std::size_t j = pick(rng);
      x[r * width_ + alpha.start] =
          static_cast<float>(std::clamp((v - c.means[j]) / (4 * c.sds[j]), -0.99, 0.99));
      x[r * width_ + modes.start + j] = 1.0F;
    }
  }
  return x;
}

credit::Table TableEncoding::Decode(const std::vector<float>& x, std::size_t rows,
                                    std::mt19937_64& rng) const {
  credit::Table t;
  t.source = "synthetic";
  t.rows = rows;
  for (std::size_t ci = 0; ci < columns_.size(); ++ci) {
    const EncodedColumn& c = columns_[ci];
    credit::Column col;
    col.name = c.name;
    col.kind = c.numeric ? credit::ColumnKind::kNumeric : credit::ColumnKind::kCategorical;
    std::bernoulli_distribution missing(c.missing);
    const auto argmax = [&](const Span& s, std::size_t r) {
      const float* p = &x[r * width_ + s.start];
      return static_cast<std::size_t>(std::max_element(p, p + s.width) - p);
    };
    for (std::size_t r = 0; r < rows; ++r) {
      const bool absent = c.missing > 0 && missing(rng);
      if (c.discrete) {
        const std::string& label = c.categories[argmax(spans_[column_spans_[ci][0]], r)];
        if (c.numeric)
          col.numbers.push_back(absent ? std::nan("") : std::stod(label));
        else
          col.labels.push_back(absent ? std::string() : label);
        continue;
      }
      const double a = std::clamp(
          static_cast<double>(x[r * width_ + spans_[column_spans_[ci][0]].start]), -1.0, 1.0);
      const std::size_t j = argmax(spans_[column_spans_[ci][1]], r);
      col.numbers.push_back(absent ? std::nan("") : c.means[j] + 4 * c.sds[j] * a);
    }
    t.columns.push_back(std::move(col));
  }
  return t;
}

nlohmann::json TableEncoding::ToJson() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : columns_)
    cols.push_back({{"name", c.name},
                    {"discrete", c.discrete},
                    {"numeric", c.numeric},
                    {"categories", c.categories},
                    {"category_counts", c.category_counts},
                    {"weights", c.weights},
                    {"means", c.means},
                    {"sds", c.sds},
                    {"missing", c.missing}});
  return cols;
}

TableEncoding TableEncoding::FromJson(const nlohmann::json& j, const std::string& where) {
  TableEncoding e;
  try {
    for (const auto& c : j) {
      EncodedColumn col;
      col.name = c.at("name").get<std::string>();
      col.discrete = c.at("discrete").get<bool>();
      col.numeric = c.at("numeric").get<bool>();
      col.categories = c.at("categories").get<std::vector<std::string>>();
      col.category_counts = c.at("category_counts").get<std::vector<double>>();
      col.weights = c.at("weights").get<std::vector<double>>();
      col.means = c.at("means").get<std::vector<double>>();
      col.sds = c.at("sds").get<std::vector<double>>();
      col.missing = c.at("missing").get<double>();
      const bool ok =
          col.discrete
              ? !col.categories.empty() && col.category_counts.size() == col.categories.size()
              : !col.weights.empty() && col.means.size() == col.weights.size() &&
                    col.sds.size() == col.weights.size() &&
                    std::all_of(col.sds.begin(), col.sds.end(),
                                [](double s) { return s > 0 && std::isfinite(s); });
      FINML_REQUIRE(ok && col.missing >= 0 && col.missing <= 1,
                    "{}: column '{}' is damaged (fix: train the model again)", where, col.name);
      if (col.discrete && col.numeric)
        for (const auto& label : col.categories) {
          char* end = nullptr;
          std::strtod(label.c_str(), &end);
          FINML_REQUIRE(end && *end == '\0' && !label.empty(),
                        "{}: column '{}' has a non-number category '{}'", where, col.name, label);
        }
      e.columns_.push_back(std::move(col));
    }
  } catch (const nlohmann::json::exception& ex) {
    throw InvalidInput(fmt::format("{}: the table encoding is incomplete ({})", where, ex.what()));
  }
  FINML_REQUIRE(!e.columns_.empty(), "{}: the table encoding has no columns", where);
  e.Layout();
  return e;
}

}  // namespace finml::synth
