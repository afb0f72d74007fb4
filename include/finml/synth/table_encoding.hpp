// CTGAN's data transformer (Xu et al. 2019): a table row as a vector a network can produce.
//   continuous  mode-specific normalisation: a Gaussian mixture (EM, up to `max_modes`, modes
//               under 0.5% weight dropped) per column; a value becomes its mode (one-hot, sampled
//               from the posterior) and alpha = (x - mu_mode) / (4 sigma_mode) in [-1, 1]
//   discrete    one-hot over the categories; numeric columns of whole numbers with at most
//               `discrete_limit` distinct values (0/1 flags, ratings) count as discrete
// and the way back. The spans say which slice of the vector is what, for the generator's
// activations (tanh for alpha, softmax for one-hots) and the conditional vector.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <random>
#include <string>
#include <vector>

#include "finml/credit/table.hpp"

namespace finml::synth {

struct Span {
  std::size_t start = 0, width = 0;
  bool softmax = false;  // one-hot (mode or category) rather than a tanh scalar
};

struct EncodedColumn {
  std::string name;
  bool discrete = false;
  bool numeric = true;                  // as written: numbers (discrete ones too) or labels
  std::vector<std::string> categories;  // discrete: labels (numbers as text)
  std::vector<double> category_counts;
  std::vector<double> weights, means, sds;  // continuous: the mixture
  double missing = 0;                       // share of missing cells
};

class TableEncoding {
 public:
  [[nodiscard]] static TableEncoding Fit(const credit::Table& table, std::size_t max_modes,
                                         std::size_t discrete_limit, std::uint64_t seed);
  // Rows x width, row-major; modes are drawn from each value's posterior with `rng`.
  [[nodiscard]] std::vector<float> Encode(const credit::Table& table, std::mt19937_64& rng) const;
  // From a vector per row (softmax parts: the largest entry wins).
  [[nodiscard]] credit::Table Decode(const std::vector<float>& x, std::size_t rows,
                                     std::mt19937_64& rng) const;

  [[nodiscard]] std::size_t width() const { return width_; }
  [[nodiscard]] const std::vector<Span>& spans() const { return spans_; }
  [[nodiscard]] const std::vector<EncodedColumn>& columns() const { return columns_; }
  // Per column, its spans: continuous (alpha, modes), discrete (one-hot).
  [[nodiscard]] const std::vector<std::vector<std::size_t>>& column_spans() const {
    return column_spans_;
  }
  // The category index of every row of a discrete column (-1 missing).
  [[nodiscard]] std::vector<int> Categories(const credit::Table& table, std::size_t column) const;

  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] static TableEncoding FromJson(const nlohmann::json& j, const std::string& where);

 private:
  void Layout();
  std::vector<EncodedColumn> columns_;
  std::vector<Span> spans_;
  std::vector<std::vector<std::size_t>> column_spans_;
  std::size_t width_ = 0;
};

}  // namespace finml::synth
