// CTGAN (Xu, Skoularidou, Cuesta-Infante and Veeramachaneni 2019, "Modeling Tabular Data using
// Conditional GAN"), as its reference implementation builds it: rows encoded by TableEncoding
// (mode-specific normalisation, one-hots); a conditional vector naming one category of one
// discrete column, drawn by training-by-sampling (column uniformly, category by log frequency) with
// a real row of that category for the critic; a generator of two residual layers (linear, batch
// norm, ReLU, concatenated with their input) ending in tanh for alphas and Gumbel-softmax
// (tau 0.2) for one-hots, penalised by the cross-entropy of the conditioned column; a critic
// judging `pac` rows at once (PacGAN), two leaky-ReLU layers with dropout 0.5; WGAN-GP; Adam
// (2e-4 by default here too via --lr, betas 0.5 and 0.9, weight decay 1e-6).
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "finml/core/error.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/table_encoding.hpp"
#include "train/deep/fused_adam.hpp"
#include "train/deep/loop.hpp"
#include "train/deep/weights.hpp"

namespace finml::synth {
namespace {

namespace F = torch::nn::functional;

struct ResidualImpl : torch::nn::Module {
  ResidualImpl(std::int64_t in, std::int64_t out)
      : fc(register_module("fc", torch::nn::Linear(in, out))),
        bn(register_module("bn", torch::nn::BatchNorm1d(out))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::cat({torch::relu(bn(fc(x))), x}, 1);
  }
  torch::nn::Linear fc;
  torch::nn::BatchNorm1d bn;
};
TORCH_MODULE(Residual);

struct CtganGeneratorImpl : torch::nn::Module {
  CtganGeneratorImpl(std::int64_t in, std::int64_t width, std::int64_t out)
      : r1(register_module("r1", Residual(in, width))),
        r2(register_module("r2", Residual(in + width, width))),
        head(register_module("head", torch::nn::Linear(in + 2 * width, out))) {}
  torch::Tensor forward(const torch::Tensor& x) { return head(r2(r1(x))); }
  Residual r1, r2;
  torch::nn::Linear head;
};
TORCH_MODULE(CtganGenerator);

struct CriticImpl : torch::nn::Module {
  CriticImpl(std::int64_t in, std::int64_t width, std::int64_t pac)
      : pac_(pac),
        l1(register_module("l1", torch::nn::Linear(in * pac, width))),
        l2(register_module("l2", torch::nn::Linear(width, width))),
        l3(register_module("l3", torch::nn::Linear(width, 1))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = x.reshape({-1, x.size(1) * pac_});
    h = F::dropout(F::leaky_relu(l1(h), F::LeakyReLUFuncOptions().negative_slope(0.2)),
                   F::DropoutFuncOptions().p(0.5).training(is_training()));
    h = F::dropout(F::leaky_relu(l2(h), F::LeakyReLUFuncOptions().negative_slope(0.2)),
                   F::DropoutFuncOptions().p(0.5).training(is_training()));
    return l3(h);
  }
  std::int64_t pac_;
  torch::nn::Linear l1, l2, l3;
};
TORCH_MODULE(Critic);

class Ctgan final : public TableGenerator {
 public:
  explicit Ctgan(const SynthSettings& s) : settings_(s) {}

  void Fit(const credit::Table& train, std::mt19937_64& rng, bool progress) override {
    const CtganSettings& c = settings_.ctgan;
    torch::manual_seed(settings_.seed);
    encoding_ = TableEncoding::Fit(train, static_cast<std::size_t>(c.max_modes),
                                   static_cast<std::size_t>(c.discrete_limit), settings_.seed);
    Build();
    const std::vector<float> encoded = encoding_.Encode(train, rng);
    const torch::Tensor data = torch::from_blob(const_cast<float*>(encoded.data()),
                                                {static_cast<std::int64_t>(train.rows),
                                                 static_cast<std::int64_t>(encoding_.width())},
                                                torch::kFloat)
                                   .clone();
    // Training-by-sampling: rows of each category of each discrete column, and log-frequency
    // weights to draw categories by.
    std::vector<std::vector<std::vector<std::int64_t>>> rows_of(discrete_.size());
    std::vector<std::discrete_distribution<std::size_t>> pick_category;
    for (std::size_t d = 0; d < discrete_.size(); ++d) {
      const auto cats = encoding_.Categories(train, discrete_[d]);
      const auto& column = encoding_.columns()[discrete_[d]];
      rows_of[d].resize(column.categories.size());
      for (std::size_t r = 0; r < cats.size(); ++r)
        if (cats[r] >= 0)
          rows_of[d][static_cast<std::size_t>(cats[r])].push_back(static_cast<std::int64_t>(r));
      std::vector<double> w;
      for (std::size_t k = 0; k < column.categories.size(); ++k)
        w.push_back(
            rows_of[d][k].empty() ? 0.0 : std::log(static_cast<double>(rows_of[d][k].size()) + 1));
      pick_category.emplace_back(w.begin(), w.end());
    }
    std::uniform_int_distribution<std::size_t> pick_column(
        0, discrete_.empty() ? 0 : discrete_.size() - 1);
    std::uniform_int_distribution<std::int64_t> any_row(0,
                                                        static_cast<std::int64_t>(train.rows) - 1);

    auto g_opt = std::make_unique<torch::optim::Adam>(
        generator_->parameters(),
        torch::optim::AdamOptions(settings_.loop.lr).betas({0.5, 0.9}).weight_decay(1e-6));
    auto c_opt = std::make_unique<torch::optim::Adam>(
        critic_->parameters(),
        torch::optim::AdamOptions(settings_.loop.lr).betas({0.5, 0.9}).weight_decay(1e-6));
    history_ = nlohmann::json::array();
    std::vector<double> distance_sum;
    const std::int64_t steps_per_epoch =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(train.rows) / settings_.loop.batch);
    std::int64_t step_count = 0;

    const train::deep::BatchLoss step = [&](const torch::Tensor& given) -> torch::Tensor {
      const std::int64_t b = given.size(0) / c.pac * c.pac;
      if (b == 0) return {};
      // Conditions and the real rows that satisfy them.
      torch::Tensor cond = torch::zeros({b, cond_width_});
      std::vector<std::int64_t> real_rows(static_cast<std::size_t>(b)),
          columns(static_cast<std::size_t>(b)), categories(static_cast<std::size_t>(b));
      for (std::int64_t i = 0; i < b; ++i) {
        if (discrete_.empty()) {
          real_rows[static_cast<std::size_t>(i)] = any_row(rng);
          continue;
        }
        const std::size_t d = pick_column(rng);
        const std::size_t k = pick_category[d](rng);
        const auto& pool = rows_of[d][k];
        std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
        real_rows[static_cast<std::size_t>(i)] = pool[pick(rng)];
        columns[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(d);
        categories[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(k);
        cond[i][static_cast<std::int64_t>(cond_offset_[d] + k)] = 1.0F;
      }
      // The critic sees real rows with the conditions shuffled the same way as CTGAN does: each
      // real row with the condition it was drawn for.
      const torch::Tensor real =
          torch::cat({data.index_select(0, torch::tensor(real_rows, torch::kLong)), cond}, 1);
      torch::Tensor fake;
      {
        torch::NoGradGuard no_grad;
        fake =
            torch::cat({Activate(generator_->forward(torch::cat({Noise(b), cond}, 1))), cond}, 1);
      }
      const torch::Tensor mix =
          torch::rand({b / c.pac, 1, 1}).expand({b / c.pac, c.pac, 1}).reshape({b, 1});
      torch::Tensor between = (mix * real + (1 - mix) * fake).requires_grad_(true);
      const torch::Tensor score = critic_->forward(between);
      const torch::Tensor gradient =
          torch::autograd::grad({score.sum()}, {between}, {}, true, true)[0];
      const torch::Tensor penalty =
          (gradient.reshape({-1, between.size(1) * c.pac}).norm(2, 1) - 1).pow(2).mean();
      const torch::Tensor distance = critic_->forward(real).mean() - critic_->forward(fake).mean();
      const torch::Tensor c_loss = -distance + 10.0 * penalty;
      c_opt->zero_grad();
      c_loss.backward();
      if (!train::deep::FusedAdamStep(*c_opt)) c_opt->step();
      const auto epoch = static_cast<std::size_t>(step_count++ / steps_per_epoch);
      if (distance_sum.size() <= epoch) distance_sum.resize(epoch + 1, 0.0);
      distance_sum[epoch] += distance.item<double>() / static_cast<double>(steps_per_epoch);

      // Generator: fool the critic and produce the conditioned category.
      const torch::Tensor raw = generator_->forward(torch::cat({Noise(b), cond}, 1));
      torch::Tensor loss = -critic_->forward(torch::cat({Activate(raw), cond}, 1)).mean();
      if (!discrete_.empty()) {
        torch::Tensor ce = torch::zeros({});
        for (std::size_t d = 0; d < discrete_.size(); ++d) {
          std::vector<std::int64_t> which;
          for (std::int64_t i = 0; i < b; ++i)
            if (columns[static_cast<std::size_t>(i)] == static_cast<std::int64_t>(d))
              which.push_back(i);
          if (which.empty()) continue;
          const Span& s = encoding_.spans()[encoding_.column_spans()[discrete_[d]][0]];
          const torch::Tensor idx = torch::tensor(which, torch::kLong);
          std::vector<std::int64_t> targets;
          for (const auto i : which) targets.push_back(categories[static_cast<std::size_t>(i)]);
          const torch::Tensor logits = raw.index_select(0, idx).slice(
              1, static_cast<std::int64_t>(s.start), static_cast<std::int64_t>(s.start + s.width));
          ce = ce + F::cross_entropy(logits, torch::tensor(targets, torch::kLong),
                                     F::CrossEntropyFuncOptions().reduction(torch::kSum));
        }
        loss = loss + ce / static_cast<double>(b);
      }
      return loss;
    };
    train::LoopOptions loop = settings_.loop;
    loop.clip = 0;
    loop.progress = progress;
    loop.label = "ctgan";
    // The critic, its optimiser and the adversarial state live outside the loop.
    loop.checkpoints = false;
    critic_->train();
    const auto result = train::deep::TrainLoop(*generator_, static_cast<std::int64_t>(train.rows),
                                               step, nullptr, loop, rng, torch::kCPU, g_opt.get());
    for (std::size_t e = 0; e < result.history.size(); ++e)
      history_.push_back({{"epoch", e + 1},
                          {"generator_loss", result.history[e].train},
                          {"wasserstein", e < distance_sum.size() ? distance_sum[e] : 0.0}});
    generator_->eval();
  }

  credit::Table Sample(std::size_t n, std::uint64_t seed) const override {
    torch::NoGradGuard no_grad;
    torch::manual_seed(seed);  // Gumbel noise draws from the global generator
    std::mt19937_64 rng(seed);
    // Conditions by the categories' real frequencies, as CTGAN samples.
    std::uniform_int_distribution<std::size_t> pick_column(
        0, discrete_.empty() ? 0 : discrete_.size() - 1);
    std::vector<std::discrete_distribution<std::size_t>> pick_category;
    for (const auto d : discrete_) {
      const auto& counts = encoding_.columns()[d].category_counts;
      pick_category.emplace_back(counts.begin(), counts.end());
    }
    std::vector<float> out;
    out.reserve(n * encoding_.width());
    constexpr std::size_t kChunk = 512;
    for (std::size_t first = 0; first < n; first += kChunk) {
      const auto b = static_cast<std::int64_t>(std::min(kChunk, n - first));
      torch::Tensor cond = torch::zeros({b, cond_width_});
      for (std::int64_t i = 0; i < b && !discrete_.empty(); ++i) {
        const std::size_t d = pick_column(rng);
        cond[i][static_cast<std::int64_t>(cond_offset_[d] + pick_category[d](rng))] = 1.0F;
      }
      const torch::Tensor z = torch::randn({b, settings_.ctgan.embedding});
      const torch::Tensor x = Activate(generator_->forward(torch::cat({z, cond}, 1))).contiguous();
      out.insert(out.end(), x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
    }
    return encoding_.Decode(out, n, rng);
  }

  nlohmann::json State() const override {
    return {{"encoding", encoding_.ToJson()}, {"weights", "generator.pt"}};
  }
  void SaveFiles(const std::string& dir) const override {
    train::deep::SaveWeights(*generator_, dir + "/generator.pt");
  }
  void Load(const nlohmann::json& state, const std::string& dir) override {
    FINML_REQUIRE(state.contains("encoding"),
                  "{}/model.json: the ctgan encoding is missing (fix: train it again)", dir);
    encoding_ = TableEncoding::FromJson(state["encoding"], dir + "/model.json");
    Build();
    train::deep::LoadWeights(*generator_, dir + "/generator.pt", "ctgan generator");
    generator_->eval();
  }
  nlohmann::json History() const override { return history_; }

 private:
  void Build() {
    discrete_.clear();
    cond_offset_.clear();
    cond_width_ = 0;
    for (std::size_t i = 0; i < encoding_.columns().size(); ++i)
      if (encoding_.columns()[i].discrete) {
        discrete_.push_back(i);
        cond_offset_.push_back(static_cast<std::size_t>(cond_width_));
        cond_width_ += static_cast<std::int64_t>(encoding_.columns()[i].categories.size());
      }
    const auto width = static_cast<std::int64_t>(encoding_.width());
    generator_ =
        CtganGenerator(settings_.ctgan.embedding + cond_width_, settings_.ctgan.width, width);
    critic_ = Critic(width + cond_width_, settings_.ctgan.width, settings_.ctgan.pac);
  }

  torch::Tensor Noise(std::int64_t b) const { return torch::randn({b, settings_.ctgan.embedding}); }

  // tanh on alphas, Gumbel-softmax on one-hots.
  torch::Tensor Activate(const torch::Tensor& raw) const {
    std::vector<torch::Tensor> parts;
    for (const Span& s : encoding_.spans()) {
      const torch::Tensor slice = raw.slice(1, static_cast<std::int64_t>(s.start),
                                            static_cast<std::int64_t>(s.start + s.width));
      parts.push_back(s.softmax
                          ? F::gumbel_softmax(slice, F::GumbelSoftmaxFuncOptions().tau(0.2).dim(1))
                          : torch::tanh(slice));
    }
    return torch::cat(parts, 1);
  }

  SynthSettings settings_;
  TableEncoding encoding_;
  std::vector<std::size_t> discrete_, cond_offset_;
  std::int64_t cond_width_ = 0;
  mutable CtganGenerator generator_{
      nullptr};  // sampling runs forward, which torch does not mark const
  Critic critic_{nullptr};
  nlohmann::json history_ = nlohmann::json::array();
};

}  // namespace
}  // namespace finml::synth

extern "C" finml::synth::TableGenerator* finml_torch_make_ctgan(
    const finml::synth::SynthSettings& settings) {
  return new finml::synth::Ctgan(settings);
}
