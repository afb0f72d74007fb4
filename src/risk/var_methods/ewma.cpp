// ewma: RiskMetrics. The variance is seeded with the first window's mean square, runs the
// recursion through that window, then follows every later return (not only the window's): zero
// mean, normal quantile.
#include <cmath>

#include "methods.hpp"

namespace finml::risk::var_methods {
namespace {

class Ewma final : public VarEngine {
 public:
  explicit Ewma(double lambda) : lambda_(lambda) {}
  void Fit(const std::vector<double>& window, std::size_t) override {
    if (seeded_) return;
    RequireWindow(window, 20);
    s2_ = 0;
    for (double v : window) s2_ += v * v;
    s2_ /= static_cast<double>(window.size());
    for (double v : window) Update(v);
    seeded_ = true;
  }
  void Update(double r) override { s2_ = lambda_ * s2_ + (1 - lambda_) * r * r; }
  VarEstimate Estimate(double level, std::size_t horizon) override {
    return Scaled(NormalVar(0.0, std::sqrt(s2_), level), horizon);
  }

 private:
  double lambda_;
  bool seeded_ = false;
  double s2_ = 0;
};

}  // namespace

std::unique_ptr<VarEngine> MakeEwma(const VarOptions& options) {
  return std::make_unique<Ewma>(options.ewma_lambda);
}

}  // namespace finml::risk::var_methods
