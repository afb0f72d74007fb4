// The autoencoder detector (finml/anomaly/detector.hpp): LibTorch, trained by the shared loop.
#include <fmt/format.h>
#include <torch/torch.h>

#include <mutex>
#include <random>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"
#include "train/deep/loop.hpp"

namespace finml::anomaly {
namespace {

torch::Tensor ToTensor(const Matrix& x) {
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> f = x.cast<float>();
  return torch::from_blob(const_cast<float*>(f.data()), {x.rows(), x.cols()}, torch::kFloat32)
      .clone();
}

class Autoencoder final : public Detector {
 public:
  explicit Autoencoder(const DetectorSettings& s) : s_(s) {}

  Eigen::VectorXd Score(const Matrix& x) const override { return Contributions(x).rowwise().sum(); }

  // Each feature's squared reconstruction error: they add up to the score.
  Matrix Contributions(const Matrix& x) const override {
    FINML_REQUIRE(features_ > 0, "autoencoder: not fitted");
    FINML_REQUIRE(x.cols() == features_, "autoencoder: {} features where the model has {}",
                  x.cols(), features_);
    torch::NoGradGuard no_grad;
    const std::lock_guard lock(mutex_);  // forward() is not const in LibTorch
    net_->eval();
    const torch::Tensor input = ToTensor(x);
    const torch::Tensor error =
        (net_->forward(input) - input).pow(2).to(torch::kFloat64).contiguous();
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        error.data_ptr<double>(), x.rows(), x.cols());
  }

  nlohmann::json State() const override {
    const std::lock_guard lock(mutex_);
    nlohmann::json parameters = nlohmann::json::array();
    for (const auto& p : net_->named_parameters()) {
      const torch::Tensor t = p.value().detach().to(torch::kFloat64).contiguous();
      parameters.push_back({{"name", p.key()},
                            {"shape", t.sizes().vec()},
                            {"values", std::vector<double>(t.data_ptr<double>(),
                                                           t.data_ptr<double>() + t.numel())}});
    }
    return {{"features", features_},
            {"hidden", s_.ae_hidden},
            {"dropout", s_.ae_dropout},
            {"epochs_run", epochs_run_},
            {"parameters", parameters}};
  }

  void Load(const nlohmann::json& state) override {
    s_.ae_hidden = state.at("hidden").get<std::vector<std::int64_t>>();
    s_.ae_dropout = state.at("dropout").get<double>();
    features_ = state.at("features").get<Eigen::Index>();
    FINML_REQUIRE(features_ >= 1 && features_ <= 100000 && !s_.ae_hidden.empty() &&
                      s_.ae_hidden.size() <= 16 && s_.ae_dropout >= 0 && s_.ae_dropout < 1,
                  "autoencoder: the saved shape is out of range");
    for (const auto w : s_.ae_hidden)
      FINML_REQUIRE(w >= 1 && w <= 4096, "autoencoder: a saved layer width {} is out of range", w);
    epochs_run_ = state.value("epochs_run", 0);
    Build();
    const auto& saved = state.at("parameters");
    auto named = net_->named_parameters();
    FINML_REQUIRE(saved.is_array() && saved.size() == named.size(),
                  "autoencoder: {} saved parameters where the network has {}", saved.size(),
                  named.size());
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < saved.size(); ++i) {
      auto& target = named[i].value();
      const auto shape = saved[i].at("shape").get<std::vector<std::int64_t>>();
      const auto values = saved[i].at("values").get<std::vector<double>>();
      FINML_REQUIRE(saved[i].at("name").get<std::string>() == named[i].key() &&
                        shape == target.sizes().vec() &&
                        static_cast<std::int64_t>(values.size()) == target.numel(),
                    "autoencoder: parameter {} does not fit the network", named[i].key());
      for (const double v : values)
        FINML_REQUIRE(std::isfinite(v), "autoencoder: parameter {} holds a non-finite value",
                      named[i].key());
      target.copy_(torch::tensor(values, torch::kFloat64).reshape(shape).to(torch::kFloat32));
    }
    net_->eval();
  }

  bool Updatable() const override { return true; }
  void Update(const Matrix& x) override {
    FINML_REQUIRE(x.cols() == features_, "autoencoder: {} features where the model has {}",
                  x.cols(), features_);
    const std::lock_guard lock(mutex_);
    train::LoopOptions loop = Loop();
    loop.epochs = s_.ae_update_epochs;
    const torch::Tensor data = ToTensor(x);
    std::mt19937_64 rng(s_.seed + static_cast<std::uint64_t>(epochs_run_));
    const auto result = train::deep::TrainLoop(
        *net_, data.size(0),
        [&](const torch::Tensor& rows) {
          const torch::Tensor batch = data.index_select(0, rows);
          return (net_->forward(batch) - batch).pow(2).sum(1).mean();
        },
        nullptr, loop, rng);
    epochs_run_ += static_cast<std::int64_t>(result.history.size());
  }

 protected:
  void Learn(const Matrix& x) override {
    const std::lock_guard lock(mutex_);
    torch::manual_seed(s_.seed);
    std::mt19937_64 rng(s_.seed);
    features_ = x.cols();
    Build();
    // The last share of the training records (in their order) stops training early.
    const auto validation = std::max<Eigen::Index>(
        1, static_cast<Eigen::Index>(std::round(s_.ae_validation * static_cast<double>(x.rows()))));
    FINML_REQUIRE(x.rows() - validation >= 2, "autoencoder: {} training records are too few",
                  x.rows());
    const torch::Tensor train = ToTensor(x.topRows(x.rows() - validation));
    const torch::Tensor held = ToTensor(x.bottomRows(validation));
    const auto loss = [&](const torch::Tensor& batch) {
      return (net_->forward(batch) - batch).pow(2).sum(1).mean();
    };
    const auto result = train::deep::TrainLoop(
        *net_, train.size(0),
        [&](const torch::Tensor& rows) { return loss(train.index_select(0, rows)); },
        [&] { return loss(held).item<double>(); }, Loop(), rng);
    epochs_run_ = static_cast<std::int64_t>(result.history.size());
  }

 private:
  train::LoopOptions Loop() const {
    train::LoopOptions loop;
    loop.data_parallel = true;  // the loss is a mean over rows
    loop.epochs = s_.ae_epochs;
    loop.batch = s_.ae_batch;
    loop.lr = s_.ae_lr;
    loop.patience = s_.ae_patience;
    loop.label = "autoencoder";
    loop.progress = true;  // shown on a terminal only
    return loop;
  }

  void Build() {
    torch::nn::Sequential net;
    std::int64_t width = features_;
    std::vector<std::int64_t> widths = s_.ae_hidden;
    // Encoder, then the mirror image back to the features.
    for (auto it = s_.ae_hidden.rbegin() + 1; it != s_.ae_hidden.rend(); ++it)
      widths.push_back(*it);
    for (const auto w : widths) {
      net->push_back(torch::nn::Linear(width, w));
      net->push_back(torch::nn::ReLU());
      if (s_.ae_dropout > 0) net->push_back(torch::nn::Dropout(s_.ae_dropout));
      width = w;
    }
    net->push_back(torch::nn::Linear(width, features_));
    net_ = net;
  }

  DetectorSettings s_;
  Eigen::Index features_ = 0;
  std::int64_t epochs_run_ = 0;
  mutable torch::nn::Sequential net_{nullptr};
  mutable std::mutex mutex_;
};

}  // namespace
}  // namespace finml::anomaly

extern "C" finml::anomaly::Detector* finml_torch_make_autoencoder(
    const finml::anomaly::DetectorSettings& settings) {
  return new finml::anomaly::Autoencoder(settings);
}
