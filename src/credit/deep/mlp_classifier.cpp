#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>

#include "credit/mlp.hpp"
#include "finml/core/error.hpp"
#include "finml/credit/classifier.hpp"
#include "models/deep/threads.hpp"
#include "train/deep/loop.hpp"

namespace finml::credit {
namespace {

torch::nn::Sequential Build(std::size_t inputs, const MlpOptions& o) {
  torch::nn::Sequential net;
  std::int64_t width = static_cast<std::int64_t>(inputs);
  for (int h : o.hidden) {
    net->push_back(torch::nn::Linear(width, h));
    net->push_back(torch::nn::ReLU());
    if (o.dropout > 0) net->push_back(torch::nn::Dropout(o.dropout));
    width = h;
  }
  net->push_back(torch::nn::Linear(width, 1));
  return net;
}

torch::Tensor ToTensor(const std::vector<double>& x, std::size_t n, std::size_t p) {
  std::vector<float> f(x.begin(), x.end());
  return torch::from_blob(f.data(), {static_cast<std::int64_t>(n), static_cast<std::int64_t>(p)},
                          torch::kFloat32)
      .clone();
}

class TorchMlpClassifier final : public Classifier {
 public:
  explicit TorchMlpClassifier(MlpOptions options) : options_(std::move(options)) {}

  void Fit(const std::vector<double>& x, std::size_t n, std::size_t p, const std::vector<int>& y,
           const std::vector<double>& weights, const std::vector<std::string>&) override;

  std::vector<double> Predict(const std::vector<double>& x, std::size_t n) const override {
    torch::NoGradGuard no_grad;
    net_->eval();
    const auto p = torch::sigmoid(net_->forward(ToTensor(x, n, features_)).squeeze(1))
                       .to(torch::kFloat64)
                       .contiguous();
    return {p.data_ptr<double>(), p.data_ptr<double>() + n};
  }

  nlohmann::json Options() const override {
    nlohmann::json o = options_.ToJson();
    o["epochs_run"] = epochs_run_;
    return o;
  }

  nlohmann::json Describe(const std::vector<std::string>&) const override {
    nlohmann::json losses = nlohmann::json::array();
    for (const auto& e : history_)
      losses.push_back({e.train, std::isfinite(e.validation) ? nlohmann::json(e.validation)
                                                             : nlohmann::json(nullptr)});
    return {{"loss_history", losses},
            {"note", "losses are weighted binary cross-entropy: [train, validation] per epoch"}};
  }

  nlohmann::json Save(const std::string& dir) const override {
    torch::save(net_, dir + "/mlp.tmp.pt");
    std::filesystem::rename(dir + "/mlp.tmp.pt", dir + "/mlp.pt");
    return nlohmann::json::object();
  }

  void Load(const JsonReader& state, const std::string& dir, std::size_t columns) override {
    auto options = state["options"].raw();
    if (!options.is_object()) state["options"].Fail("must be an object");
    if (options.contains("epochs_run"))
      epochs_run_ = static_cast<int>(state["options"]["epochs_run"].Integer(0, 100000000));
    options.erase("epochs_run");
    options.erase("seed");
    options_ = MlpOptions::Schema().Parse(
        ConfigNode::FromJson(options, dir + "/state.json: options"), "options");
    features_ = columns;
    net_ = Build(columns, options_);
    const std::string weights = dir + "/mlp.pt";
    try {
      torch::load(net_, weights);
    } catch (const std::exception& e) {
      // A missing file, a file that is not a torch archive, or weights of another shape.
      std::string why = e.what();
      why = why.substr(0, why.find('\n'));
      throw InvalidInput(
          fmt::format("{}: not the weights of this network ({} inputs, hidden "
                      "{}): {} (fix: restore the file, or train again)",
                      weights, columns, fmt::join(options_.hidden, ","), why));
    }
    net_->eval();
  }

 private:
  MlpOptions options_;
  mutable torch::nn::Sequential net_{nullptr};  // forward() is not const in LibTorch
  std::size_t features_ = 0;
  int epochs_run_ = 0;
  std::vector<train::deep::EpochLosses> history_;
};

void TorchMlpClassifier::Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                             const std::vector<int>& y, const std::vector<double>& weights,
                             const std::vector<std::string>&) {
  const MlpOptions& o = options_;
  FINML_REQUIRE(x.size() == n * p && y.size() == n && n >= 20, "mlp: too few rows or bad shapes");
  torch::manual_seed(o.seed);
  std::mt19937_64 rng(o.seed);
  // Stratified validation slice: the last share of each class after a seeded shuffle.
  std::vector<std::size_t> train_rows, val_rows;
  for (int cls : {0, 1}) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < n; ++i)
      if (y[i] == cls) members.push_back(i);
    std::shuffle(members.begin(), members.end(), rng);
    const auto cut = static_cast<std::size_t>(std::round(members.size() * (1 - o.validation)));
    train_rows.insert(train_rows.end(), members.begin(), members.begin() + cut);
    val_rows.insert(val_rows.end(), members.begin() + cut, members.end());
  }
  auto gather = [&](const std::vector<std::size_t>& rows, torch::Tensor& xs, torch::Tensor& ys,
                    torch::Tensor& ws) {
    std::vector<double> xr;
    std::vector<float> yr, wr;
    for (std::size_t r : rows) {
      xr.insert(xr.end(), x.begin() + r * p, x.begin() + (r + 1) * p);
      yr.push_back(static_cast<float>(y[r]));
      wr.push_back(weights.empty() ? 1.0f : static_cast<float>(weights[r]));
    }
    xs = ToTensor(xr, rows.size(), p);
    ys = torch::tensor(yr);
    ws = torch::tensor(wr);
  };
  FINML_REQUIRE(
      !val_rows.empty() && !train_rows.empty(),
      "mlp: too few rows for a validation slice (fix: more data or a larger validation share)");
  torch::Tensor xt, yt, wt, xv, yv, wv;
  gather(train_rows, xt, yt, wt);
  gather(val_rows, xv, yv, wv);
  FINML_REQUIRE(wv.sum().item<double>() > 0, "mlp: the validation slice has zero total weight");

  features_ = p;
  net_ = Build(p, o);
  auto loss_of = [](const torch::Tensor& logits, const torch::Tensor& target,
                    const torch::Tensor& w) {
    return (torch::binary_cross_entropy_with_logits(logits, target, {}, {},
                                                    torch::Reduction::None) *
            w)
               .sum() /
           w.sum();
  };
  train::deep::BatchLoss batch_loss = [&](const torch::Tensor& idx) {
    const torch::Tensor w = wt.index_select(0, idx);
    if (w.sum().item<double>() <= 0) return torch::Tensor();  // nothing to learn from
    return loss_of(net_->forward(xt.index_select(0, idx)).squeeze(1), yt.index_select(0, idx), w);
  };
  train::deep::ValidationLoss validate = [&] {
    return loss_of(net_->forward(xv).squeeze(1), yv, wv).item<double>();
  };
  const auto result = train::deep::TrainLoop(*net_, xt.size(0), batch_loss, validate, o.loop, rng);
  epochs_run_ = static_cast<int>(result.history.size());
  history_ = result.history;
}

}  // namespace
}  // namespace finml::credit

extern "C" finml::credit::Classifier* finml_torch_make_mlp_classifier(
    const finml::credit::MlpOptions& options) {
  finml::models::deep::ApplyRequestedTorchThreads();
  return new finml::credit::TorchMlpClassifier(options);
}
