// The parametric methods on the window's moments: normal (mean and standard deviation),
// cornish_fisher (the normal quantile adjusted for skewness and excess kurtosis) and student_t
// (a location-scale t fitted by maximum likelihood, each day's fit starting from the last).
#include <optional>

#include "methods.hpp"

namespace finml::risk::var_methods {
namespace {

// Both read the window's first four moments.
class MomentBased : public VarEngine {
 public:
  void Fit(const std::vector<double>& window, std::size_t) override {
    RequireWindow(window, 20);
    m_ = ComputeMoments(window);
  }

 protected:
  Moments m_;
};

class Normal final : public MomentBased {
 public:
  VarEstimate Estimate(double level, std::size_t horizon) override {
    return Scaled(NormalVar(m_.mean, m_.sd, level), horizon);
  }
};

class CornishFisher final : public MomentBased {
 public:
  VarEstimate Estimate(double level, std::size_t horizon) override {
    return Scaled(CornishFisherVar(m_.mean, m_.sd, m_.skew, m_.excess_kurtosis, level), horizon);
  }
};

class StudentT final : public VarEngine {
 public:
  void Fit(const std::vector<double>& window, std::size_t) override {
    RequireWindow(window, 20);
    // Yesterday's fit starts today's: the windows overlap.
    fit_ = FitStudentT(window, fit_ ? &*fit_ : nullptr);
  }
  VarEstimate Estimate(double level, std::size_t horizon) override {
    return Scaled(StudentTVar(fit_->mu, fit_->scale, fit_->nu, level), horizon);
  }

 private:
  std::optional<StudentTFit> fit_;
};

}  // namespace

std::unique_ptr<VarEngine> MakeNormal() { return std::make_unique<Normal>(); }
std::unique_ptr<VarEngine> MakeCornishFisher() { return std::make_unique<CornishFisher>(); }
std::unique_ptr<VarEngine> MakeStudentT() { return std::make_unique<StudentT>(); }

}  // namespace finml::risk::var_methods
