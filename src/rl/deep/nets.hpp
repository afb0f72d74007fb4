// The networks of the RL agents (a private header of the torch module): an actor-critic for the
// policy-gradient agents, a (dueling) Q-network for DQN, and SAC's squashed Gaussian actor and
// critics; with weights saved and loaded whole, shapes checked against the spec.
#pragma once

#include <torch/torch.h>

#include <string>

#include "finml/rl/agent.hpp"
#include "train/deep/eigen_linear.hpp"

namespace finml::rl::deep {

using train::deep::FastLinear;

// Linear layers with tanh (policy gradients, as CleanRL) or ReLU (DQN, SAC) between them;
// orthogonal initialisation with gain sqrt(2), `last_gain` on the output layer.
[[nodiscard]] torch::nn::Sequential Mlp(std::int64_t in, std::int64_t out, std::int64_t hidden,
                                        std::int64_t layers, double last_gain, bool tanh);

struct PolicyStep {
  torch::Tensor action, log_prob, entropy, value;
};

// Separate actor and critic networks; a categorical policy over discrete actions, or a diagonal
// Gaussian with a learned state-independent log standard deviation.
class ActorCriticImpl : public torch::nn::Module {
 public:
  ActorCriticImpl(std::int64_t observations, ActionSpace space, std::int64_t hidden,
                  std::int64_t layers, double log_std_init);
  torch::Tensor Value(const torch::Tensor& obs);
  // A sampled action with its log-probability and the state's value (call without gradients).
  PolicyStep Sample(const torch::Tensor& obs);
  // Log-probabilities, entropies and values of given actions, with gradients.
  PolicyStep Evaluate(const torch::Tensor& obs, const torch::Tensor& actions);
  torch::Tensor Mode(const torch::Tensor& obs);

 private:
  bool discrete_;
  torch::nn::Sequential actor_{nullptr}, critic_{nullptr};
  torch::Tensor log_std_;
};
TORCH_MODULE(ActorCritic);

class QNetworkImpl : public torch::nn::Module {
 public:
  QNetworkImpl(std::int64_t observations, std::int64_t actions, std::int64_t hidden,
               std::int64_t layers, bool dueling);
  torch::Tensor forward(const torch::Tensor& obs);

 private:
  bool dueling_;
  torch::nn::Sequential trunk_{nullptr};
  FastLinear value_{nullptr}, advantage_{nullptr};
};
TORCH_MODULE(QNetwork);

// tanh(Gaussian): actions in [-1, 1]^d with the change-of-variables log-probability.
class SquashedActorImpl : public torch::nn::Module {
 public:
  SquashedActorImpl(std::int64_t observations, std::int64_t actions, std::int64_t hidden,
                    std::int64_t layers);
  std::pair<torch::Tensor, torch::Tensor> Sample(const torch::Tensor& obs);
  torch::Tensor Mode(const torch::Tensor& obs);

 private:
  std::pair<torch::Tensor, torch::Tensor> Heads(const torch::Tensor& obs);
  torch::nn::Sequential trunk_{nullptr};
  FastLinear mean_{nullptr}, log_std_{nullptr};
};
TORCH_MODULE(SquashedActor);

class CriticImpl : public torch::nn::Module {
 public:
  CriticImpl(std::int64_t observations, std::int64_t actions, std::int64_t hidden,
             std::int64_t layers);
  torch::Tensor forward(const torch::Tensor& obs, const torch::Tensor& actions);

 private:
  torch::nn::Sequential net_{nullptr};
};
TORCH_MODULE(Critic);

// target <- tau * source + (1 - tau) * target, parameter by parameter (tau 1: a copy).
void SoftUpdate(torch::nn::Module& target, const torch::nn::Module& source, double tau);

// <dir>/agent.pt, written aside and renamed.
void SaveWeights(const torch::nn::Module& module, const std::string& dir);
// Reads <dir>/agent.pt into `module`, refusing tensors of another shape than the module's.
void LoadWeights(torch::nn::Module& module, const std::string& dir, const std::string& what);

// `count` observations of `size` floats as a tensor over the caller's memory (no copy; read only).
[[nodiscard]] torch::Tensor Observations(const float* data, std::size_t count, std::size_t size);

// LibTorch's threads and seed for one learner; the generator every other draw comes from.
void SeedTorch(const AgentSpec& spec);

}  // namespace finml::rl::deep
