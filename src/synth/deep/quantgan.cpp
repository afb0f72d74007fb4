// Quant GANs (Wiese, Knobloch, Korn and Kretschmer 2019): a temporal convolutional network (TCN)
// with skip connections maps i.i.d. noise to log returns; a TCN critic scores windows; both are
// trained as a Wasserstein GAN with gradient penalty (Gulrajani et al. 2017: Adam with betas
// (0, 0.9), `critic_steps` critic updates per generator update). The returns are first
// standardised and Gaussianised by an inverse Lambert W transform, then standardised again; samples
// go back through the inverses.
//
// Every convolution is causal and unpadded: block b has kernel 2 and dilation 2^b, seven blocks
// give a receptive field of 128 days, so noise of length L + 127 makes L returns and a path of any
// length is one forward pass.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/lambert_w.hpp"
#include "train/deep/fused_adam.hpp"
#include "train/deep/loop.hpp"
#include "train/deep/weights.hpp"

namespace finml::synth {
namespace {

constexpr std::int64_t kBlocks = 7;
constexpr std::int64_t kReceptiveField = 128;  // 1 + (1 + 2 + ... + 64)

struct TemporalBlockImpl : torch::nn::Module {
  TemporalBlockImpl(std::int64_t in, std::int64_t hidden, std::int64_t dilation)
      : dilation_(dilation),
        dilated_(register_module(
            "dilated",
            torch::nn::Conv1d(torch::nn::Conv1dOptions(in, hidden, 2).dilation(dilation)))),
        pointwise_(register_module("pointwise",
                                   torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, hidden, 1)))),
        act1_(register_module("act1", torch::nn::PReLU())),
        act2_(register_module("act2", torch::nn::PReLU())) {
    if (in != hidden)
      residual_ =
          register_module("residual", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, hidden, 1)));
  }

  // (output for the next block, skip) both of length L - dilation.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) {
    torch::Tensor h = act2_(pointwise_(act1_(dilated_(x))));
    torch::Tensor kept = x.slice(2, dilation_);
    if (residual_) kept = residual_(kept);
    return {h + kept, h};
  }

  std::int64_t dilation_;
  torch::nn::Conv1d dilated_, pointwise_;
  torch::nn::PReLU act1_, act2_;
  torch::nn::Conv1d residual_{nullptr};
};
TORCH_MODULE(TemporalBlock);

// (batch, in, L) -> (batch, out, L - 127).
struct TcnImpl : torch::nn::Module {
  TcnImpl(std::int64_t in, std::int64_t hidden, std::int64_t out) {
    for (std::int64_t b = 0; b < kBlocks; ++b)
      blocks_.push_back(
          register_module(fmt::format("block{}", b),
                          TemporalBlock(b == 0 ? in : hidden, hidden, std::int64_t{1} << b)));
    head_ = register_module("head", torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, out, 1)));
  }

  torch::Tensor forward(torch::Tensor x) {
    const std::int64_t out_length = x.size(2) - (kReceptiveField - 1);
    torch::Tensor skips;
    for (auto& block : blocks_) {
      auto [next, skip] = block->forward(x);
      skip = skip.slice(2, skip.size(2) - out_length);
      skips = skips.defined() ? skips + skip : skip;
      x = next;
    }
    return head_(skips);
  }

  std::vector<TemporalBlock> blocks_;
  torch::nn::Conv1d head_{nullptr};
};
TORCH_MODULE(Tcn);

class QuantGan final : public SeriesGenerator {
 public:
  explicit QuantGan(const SynthSettings& s)
      : settings_(s),
        generator_(s.quantgan.noise, s.quantgan.hidden, 1),
        critic_(1, s.quantgan.hidden, 1) {}

  void Fit(const std::vector<double>& r, std::mt19937_64& rng, bool progress) override {
    const QuantGanSettings& q = settings_.quantgan;
    const auto window = static_cast<std::size_t>(q.window);
    FINML_REQUIRE(r.size() >= window + 10,
                  "quantgan: {} returns are too few for windows of {} days (fix: a longer series "
                  "or --window closer to 128)",
                  r.size(), window);
    torch::manual_seed(settings_.seed);
    generator_ = Tcn(q.noise, q.hidden, 1);
    critic_ = Tcn(1, q.hidden, 1);
    // Preprocessing: Lambert W, then zero mean and unit variance.
    std::vector<double> u(r.size());
    if (q.lambert_w) {
      lambert_ = LambertW::Fit(r);
    } else {
      lambert_ = LambertW::Fit(r);
      lambert_.delta = 0;
    }
    for (std::size_t i = 0; i < r.size(); ++i) u[i] = lambert_.Gaussianize(r[i]);
    const double n = static_cast<double>(u.size());
    shift_ = std::accumulate(u.begin(), u.end(), 0.0) / n;
    double ss = 0;
    for (const double v : u) ss += (v - shift_) * (v - shift_);
    scale_ = std::sqrt(ss / n);
    std::vector<float> normalised(u.size());
    for (std::size_t i = 0; i < u.size(); ++i)
      normalised[i] = static_cast<float>((u[i] - shift_) / scale_);
    const torch::Tensor series =
        torch::from_blob(normalised.data(), {static_cast<std::int64_t>(normalised.size())},
                         torch::kFloat)
            .clone();
    std::vector<std::int64_t> starts;
    for (std::size_t t = 0; t + window <= u.size(); t += static_cast<std::size_t>(q.stride))
      starts.push_back(static_cast<std::int64_t>(t));
    const torch::Tensor offsets = torch::tensor(starts, torch::kLong).unsqueeze(1) +
                                  torch::arange(q.window, torch::kLong).unsqueeze(0);
    const torch::Tensor windows = series.index({offsets}).unsqueeze(1);  // (N, 1, window)

    auto adam = [&](torch::nn::Module& m) {
      return std::make_unique<torch::optim::Adam>(
          m.parameters(), torch::optim::AdamOptions(settings_.loop.lr).betas({0.0, 0.9}));
    };
    auto g_opt = adam(*generator_);
    auto c_opt = adam(*critic_);
    const std::int64_t batch = settings_.loop.batch;
    history_ = nlohmann::json::array();
    double wasserstein_sum = 0;
    std::int64_t critic_updates = 0;

    const auto noise = [&](std::int64_t b) {
      return torch::randn({b, q.noise, q.window + kReceptiveField - 1});
    };
    const train::deep::BatchLoss step = [&](const torch::Tensor& rows) -> torch::Tensor {
      // The loop hands critic_steps batches of real windows; the critic learns from each.
      for (std::int64_t c = 0; c * batch < rows.size(0); ++c) {
        const torch::Tensor real = windows.index_select(
            0, rows.slice(0, c * batch, std::min(rows.size(0), (c + 1) * batch)));
        const std::int64_t b = real.size(0);
        torch::Tensor fake;
        {
          torch::NoGradGuard no_grad;
          fake = generator_->forward(noise(b));
        }
        const torch::Tensor mix = torch::rand({b, 1, 1});
        torch::Tensor between = (mix * real + (1 - mix) * fake).requires_grad_(true);
        const torch::Tensor score_between = critic_->forward(between).mean({1, 2});
        const torch::Tensor gradient =
            torch::autograd::grad({score_between.sum()}, {between}, {}, true, true)[0];
        const torch::Tensor penalty = (gradient.flatten(1).norm(2, 1) - 1).pow(2).mean();
        const torch::Tensor distance =
            critic_->forward(real).mean() - critic_->forward(fake).mean();
        const torch::Tensor loss = -distance + q.gradient_penalty * penalty;
        c_opt->zero_grad();
        loss.backward();
        if (!train::deep::FusedAdamStep(*c_opt)) c_opt->step();
        wasserstein_sum += distance.item<double>();
        ++critic_updates;
      }
      for (auto& group : c_opt->param_groups())
        group.options().set_lr(g_opt->param_groups()[0].options().get_lr());
      return -critic_->forward(generator_->forward(noise(batch))).mean();
    };

    train::LoopOptions loop = settings_.loop;
    loop.batch = batch * q.critic_steps;
    loop.clip = 0;
    loop.progress = progress;
    loop.label = "quantgan";
    // The critic, its optimiser and the adversarial state live outside the loop.
    loop.checkpoints = false;
    const std::int64_t steps_per_epoch = (windows.size(0) + loop.batch - 1) / loop.batch;
    std::vector<double> wasserstein(static_cast<std::size_t>(loop.epochs), 0.0);
    std::vector<std::int64_t> counted(wasserstein.size(), 0);
    std::int64_t generator_steps = 0;
    const train::deep::BatchLoss counted_step = [&](const torch::Tensor& rows) {
      const std::int64_t before = critic_updates;
      const double sum_before = wasserstein_sum;
      torch::Tensor loss = step(rows);
      const auto epoch = static_cast<std::size_t>(generator_steps++ / steps_per_epoch);
      if (epoch < wasserstein.size()) {
        wasserstein[epoch] += wasserstein_sum - sum_before;
        counted[epoch] += critic_updates - before;
      }
      return loss;
    };
    const auto result = train::deep::TrainLoop(*generator_, windows.size(0), counted_step, nullptr,
                                               loop, rng, torch::kCPU, g_opt.get());
    for (std::size_t e = 0; e < result.history.size(); ++e)
      history_.push_back(
          {{"epoch", e + 1},
           {"generator_loss", result.history[e].train},
           {"wasserstein",
            counted[e] > 0 ? wasserstein[e] / static_cast<double>(counted[e]) : 0.0}});
    generator_->eval();
  }

  Paths Sample(std::size_t n, std::size_t length, std::uint64_t seed) const override {
    torch::NoGradGuard no_grad;
    auto gen = at::detail::createCPUGenerator(seed);
    Paths paths(n);
    // A few paths at a time bound the memory of long paths.
    constexpr std::size_t kChunk = 16;
    for (std::size_t first = 0; first < n; first += kChunk) {
      const std::size_t count = std::min(kChunk, n - first);
      const torch::Tensor z =
          torch::randn({static_cast<std::int64_t>(count), settings_.quantgan.noise,
                        static_cast<std::int64_t>(length) + kReceptiveField - 1},
                       gen);
      const torch::Tensor out = generator_->forward(z).squeeze(1).to(torch::kDouble).contiguous();
      const double* p = out.data_ptr<double>();
      for (std::size_t i = 0; i < count; ++i) {
        auto& path = paths[first + i];
        path.resize(length);
        for (std::size_t t = 0; t < length; ++t)
          path[t] = lambert_.HeavyTail(p[i * length + t] * scale_ + shift_);
      }
    }
    return paths;
  }

  nlohmann::json State() const override {
    return {{"lambert_w", lambert_.ToJson()},
            {"shift", shift_},
            {"scale", scale_},
            {"weights", "generator.pt"}};
  }
  void SaveFiles(const std::string& dir) const override {
    train::deep::SaveWeights(*generator_, dir + "/generator.pt");
  }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    try {
      lambert_ = LambertW::FromJson(state.at("lambert_w"), dir + "/model.json");
      shift_ = state.at("shift").get<double>();
      scale_ = state.at("scale").get<double>();
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(
          fmt::format("{}/model.json: the quantgan state is incomplete ({})", dir, e.what()));
    }
    FINML_REQUIRE(std::isfinite(shift_) && scale_ > 0 && std::isfinite(scale_),
                  "{}/model.json: the quantgan scale is out of range", dir);
    train::deep::LoadWeights(*generator_, dir + "/generator.pt", "quantgan generator");
    generator_->eval();
  }
  nlohmann::json History() const override { return history_; }

 private:
  SynthSettings settings_;
  mutable Tcn generator_;  // sampling runs forward, which torch does not mark const
  Tcn critic_;
  LambertW lambert_;
  double shift_ = 0, scale_ = 1;
  nlohmann::json history_ = nlohmann::json::array();
};

}  // namespace
}  // namespace finml::synth

extern "C" finml::synth::SeriesGenerator* finml_torch_make_quantgan(
    const finml::synth::SynthSettings& settings) {
  return new finml::synth::QuantGan(settings);
}
