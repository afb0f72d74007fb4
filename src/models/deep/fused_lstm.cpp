#include "fused_lstm.hpp"

#include <Eigen/Dense>

#include "finml/core/error.hpp"

namespace finml::models::deep {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Strided = Eigen::Map<RowMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstStrided = Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using Dense = Eigen::Map<RowMatrix<T>>;
template <typename T>
using ConstDense = Eigen::Map<const RowMatrix<T>>;

template <typename T>
T Sigmoid(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

// Rows b*time + t of a (batch*time, width) buffer, for one t: the batch at step t.
template <typename T>
Strided<T> Step(T* base, std::int64_t batch, std::int64_t time, std::int64_t width,
                std::int64_t t) {
  return Strided<T>(base + t * width, batch, width, Eigen::OuterStride<>(time * width));
}
template <typename T>
ConstStrided<T> Step(const T* base, std::int64_t batch, std::int64_t time, std::int64_t width,
                     std::int64_t t) {
  return ConstStrided<T>(base + t * width, batch, width, Eigen::OuterStride<>(time * width));
}

// Fills gates (post-activation, B*T x 4H), cells (B*T x H) and hidden (B*T x H).
template <typename T>
void Forward(const T* x, const T* w_ih, const T* w_hh, const T* bias, std::int64_t B,
             std::int64_t S, std::int64_t I, std::int64_t H, T* gates, T* cells, T* hidden) {
  const std::int64_t G = 4 * H;
  Dense<T> all_gates(gates, B * S, G);
  all_gates.noalias() = ConstDense<T>(x, B * S, I) * ConstDense<T>(w_ih, G, I).transpose();
  all_gates.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(bias, G);
  ConstDense<T> recurrent(w_hh, G, H);
  RowMatrix<T> zero = RowMatrix<T>::Zero(B, H);
  for (std::int64_t t = 0; t < S; ++t) {
    auto g = Step(gates, B, S, G, t);
    if (t > 0)
      g.noalias() += Step(static_cast<const T*>(hidden), B, S, H, t - 1) * recurrent.transpose();
    auto c = Step(cells, B, S, H, t);
    auto h = Step(hidden, B, S, H, t);
    for (std::int64_t b = 0; b < B; ++b) {
      for (std::int64_t k = 0; k < H; ++k) {
        T i = Sigmoid(g(b, k)), f = Sigmoid(g(b, H + k)), gg = std::tanh(g(b, 2 * H + k)),
          o = Sigmoid(g(b, 3 * H + k));
        g(b, k) = i;
        g(b, H + k) = f;
        g(b, 2 * H + k) = gg;
        g(b, 3 * H + k) = o;
        T c_prev = t > 0 ? cells[(b * S + t - 1) * H + k] : zero(b, k);
        T c_new = f * c_prev + i * gg;
        c(b, k) = c_new;
        h(b, k) = o * std::tanh(c_new);
      }
    }
  }
}

template <typename T>
void Backward(const T* x, const T* w_ih, const T* w_hh, const T* gates, const T* cells,
              const T* hidden, const T* grad_h, std::int64_t B, std::int64_t S, std::int64_t I,
              std::int64_t H, T* grad_x, T* grad_w_ih, T* grad_w_hh, T* grad_bias) {
  const std::int64_t G = 4 * H;
  RowMatrix<T> d_gates(B * S, G);  // gradients w.r.t. pre-activations
  RowMatrix<T> dh_next = RowMatrix<T>::Zero(B, H), dc_next = RowMatrix<T>::Zero(B, H);
  ConstDense<T> recurrent(w_hh, G, H);
  Dense<T> d_w_hh(grad_w_hh, G, H);
  d_w_hh.setZero();
  for (std::int64_t t = S - 1; t >= 0; --t) {
    auto g = Step(gates, B, S, G, t);
    auto dg = Step(d_gates.data(), B, S, G, t);
    for (std::int64_t b = 0; b < B; ++b) {
      for (std::int64_t k = 0; k < H; ++k) {
        const std::int64_t row = b * S + t;
        T i = g(b, k), f = g(b, H + k), gg = g(b, 2 * H + k), o = g(b, 3 * H + k);
        T c = cells[row * H + k], tc = std::tanh(c);
        T c_prev = t > 0 ? cells[(row - 1) * H + k] : T(0);
        T dh = grad_h[row * H + k] + dh_next(b, k);
        T dc = dh * o * (T(1) - tc * tc) + dc_next(b, k);
        dg(b, k) = dc * gg * i * (T(1) - i);
        dg(b, H + k) = dc * c_prev * f * (T(1) - f);
        dg(b, 2 * H + k) = dc * i * (T(1) - gg * gg);
        dg(b, 3 * H + k) = dh * tc * o * (T(1) - o);
        dc_next(b, k) = dc * f;
      }
    }
    dh_next.noalias() = dg * recurrent;
    if (t > 0) d_w_hh.noalias() += dg.transpose() * Step(hidden, B, S, H, t - 1);
  }
  Dense<T>(grad_w_ih, G, I).noalias() = d_gates.transpose() * ConstDense<T>(x, B * S, I);
  Dense<T>(grad_x, B * S, I).noalias() = d_gates * ConstDense<T>(w_ih, G, I);
  Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>>(grad_bias, G) = d_gates.colwise().sum();
}

class FusedLstmFunction : public torch::autograd::Function<FusedLstmFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                               const torch::Tensor& bias) {
    torch::Tensor x = x_in.contiguous();
    const std::int64_t B = x.size(0), S = x.size(1), I = x.size(2), H = w_hh.size(1);
    auto options = x.options();
    torch::Tensor gates = torch::empty({B, S, 4 * H}, options);
    torch::Tensor cells = torch::empty({B, S, H}, options);
    torch::Tensor hidden = torch::empty({B, S, H}, options);
    torch::Tensor wi = w_ih.contiguous(), wh = w_hh.contiguous(), bb = bias.contiguous();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_lstm_forward", [&] {
      Forward<scalar_t>(x.data_ptr<scalar_t>(), wi.data_ptr<scalar_t>(), wh.data_ptr<scalar_t>(),
                        bb.data_ptr<scalar_t>(), B, S, I, H, gates.data_ptr<scalar_t>(),
                        cells.data_ptr<scalar_t>(), hidden.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({x, wi, wh, gates, cells, hidden});
    return hidden;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &wi = saved[1], &wh = saved[2], &gates = saved[3],
                        &cells = saved[4], &hidden = saved[5];
    torch::Tensor grad_h = grad_outputs[0].contiguous();
    const std::int64_t B = x.size(0), S = x.size(1), I = x.size(2), H = wh.size(1);
    torch::Tensor grad_x = torch::empty_like(x), grad_wi = torch::empty_like(wi),
                  grad_wh = torch::empty_like(wh), grad_b = torch::empty({4 * H}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_lstm_backward", [&] {
      Backward<scalar_t>(x.data_ptr<scalar_t>(), wi.data_ptr<scalar_t>(), wh.data_ptr<scalar_t>(),
                         gates.data_ptr<scalar_t>(), cells.data_ptr<scalar_t>(),
                         hidden.data_ptr<scalar_t>(), grad_h.data_ptr<scalar_t>(), B, S, I, H,
                         grad_x.data_ptr<scalar_t>(), grad_wi.data_ptr<scalar_t>(),
                         grad_wh.data_ptr<scalar_t>(), grad_b.data_ptr<scalar_t>());
    });
    return {grad_x, grad_wi, grad_wh, grad_b};
  }
};

}  // namespace

torch::Tensor FusedLstm(const torch::Tensor& x, const torch::Tensor& w_ih,
                        const torch::Tensor& w_hh, const torch::Tensor& bias) {
  FINML_REQUIRE(x.dim() == 3 && x.device().is_cpu(),
                "fused LSTM: expects a CPU tensor (batch, time, input), got {} dims", x.dim());
  FINML_REQUIRE(w_hh.size(0) == 4 * w_hh.size(1) && w_ih.size(0) == w_hh.size(0) &&
                    w_ih.size(1) == x.size(2) && bias.numel() == w_hh.size(0),
                "fused LSTM: weight shapes do not match");
  return FusedLstmFunction::apply(x, w_ih, w_hh, bias);
}

}  // namespace finml::models::deep
