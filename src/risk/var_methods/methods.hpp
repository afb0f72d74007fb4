// The VaR engines behind the registry, one file each, and the pieces they share.
#pragma once

#include <memory>
#include <vector>

#include "finml/risk/garch.hpp"
#include "finml/risk/var.hpp"

namespace finml::risk::var_methods {

std::unique_ptr<VarEngine> MakeHistorical();
std::unique_ptr<VarEngine> MakeNormal();
std::unique_ptr<VarEngine> MakeStudentT();
std::unique_ptr<VarEngine> MakeCornishFisher();
std::unique_ptr<VarEngine> MakeMonteCarlo(const VarOptions& options, std::size_t refit_every);
std::unique_ptr<VarEngine> MakeFilteredHistorical(const VarOptions& options,
                                                  std::size_t refit_every);
std::unique_ptr<VarEngine> MakeEwma(const VarOptions& options);
std::unique_ptr<VarEngine> MakeGarchNormal(std::size_t refit_every);

struct Moments {
  double mean = 0, sd = 0, skew = 0, excess_kurtosis = 0;
};
[[nodiscard]] Moments ComputeMoments(const std::vector<double>& x);

// Finite, not constant, and at least `min_size` long.
void RequireWindow(const std::vector<double>& window, std::size_t min_size);

// Tail of a sample: VaR at the (1 - level) quantile and the mean of the values at or below it.
[[nodiscard]] VarEstimate EmpiricalTail(const std::vector<double>& values, double level);
// Square-root-of-time scaling of a 1-day figure.
[[nodiscard]] VarEstimate Scaled(VarEstimate e, std::size_t horizon);

// A GARCH(1,1) fitted to a window, and its variance filtered forward one return at a time; the
// base of the garch, monte_carlo and fhs engines. Refits every `refit_every` Fit calls.
class GarchFilter {
 public:
  GarchFilter(Innovations innovations, std::size_t refit_every)
      : innovations_(innovations), refit_every_(refit_every) {}
  // Refits (on a window of at least 100 returns) on the first call and every refit_every-th;
  // true when this call refitted.
  bool Fit(const std::vector<double>& window);
  void Update(double r);
  [[nodiscard]] const GarchFit& fit() const { return *fit_; }
  [[nodiscard]] double next_variance() const { return s2_; }

 private:
  Innovations innovations_;
  std::size_t refit_every_;
  std::size_t calls_ = 0;
  std::unique_ptr<GarchFit> fit_;
  double s2_ = 0;
};

// h-day summed-return outcomes of a fitted GARCH(1,1)-t, simulated (monte_carlo).
[[nodiscard]] std::vector<double> GarchTOutcomes(const GarchFit& fit, double next_s2,
                                                 std::size_t horizon, std::size_t paths,
                                                 std::uint64_t seed);
// h-day outcomes from bootstrapped standardised residuals (fhs).
[[nodiscard]] std::vector<double> FilteredOutcomes(const GarchFit& fit, double next_s2,
                                                   std::size_t horizon, std::size_t paths,
                                                   std::uint64_t seed);

}  // namespace finml::risk::var_methods
