#include "train/deep/fused_adam.hpp"

#include <c10/util/string_utils.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

// Built with -ffp-contract=off (CMakeLists.txt): the kernels below say where they fuse a
// multiply-add, and GCC must fuse no other, or the bits would not be LibTorch's.

namespace finml::train::deep {
namespace {

// What one step of one parameter needs, each converted to float where LibTorch converts it (a
// double scalar becomes the tensor's type when the op runs).
struct StepConstants {
  float beta1, one_minus_beta1, beta2, one_minus_beta2, root_correction2, eps, neg_step_size;
  bool adam_decay = false;  // Adam: grad + weight_decay * p
  float grad_decay = 0;
  bool adamw_decay = false;  // AdamW: p * (1 - lr * weight_decay) first
  float param_factor = 1;
};

// LibTorch 1.13's Adam::step and AdamW::step as tensor ops, element by element:
//   [Adam]  grad = grad.add(p, wd)             -> fmadd(p, wd, grad)
//   [AdamW] p.mul_(1 - lr * wd)
//   exp_avg.mul_(beta1).add_(grad, 1 - beta1)  -> fmadd(grad, 1 - beta1, exp_avg * beta1)
//   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
//                                              -> exp_avg_sq * beta2 + ((1 - beta2) * grad) * grad
//   denom = (exp_avg_sq.sqrt() / sqrt(bias_correction2)).add_(eps)
//   p.addcdiv_(exp_avg, denom, -lr / bias_correction1)  -> p + ((-step) * exp_avg) / denom
// ATen's vectorised add computes fmadd with one rounding where the CPU has FMA; its addcmul is
// fused or not as its compiler chose. kFusedAdd and kFusedProduct select those two.
template <bool kFusedAdd, bool kFusedProduct, bool kAdamDecay, bool kAdamWDecay>
[[gnu::always_inline]] inline void AdamElements(float* __restrict p, const float* __restrict grad,
                                                float* __restrict m, float* __restrict v,
                                                std::int64_t n, const StepConstants& constants) {
  // A copy: stores through p, m and v could otherwise alias the constants, which would then be
  // reloaded each element and the loop could not vectorise.
  const StepConstants c = constants;
  for (std::int64_t i = 0; i < n; ++i) {
    float g = grad[i];
    if constexpr (kAdamDecay)
      g = kFusedAdd ? __builtin_fmaf(p[i], c.grad_decay, g) : g + c.grad_decay * p[i];
    float param = p[i];
    if constexpr (kAdamWDecay) param = param * c.param_factor;
    float mean = m[i] * c.beta1;
    mean = kFusedAdd ? __builtin_fmaf(g, c.one_minus_beta1, mean) : mean + c.one_minus_beta1 * g;
    float square = v[i] * c.beta2;
    const float scaled = c.one_minus_beta2 * g;
    square = kFusedProduct ? __builtin_fmaf(scaled, g, square) : square + scaled * g;
    const float denom = __builtin_sqrtf(square) / c.root_correction2 + c.eps;
    p[i] = param + (c.neg_step_size * mean) / denom;
    m[i] = mean;
    v[i] = square;
  }
}

using Kernel = void (*)(float*, const float*, float*, float*, std::int64_t, const StepConstants&);

// The decay is chosen outside the loop, so that the loop is one straight vectorised pass.
template <bool kFusedAdd, bool kFusedProduct>
[[gnu::always_inline]] inline void AdamPass(float* p, const float* grad, float* m, float* v,
                                            std::int64_t n, const StepConstants& c) {
  if (c.adam_decay)
    AdamElements<kFusedAdd, kFusedProduct, true, false>(p, grad, m, v, n, c);
  else if (c.adamw_decay)
    AdamElements<kFusedAdd, kFusedProduct, false, true>(p, grad, m, v, n, c);
  else
    AdamElements<kFusedAdd, kFusedProduct, false, false>(p, grad, m, v, n, c);
}

__attribute__((target("avx2,fma"))) void FusedAddAndProduct(float* p, const float* grad, float* m,
                                                            float* v, std::int64_t n,
                                                            const StepConstants& c) {
  AdamPass<true, true>(p, grad, m, v, n, c);
}
__attribute__((target("avx2,fma"))) void FusedAddOnly(float* p, const float* grad, float* m,
                                                      float* v, std::int64_t n,
                                                      const StepConstants& c) {
  AdamPass<true, false>(p, grad, m, v, n, c);
}
void Unfused(float* p, const float* grad, float* m, float* v, std::int64_t n,
             const StepConstants& c) {
  AdamPass<false, false>(p, grad, m, v, n, c);
}

bool IsPlainFloat(const torch::Tensor& t) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == torch::kFloat32 &&
         t.layout() == torch::kStrided && t.is_contiguous();
}

// Adam and AdamW keep their state under the parameter's TensorImpl address, as text.
std::string StateKey(const torch::Tensor& p) {
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}

template <typename Optimizer, typename Options, typename State>
bool Step(Optimizer& optimizer, Kernel kernel) {
  auto& states = optimizer.state();
  // Every check first: a step is done whole by this function or not at all. The states found
  // are kept for the step (a key is the parameter's address formatted as text).
  std::vector<State*> found;
  for (auto& group : optimizer.param_groups()) {
    if (static_cast<Options&>(group.options()).amsgrad()) return false;
    for (const torch::Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (!IsPlainFloat(p) || !IsPlainFloat(p.grad())) return false;
      auto entry = states.find(StateKey(p));
      found.push_back(entry == states.end() ? nullptr : static_cast<State*>(entry->second.get()));
      if (found.back() == nullptr) continue;
      const State& state = *found.back();
      if (!IsPlainFloat(state.exp_avg()) || !IsPlainFloat(state.exp_avg_sq()) ||
          state.exp_avg().numel() != p.numel() || state.exp_avg_sq().numel() != p.numel())
        return false;
    }
  }
  torch::NoGradGuard no_grad;
  std::size_t next = 0;
  for (auto& group : optimizer.param_groups()) {
    const auto& options = static_cast<Options&>(group.options());
    for (torch::Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      State* kept = found[next++];
      if (kept == nullptr) {
        auto fresh = std::make_unique<State>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        kept = fresh.get();
        states.emplace(StateKey(p), std::move(fresh));
      }
      State& state = *kept;
      state.step(state.step() + 1);
      const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
      const double correction1 = 1 - std::pow(beta1, state.step()),
                   correction2 = 1 - std::pow(beta2, state.step());
      StepConstants c{static_cast<float>(beta1),
                      static_cast<float>(1 - beta1),
                      static_cast<float>(beta2),
                      static_cast<float>(1 - beta2),
                      static_cast<float>(std::sqrt(correction2)),
                      static_cast<float>(options.eps()),
                      static_cast<float>(-(options.lr() / correction1))};
      if (options.weight_decay() != 0) {
        if constexpr (std::is_same_v<Optimizer, torch::optim::AdamW>) {
          c.adamw_decay = true;
          c.param_factor = static_cast<float>(1 - options.lr() * options.weight_decay());
        } else {
          c.adam_decay = true;
          c.grad_decay = static_cast<float>(options.weight_decay());
        }
      }
      torch::Tensor &mean = state.exp_avg(), &square = state.exp_avg_sq();
      kernel(p.data_ptr<float>(), p.grad().data_ptr<float>(), mean.data_ptr<float>(),
             square.data_ptr<float>(), p.numel(), c);
      // As the in-place ops would: whatever caches a weight by its version sees the change.
      for (const torch::Tensor* t : {&p, &mean, &square}) t->unsafeGetTensorImpl()->bump_version();
    }
  }
  return true;
}

bool Dispatch(torch::optim::Optimizer& optimizer, Kernel kernel) {
  if (auto* adam = dynamic_cast<torch::optim::Adam*>(&optimizer))
    return Step<torch::optim::Adam, torch::optim::AdamOptions, torch::optim::AdamParamState>(
        *adam, kernel);
  if (auto* adamw = dynamic_cast<torch::optim::AdamW*>(&optimizer))
    return Step<torch::optim::AdamW, torch::optim::AdamWOptions, torch::optim::AdamWParamState>(
        *adamw, kernel);
  return false;
}

// The kernel whose steps equal LibTorch's on a probe: Adam and AdamW with weight decay, three
// steps of a parameter long enough for ATen's vector loop and its scalar tail. Null if none does.
// Its values come from its own generator: the probe must not draw from LibTorch's.
Kernel MatchingKernel() {
  static const Kernel chosen = [] {
    std::vector<Kernel> candidates;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      candidates.push_back(FusedAddAndProduct);
      candidates.push_back(FusedAddOnly);
    }
    candidates.push_back(Unfused);
    std::mt19937 rng(20261203);
    std::normal_distribution<float> normal;
    const auto random = [&](float scale) {
      torch::Tensor t = torch::empty({67});
      for (std::int64_t i = 0; i < t.numel(); ++i) t.data_ptr<float>()[i] = scale * normal(rng);
      return t;
    };
    const torch::Tensor start = random(1.0f);
    const std::vector<torch::Tensor> grads = {random(0.01f), random(3.0f), random(1e-4f)};
    const auto run = [&](bool adamw, Kernel kernel) {
      torch::Tensor p = start.clone().requires_grad_(true);
      std::unique_ptr<torch::optim::Optimizer> optimizer;
      if (adamw)
        optimizer = std::make_unique<torch::optim::AdamW>(
            std::vector<torch::Tensor>{p}, torch::optim::AdamWOptions(0.01).weight_decay(0.1));
      else
        optimizer = std::make_unique<torch::optim::Adam>(
            std::vector<torch::Tensor>{p}, torch::optim::AdamOptions(0.01).weight_decay(0.1));
      for (const torch::Tensor& g : grads) {
        p.mutable_grad() = g.clone();
        if (kernel == nullptr || !Dispatch(*optimizer, kernel)) optimizer->step();
      }
      return p.detach();
    };
    for (Kernel kernel : candidates)
      if (torch::equal(run(false, kernel), run(false, nullptr)) &&
          torch::equal(run(true, kernel), run(true, nullptr)))
        return kernel;
    return Kernel{nullptr};
  }();
  return chosen;
}

}  // namespace

bool FusedAdamStep(torch::optim::Optimizer& optimizer) {
  const Kernel kernel = MatchingKernel();
  return kernel != nullptr && Dispatch(optimizer, kernel);
}

}  // namespace finml::train::deep
