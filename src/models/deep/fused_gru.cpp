#include "fused_gru.hpp"

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

// The saved activations per (batch row, step): r, z, n and the candidate's hidden part
// hn = h W_hn' + b_hn, which the gradient of r needs.
constexpr std::int64_t kSaved = 4;

// One (batch row, step) forward. gi: the input projection (3H, bias not yet added); gh: the
// hidden projection (3H, bias not yet added); both gh and h_prev are zeros at t = 0.
FINML_CPU_CLONES void GruForward(const float* __restrict gi, const float* __restrict gh,
                                 const float* __restrict b_ih, const float* __restrict b_hh,
                                 const float* __restrict h_prev, float* __restrict saved,
                                 float* __restrict h, std::int64_t H) {
  using namespace gate_math;
  OverlappingChunks(
      H, [&](std::int64_t k, std::int64_t m) __attribute__((always_inline)) {
        const Floats r =
            Sigmoid(Load(gi + k, m) + Load(b_ih + k, m) + Load(gh + k, m) + Load(b_hh + k, m));
        const Floats z = Sigmoid(Load(gi + H + k, m) + Load(b_ih + H + k, m) + Load(gh + H + k, m) +
                                 Load(b_hh + H + k, m));
        const Floats hn = Load(gh + 2 * H + k, m) + Load(b_hh + 2 * H + k, m);
        const Floats n = Tanh(Load(gi + 2 * H + k, m) + Load(b_ih + 2 * H + k, m) + r * hn);
        Store(saved + k, r, m);
        Store(saved + H + k, z, m);
        Store(saved + 2 * H + k, n, m);
        Store(saved + 3 * H + k, hn, m);
        Store(h + k, (1.0f - z) * n + z * Load(h_prev + k, m), m);
      });
}

// The reference: libm's exp and tanh, used for float64 (gradient checks, the test oracle).
void GruForward(const double* gi, const double* gh, const double* b_ih, const double* b_hh,
                const double* h_prev, double* saved, double* h, std::int64_t H) {
  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (std::int64_t k = 0; k < H; ++k) {
    const double r = sigmoid(gi[k] + b_ih[k] + gh[k] + b_hh[k]);
    const double z = sigmoid(gi[H + k] + b_ih[H + k] + gh[H + k] + b_hh[H + k]);
    const double hn = gh[2 * H + k] + b_hh[2 * H + k];
    const double n = std::tanh(gi[2 * H + k] + b_ih[2 * H + k] + r * hn);
    saved[k] = r;
    saved[H + k] = z;
    saved[2 * H + k] = n;
    saved[3 * H + k] = hn;
    h[k] = (1.0 - z) * n + z * h_prev[k];
  }
}

// One (batch row, step) backward: gradients w.r.t. the input-side pre-activations (d_gi) and the
// hidden-side ones (d_gh: r and z as d_gi, the candidate's scaled by r), and the part of dh_prev
// that bypasses W_hh (z * dh), written to dh_direct. h_prev is zeros at t = 0.
template <typename T>
inline void GruBackwardRow(const T* __restrict saved, const T* __restrict h_prev,
                           const T* __restrict grad_h, const T* __restrict dh_next,
                           T* __restrict d_gi, T* __restrict d_gh, T* __restrict dh_direct,
                           std::int64_t H) {
  for (std::int64_t k = 0; k < H; ++k) {
    const T r = saved[k], z = saved[H + k], n = saved[2 * H + k], hn = saved[3 * H + k];
    const T hp = h_prev[k];
    const T dh = grad_h[k] + dh_next[k];
    const T dn = dh * (T(1) - z) * (T(1) - n * n);
    const T dz = dh * (hp - n) * z * (T(1) - z);
    const T dr = dn * hn * r * (T(1) - r);
    d_gi[k] = dr;
    d_gi[H + k] = dz;
    d_gi[2 * H + k] = dn;
    d_gh[k] = dr;
    d_gh[H + k] = dz;
    d_gh[2 * H + k] = dn * r;
    dh_direct[k] = dh * z;
  }
}
FINML_CPU_CLONES void GruBackward(const float* saved, const float* h_prev, const float* grad_h,
                                  const float* dh_next, float* d_gi, float* d_gh, float* dh_direct,
                                  std::int64_t H) {
  GruBackwardRow(saved, h_prev, grad_h, dh_next, d_gi, d_gh, dh_direct, H);
}
void GruBackward(const double* saved, const double* h_prev, const double* grad_h,
                 const double* dh_next, double* d_gi, double* d_gh, double* dh_direct,
                 std::int64_t H) {
  GruBackwardRow(saved, h_prev, grad_h, dh_next, d_gi, d_gh, dh_direct, H);
}

struct Shape {
  std::int64_t B, S, I, H;
  [[nodiscard]] std::int64_t G() const { return 3 * H; }
  [[nodiscard]] std::int64_t Row(std::int64_t b, std::int64_t t) const { return b * S + t; }
};

// With the weights' transposes `wt_ih`, `wt_hh` (inference): the products row by row
// (row_products.hpp), so that a window's hidden states do not depend on the windows beside it.
// Without them (null, training) it multiplies on the BLAS.
template <typename T>
void Forward(const Shape& s, const T* x, const T* w_ih, const T* w_hh, const T* b_ih, const T* b_hh,
             T* input_part, T* saved, T* hidden, const T* wt_ih = nullptr,
             const T* wt_hh = nullptr) {
  const std::int64_t G = s.G(), H = s.H;
  const bool batch_invariant = wt_hh != nullptr;
  if (batch_invariant) {
    std::fill(input_part, input_part + s.B * s.S * G, T(0));
    AddRowProducts(s.B * s.S, G, s.I, x, s.I, wt_ih, input_part, G);
  } else {
    RowMajorGemm(false, true, s.B * s.S, G, s.I, T(1), x, s.I, w_ih, s.I, T(0), input_part, G);
  }
  // At t = 0 the state is zero, and so is its projection.
  std::vector<T> hidden_part(static_cast<std::size_t>(s.B * G), T(0)),
      zeros(static_cast<std::size_t>(H), T(0));
  for (std::int64_t t = 0; t < s.S; ++t) {
    if (t > 0 && batch_invariant) {
      std::fill(hidden_part.begin(), hidden_part.end(), T(0));
      AddRowProducts(s.B, G, H, hidden + (t - 1) * H, s.S * H, wt_hh, hidden_part.data(), G);
    } else if (t > 0) {
      RowMajorGemm(false, true, s.B, G, H, T(1), hidden + (t - 1) * H, s.S * H, w_hh, H, T(0),
                   hidden_part.data(), G);
    }
    for (std::int64_t b = 0; b < s.B; ++b) {
      const std::int64_t row = s.Row(b, t);
      GruForward(input_part + row * G, hidden_part.data() + b * G, b_ih, b_hh,
                 t > 0 ? hidden + (row - 1) * H : zeros.data(), saved + row * kSaved * H,
                 hidden + row * H, H);
    }
  }
}

template <typename T>
void Backward(const Shape& s, const T* x, const T* w_ih, const T* w_hh, const T* saved,
              const T* hidden, const T* grad_h, T* d_gi, T* grad_x, T* grad_w_ih, T* grad_w_hh,
              T* grad_b_ih, T* grad_b_hh) {
  const std::int64_t G = s.G(), H = s.H, B = s.B, S = s.S;
  std::vector<T> d_gh(static_cast<std::size_t>(B * G)),
      dh_next(static_cast<std::size_t>(B * H), T(0)), dh_direct(static_cast<std::size_t>(B * H)),
      zeros(static_cast<std::size_t>(H), T(0));
  std::memset(grad_w_hh, 0, sizeof(T) * static_cast<std::size_t>(G * H));
  std::fill(grad_b_hh, grad_b_hh + G, T(0));
  for (std::int64_t t = S - 1; t >= 0; --t) {
    for (std::int64_t b = 0; b < B; ++b) {
      const std::int64_t row = s.Row(b, t);
      GruBackward(saved + row * kSaved * H, t > 0 ? hidden + (row - 1) * H : zeros.data(),
                  grad_h + row * H, dh_next.data() + b * H, d_gi + row * G, d_gh.data() + b * G,
                  dh_direct.data() + b * H, H);
    }
    for (std::int64_t b = 0; b < B; ++b)
      for (std::int64_t k = 0; k < G; ++k) grad_b_hh[k] += d_gh[b * G + k];
    if (t > 0) {
      dh_next = dh_direct;
      RowMajorGemm(false, false, B, H, G, T(1), d_gh.data(), G, w_hh, H, T(1), dh_next.data(), H);
      RowMajorGemm(true, false, G, H, B, T(1), d_gh.data(), G, hidden + (t - 1) * H, S * H, T(1),
                   grad_w_hh, H);
    }
  }
  RowMajorGemm(true, false, G, s.I, B * S, T(1), d_gi, G, x, s.I, T(0), grad_w_ih, s.I);
  if (grad_x)
    RowMajorGemm(false, false, B * S, s.I, G, T(1), d_gi, G, w_ih, s.I, T(0), grad_x, s.I);
  std::fill(grad_b_ih, grad_b_ih + G, T(0));
  for (std::int64_t r = 0; r < B * S; ++r)
    for (std::int64_t k = 0; k < G; ++k) grad_b_ih[k] += d_gi[r * G + k];
}

class FusedGruFunction : public torch::autograd::Function<FusedGruFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                               const torch::Tensor& b_ih, const torch::Tensor& b_hh) {
    torch::Tensor x = x_in.contiguous();
    const Shape s{x.size(0), x.size(1), x.size(2), w_hh.size(1)};
    auto options = x.options();
    torch::Tensor input_part = ReusableEmpty({s.B, s.S, s.G()}, options);
    torch::Tensor saved = ReusableEmpty({s.B, s.S, kSaved * s.H}, options);
    torch::Tensor hidden = ReusableEmpty({s.B, s.S, s.H}, options);
    torch::Tensor wi = w_ih.contiguous(), wh = w_hh.contiguous(), bi = b_ih.contiguous(),
                  bh = b_hh.contiguous();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_gru_forward", [&] {
      Forward<scalar_t>(s, x.data_ptr<scalar_t>(), wi.data_ptr<scalar_t>(), wh.data_ptr<scalar_t>(),
                        bi.data_ptr<scalar_t>(), bh.data_ptr<scalar_t>(),
                        input_part.data_ptr<scalar_t>(), saved.data_ptr<scalar_t>(),
                        hidden.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({x, wi, wh, saved, hidden});
    return hidden;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto tensors = ctx->get_saved_variables();
    const torch::Tensor &x = tensors[0], &wi = tensors[1], &wh = tensors[2], &saved = tensors[3],
                        &hidden = tensors[4];
    torch::Tensor grad_h = grad_outputs[0].contiguous();
    const Shape s{x.size(0), x.size(1), x.size(2), wh.size(1)};
    torch::Tensor d_gi = ReusableEmpty({s.B, s.S, s.G()}, x.options());
    torch::Tensor grad_x = ctx->needs_input_grad(0) ? torch::empty_like(x) : torch::Tensor();
    torch::Tensor grad_wi = torch::empty_like(wi), grad_wh = torch::empty_like(wh),
                  grad_bi = torch::empty({s.G()}, x.options()),
                  grad_bh = torch::empty({s.G()}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_gru_backward", [&] {
      Backward<scalar_t>(
          s, x.data_ptr<scalar_t>(), wi.data_ptr<scalar_t>(), wh.data_ptr<scalar_t>(),
          saved.data_ptr<scalar_t>(), hidden.data_ptr<scalar_t>(), grad_h.data_ptr<scalar_t>(),
          d_gi.data_ptr<scalar_t>(), grad_x.defined() ? grad_x.data_ptr<scalar_t>() : nullptr,
          grad_wi.data_ptr<scalar_t>(), grad_wh.data_ptr<scalar_t>(), grad_bi.data_ptr<scalar_t>(),
          grad_bh.data_ptr<scalar_t>());
    });
    return {grad_x, grad_wi, grad_wh, grad_bi, grad_bh};
  }
};

// No gradient wanted: the forward pass alone, batch-invariant, nothing kept for a backward pass.
torch::Tensor Infer(const torch::Tensor& x_in, const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                    const torch::Tensor& b_ih, const torch::Tensor& b_hh,
                    WeightTransposes* transposes) {
  torch::Tensor x = x_in.contiguous();
  const Shape s{x.size(0), x.size(1), x.size(2), w_hh.size(1)};
  auto options = x.options();
  torch::Tensor input_part = ReusableEmpty({s.B, s.S, s.G()}, options);
  torch::Tensor saved = ReusableEmpty({s.B, s.S, kSaved * s.H}, options);
  torch::Tensor hidden = torch::empty({s.B, s.S, s.H}, options);
  torch::Tensor bi = b_ih.contiguous(), bh = b_hh.contiguous();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "fused_gru_infer", [&] {
    WeightTransposes once;  // a caller without a cache transposes afresh
    WeightTransposes& cache = transposes != nullptr ? *transposes : once;
    const auto wt_ih = cache.Of<scalar_t>(w_ih), wt_hh = cache.Of<scalar_t>(w_hh);
    // The transposes stand in for the weights themselves, which inference never reads.
    Forward<scalar_t>(s, x.data_ptr<scalar_t>(), nullptr, nullptr, bi.data_ptr<scalar_t>(),
                      bh.data_ptr<scalar_t>(), input_part.data_ptr<scalar_t>(),
                      saved.data_ptr<scalar_t>(), hidden.data_ptr<scalar_t>(), wt_ih->data(),
                      wt_hh->data());
  });
  return hidden;
}

}  // namespace

torch::Tensor FusedGru(const torch::Tensor& x, const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                       const torch::Tensor& b_ih, const torch::Tensor& b_hh,
                       WeightTransposes* transposes) {
  FINML_REQUIRE(x.dim() == 3 && x.device().is_cpu(),
                "fused GRU: expects a CPU tensor (batch, time, input), got {} dims", x.dim());
  FINML_REQUIRE(w_hh.size(0) == 3 * w_hh.size(1) && w_ih.size(0) == w_hh.size(0) &&
                    w_ih.size(1) == x.size(2) && b_ih.numel() == w_hh.size(0) &&
                    b_hh.numel() == w_hh.size(0),
                "fused GRU: weight shapes do not match");
  for (const torch::Tensor* t : {&w_ih, &w_hh, &b_ih, &b_hh})
    FINML_REQUIRE(t->scalar_type() == x.scalar_type(),
                  "fused GRU: input and weights differ in type");
  const bool wants_gradient = torch::GradMode::is_enabled() &&
                              (x.requires_grad() || w_ih.requires_grad() || w_hh.requires_grad() ||
                               b_ih.requires_grad() || b_hh.requires_grad());
  if (!wants_gradient) return Infer(x, w_ih, w_hh, b_ih, b_hh, transposes);
  return FusedGruFunction::apply(x, w_ih, w_hh, b_ih, b_hh);
}

}  // namespace finml::models::deep
