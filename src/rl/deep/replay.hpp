// A replay buffer of transitions (observation, action, reward, next observation, done) for the
// off-policy agents: a ring over `capacity`, minibatches drawn uniformly from the run's generator.
#pragma once

#include <torch/torch.h>

#include <random>
#include <vector>

namespace finml::rl::deep {

class Replay {
 public:
  Replay(std::size_t capacity, std::size_t observation_size, std::size_t action_size)
      : capacity_(capacity),
        obs_size_(observation_size),
        act_size_(action_size),
        obs_(capacity * observation_size),
        next_(capacity * observation_size),
        act_(capacity * action_size),
        rew_(capacity),
        done_(capacity) {}

  void Add(const float* obs, const float* action, float reward, const float* next, bool done) {
    std::copy_n(obs, obs_size_, obs_.begin() + static_cast<std::ptrdiff_t>(head_ * obs_size_));
    std::copy_n(next, obs_size_, next_.begin() + static_cast<std::ptrdiff_t>(head_ * obs_size_));
    std::copy_n(action, act_size_, act_.begin() + static_cast<std::ptrdiff_t>(head_ * act_size_));
    rew_[head_] = reward;
    done_[head_] = done ? 1.0f : 0.0f;
    head_ = (head_ + 1) % capacity_;
    size_ = std::min(size_ + 1, capacity_);
  }

  [[nodiscard]] std::size_t size() const { return size_; }

  struct Batch {
    torch::Tensor obs, action, reward, next, done;
  };
  Batch Sample(std::size_t batch, std::mt19937_64& rng) const {
    std::uniform_int_distribution<std::size_t> pick(0, size_ - 1);
    const auto b = static_cast<std::int64_t>(batch);
    Batch out{torch::empty({b, static_cast<std::int64_t>(obs_size_)}),
              torch::empty({b, static_cast<std::int64_t>(act_size_)}), torch::empty({b}),
              torch::empty({b, static_cast<std::int64_t>(obs_size_)}), torch::empty({b})};
    float* o = out.obs.data_ptr<float>();
    float* a = out.action.data_ptr<float>();
    float* r = out.reward.data_ptr<float>();
    float* n = out.next.data_ptr<float>();
    float* d = out.done.data_ptr<float>();
    for (std::size_t k = 0; k < batch; ++k) {
      const std::size_t i = pick(rng);
      std::copy_n(obs_.begin() + static_cast<std::ptrdiff_t>(i * obs_size_), obs_size_,
                  o + k * obs_size_);
      std::copy_n(next_.begin() + static_cast<std::ptrdiff_t>(i * obs_size_), obs_size_,
                  n + k * obs_size_);
      std::copy_n(act_.begin() + static_cast<std::ptrdiff_t>(i * act_size_), act_size_,
                  a + k * act_size_);
      r[k] = rew_[i];
      d[k] = done_[i];
    }
    return out;
  }

 private:
  std::size_t capacity_, obs_size_, act_size_;
  std::vector<float> obs_, next_, act_, rew_, done_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace finml::rl::deep
