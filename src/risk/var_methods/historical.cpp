// historical: the empirical quantile of the window (linear interpolation, R type 7) and the mean
// beyond it.
#include "methods.hpp"

namespace finml::risk::var_methods {
namespace {

class Historical final : public VarEngine {
 public:
  void Fit(const std::vector<double>& window, std::size_t) override {
    RequireWindow(window, 20);
    window_ = window;
  }
  VarEstimate Estimate(double level, std::size_t horizon) override {
    return Scaled(EmpiricalTail(window_, level), horizon);
  }

 private:
  std::vector<double> window_;
};

}  // namespace

std::unique_ptr<VarEngine> MakeHistorical() { return std::make_unique<Historical>(); }

}  // namespace finml::risk::var_methods
