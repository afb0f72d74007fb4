// The baseline of multivariate paths:
//   var   a first-order vector autoregression on the min-max-scaled columns, fitted by least
//         squares (x_t = c + A x_{t-1} + e, e ~ N(0, Sigma)); each path starts from a real row
//         drawn at random and runs forward with Gaussian shocks. What TimeGAN must beat to earn its
//         cost.
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "finml/core/eigen_json.hpp"
#include "finml/core/error.hpp"
#include "finml/synth/generator.hpp"

namespace finml::synth {
namespace {

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
    return {{"columns", columns_},         {"min", MatrixJson(lo_)},
            {"span", MatrixJson(span_)},   {"coefficients", MatrixJson(coefficients_)},
            {"shock", MatrixJson(shock_)}, {"starts", MatrixJson(starts_)}};
  }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    try {
      columns_ = state.at("columns").get<std::vector<std::string>>();
      const auto f = static_cast<Eigen::Index>(columns_.size());
      FINML_REQUIRE(f > 0, "no columns");
      lo_ = MatrixFromJson(state.at("min"), "var min", 1, f);
      span_ = MatrixFromJson(state.at("span"), "var span", 1, f);
      coefficients_ = MatrixFromJson(state.at("coefficients"), "var coefficients", f + 1, f);
      shock_ = MatrixFromJson(state.at("shock"), "var shock", f, f);
      const auto& starts = state.at("starts");
      FINML_REQUIRE(starts.is_array() && !starts.empty(), "no starting rows");
      starts_ = MatrixFromJson(starts, "var starts", static_cast<Eigen::Index>(starts.size()), f);
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
