#include "fused_lstm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "finml/core/error.hpp"
#include "gate_math.hpp"
#include "reusable_buffers.hpp"
#include "row_major_gemm.hpp"
#include "row_products.hpp"
#include "weight_transposes.hpp"

namespace finml::models::deep {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One (batch row, step) of the forward pass. `g` holds the step's pre-activations less the
// bias, in gate order i, f, g, o; on return it holds the activations. `c_prev` is zeros at t = 0.
FINML_CPU_CLONES void GatesForward(float* __restrict g, const float* __restrict bias,
                                   const float* __restrict c_prev, float* __restrict c,
                                   float* __restrict tanh_c, float* __restrict h, std::int64_t H) {
  using namespace gate_math;
  struct Inputs {
    Floats i, f, g, o, c_prev;
  };
  // Lambdas are compiled for the default target unless inlined into this function's clones.
  const auto load = [&](std::int64_t k, std::int64_t m) __attribute__((always_inline)) {
    return Inputs{Load(g + k, m) + Load(bias + k, m), Load(g + H + k, m) + Load(bias + H + k, m),
                  Load(g + 2 * H + k, m) + Load(bias + 2 * H + k, m),
                  Load(g + 3 * H + k, m) + Load(bias + 3 * H + k, m), Load(c_prev + k, m)};
  };
  const auto finish = [&](std::int64_t k, const Inputs& in, std::int64_t m)
      __attribute__((always_inline)) {
    const Floats i = Sigmoid(in.i), f = Sigmoid(in.f), gg = Tanh(in.g), o = Sigmoid(in.o);
    Store(g + k, i, m);
    Store(g + H + k, f, m);
    Store(g + 2 * H + k, gg, m);
    Store(g + 3 * H + k, o, m);
    const Floats c_new = f * in.c_prev + i * gg;
    const Floats tc = Tanh(c_new);
    Store(c + k, c_new, m);
    Store(tanh_c + k, tc, m);
    Store(h + k, o * tc, m);
  };
  // The chunk ending at H is read first: where H is not a multiple of the lanes it overlaps the
  // chunk before it (OverlappingChunks), which writes activations over its first inputs.
  const Inputs last = H >= kLanes ? load(H - kLanes, kLanes) : Inputs{};
  OverlappingChunks(
      H, [&](std::int64_t k, std::int64_t m) __attribute__((always_inline)) {
        finish(k, H >= kLanes && k == H - kLanes ? last : load(k, m), m);
      });
}

// The reference: libm's exp and tanh, used for float64 (gradient checks, the test oracle).
void GatesForward(double* g, const double* bias, const double* c_prev, double* c, double* tanh_c,
                  double* h, std::int64_t H) {
  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (std::int64_t k = 0; k < H; ++k) {
    const double i = sigmoid(g[k] + bias[k]), f = sigmoid(g[H + k] + bias[H + k]),
                 gg = std::tanh(g[2 * H + k] + bias[2 * H + k]),
                 o = sigmoid(g[3 * H + k] + bias[3 * H + k]);
    g[k] = i;
    g[H + k] = f;
    g[2 * H + k] = gg;
    g[3 * H + k] = o;
    const double c_new = f * c_prev[k] + i * gg;
    c[k] = c_new;
    tanh_c[k] = std::tanh(c_new);
    h[k] = o * tanh_c[k];
  }
}

// One (batch row, step) of the backward pass: gradients w.r.t. the pre-activations into `dg`,
// and the cell gradient carried to the step before into `dc_next`. `c_prev` is zeros at t = 0.
template <typename T>
inline void GatesBackwardRow(const T* __restrict g, const T* __restrict c_prev,
                             const T* __restrict tanh_c, const T* __restrict grad_h,
                             const T* __restrict dh_next, T* __restrict dc_next, T* __restrict dg,
                             std::int64_t H) {
  for (std::int64_t k = 0; k < H; ++k) {
    const T i = g[k], f = g[H + k], gg = g[2 * H + k], o = g[3 * H + k], tc = tanh_c[k];
    const T dh = grad_h[k] + dh_next[k];
    const T dc = dh * o * (T(1) - tc * tc) + dc_next[k];
    dg[k] = dc * gg * i * (T(1) - i);
    dg[H + k] = dc * c_prev[k] * f * (T(1) - f);
    dg[2 * H + k] = dc * i * (T(1) - gg * gg);
    dg[3 * H + k] = dh * tc * o * (T(1) - o);
    dc_next[k] = dc * f;
  }
}
FINML_CPU_CLONES void GatesBackward(const float* g, const float* c_prev, const float* tanh_c,
                                    const float* grad_h, const float* dh_next, float* dc_next,
                                    float* dg, std::int64_t H) {
  GatesBackwardRow(g, c_prev, tanh_c, grad_h, dh_next, dc_next, dg, H);
}
void GatesBackward(const double* g, const double* c_prev, const double* tanh_c,
                   const double* grad_h, const double* dh_next, double* dc_next, double* dg,
                   std::int64_t H) {
  GatesBackwardRow(g, c_prev, tanh_c, grad_h, dh_next, dc_next, dg, H);
}

// Buffers are (batch, time, width) row-major; the batch at step t is rows b * S + t, a strided
// matrix with leading dimension S * width that the BLAS multiplies in place.
struct Shape {
  std::int64_t B, S, I, H;
  [[nodiscard]] std::int64_t G() const { return 4 * H; }
  [[nodiscard]] std::int64_t Row(std::int64_t b, std::int64_t t) const { return b * S + t; }
};

// With the weights' transposes `wt_ih`, `wt_hh` (inference): the products row by row
// (row_products.hpp), so that a window's hidden states do not depend on the windows beside it.
// Without them (null, training) it multiplies on the BLAS.
template <typename T>
void Forward(const Shape& s, const T* x, const T* w_ih, const T* w_hh, const T* bias, T* gates,
             T* cells, T* tanh_cells, T* hidden, const T* wt_ih = nullptr,
             const T* wt_hh = nullptr) {
  const std::int64_t G = s.G(), H = s.H;
  const bool batch_invariant = wt_hh != nullptr;
  const std::vector<T> zeros(static_cast<std::size_t>(H), T(0));  // the state before t = 0
  // The input projection of every step at once; the bias is added inside the gate loop.
  if (batch_invariant) {
    std::fill(gates, gates + s.B * s.S * G, T(0));
    AddRowProducts(s.B * s.S, G, s.I, x, s.I, wt_ih, gates, G);
  } else {
    RowMajorGemm(false, true, s.B * s.S, G, s.I, T(1), x, s.I, w_ih, s.I, T(0), gates, G);
  }
  for (std::int64_t t = 0; t < s.S; ++t) {
    if (t > 0 && batch_invariant)
      AddRowProducts(s.B, G, H, hidden + (t - 1) * H, s.S * H, wt_hh, gates + t * G, s.S * G);
    else if (t > 0)
      RowMajorGemm(false, true, s.B, G, H, T(1), hidden + (t - 1) * H, s.S * H, w_hh, H, T(1),
                   gates + t * G, s.S * G);
    for (std::int64_t b = 0; b < s.B; ++b) {
      const std::int64_t row = s.Row(b, t);
      GatesForward(gates + row * G, bias, t > 0 ? cells + (row - 1) * H : zeros.data(),
                   cells + row * H, tanh_cells + row * H, hidden + row * H, H);
    }
  }
}

// grad_x may be null (the input needs no gradient).
template <typename T>
void Backward(const Shape& s, const T* x, const T* w_ih, const T* w_hh, const T* gates,
              const T* cells, const T* tanh_cells, const T* hidden, const T* grad_h, T* d_gates,
              T* grad_x, T* grad_w_ih, T* grad_w_hh, T* grad_bias) {
  const std::int64_t G = s.G(), H = s.H, B = s.B, S = s.S;
  std::vector<T> dh_next(static_cast<std::size_t>(B * H), T(0)),
      dc_next(static_cast<std::size_t>(B * H), T(0));
  const std::vector<T> zeros(static_cast<std::size_t>(H), T(0));
  std::memset(grad_w_hh, 0, sizeof(T) * static_cast<std::size_t>(G * H));
  for (std::int64_t t = S - 1; t >= 0; --t) {
    for (std::int64_t b = 0; b < B; ++b) {
      const std::int64_t row = s.Row(b, t);
      GatesBackward(gates + row * G, t > 0 ? cells + (row - 1) * H : zeros.data(),
                    tanh_cells + row * H, grad_h + row * H, dh_next.data() + b * H,
                    dc_next.data() + b * H, d_gates + row * G, H);
    }
    const T* dg = d_gates + t * G;
    if (t > 0) {
      RowMajorGemm(false, false, B, H, G, T(1), dg, S * G, w_hh, H, T(0), dh_next.data(), H);
      RowMajorGemm(true, false, G, H, B, T(1), dg, S * G, hidden + (t - 1) * H, S * H, T(1),
                   grad_w_hh, H);
    }
  }
  RowMajorGemm(true, false, G, s.I, B * S, T(1), d_gates, G, x, s.I, T(0), grad_w_ih, s.I);
  if (grad_x)
    RowMajorGemm(false, false, B * S, s.I, G, T(1), d_gates, G, w_ih, s.I, T(0), grad_x, s.I);
  std::fill(grad_bias, grad_bias + G, T(0));
  for (std::int64_t r = 0; r < B * S; ++r)
    for (std::int64_t k = 0; k < G; ++k) grad_bias[k] += d_gates[r * G + k];
}

class FusedLstmFunction : public torch::autograd::Function<FusedLstmFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                               const torch::Tensor& bias) {
    torch::Tensor x = x_in.contiguous();
    const Shape s{x.size(0), x.size(1), x.size(2), w_hh.size(1)};
    auto options = x.options();
    torch::Tensor gates = ReusableEmpty({s.B, s.S, s.G()}, options);
    torch::Tensor cells = ReusableEmpty({s.B, s.S, s.H}, options);
    torch::Tensor tanh_cells = ReusableEmpty({s.B, s.S, s.H}, options);
    torch::Tensor hidden = ReusableEmpty({s.B, s.S, s.H}, options);
    torch::Tensor wi = w_ih.contiguous(), wh = w_hh.contiguous(), bb = bias.contiguous();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_lstm_forward", [&] {
      Forward<scalar_t>(s, x.data_ptr<scalar_t>(), wi.data_ptr<scalar_t>(), wh.data_ptr<scalar_t>(),
                        bb.data_ptr<scalar_t>(), gates.data_ptr<scalar_t>(),
                        cells.data_ptr<scalar_t>(), tanh_cells.data_ptr<scalar_t>(),
                        hidden.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({x, wi, wh, gates, cells, tanh_cells, hidden});
    return hidden;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &wi = saved[1], &wh = saved[2], &gates = saved[3],
                        &cells = saved[4], &tanh_cells = saved[5], &hidden = saved[6];
    torch::Tensor grad_h = grad_outputs[0].contiguous();
    const Shape s{x.size(0), x.size(1), x.size(2), wh.size(1)};
    torch::Tensor d_gates = ReusableEmpty({s.B, s.S, s.G()}, x.options());
    torch::Tensor grad_x = ctx->needs_input_grad(0) ? torch::empty_like(x) : torch::Tensor();
    torch::Tensor grad_wi = torch::empty_like(wi), grad_wh = torch::empty_like(wh),
                  grad_b = torch::empty({s.G()}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_lstm_backward", [&] {
      Backward<scalar_t>(
          s, x.data_ptr<scalar_t>(), wi.data_ptr<scalar_t>(), wh.data_ptr<scalar_t>(),
          gates.data_ptr<scalar_t>(), cells.data_ptr<scalar_t>(), tanh_cells.data_ptr<scalar_t>(),
          hidden.data_ptr<scalar_t>(), grad_h.data_ptr<scalar_t>(), d_gates.data_ptr<scalar_t>(),
          grad_x.defined() ? grad_x.data_ptr<scalar_t>() : nullptr, grad_wi.data_ptr<scalar_t>(),
          grad_wh.data_ptr<scalar_t>(), grad_b.data_ptr<scalar_t>());
    });
    return {grad_x, grad_wi, grad_wh, grad_b};
  }
};

// No gradient wanted: the forward pass alone, batch-invariant, nothing kept for a backward pass.
torch::Tensor Infer(const torch::Tensor& x_in, const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                    const torch::Tensor& bias, WeightTransposes* transposes) {
  torch::Tensor x = x_in.contiguous();
  const Shape s{x.size(0), x.size(1), x.size(2), w_hh.size(1)};
  auto options = x.options();
  torch::Tensor gates = ReusableEmpty({s.B, s.S, s.G()}, options);
  torch::Tensor cells = ReusableEmpty({s.B, s.S, s.H}, options);
  torch::Tensor tanh_cells = ReusableEmpty({s.B, s.S, s.H}, options);
  torch::Tensor hidden = torch::empty({s.B, s.S, s.H}, options);
  torch::Tensor bb = bias.contiguous();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_lstm_infer", [&] {
    WeightTransposes once;  // a caller without a cache transposes afresh
    WeightTransposes& cache = transposes != nullptr ? *transposes : once;
    const auto wt_ih = cache.Of<scalar_t>(w_ih), wt_hh = cache.Of<scalar_t>(w_hh);
    // The transposes stand in for the weights themselves, which inference never reads.
    Forward<scalar_t>(s, x.data_ptr<scalar_t>(), nullptr, nullptr, bb.data_ptr<scalar_t>(),
                      gates.data_ptr<scalar_t>(), cells.data_ptr<scalar_t>(),
                      tanh_cells.data_ptr<scalar_t>(), hidden.data_ptr<scalar_t>(), wt_ih->data(),
                      wt_hh->data());
  });
  return hidden;
}

}  // namespace

torch::Tensor FusedLstm(const torch::Tensor& x, const torch::Tensor& w_ih,
                        const torch::Tensor& w_hh, const torch::Tensor& bias,
                        WeightTransposes* transposes) {
  FINML_REQUIRE(x.dim() == 3 && x.device().is_cpu(),
                "fused LSTM: expects a CPU tensor (batch, time, input), got {} dims", x.dim());
  FINML_REQUIRE(w_hh.size(0) == 4 * w_hh.size(1) && w_ih.size(0) == w_hh.size(0) &&
                    w_ih.size(1) == x.size(2) && bias.numel() == w_hh.size(0),
                "fused LSTM: weight shapes do not match");
  FINML_REQUIRE(x.scalar_type() == w_ih.scalar_type() && x.scalar_type() == w_hh.scalar_type() &&
                    x.scalar_type() == bias.scalar_type(),
                "fused LSTM: input and weights differ in type");
  const bool wants_gradient =
      torch::GradMode::is_enabled() &&
      (x.requires_grad() || w_ih.requires_grad() || w_hh.requires_grad() || bias.requires_grad());
  if (!wants_gradient) return Infer(x, w_ih, w_hh, bias, transposes);
  return FusedLstmFunction::apply(x, w_ih, w_hh, bias);
}

}  // namespace finml::models::deep
