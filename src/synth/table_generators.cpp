#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/risk/garch.hpp"
#include "finml/synth/table.hpp"

namespace finml::synth {
namespace {

double NormalQuantile(double p) {
  return risk::InnovationQuantile(risk::Innovations::kNormal, p, 0);
}
double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// One column's empirical distribution: sorted observed numbers, or categories with their shares.
struct ColumnModel {
  std::string name;
  bool numeric = true, integral = true;
  double missing = 0;          // share of missing cells, drawn independently
  std::vector<double> sorted;  // numeric
  std::vector<std::string> categories;
  std::vector<double> upper;  // categorical: cumulative share up to and including each

  static ColumnModel Fit(const credit::Column& c, std::size_t rows) {
    ColumnModel m;
    m.name = c.name;
    m.numeric = c.kind == credit::ColumnKind::kNumeric;
    std::size_t missing = 0;
    if (m.numeric) {
      for (const double v : c.numbers) {
        if (std::isnan(v)) {
          ++missing;
          continue;
        }
        m.sorted.push_back(v);
        m.integral = m.integral && v == std::round(v);
      }
      std::sort(m.sorted.begin(), m.sorted.end());
    } else {
      std::map<std::string, std::size_t> counts;
      for (const auto& l : c.labels) {
        if (l.empty())
          ++missing;
        else
          ++counts[l];
      }
      std::vector<std::pair<std::string, std::size_t>> order(counts.begin(), counts.end());
      std::stable_sort(order.begin(), order.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      double total = 0;
      for (const auto& [label, count] : order) total += static_cast<double>(count);
      double running = 0;
      for (const auto& [label, count] : order) {
        running += static_cast<double>(count) / total;
        m.categories.push_back(label);
        m.upper.push_back(running);
      }
      if (!m.upper.empty()) m.upper.back() = 1.0;
    }
    FINML_REQUIRE(m.numeric ? !m.sorted.empty() : !m.categories.empty(),
                  "column '{}' has no values to learn from (fix: drop it)", c.name);
    m.missing = static_cast<double>(missing) / static_cast<double>(rows);
    return m;
  }

  // The value at uniform `u` in (0, 1): interpolated quantile (rounded for whole-number columns),
  // or the category whose share interval holds u.
  double Number(double u) const {
    const double at = std::clamp(u, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(at));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double v = sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
    return integral ? std::round(v) : v;
  }
  const std::string& Category(double u) const {
    const auto it = std::upper_bound(upper.begin(), upper.end(), u);
    return categories[std::min<std::size_t>(static_cast<std::size_t>(it - upper.begin()),
                                            categories.size() - 1)];
  }
  // A uniform score of an observed cell: the mid-rank of a number, or a random point in a
  // category's interval (ties broken at random keep the score uniform).
  double Score(const credit::Column& c, std::size_t row, std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> unit(0, 1);
    if (numeric) {
      const double v = c.numbers[row];
      if (std::isnan(v)) return unit(rng);
      const auto lo = std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin();
      const auto hi = std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin();
      const double n = static_cast<double>(sorted.size());
      return (static_cast<double>(lo) + unit(rng) * static_cast<double>(hi - lo)) / n;
    }
    const std::string& l = c.labels[row];
    if (l.empty()) return unit(rng);
    const auto i = static_cast<std::size_t>(std::find(categories.begin(), categories.end(), l) -
                                            categories.begin());
    const double below = i == 0 ? 0.0 : upper[i - 1];
    return below + unit(rng) * (upper[i] - below);
  }

  nlohmann::json ToJson() const {
    nlohmann::json j = {{"name", name}, {"numeric", numeric}, {"missing", missing}};
    if (numeric) {
      j["integral"] = integral;
      j["values"] = sorted;
    } else {
      j["categories"] = categories;
      j["upper"] = upper;
    }
    return j;
  }
  static ColumnModel FromJson(const nlohmann::json& j, const std::string& where) {
    ColumnModel m;
    try {
      m.name = j.at("name").get<std::string>();
      m.numeric = j.at("numeric").get<bool>();
      m.missing = j.at("missing").get<double>();
      if (m.numeric) {
        m.integral = j.at("integral").get<bool>();
        m.sorted = j.at("values").get<std::vector<double>>();
      } else {
        m.categories = j.at("categories").get<std::vector<std::string>>();
        m.upper = j.at("upper").get<std::vector<double>>();
      }
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(fmt::format("{}: a column is incomplete ({})", where, e.what()));
    }
    const bool ok =
        m.missing >= 0 && m.missing <= 1 &&
        (m.numeric ? !m.sorted.empty() && std::is_sorted(m.sorted.begin(), m.sorted.end()) &&
                         std::all_of(m.sorted.begin(), m.sorted.end(),
                                     [](double v) { return std::isfinite(v); })
                   : !m.categories.empty() && m.upper.size() == m.categories.size() &&
                         std::is_sorted(m.upper.begin(), m.upper.end()) && m.upper.back() == 1.0);
    FINML_REQUIRE(ok, "{}: column '{}' is damaged (fix: train the model again)", where, m.name);
    return m;
  }
};

credit::Table EmptyLike(const std::vector<ColumnModel>& models, std::size_t n) {
  credit::Table t;
  t.source = "synthetic";
  t.rows = n;
  for (const auto& m : models) {
    credit::Column c;
    c.name = m.name;
    c.kind = m.numeric ? credit::ColumnKind::kNumeric : credit::ColumnKind::kCategorical;
    if (m.numeric)
      c.numbers.assign(n, 0.0);
    else
      c.labels.assign(n, "");
    t.columns.push_back(std::move(c));
  }
  return t;
}

void Put(credit::Table& t, const std::vector<ColumnModel>& models, std::size_t row, std::size_t col,
         double u, std::mt19937_64& rng) {
  const ColumnModel& m = models[col];
  std::bernoulli_distribution missing(m.missing);
  const bool absent = m.missing > 0 && missing(rng);
  if (m.numeric)
    t.columns[col].numbers[row] = absent ? std::nan("") : m.Number(u);
  else
    t.columns[col].labels[row] = absent ? std::string() : m.Category(u);
}

std::vector<ColumnModel> LoadColumns(const nlohmann::json& state, const std::string& where) {
  FINML_REQUIRE(
      state.contains("columns") && state["columns"].is_array() && !state["columns"].empty(),
      "{}: no columns (fix: train the model again)", where);
  std::vector<ColumnModel> models;
  for (const auto& c : state["columns"]) models.push_back(ColumnModel::FromJson(c, where));
  return models;
}

nlohmann::json ColumnsJson(const std::vector<ColumnModel>& models) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : models) j.push_back(m.ToJson());
  return j;
}

class MarginalsGenerator final : public TableGenerator {
 public:
  void Fit(const credit::Table& train, std::mt19937_64& /*rng*/, bool /*progress*/) override {
    models_.clear();
    for (const auto& c : train.columns) models_.push_back(ColumnModel::Fit(c, train.rows));
  }
  credit::Table Sample(std::size_t n, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    credit::Table t = EmptyLike(models_, n);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t c = 0; c < models_.size(); ++c) Put(t, models_, r, c, unit(rng), rng);
    return t;
  }
  nlohmann::json State() const override { return {{"columns", ColumnsJson(models_)}}; }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    models_ = LoadColumns(state, dir + "/model.json");
  }

 private:
  std::vector<ColumnModel> models_;
};

// The copula's latent columns: one per numeric column, one per category of a categorical column
// (its indicator), so any association of a category with the rest is kept; ranking the categories
// on one axis would force a monotone order on them that the data need not have.
struct Latent {
  std::size_t column = 0;
  std::size_t category = 0;  // categorical columns: which indicator
};

class CopulaGenerator final : public TableGenerator {
 public:
  void Fit(const credit::Table& train, std::mt19937_64& rng, bool /*progress*/) override {
    models_.clear();
    for (const auto& c : train.columns) models_.push_back(ColumnModel::Fit(c, train.rows));
    const std::vector<Latent> latents = Latents();
    const auto p = static_cast<Eigen::Index>(latents.size());
    Eigen::MatrixXd z(static_cast<Eigen::Index>(train.rows), p);
    std::uniform_real_distribution<double> unit(0, 1);
    for (Eigen::Index l = 0; l < p; ++l) {
      const Latent& at = latents[static_cast<std::size_t>(l)];
      const ColumnModel& m = models_[at.column];
      const credit::Column& c = train.columns[at.column];
      for (std::size_t r = 0; r < train.rows; ++r) {
        double u = 0;
        if (m.numeric) {
          u = m.Score(c, r, rng);
        } else {
          // Indicator of a category with share q: 1 scores in (1 - q, 1), 0 in (0, 1 - q).
          const double q = Share(m, at.category), cut = 1 - q;
          const std::string& label = c.labels[r];
          u = label.empty()
                  ? unit(rng)
                  : (label == m.categories[at.category] ? cut + unit(rng) * q : unit(rng) * cut);
        }
        z(static_cast<Eigen::Index>(r), l) = NormalQuantile(std::clamp(u, 1e-6, 1 - 1e-6));
      }
    }
    Eigen::MatrixXd centred = z.rowwise() - z.colwise().mean();
    Eigen::MatrixXd cov =
        centred.transpose() * centred / std::max<double>(1.0, static_cast<double>(train.rows) - 1);
    const Eigen::VectorXd sd = cov.diagonal().cwiseSqrt();
    correlation_ = cov.cwiseQuotient(sd * sd.transpose());
    // A little shrinkage keeps the matrix positive definite when columns are collinear (one-hot
    // groups sum to one).
    correlation_ = 0.99 * correlation_ + 0.01 * Eigen::MatrixXd::Identity(p, p);
  }
  credit::Table Sample(std::size_t n, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    const std::vector<Latent> latents = Latents();
    const Eigen::MatrixXd l = correlation_.llt().matrixL();
    credit::Table t = EmptyLike(models_, n);
    Eigen::VectorXd e(correlation_.rows());
    for (std::size_t r = 0; r < n; ++r) {
      for (Eigen::Index i = 0; i < e.size(); ++i) e(i) = normal(rng);
      const Eigen::VectorXd z = l * e;
      // Categorical columns take the category whose indicator clears its cut by the most.
      std::vector<double> best(models_.size(), -INFINITY);
      std::vector<std::size_t> chosen(models_.size(), 0);
      for (std::size_t i = 0; i < latents.size(); ++i) {
        const Latent& at = latents[i];
        const ColumnModel& m = models_[at.column];
        const double u = NormalCdf(z(static_cast<Eigen::Index>(i)));
        if (m.numeric) {
          Put(t, models_, r, at.column, u, rng);
          continue;
        }
        const double margin = u - (1 - Share(m, at.category));
        if (margin > best[at.column]) {
          best[at.column] = margin;
          chosen[at.column] = at.category;
        }
      }
      for (std::size_t c = 0; c < models_.size(); ++c) {
        const ColumnModel& m = models_[c];
        if (m.numeric) continue;
        std::bernoulli_distribution missing(m.missing);
        t.columns[c].labels[r] =
            m.missing > 0 && missing(rng) ? std::string() : m.categories[chosen[c]];
      }
    }
    return t;
  }
  nlohmann::json State() const override {
    std::vector<double> flat(correlation_.data(), correlation_.data() + correlation_.size());
    return {{"columns", ColumnsJson(models_)}, {"correlation", flat}};
  }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    const std::string where = dir + "/model.json";
    models_ = LoadColumns(state, where);
    std::vector<double> flat;
    try {
      flat = state.at("correlation").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(
          fmt::format("{}: the copula's correlation is missing ({})", where, e.what()));
    }
    const std::size_t p = Latents().size();
    FINML_REQUIRE(flat.size() == p * p,
                  "{}: the correlation matrix has {} entries for {} latent columns (fix: train the "
                  "model again)",
                  where, flat.size(), p);
    const auto side = static_cast<Eigen::Index>(p);
    correlation_ = Eigen::Map<const Eigen::MatrixXd>(flat.data(), side, side);
    FINML_REQUIRE(correlation_.allFinite() && correlation_.isApprox(correlation_.transpose()) &&
                      correlation_.llt().info() == Eigen::Success,
                  "{}: the correlation matrix is not symmetric positive definite (fix: train the "
                  "model again)",
                  where);
  }

 private:
  static double Share(const ColumnModel& m, std::size_t k) {
    return m.upper[k] - (k == 0 ? 0.0 : m.upper[k - 1]);
  }
  std::vector<Latent> Latents() const {
    std::vector<Latent> out;
    for (std::size_t c = 0; c < models_.size(); ++c) {
      if (models_[c].numeric)
        out.push_back({c, 0});
      else
        for (std::size_t k = 0; k < models_[c].categories.size(); ++k) out.push_back({c, k});
    }
    return out;
  }

  std::vector<ColumnModel> models_;
  Eigen::MatrixXd correlation_;
};

}  // namespace

const options::Schema<TableSplit>& TableSplit::Schema() {
  static const auto schema = [] {
    using S = TableSplit;
    options::Schema<S> s;
    s.Add("target", &S::target,
          "tables: the label column (stratifies the hold-out; ML efficacy predicts it)");
    s.Add("positive", &S::positive, "tables: the target's positive class (default: the minority)");
    s.Add("holdout", &S::holdout, "tables: share of the real rows held out from every generator")
        .Above(0)
        .Below(0.9);
    s.Add("split_seed", &S::split_seed, "tables: seed of the hold-out split");
    return s;
  }();
  return schema;
}

credit::Table SelectRows(const credit::Table& table, const std::vector<std::size_t>& rows) {
  credit::Table out;
  out.source = table.source;
  out.rows = rows.size();
  for (const auto& c : table.columns) {
    credit::Column s;
    s.name = c.name;
    s.kind = c.kind;
    for (const auto r : rows) {
      if (c.kind == credit::ColumnKind::kNumeric)
        s.numbers.push_back(c.numbers[r]);
      else
        s.labels.push_back(c.labels[r]);
    }
    out.columns.push_back(std::move(s));
  }
  return out;
}

std::pair<credit::Table, credit::Table> SplitTable(const credit::Table& table,
                                                   const TableSplit& split) {
  FINML_REQUIRE(table.rows >= 20, "{}: {} rows are too few to split (fix: at least 20)",
                table.source, table.rows);
  std::vector<int> strata(table.rows, 0);
  if (!split.target.empty()) strata = credit::ExtractTarget(table, split.target, split.positive).y;
  std::mt19937_64 rng(split.split_seed);
  auto [kept, held] = credit::StratifiedHoldOut(strata, split.holdout, rng);
  return {SelectRows(table, kept), SelectRows(table, held)};
}

std::unique_ptr<TableGenerator> MakeMarginalsGenerator() {
  return std::make_unique<MarginalsGenerator>();
}
std::unique_ptr<TableGenerator> MakeCopulaGenerator() {
  return std::make_unique<CopulaGenerator>();
}

void WriteTable(const credit::Table& table, const std::string& path) {
  std::string out;
  for (std::size_t c = 0; c < table.columns.size(); ++c)
    out += (c ? "," : "") + CsvField(table.columns[c].name);
  out += "\n";
  for (std::size_t r = 0; r < table.rows; ++r) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto& col = table.columns[c];
      if (c) out += ",";
      if (col.kind == credit::ColumnKind::kNumeric) {
        if (!std::isnan(col.numbers[r])) out += fmt::format("{:.10g}", col.numbers[r]);
      } else {
        out += CsvField(col.labels[r]);
      }
    }
    out += "\n";
  }
  WriteFileAtomic(path, out);
}

}  // namespace finml::synth
