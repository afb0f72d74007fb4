#include "train/deep/eigen_linear.hpp"

#include <dlfcn.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace finml::train::deep {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Dense = Eigen::Map<RowMatrix<T>>;
template <typename T>
using ConstDense = Eigen::Map<const RowMatrix<T>>;
template <typename T>
using RowVector = Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>>;

template <typename T>
void Forward(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b,
             torch::Tensor& y) {
  const auto batch = x.size(0), in = x.size(1), out = w.size(0);
  Dense<T> result(y.data_ptr<T>(), batch, out);
  result.noalias() = ConstDense<T>(x.data_ptr<T>(), batch, in) *
                     ConstDense<T>(w.data_ptr<T>(), out, in).transpose();
  result.rowwise() += RowVector<T>(b.data_ptr<T>(), out);
}

template <typename T>
void Backward(const torch::Tensor& g, const torch::Tensor& x, const torch::Tensor& w,
              torch::Tensor& gx, torch::Tensor& gw, torch::Tensor& gb) {
  const auto batch = x.size(0), in = x.size(1), out = w.size(0);
  ConstDense<T> grad(g.data_ptr<T>(), batch, out);
  if (gx.defined())
    Dense<T>(gx.data_ptr<T>(), batch, in).noalias() =
        grad * ConstDense<T>(w.data_ptr<T>(), out, in);
  Dense<T>(gw.data_ptr<T>(), out, in).noalias() =
      grad.transpose() * ConstDense<T>(x.data_ptr<T>(), batch, in);
  RowVector<T>(gb.data_ptr<T>(), out) = grad.colwise().sum();
}

class EigenLinearFunction : public torch::autograd::Function<EigenLinearFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& w_in, const torch::Tensor& b_in) {
    const torch::Tensor x = x_in.contiguous(), w = w_in.contiguous(), b = b_in.contiguous();
    ctx->save_for_backward({x, w});
    torch::Tensor y = torch::empty({x.size(0), w.size(0)}, x.options());
    if (x.scalar_type() == torch::kDouble) {
      Forward<double>(x, w, b, y);
    } else {
      Forward<float>(x, w, b, y);
    }
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& w = saved[1];
    const torch::Tensor g = grads[0].contiguous();
    // The input's gradient only where something upstream wants it (not for observations).
    torch::Tensor gx = ctx->needs_input_grad(0) ? torch::empty_like(x) : torch::Tensor();
    torch::Tensor gw = torch::empty_like(w), gb = torch::empty({w.size(0)}, w.options());
    if (x.scalar_type() == torch::kDouble) {
      Backward<double>(g, x, w, gx, gw, gb);
    } else {
      Backward<float>(g, x, w, gx, gw, gb);
    }
    return {gx, gw, gb};
  }
};

// Products of (batch, m, k) by (batch, k, n) float tensors, each pair mapped in place; `ta` and
// `tb` transpose the operands.
void BatchedProduct(const torch::Tensor& a, bool ta, const torch::Tensor& b, bool tb,
                    torch::Tensor& c) {
  const auto batch = a.size(0);
  const auto ar = a.size(1), ac = a.size(2), br = b.size(1), bc = b.size(2);
  const auto m = c.size(1), n = c.size(2);
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* pc = c.data_ptr<float>();
  for (std::int64_t i = 0; i < batch; ++i) {
    ConstDense<float> x(pa + i * ar * ac, ar, ac), y(pb + i * br * bc, br, bc);
    Dense<float> z(pc + i * m * n, m, n);
    if (ta && tb) {
      z.noalias() = x.transpose() * y.transpose();
    } else if (ta) {
      z.noalias() = x.transpose() * y;
    } else if (tb) {
      z.noalias() = x * y.transpose();
    } else {
      z.noalias() = x * y;
    }
  }
}

class EigenBatchedMatmulFunction : public torch::autograd::Function<EigenBatchedMatmulFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a_in,
                               const torch::Tensor& b_in) {
    const torch::Tensor a = a_in.contiguous(), b = b_in.contiguous();
    ctx->save_for_backward({a, b});
    torch::Tensor c = torch::empty({a.size(0), a.size(1), b.size(2)}, a.options());
    BatchedProduct(a, false, b, false, c);
    return c;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& a = saved[0];
    const torch::Tensor& b = saved[1];
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor ga, gb;
    if (ctx->needs_input_grad(0)) {
      ga = torch::empty_like(a);
      BatchedProduct(g, false, b, true, ga);  // g b^T
    }
    if (ctx->needs_input_grad(1)) {
      gb = torch::empty_like(b);
      BatchedProduct(a, true, g, false, gb);  // a^T g
    }
    return {ga, gb};
  }
};

}  // namespace

torch::Tensor EigenBatchedMatmul(const torch::Tensor& a, const torch::Tensor& b) {
  const bool eigen = a.dim() == 3 && b.dim() == 3 && a.size(0) == b.size(0) &&
                     a.size(2) == b.size(1) && a.device().is_cpu() && b.device().is_cpu() &&
                     a.scalar_type() == torch::kFloat && b.scalar_type() == torch::kFloat &&
                     a.size(0) > 0;
  if (!eigen) return torch::matmul(a, b);
  return EigenBatchedMatmulFunction::apply(a, b);
}

torch::Tensor EigenLinear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  if (x.dim() > 2) {
    auto sizes = x.sizes().vec();
    sizes.back() = w.size(0);
    return EigenLinear(x.reshape({-1, x.size(-1)}), w, b).view(sizes);
  }
  const bool eigen = x.dim() == 2 && x.device().is_cpu() && x.scalar_type() == w.scalar_type() &&
                     x.scalar_type() == b.scalar_type() &&
                     (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble) &&
                     x.size(0) > 0;
  if (!eigen) return torch::nn::functional::linear(x, w, b);
  return EigenLinearFunction::apply(x, w, b);
}

bool OptimizedBlasLoaded() {
  static const bool optimized = [] {
    // A bench's switch, to time one kernel against the other in the same process setup.
    if (const char* forced = std::getenv("FINML_LINEAR_PRODUCTS")) {
      if (std::strcmp(forced, "eigen") == 0) return false;
      if (std::strcmp(forced, "blas") == 0) return true;
    }
    return dlsym(RTLD_DEFAULT, "openblas_get_config") != nullptr ||
           dlsym(RTLD_DEFAULT, "mkl_get_max_threads") != nullptr;
  }();
  return optimized;
}

torch::Tensor BestLinear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return OptimizedBlasLoaded() ? torch::nn::functional::linear(x, w, b) : EigenLinear(x, w, b);
}

torch::Tensor BestBatchedMatmul(const torch::Tensor& a, const torch::Tensor& b) {
  return OptimizedBlasLoaded() ? torch::matmul(a, b) : EigenBatchedMatmul(a, b);
}

FastLinearImpl::FastLinearImpl(std::int64_t in, std::int64_t out) {
  weight = register_parameter("weight", torch::empty({out, in}));
  bias = register_parameter("bias", torch::empty({out}));
  // torch::nn::Linear's own initialisation (kaiming uniform with a = sqrt(5)); the RL agents
  // re-initialise orthogonally on top, the text encoder normally.
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  torch::nn::init::uniform_(bias, -bound, bound);
}

torch::Tensor FastLinearImpl::forward(const torch::Tensor& x) {
  return BestLinear(x, weight, bias);
}

}  // namespace finml::train::deep
