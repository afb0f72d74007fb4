#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"
#include "finml/credit/mlp.hpp"

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
                          torch::kFloat32).clone();
}

}  // namespace

nlohmann::json MlpOptions::ToJson() const {
  return {{"hidden", hidden}, {"dropout", dropout}, {"lr", lr}, {"weight_decay", weight_decay},
          {"batch", batch}, {"epochs", epochs}, {"patience", patience},
          {"validation", validation}, {"seed", seed}};
}

MlpOptions ParseMlpOptions(const nlohmann::json& params, std::uint64_t seed) {
  MlpOptions o;
  o.seed = seed;
  ParamReader p("mlp", params);
  o.hidden = p.Get<std::vector<int>>("hidden", o.hidden);
  o.dropout = p.Get<double>("dropout", o.dropout);
  o.lr = p.Get<double>("lr", o.lr);
  o.weight_decay = p.Get<double>("weight_decay", o.weight_decay);
  o.batch = p.Get<int>("batch", o.batch);
  o.epochs = p.Get<int>("epochs", o.epochs);
  o.patience = p.Get<int>("patience", o.patience);
  o.validation = p.Get<double>("validation", o.validation);
  p.Finish();
  FINML_REQUIRE(!o.hidden.empty() && o.lr > 0 && o.batch >= 1 && o.epochs >= 1 &&
                    o.validation > 0 && o.validation < 0.5 && o.dropout >= 0 && o.dropout < 1,
                "mlp: needs hidden layers, lr > 0, batch >= 1, epochs >= 1, 0 < validation < 0.5, "
                "0 <= dropout < 1");
  for (int h : o.hidden) FINML_REQUIRE(h >= 1, "mlp: hidden layer sizes must be >= 1");
  return o;
}

struct MlpClassifier::Impl {
  torch::nn::Sequential net{nullptr};
  std::size_t features = 0;
  int epochs_run = 0;
};

MlpClassifier::MlpClassifier() : impl_(std::make_unique<Impl>()) {}
MlpClassifier::~MlpClassifier() = default;
MlpClassifier::MlpClassifier(MlpClassifier&&) noexcept = default;
MlpClassifier& MlpClassifier::operator=(MlpClassifier&&) noexcept = default;

MlpClassifier MlpClassifier::Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                                 const std::vector<int>& y, const std::vector<double>& weights,
                                 const MlpOptions& o) {
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
  FINML_REQUIRE(!val_rows.empty() && !train_rows.empty(),
                "mlp: too few rows for a validation slice (fix: more data or a larger validation share)");
  torch::Tensor xt, yt, wt, xv, yv, wv;
  gather(train_rows, xt, yt, wt);
  gather(val_rows, xv, yv, wv);
  FINML_REQUIRE(wv.sum().item<double>() > 0, "mlp: the validation slice has zero total weight");

  MlpClassifier m;
  m.impl_->features = p;
  m.impl_->net = Build(p, o);
  auto& net = m.impl_->net;
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
  auto loss_of = [&](const torch::Tensor& logits, const torch::Tensor& target, const torch::Tensor& w) {
    return (torch::binary_cross_entropy_with_logits(logits, target, {}, {}, torch::Reduction::None) * w)
               .sum() / w.sum();
  };
  double best = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_state;
  int since_best = 0;
  const auto rows = xt.size(0);
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    net->train();
    const auto order = torch::randperm(rows, torch::TensorOptions().dtype(torch::kLong));
    for (std::int64_t start = 0; start < rows; start += o.batch) {
      const auto idx = order.slice(0, start, std::min<std::int64_t>(start + o.batch, rows));
      if (wt.index_select(0, idx).sum().item<double>() <= 0) continue;  // nothing to learn from
      optimizer.zero_grad();
      auto loss = loss_of(net->forward(xt.index_select(0, idx)).squeeze(1), yt.index_select(0, idx),
                          wt.index_select(0, idx));
      loss.backward();
      optimizer.step();
    }
    net->eval();
    torch::NoGradGuard no_grad;
    const double val = loss_of(net->forward(xv).squeeze(1), yv, wv).item<double>();
    m.impl_->epochs_run = epoch + 1;
    if (val < best - 1e-6) {
      best = val;
      since_best = 0;
      best_state.clear();
      for (const auto& t : net->parameters()) best_state.push_back(t.detach().clone());
    } else if (++since_best >= o.patience) {
      break;
    }
  }
  {
    torch::NoGradGuard no_grad;
    auto params = net->parameters();
    for (std::size_t i = 0; i < params.size() && i < best_state.size(); ++i) params[i].copy_(best_state[i]);
  }
  net->eval();
  return m;
}

std::vector<double> MlpClassifier::Predict(const std::vector<double>& x, std::size_t n) const {
  torch::NoGradGuard no_grad;
  impl_->net->eval();
  const auto p = torch::sigmoid(impl_->net->forward(ToTensor(x, n, impl_->features)).squeeze(1))
                     .to(torch::kFloat64).contiguous();
  return {p.data_ptr<double>(), p.data_ptr<double>() + n};
}

int MlpClassifier::EpochsRun() const { return impl_->epochs_run; }

void MlpClassifier::Save(const std::string& path) const {
  torch::save(impl_->net, path);
}

MlpClassifier MlpClassifier::Load(const std::string& path, std::size_t features,
                                  const MlpOptions& options) {
  MlpClassifier m;
  m.impl_->features = features;
  m.impl_->net = Build(features, options);
  torch::load(m.impl_->net, path);
  m.impl_->net->eval();
  return m;
}

}  // namespace finml::credit
