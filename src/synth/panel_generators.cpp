// The baseline of multivariate paths:
//   var   a first-order vector autoregression on the min-max-scaled columns, fitted by least
//         squares (x_t = c + A x_{t-1} + e, e ~ N(0, Sigma)); each path starts from a real row
//         drawn at random and runs forward with Gaussian shocks. What TimeGAN must beat to earn its
//         cost.
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "finml/core/error.hpp"
#include "finml/synth/generator.hpp"

namespace finml::synth {
namespace {

nlohmann::json Rows(const Eigen::MatrixXd& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    std::vector<double> row(static_cast<std::size_t>(m.cols()));
    for (Eigen::Index c = 0; c < m.cols(); ++c) row[static_cast<std::size_t>(c)] = m(r, c);
    rows.push_back(row);
  }
  return rows;
}

Eigen::MatrixXd FromRows(const nlohmann::json& j, Eigen::Index rows, Eigen::Index cols,
                         const std::string& what) {
  FINML_REQUIRE(j.is_array() && static_cast<Eigen::Index>(j.size()) == rows,
                "the var state's {} should have {} rows", what, rows);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const auto row = j[static_cast<std::size_t>(r)].get<std::vector<double>>();
    FINML_REQUIRE(static_cast<Eigen::Index>(row.size()) == cols,
                  "the var state's {} should have {} columns", what, cols);
    for (Eigen::Index c = 0; c < cols; ++c) m(r, c) = row[static_cast<std::size_t>(c)];
  }
  FINML_REQUIRE(m.allFinite(), "the var state's {} holds a value that is not finite", what);
  return m;
}

class VarGenerator final : public PanelGenerator {
 public:
  explicit VarGenerator(std::size_t window) : window_(window) {}

  void Fit(const Panel& real, std::mt19937_64& /*rng*/, bool /*progress*/) override {
    const auto f = static_cast<Eigen::Index>(real.columns.size());
    const auto steps = static_cast<Eigen::Index>(real.Steps(0));
    FINML_REQUIRE(steps > 2 * (f + 1), "var: {} steps are too few to fit {} columns", steps, f);
    columns_ = real.columns;
    const PanelRange range = RangeOf(real);
    lo_ = Eigen::Map<const Eigen::RowVectorXd>(range.lo.data(), f);
    span_ = Eigen::Map<const Eigen::RowVectorXd>(range.hi.data(), f) - lo_;
    span_ = span_.array().max(1e-12);
    Eigen::MatrixXd x(steps, f);
    for (Eigen::Index t = 0; t < steps; ++t)
      for (Eigen::Index j = 0; j < f; ++j)
        x(t, j) = (real.paths[0][static_cast<std::size_t>(t * f + j)] - lo_[j]) / span_[j];
    // [1, x_{t-1}] -> x_t by least squares.
    Eigen::MatrixXd design(steps - 1, f + 1);
    design.col(0).setOnes();
    design.rightCols(f) = x.topRows(steps - 1);
    const Eigen::MatrixXd target = x.bottomRows(steps - 1);
    coefficients_ = design.colPivHouseholderQr().solve(target);  // (f + 1) x f
    const Eigen::MatrixXd residual = target - design * coefficients_;
    const Eigen::MatrixXd sigma = residual.transpose() * residual / static_cast<double>(steps - 1);
    shock_ = sigma.llt().matrixL();
    starts_ = x;
  }

  Panel Sample(std::size_t n, std::size_t length, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> z(0, 1);
    std::uniform_int_distribution<Eigen::Index> start(0, starts_.rows() - 1);
    const Eigen::Index f = starts_.cols();
    Panel panel;
    panel.columns = columns_;
    panel.paths.resize(n);
    for (auto& path : panel.paths) {
      Eigen::RowVectorXd state = starts_.row(start(rng));
      for (std::size_t t = 0; t < length; ++t) {
        if (t > 0) {
          Eigen::VectorXd e(f);
          for (Eigen::Index j = 0; j < f; ++j) e[j] = z(rng);
          state =
              coefficients_.row(0) + state * coefficients_.bottomRows(f) + (shock_ * e).transpose();
        }
        for (Eigen::Index j = 0; j < f; ++j) path.push_back(state[j] * span_[j] + lo_[j]);
      }
    }
    return panel;
  }

  std::size_t Window() const override { return window_; }

  nlohmann::json State() const override {
    return {{"columns", columns_},   {"min", Rows(lo_)},
            {"span", Rows(span_)},   {"coefficients", Rows(coefficients_)},
            {"shock", Rows(shock_)}, {"starts", Rows(starts_)}};
  }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    try {
      columns_ = state.at("columns").get<std::vector<std::string>>();
      const auto f = static_cast<Eigen::Index>(columns_.size());
      FINML_REQUIRE(f > 0, "no columns");
      lo_ = FromRows(state.at("min"), 1, f, "min");
      span_ = FromRows(state.at("span"), 1, f, "span");
      coefficients_ = FromRows(state.at("coefficients"), f + 1, f, "coefficients");
      shock_ = FromRows(state.at("shock"), f, f, "shock");
      const auto& starts = state.at("starts");
      FINML_REQUIRE(starts.is_array() && !starts.empty(), "no starting rows");
      starts_ = FromRows(starts, static_cast<Eigen::Index>(starts.size()), f, "starts");
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(
          fmt::format("{}/model.json: the var state is incomplete ({})", dir, e.what()));
    } catch (const InvalidInput& e) {
      throw InvalidInput(fmt::format("{}/model.json: {}", dir, e.what()));
    }
  }

 private:
  std::size_t window_;
  std::vector<std::string> columns_;
  Eigen::RowVectorXd lo_, span_;
  Eigen::MatrixXd coefficients_, shock_, starts_;
};

}  // namespace

std::unique_ptr<PanelGenerator> MakeVarGenerator(std::size_t window) {
  return std::make_unique<VarGenerator>(window);
}

}  // namespace finml::synth
