// Synthetic tables (credit applications, transactions): generators of rows with the columns of a
// real table, one interface and one registry line each:
//   marginals  every column drawn independently from its own empirical distribution
//   copula     a Gaussian copula: normal scores of each number (by rank) and of each category's
//              indicator, their correlation, and the empirical marginals on the way back (a
//              category: the one whose indicator clears its cut by the most)
// The real table is split once into the rows a generator may learn from and a hold-out that
// judges it (machine-learning efficacy, privacy), stratified by the target when there is one; the
// same settings give the same split in `synth train` and `synth evaluate`.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "finml/core/options.hpp"
#include "finml/credit/table.hpp"

namespace finml::synth {

struct TableSplit {
  std::string target;    // the label column (stratifies the split; ML efficacy predicts it)
  std::string positive;  // its positive class (default: the minority)
  double holdout = 0.3;  // share of the rows held out from every generator
  std::uint64_t split_seed = 42;
  static const options::Schema<TableSplit>& Schema();
};

// (rows a generator learns from, hold-out rows), each ascending.
[[nodiscard]] std::pair<credit::Table, credit::Table> SplitTable(const credit::Table& table,
                                                                 const TableSplit& split);
[[nodiscard]] credit::Table SelectRows(const credit::Table& table,
                                       const std::vector<std::size_t>& rows);

class TableGenerator {
 public:
  virtual ~TableGenerator() = default;
  virtual void Fit(const credit::Table& train, std::mt19937_64& rng, bool progress) = 0;
  // `n` rows with the training table's columns, the same for the same seed.
  [[nodiscard]] virtual credit::Table Sample(std::size_t n, std::uint64_t seed) const = 0;
  [[nodiscard]] virtual nlohmann::json State() const = 0;
  virtual void SaveFiles(const std::string& /*dir*/) const {}
  virtual void Load(const nlohmann::json& state, const std::string& dir) = 0;
  [[nodiscard]] virtual nlohmann::json History() const { return nlohmann::json::array(); }
};

[[nodiscard]] std::unique_ptr<TableGenerator> MakeMarginalsGenerator();
[[nodiscard]] std::unique_ptr<TableGenerator> MakeCopulaGenerator();

// The table as CSV (atomically), numbers with full precision.
void WriteTable(const credit::Table& table, const std::string& path);

}  // namespace finml::synth
