// A Forecaster around a sequence network: target standardisation, training phases on the shared
// loop (train/deep/loop.hpp), batched inference and weight files.
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "finml/models/deep.hpp"
#include "networks.hpp"
#include "threads.hpp"
#include "train/deep/loop.hpp"

namespace finml::models {
namespace {

struct TrainParams {
  train::deep::LoopOptions loop;
  std::string device = "cpu";
};

constexpr std::int64_t kInferenceChunk = 1024;

class DeepForecaster final : public Forecaster {
 public:
  DeepForecaster(deep::SequenceNetOptions spec, TrainParams train)
      : spec_(std::move(spec)), train_(train) {}

  void SetPretraining(std::string mode, std::vector<PretrainSource> sources, std::int64_t epochs,
                      double finetune_lr) {
    mode_ = std::move(mode);
    pretrain_sources_ = std::move(sources);
    pretrain_epochs_ = epochs;
    finetune_lr_ = finetune_lr;
  }

  [[nodiscard]] std::vector<PretrainSource> PretrainSources() const override {
    return mode_ == "scratch" ? std::vector<PretrainSource>{} : pretrain_sources_;
  }

  [[nodiscard]] std::size_t RequiredLookback() const override {
    return static_cast<std::size_t>(spec_.window);
  }

  void Fit(const train::SampleSet& tr, const train::SampleSet& va,
           const FitContext& context) override {
    FINML_REQUIRE(tr.size() >= 2, "{}: {} training samples are too few", spec_.architecture,
                  tr.size());
    spec_.features = static_cast<std::int64_t>(tr.num_features());
    torch::manual_seed(context.seed);
    std::mt19937_64 rng(context.seed);
    device_ = Device();
    const bool use_pretraining = mode_ != "scratch";
    FINML_REQUIRE(!use_pretraining || (context.pretrain && context.pretrain->size() > 0),
                  "{}: mode '{}' needs pretraining samples (give 'pretrain' sources)",
                  spec_.architecture, mode_);
    // Targets are standardised with the statistics of the first data the network learns from,
    // so a pretrained network keeps its scale when it moves to the target series.
    SetTargetScale(use_pretraining ? *context.pretrain : tr);
    net_ = deep::MakeNet(spec_);
    net_->to(device_);
    history_.clear();
    pretrain_epochs_run_ = 0;
    const std::string label = context.label.empty() ? spec_.architecture : context.label;
    if (use_pretraining) {
      Train(*context.pretrain, va, pretrain_epochs_, train_.loop.lr, label + " pretrain", rng,
            context);
      pretrain_epochs_run_ = static_cast<std::int64_t>(history_.size());
      if (mode_ == "fine_tune")
        Train(tr, va, train_.loop.epochs, finetune_lr_, label + " fine-tune", rng, context);
    } else {
      Train(tr, va, train_.loop.epochs, train_.loop.lr, label, rng, context);
    }
  }

  [[nodiscard]] std::vector<double> Predict(const train::SampleSet& samples) const override {
    if (!net_) throw InternalError(spec_.architecture + ": predict before fit");
    torch::NoGradGuard no_grad;
    net_->eval();
    torch::Tensor x = Windows(samples);
    std::vector<double> out;
    out.reserve(samples.size());
    // Fixed chunks, so a sample's prediction does not depend on how many others come with it.
    for (std::int64_t b = 0; b < x.size(0); b += kInferenceChunk) {
      torch::Tensor p = net_->forward(x.slice(0, b, std::min(x.size(0), b + kInferenceChunk)))
                            .to(torch::kCPU, torch::kDouble)
                            .contiguous();
      const double* data = p.data_ptr<double>();
      for (std::int64_t i = 0; i < p.size(0); ++i) out.push_back(data[i] * y_std_ + y_mean_);
    }
    return out;
  }

  [[nodiscard]] nlohmann::json Describe() const override {
    nlohmann::json losses = nlohmann::json::array();
    for (auto [t, v] : history_)
      losses.push_back({t, std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr)});
    std::int64_t parameters = 0;
    if (net_) {
      for (const auto& p : net_->parameters()) parameters += p.numel();
    }
    return {{"type", spec_.architecture},
            {"features", spec_.features},
            {"window", spec_.window},
            {"hidden", spec_.hidden},
            {"layers", spec_.layers},
            {"parameters", parameters},
            {"epochs_run", history_.size()},
            {"mode", mode_},
            {"pretrain_epochs_run", pretrain_epochs_run_},
            {"best_epoch", best_epoch_},
            {"best_val_loss",
             std::isfinite(best_val_) ? nlohmann::json(best_val_) : nlohmann::json(nullptr)},
            {"target_mean", y_mean_},
            {"target_std", y_std_},
            {"loss_history", losses},
            {"note", "losses are MSE on the standardised target: [train, validation] per epoch"}};
  }

  [[nodiscard]] nlohmann::json Save(const std::string& dir) const override {
    if (!net_) throw InternalError(spec_.architecture + ": save before fit");
    torch::serialize::OutputArchive archive;
    net_->save(archive);
    std::string tmp = dir + "/weights.pt.tmp";
    archive.save_to(tmp);
    std::filesystem::rename(tmp, dir + "/weights.pt");
    nlohmann::json state = Describe();
    state["weights"] = "weights.pt";
    return state;
  }

  void Load(const JsonReader& state, const std::string& dir) override {
    spec_.features = state["features"].Integer(1, 100000);
    y_mean_ = state["target_mean"].Number();
    y_std_ = state["target_std"].Number(std::numeric_limits<double>::min(),
                                        std::numeric_limits<double>::max());
    best_epoch_ = state["best_epoch"].Integer(0, 1000000000);
    // The weights must be a file of this directory, not a path out of it.
    const std::string file = state["weights"].String(255);
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..")
      state["weights"].Fail("must name a file in the model's directory");
    device_ = Device();
    net_ = deep::MakeNet(spec_);
    // What this network's parameters and buffers must look like: a saved archive replaces each
    // tensor whole, so weights of another shape would otherwise load silently.
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected;
    for (const auto& item : net_->named_parameters())
      expected.emplace_back(item.key(), item.value().sizes().vec());
    for (const auto& item : net_->named_buffers())
      expected.emplace_back(item.key(), item.value().sizes().vec());
    const std::string path = dir + "/" + file;
    try {
      torch::serialize::InputArchive archive;
      archive.load_from(path);
      net_->load(archive);
    } catch (const std::exception& e) {
      std::string why = e.what();
      why = why.substr(0, why.find('\n'));
      throw InvalidInput(
          fmt::format("{}: not the weights of this {} ({}) (fix: restore the file, "
                      "or train again)",
                      path, spec_.architecture, why));
    }
    std::map<std::string, std::vector<std::int64_t>> loaded;
    for (const auto& item : net_->named_parameters())
      loaded[item.key()] = item.value().sizes().vec();
    for (const auto& item : net_->named_buffers()) loaded[item.key()] = item.value().sizes().vec();
    for (const auto& [name, shape] : expected) {
      if (loaded.at(name) == shape) continue;
      throw InvalidInput(fmt::format(
          "{}: tensor '{}' has shape [{}], the manifest's {} (hidden {}, layers {}, {} inputs) "
          "needs [{}] (fix: keep weights.pt and model.json from the same run)",
          path, name, fmt::join(loaded.at(name), ", "), spec_.architecture, spec_.hidden,
          spec_.layers, spec_.features, fmt::join(shape, ", ")));
    }
    net_->to(device_);
  }

 private:
  void SetTargetScale(const train::SampleSet& s) {
    y_mean_ = std::accumulate(s.y.begin(), s.y.end(), 0.0) / static_cast<double>(s.size());
    double ss = 0;
    for (double v : s.y) ss += (v - y_mean_) * (v - y_mean_);
    y_std_ = std::sqrt(ss / static_cast<double>(s.size()));
    if (!(y_std_ > 0)) y_std_ = 1.0;
  }

  // One training phase on the shared loop: early stopping on the validation samples' last-step
  // loss, the phase's best weights restored at its end.
  void Train(const train::SampleSet& tr, const train::SampleSet& va, std::int64_t epochs, double lr,
             const std::string& label, std::mt19937_64& rng, const FitContext& context) {
    const torch::Tensor x_train = Windows(tr);
    const bool dense = net_->causal();
    torch::Tensor y_train = dense ? StepTargets(tr) : Targets(tr);
    const torch::Tensor known = dense ? y_train.isfinite().to(torch::kFloat) : torch::Tensor();
    if (dense) y_train = torch::nan_to_num(y_train, 0.0);
    train::deep::BatchLoss batch_loss = [&](const torch::Tensor& idx) {
      if (!dense) {
        return torch::mse_loss(net_->forward(x_train.index_select(0, idx)),
                               y_train.index_select(0, idx));
      }
      // Causal networks learn from every step whose target is known.
      const torch::Tensor mask = known.index_select(0, idx);
      const torch::Tensor err =
          net_->forward_all(x_train.index_select(0, idx)) - y_train.index_select(0, idx);
      return (err * err * mask).sum() / mask.sum().clamp_min(1.0);
    };
    train::deep::ValidationLoss validate;
    torch::Tensor x_val, y_val;
    if (va.size() > 0) {
      x_val = Windows(va);
      y_val = Targets(va);
      validate = [&] { return Loss(x_val, y_val); };
    }
    train::deep::LoopOptions options = train_.loop;
    options.epochs = epochs;
    options.lr = lr;
    options.progress = context.progress;
    options.label = label;
    // A causal network's loss is a mean over known steps, not rows: it trains replicated.
    options.data_parallel = !dense;
    const std::size_t before = history_.size();
    const auto result =
        train::deep::TrainLoop(*net_, x_train.size(0), batch_loss, validate, options, rng, device_);
    for (const auto& e : result.history) history_.push_back({e.train, e.validation});
    // Epochs are counted over every phase of the fit, as the loss history is.
    best_epoch_ = result.best_epoch > 0 ? static_cast<std::int64_t>(before) + result.best_epoch : 0;
    best_val_ = result.best_validation.value_or(std::numeric_limits<double>::infinity());
  }

  // Per-step targets for causal networks: step k of sample i is the target of the sample that
  // was decided on that step's row, if that sample is in the same set (so never beyond it).
  torch::Tensor StepTargets(const train::SampleSet& s) const {
    const std::int64_t window = spec_.window;
    std::map<std::pair<std::size_t, std::size_t>, double> by_row;
    for (std::size_t i = 0; i < s.size(); ++i) by_row[{s.asset[i], s.decision_row[i]}] = s.y[i];
    torch::Tensor y = torch::full({static_cast<std::int64_t>(s.size()), window},
                                  std::numeric_limits<float>::quiet_NaN());
    auto acc = y.accessor<float, 2>();
    for (std::size_t i = 0; i < s.size(); ++i) {
      for (std::int64_t k = 0; k < window; ++k) {
        std::int64_t back = window - 1 - k;
        if (static_cast<std::int64_t>(s.decision_row[i]) < back) continue;
        auto it = by_row.find({s.asset[i], s.decision_row[i] - static_cast<std::size_t>(back)});
        if (it != by_row.end())
          acc[static_cast<std::int64_t>(i)][k] =
              static_cast<float>((it->second - y_mean_) / y_std_);
      }
    }
    return y.to(device_);
  }

  torch::Device Device() const {
    if (train_.device == "cuda") {
      FINML_REQUIRE(torch::cuda::is_available(),
                    "{}: device 'cuda' requested but this LibTorch build sees no CUDA device",
                    spec_.architecture);
      return torch::Device(torch::kCUDA);
    }
    FINML_REQUIRE(train_.device == "cpu", "{}: unknown device '{}' (valid: cpu, cuda)",
                  spec_.architecture, train_.device);
    return torch::Device(torch::kCPU);
  }

  // The last `window` steps of each sample, as float32 (batch, window, features).
  torch::Tensor Windows(const train::SampleSet& s) const {
    const auto window = static_cast<std::size_t>(spec_.window);
    FINML_REQUIRE(s.lookback >= window, "{}: samples carry {} steps, the model needs {}",
                  spec_.architecture, s.lookback, window);
    FINML_REQUIRE(static_cast<std::int64_t>(s.num_features()) == spec_.features,
                  "{}: {} input features, the model was built for {}", spec_.architecture,
                  s.num_features(), spec_.features);
    const std::size_t f = s.num_features(), skip = s.lookback - window;
    torch::Tensor x = torch::empty(
        {static_cast<std::int64_t>(s.size()), spec_.window, spec_.features}, torch::kFloat);
    float* out = x.data_ptr<float>();
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double* in = s.x.data() + (i * s.lookback + skip) * f;
      for (std::size_t k = 0; k < window * f; ++k) *out++ = static_cast<float>(in[k]);
    }
    return x.to(device_);
  }

  torch::Tensor Targets(const train::SampleSet& s) const {
    std::vector<float> y(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
      y[i] = static_cast<float>((s.y[i] - y_mean_) / y_std_);
    return torch::tensor(y).to(device_);
  }

  double Loss(const torch::Tensor& x, const torch::Tensor& y) {
    torch::NoGradGuard no_grad;
    net_->eval();
    double total = 0;
    for (std::int64_t b = 0; b < x.size(0); b += kInferenceChunk) {
      std::int64_t e = std::min(x.size(0), b + kInferenceChunk);
      total +=
          torch::mse_loss(net_->forward(x.slice(0, b, e)), y.slice(0, b, e), torch::Reduction::Sum)
              .item<double>();
    }
    return total / static_cast<double>(x.size(0));
  }

  deep::SequenceNetOptions spec_;
  TrainParams train_;
  std::string mode_ = "scratch";  // gpt: scratch | zero_shot | fine_tune
  std::vector<PretrainSource> pretrain_sources_;
  std::int64_t pretrain_epochs_ = 0;
  double finetune_lr_ = 0;
  std::int64_t pretrain_epochs_run_ = 0;
  torch::Device device_ = torch::Device(torch::kCPU);
  std::shared_ptr<deep::SequenceNetImpl> net_;
  double y_mean_ = 0, y_std_ = 1;
  std::vector<std::pair<double, double>> history_;
  std::int64_t best_epoch_ = 0;
  double best_val_ = std::numeric_limits<double>::infinity();
};

}  // namespace

namespace {

std::unique_ptr<Forecaster> MakeDeepForecasterImpl(const DeepOptions& o) {
  deep::SequenceNetOptions spec;
  spec.architecture = o.architecture;
  spec.window = o.lookback;
  spec.hidden = o.hidden;
  spec.layers = o.layers;
  spec.dropout = o.dropout;
  spec.heads = o.heads;
  spec.feedforward = o.feedforward > 0 ? o.feedforward : 4 * o.hidden;
  spec.kernel = o.kernel;
  spec.fused = (o.architecture == "lstm" || o.architecture == "gru") && o.implementation == "fused";
  TrainParams t;
  t.loop = o.loop;
  t.device = o.device;
  auto model = std::make_unique<DeepForecaster>(spec, t);
  if (o.architecture == "gpt")
    model->SetPretraining(o.mode, o.pretrain, o.pretrain_epochs, o.finetune_lr);
  return model;
}

}  // namespace
}  // namespace finml::models

extern "C" finml::models::Forecaster* finml_torch_make_forecaster(
    const finml::models::DeepOptions& options) {
  finml::models::deep::ApplyRequestedTorchThreads();
  return finml::models::MakeDeepForecasterImpl(options).release();
}
