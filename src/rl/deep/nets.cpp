#include "rl/deep/nets.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>

#include "finml/core/error.hpp"
#include "train/deep/weights.hpp"

namespace finml::rl::deep {
namespace {

void InitLinear(FastLinear& layer, double gain) {
  torch::NoGradGuard no_grad;
  torch::nn::init::orthogonal_(layer->weight, gain);
  torch::nn::init::zeros_(layer->bias);
}

}  // namespace

torch::nn::Sequential Mlp(std::int64_t in, std::int64_t out, std::int64_t hidden,
                          std::int64_t layers, double last_gain, bool tanh) {
  torch::nn::Sequential net;
  std::int64_t width = in;
  for (std::int64_t l = 0; l < layers; ++l) {
    FastLinear layer(width, hidden);
    InitLinear(layer, std::numbers::sqrt2);
    net->push_back(layer);
    if (tanh) {
      net->push_back(torch::nn::Tanh());
    } else {
      net->push_back(torch::nn::ReLU());
    }
    width = hidden;
  }
  FastLinear last(width, out);
  InitLinear(last, last_gain);
  net->push_back(last);
  return net;
}

ActorCriticImpl::ActorCriticImpl(std::int64_t observations, ActionSpace space, std::int64_t hidden,
                                 std::int64_t layers, double log_std_init)
    : discrete_(space.discrete) {
  const auto actions = static_cast<std::int64_t>(space.size);
  actor_ = register_module("actor", Mlp(observations, actions, hidden, layers, 0.01, true));
  critic_ = register_module("critic", Mlp(observations, 1, hidden, layers, 1.0, true));
  if (!discrete_) log_std_ = register_parameter("log_std", torch::full({1, actions}, log_std_init));
}

torch::Tensor ActorCriticImpl::Value(const torch::Tensor& obs) {
  return critic_->forward(obs).squeeze(-1);
}

PolicyStep ActorCriticImpl::Sample(const torch::Tensor& obs) {
  PolicyStep s;
  const torch::Tensor out = actor_->forward(obs);
  if (discrete_) {
    const torch::Tensor log_p = torch::log_softmax(out, -1);
    const torch::Tensor index = torch::multinomial(log_p.exp(), 1);
    s.log_prob = log_p.gather(-1, index).squeeze(-1);
    s.action = index.to(torch::kFloat);
  } else {
    const torch::Tensor std = log_std_.exp().expand_as(out);
    s.action = out + std * torch::randn_like(out);
    s.log_prob =
        (-0.5 * ((s.action - out) / std).pow(2) - log_std_ - 0.5 * std::log(2 * std::numbers::pi))
            .sum(-1);
  }
  s.value = Value(obs);
  return s;
}

PolicyStep ActorCriticImpl::Evaluate(const torch::Tensor& obs, const torch::Tensor& actions) {
  PolicyStep s;
  const torch::Tensor out = actor_->forward(obs);
  if (discrete_) {
    const torch::Tensor log_p = torch::log_softmax(out, -1);
    s.log_prob = log_p.gather(-1, actions.to(torch::kLong)).squeeze(-1);
    s.entropy = -(log_p.exp() * log_p).sum(-1);
  } else {
    const torch::Tensor log_std = log_std_.expand_as(out);
    s.log_prob = (-0.5 * ((actions - out) / log_std.exp()).pow(2) - log_std -
                  0.5 * std::log(2 * std::numbers::pi))
                     .sum(-1);
    s.entropy = (0.5 + 0.5 * std::log(2 * std::numbers::pi) + log_std).sum(-1);
  }
  s.value = Value(obs);
  return s;
}

torch::Tensor ActorCriticImpl::Mode(const torch::Tensor& obs) {
  const torch::Tensor out = actor_->forward(obs);
  if (discrete_) return out.argmax(-1, true).to(torch::kFloat);
  return out;
}

QNetworkImpl::QNetworkImpl(std::int64_t observations, std::int64_t actions, std::int64_t hidden,
                           std::int64_t layers, bool dueling)
    : dueling_(dueling) {
  if (!dueling_) {
    trunk_ = register_module("q", Mlp(observations, actions, hidden, layers, 1.0, false));
    return;
  }
  trunk_ = register_module("trunk",
                           Mlp(observations, hidden, hidden, std::max<std::int64_t>(layers - 1, 0),
                               std::numbers::sqrt2, false));
  value_ = register_module("value", FastLinear(hidden, 1));
  advantage_ = register_module("advantage", FastLinear(hidden, actions));
  InitLinear(value_, 1.0);
  InitLinear(advantage_, 1.0);
}

torch::Tensor QNetworkImpl::forward(const torch::Tensor& obs) {
  if (!dueling_) return trunk_->forward(obs);
  const torch::Tensor h = torch::relu(trunk_->forward(obs));
  const torch::Tensor a = advantage_->forward(h);
  return value_->forward(h) + a - a.mean(-1, true);
}

SquashedActorImpl::SquashedActorImpl(std::int64_t observations, std::int64_t actions,
                                     std::int64_t hidden, std::int64_t layers) {
  trunk_ = register_module("trunk",
                           Mlp(observations, hidden, hidden, std::max<std::int64_t>(layers - 1, 0),
                               std::numbers::sqrt2, false));
  mean_ = register_module("mean", FastLinear(hidden, actions));
  log_std_ = register_module("log_std", FastLinear(hidden, actions));
  InitLinear(mean_, 0.01);
  InitLinear(log_std_, 0.01);
}

std::pair<torch::Tensor, torch::Tensor> SquashedActorImpl::Heads(const torch::Tensor& obs) {
  const torch::Tensor h = torch::relu(trunk_->forward(obs));
  return {mean_->forward(h), torch::clamp(log_std_->forward(h), -5.0, 2.0)};
}

std::pair<torch::Tensor, torch::Tensor> SquashedActorImpl::Sample(const torch::Tensor& obs) {
  const auto [mean, log_std] = Heads(obs);
  const torch::Tensor noise = torch::randn_like(mean);
  const torch::Tensor u = mean + log_std.exp() * noise;
  const torch::Tensor action = torch::tanh(u);
  const torch::Tensor log_prob =
      (-0.5 * noise.pow(2) - log_std - 0.5 * std::log(2 * std::numbers::pi) -
       torch::log(1 - action.pow(2) + 1e-6))
          .sum(-1);
  return {action, log_prob};
}

torch::Tensor SquashedActorImpl::Mode(const torch::Tensor& obs) {
  return torch::tanh(Heads(obs).first);
}

CriticImpl::CriticImpl(std::int64_t observations, std::int64_t actions, std::int64_t hidden,
                       std::int64_t layers) {
  net_ = register_module("q", Mlp(observations + actions, 1, hidden, layers, 1.0, false));
}

torch::Tensor CriticImpl::forward(const torch::Tensor& obs, const torch::Tensor& actions) {
  return net_->forward(torch::cat({obs, actions}, -1)).squeeze(-1);
}

void SoftUpdate(torch::nn::Module& target, const torch::nn::Module& source, double tau) {
  torch::NoGradGuard no_grad;
  auto to = target.parameters();
  const auto from = source.parameters();
  for (std::size_t k = 0; k < to.size(); ++k) to[k].mul_(1 - tau).add_(from[k], tau);
}

void SaveWeights(const torch::nn::Module& module, const std::string& dir) {
  train::deep::SaveWeights(module, dir + "/agent.pt");
}

void LoadWeights(torch::nn::Module& module, const std::string& dir, const std::string& what) {
  train::deep::LoadWeights(module, dir + "/agent.pt", what);
}

torch::Tensor Observations(const float* data, std::size_t count, std::size_t size) {
  return torch::from_blob(const_cast<float*>(data),
                          {static_cast<std::int64_t>(count), static_cast<std::int64_t>(size)},
                          torch::kFloat);
}

void SeedTorch(const AgentSpec& spec) {
  torch::set_num_threads(std::max(1, spec.threads));
  torch::manual_seed(spec.seed);
}

}  // namespace finml::rl::deep
