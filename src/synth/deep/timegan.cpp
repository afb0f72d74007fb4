// TimeGAN (Yoon, Jarrett and van der Schaar, NeurIPS 2019), as its reference code trains it:
// five GRU networks of `hidden` units (`layers` layers, the supervisor one fewer), each with a
// linear head and a sigmoid (none on the discriminator):
//   embedder       windows -> latents H          recovery      H -> windows
//   generator      uniform noise -> latents E    supervisor    H_t -> H_{t+1}
//   discriminator  latents -> real or fake, per step
// Phase 1 trains the autoencoder (10 sqrt(MSE)); phase 2 the supervisor on real latents (MSE of
// the next latent); phase 3 alternates two generator updates (adversarial losses on S(E) and on E,
// 100 sqrt of the supervised loss, 100 x the distance of the windows' batch means and standard
// deviations), one autoencoder update (plus 0.1 x the supervised loss) and one discriminator
// update, skipped while its loss is already below 0.15. Adam throughout. Samples are
// recovery(supervisor(generator(noise))), mapped back from the real data's min-max scale.
//
// Each phase runs through the shared training loop (one epoch: every training window once in
// batches); --epochs counts the epochs of each phase. The reference trains 50,000 batches of 128
// per phase, about 1,750 epochs of the 3,661 windows of its Google series.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "finml/core/error.hpp"
#include "finml/synth/generator.hpp"
#include "train/deep/fused_adam.hpp"
#include "train/deep/loop.hpp"
#include "train/deep/weights.hpp"

namespace finml::synth {
namespace {

// (batch, steps, in) -> (batch, steps, out).
struct RecurrentImpl : torch::nn::Module {
  RecurrentImpl(std::int64_t in, std::int64_t hidden, std::int64_t layers, std::int64_t out,
                bool squash)
      : squash_(squash),
        gru_(register_module(
            "gru", torch::nn::GRU(
                       torch::nn::GRUOptions(in, hidden).num_layers(layers).batch_first(true)))),
        head_(register_module("head", torch::nn::Linear(hidden, out))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = head_(std::get<0>(gru_->forward(x)));
    return squash_ ? torch::sigmoid(y) : y;
  }
  bool squash_;
  torch::nn::GRU gru_;
  torch::nn::Linear head_;
};
TORCH_MODULE(Recurrent);

// The five networks, saved as one file; `part` holders give each phase its own parameters.
struct NetworksImpl : torch::nn::Module {
  NetworksImpl(std::int64_t features, const TimeGanSettings& s)
      : embedder(
            register_module("embedder", Recurrent(features, s.hidden, s.layers, s.hidden, true))),
        recovery(
            register_module("recovery", Recurrent(s.hidden, s.hidden, s.layers, features, true))),
        generator(
            register_module("generator", Recurrent(features, s.hidden, s.layers, s.hidden, true))),
        supervisor(register_module(
            "supervisor", Recurrent(s.hidden, s.hidden, std::max<std::int64_t>(s.layers - 1, 1),
                                    s.hidden, true))),
        discriminator(
            register_module("discriminator", Recurrent(s.hidden, s.hidden, s.layers, 1, false))) {}
  Recurrent embedder, recovery, generator, supervisor, discriminator;
};
TORCH_MODULE(Networks);

struct PairImpl : torch::nn::Module {
  PairImpl(const Recurrent& a, const Recurrent& b) {
    register_module("a", a);
    register_module("b", b);
  }
};
TORCH_MODULE(Pair);

// The supervised loss: how well the supervisor predicts each next real latent.
torch::Tensor SupervisedLoss(Networks& n, const torch::Tensor& h) {
  const std::int64_t steps = h.size(1);
  return torch::mse_loss(n->supervisor(h).slice(1, 0, steps - 1), h.slice(1, 1, steps));
}

torch::Tensor Logistic(const torch::Tensor& logits, double target) {
  return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
}

class TimeGan final : public PanelGenerator {
 public:
  explicit TimeGan(const SynthSettings& s) : settings_(s) {}

  void Fit(const Panel& real, std::mt19937_64& rng, bool progress) override {
    const TimeGanSettings& g = settings_.timegan;
    columns_ = real.columns;
    const auto f = static_cast<std::int64_t>(columns_.size());
    const auto window = static_cast<std::size_t>(g.window);
    FINML_REQUIRE(real.paths.size() == 1 && real.Steps(0) >= window + 10,
                  "timegan: {} steps are too few for windows of {} (fix: a longer series or a "
                  "shorter --timegan-window)",
                  real.paths.empty() ? 0 : real.Steps(0), window);
    const PanelRange range = RangeOf(real);
    lo_ = range.lo;
    span_.resize(range.lo.size());
    // TimeGAN's MinMaxScaler: (x - min) / (max - min + 1e-7).
    for (std::size_t j = 0; j < span_.size(); ++j) span_[j] = range.hi[j] - range.lo[j] + 1e-7;
    torch::manual_seed(settings_.seed);
    nets_ = Networks(f, g);
    const Windows w =
        PanelWindows(real, window, PanelRange{lo_, Plus(lo_, span_)}, static_cast<std::size_t>(-1));
    const torch::Tensor windows =
        torch::from_blob(const_cast<float*>(w.values.data()),
                         {static_cast<std::int64_t>(w.count()), g.window, f}, torch::kFloat)
            .clone();
    const std::int64_t rows = windows.size(0);
    history_ = nlohmann::json::array();
    const auto adam = [&](torch::nn::Module& m) {
      return std::make_unique<torch::optim::Adam>(m.parameters(),
                                                  torch::optim::AdamOptions(settings_.loop.lr));
    };
    train::LoopOptions loop = settings_.loop;
    loop.clip = 0;
    loop.progress = progress;
    // The critic, its optimiser and the adversarial state live outside the loop.
    loop.checkpoints = false;
    const auto batch_of = [&](const torch::Tensor& idx) { return windows.index_select(0, idx); };
    const auto record = [&](const char* phase, const train::deep::LoopResult& result,
                            const char* loss_name) {
      for (std::size_t e = 0; e < result.history.size(); ++e)
        history_.push_back(
            {{"phase", phase}, {"epoch", e + 1}, {loss_name, result.history[e].train}});
    };

    // Phase 1: the autoencoder.
    Pair autoencoder(nets_->embedder, nets_->recovery);
    auto e_opt = adam(*autoencoder);
    loop.label = "timegan autoencoder";
    record("autoencoder",
           train::deep::TrainLoop(
               *autoencoder, rows,
               [&](const torch::Tensor& idx) {
                 const torch::Tensor x = batch_of(idx);
                 return 10 * torch::sqrt(torch::mse_loss(nets_->recovery(nets_->embedder(x)), x));
               },
               nullptr, loop, rng, torch::kCPU, e_opt.get()),
           "reconstruction");

    // Phase 2: the supervisor on the real latents.
    auto s_opt = adam(*nets_->supervisor);
    loop.label = "timegan supervisor";
    record("supervisor",
           train::deep::TrainLoop(
               *nets_->supervisor, rows,
               [&](const torch::Tensor& idx) {
                 torch::Tensor h;
                 {
                   torch::NoGradGuard no_grad;
                   h = nets_->embedder(batch_of(idx));
                 }
                 return SupervisedLoss(nets_, h);
               },
               nullptr, loop, rng, torch::kCPU, s_opt.get()),
           "supervised");

    // Phase 3: joint training.
    Pair generation(nets_->generator, nets_->supervisor);
    auto g_opt = adam(*generation);
    auto d_opt = adam(*nets_->discriminator);
    const double gamma = g.gamma;
    const auto generator_loss = [&](const torch::Tensor& x) {
      const torch::Tensor e_hat = nets_->generator(torch::rand(x.sizes()));
      const torch::Tensor h_hat = nets_->supervisor(e_hat);
      const torch::Tensor x_hat = nets_->recovery(h_hat);
      const torch::Tensor adversarial = Logistic(nets_->discriminator(h_hat), 1) +
                                        gamma * Logistic(nets_->discriminator(e_hat), 1);
      const torch::Tensor supervised = SupervisedLoss(nets_, nets_->embedder(x));
      // TimeGAN's moment loss: batch statistics per step and feature (population variance).
      const auto stdev = [](const torch::Tensor& t) {
        return torch::sqrt(t.var(0, /*unbiased=*/false) + 1e-6);
      };
      const torch::Tensor moments =
          (stdev(x_hat) - stdev(x)).abs().mean() + (x_hat.mean(0) - x.mean(0)).abs().mean();
      return adversarial + 100 * torch::sqrt(supervised) + 100 * moments;
    };
    const std::int64_t steps_per_epoch = (rows + loop.batch - 1) / loop.batch;
    std::vector<double> d_sum(static_cast<std::size_t>(loop.epochs), 0.0), e_sum(d_sum.size(), 0.0);
    std::int64_t joint_steps = 0;
    loop.label = "timegan joint";
    const auto joint = train::deep::TrainLoop(
        *generation, rows,
        [&](const torch::Tensor& idx) {
          const torch::Tensor x = batch_of(idx);
          // The loop makes the second generator update with the loss returned below.
          g_opt->zero_grad();
          generator_loss(x).backward();
          if (!train::deep::FusedAdamStep(*g_opt)) g_opt->step();
          // The autoencoder, kept consistent with the supervisor.
          const torch::Tensor h = nets_->embedder(x);
          const torch::Tensor e_loss = 10 * torch::sqrt(torch::mse_loss(nets_->recovery(h), x)) +
                                       0.1 * SupervisedLoss(nets_, h);
          e_opt->zero_grad();
          e_loss.backward();
          if (!train::deep::FusedAdamStep(*e_opt)) e_opt->step();
          // The discriminator, only while it is not already winning.
          torch::Tensor d_loss;
          {
            torch::Tensor h_real, e_hat, h_hat;
            {
              torch::NoGradGuard no_grad;
              h_real = nets_->embedder(x);
              e_hat = nets_->generator(torch::rand(x.sizes()));
              h_hat = nets_->supervisor(e_hat);
            }
            d_loss = Logistic(nets_->discriminator(h_real), 1) +
                     Logistic(nets_->discriminator(h_hat), 0) +
                     gamma * Logistic(nets_->discriminator(e_hat), 0);
          }
          d_opt->zero_grad();
          if (d_loss.item<double>() > 0.15) {
            d_loss.backward();
            if (!train::deep::FusedAdamStep(*d_opt)) d_opt->step();
          }
          const auto epoch = static_cast<std::size_t>(joint_steps++ / steps_per_epoch);
          if (epoch < d_sum.size()) {
            d_sum[epoch] += d_loss.item<double>();
            e_sum[epoch] += e_loss.item<double>();
          }
          g_opt->zero_grad();
          e_opt->zero_grad();
          d_opt->zero_grad();
          return generator_loss(x);
        },
        nullptr, loop, rng, torch::kCPU, g_opt.get());
    for (std::size_t e = 0; e < joint.history.size(); ++e)
      history_.push_back({{"phase", "joint"},
                          {"epoch", e + 1},
                          {"generator_loss", joint.history[e].train},
                          {"discriminator_loss", d_sum[e] / static_cast<double>(steps_per_epoch)},
                          {"reconstruction", e_sum[e] / static_cast<double>(steps_per_epoch)}});
    nets_->eval();
  }

  Panel Sample(std::size_t n, std::size_t length, std::uint64_t seed) const override {
    torch::NoGradGuard no_grad;
    auto gen = at::detail::createCPUGenerator(seed);
    const std::size_t f = columns_.size();
    Panel panel;
    panel.columns = columns_;
    panel.paths.resize(n);
    constexpr std::size_t kChunk = 256;
    for (std::size_t first = 0; first < n; first += kChunk) {
      const std::size_t count = std::min(kChunk, n - first);
      const torch::Tensor z =
          torch::rand({static_cast<std::int64_t>(count), static_cast<std::int64_t>(length),
                       static_cast<std::int64_t>(f)},
                      gen);
      const torch::Tensor x =
          nets_->recovery(nets_->supervisor(nets_->generator(z))).to(torch::kDouble).contiguous();
      const double* p = x.data_ptr<double>();
      for (std::size_t i = 0; i < count; ++i) {
        auto& path = panel.paths[first + i];
        path.resize(length * f);
        for (std::size_t k = 0; k < length * f; ++k)
          path[k] = p[i * length * f + k] * span_[k % f] + lo_[k % f];
      }
    }
    return panel;
  }

  std::size_t Window() const override { return static_cast<std::size_t>(settings_.timegan.window); }

  nlohmann::json State() const override {
    return {{"columns", columns_}, {"min", lo_}, {"span", span_}, {"weights", "timegan.pt"}};
  }
  void SaveFiles(const std::string& dir) const override {
    train::deep::SaveWeights(*nets_, dir + "/timegan.pt");
  }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    try {
      columns_ = state.at("columns").get<std::vector<std::string>>();
      lo_ = state.at("min").get<std::vector<double>>();
      span_ = state.at("span").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(
          fmt::format("{}/model.json: the timegan state is incomplete ({})", dir, e.what()));
    }
    FINML_REQUIRE(
        !columns_.empty() && lo_.size() == columns_.size() && span_.size() == columns_.size(),
        "{}/model.json: the timegan state's columns, min and span differ in length", dir);
    for (std::size_t j = 0; j < span_.size(); ++j)
      FINML_REQUIRE(std::isfinite(lo_[j]) && std::isfinite(span_[j]) && span_[j] > 0,
                    "{}/model.json: the timegan scale of column '{}' is out of range", dir,
                    columns_[j]);
    nets_ = Networks(static_cast<std::int64_t>(columns_.size()), settings_.timegan);
    train::deep::LoadWeights(*nets_, dir + "/timegan.pt", "timegan");
    nets_->eval();
  }
  nlohmann::json History() const override { return history_; }

 private:
  static std::vector<double> Plus(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] + b[i];
    return out;
  }

  SynthSettings settings_;
  std::vector<std::string> columns_;
  std::vector<double> lo_, span_;
  mutable Networks nets_{nullptr};  // sampling runs forward, which torch does not mark const
  nlohmann::json history_ = nlohmann::json::array();
};

}  // namespace
}  // namespace finml::synth

extern "C" finml::synth::PanelGenerator* finml_torch_make_timegan(
    const finml::synth::SynthSettings& settings) {
  return new finml::synth::TimeGan(settings);
}
