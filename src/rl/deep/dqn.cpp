// DQN (Mnih et al. 2015) with double Q-learning targets (van Hasselt et al. 2016), a dueling
// head (Wang et al. 2016), uniform replay, a hard-copied target network, a Huber loss and a
// linearly decaying epsilon-greedy exploration.
#include <random>

#include "rl/deep/episodes.hpp"
#include "rl/deep/nets.hpp"
#include "rl/deep/on_policy.hpp"
#include "rl/deep/replay.hpp"
#include "train/deep/fused_adam.hpp"
#include "train/deep/loop.hpp"

namespace finml::rl::deep {
namespace {

class DqnAgent final : public Agent {
 public:
  explicit DqnAgent(const AgentSpec& spec) : spec_(spec) { q_ = MakeNet(); }

  std::vector<LearningPoint> Learn(Environment& env) override {
    SeedTorch(spec_);
    const AgentSettings& a = spec_.settings;
    q_ = MakeNet();
    QNetwork target = MakeNet();
    SoftUpdate(*target, *q_, 1.0);
    target->eval();
    std::mt19937_64 rng(spec_.seed);
    train::LoopOptions loop;
    loop.lr = *a.lr;
    auto optimizer = train::deep::MakeOptimizer(q_->parameters(), loop);

    const std::size_t copies = env.Copies(), obs_size = env.ObservationSize();
    const auto n_actions = static_cast<std::int64_t>(spec_.actions.size);
    Replay replay(a.buffer, obs_size, 1);
    std::vector<float> obs(copies * obs_size), next(copies * obs_size), actions(copies),
        rewards(copies);
    std::vector<std::uint8_t> dones(copies);
    env.Reset(spec_.seed, obs.data());
    EpisodeLog log(spec_, copies);
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_int_distribution<std::int64_t> any(0, n_actions - 1);
    const double decay = a.epsilon_fraction * static_cast<double>(spec_.timesteps);
    std::size_t timestep = 0, vector_steps = 0, gradient_steps = 0;
    while (timestep < spec_.timesteps) {
      const double epsilon =
          std::max(a.epsilon_end, a.epsilon_start - (a.epsilon_start - a.epsilon_end) *
                                                        static_cast<double>(timestep) / decay);
      torch::Tensor greedy;
      {
        torch::NoGradGuard no_grad;
        greedy = q_->forward(Observations(obs.data(), copies, obs_size)).argmax(-1).contiguous();
      }
      const std::int64_t* best = greedy.data_ptr<std::int64_t>();
      for (std::size_t c = 0; c < copies; ++c)
        actions[c] = static_cast<float>(unit(rng) < epsilon ? any(rng) : best[c]);
      env.Step(actions.data(), next.data(), rewards.data(), dones.data());
      log.Add(rewards.data(), dones.data());
      // A copy that ended has already restarted: its `next` is the new episode's first state.
      // A terminal end keeps it out of the target (done); one cut by the time limit bootstraps
      // from the state it stopped in.
      for (std::size_t c = 0; c < copies; ++c) {
        const bool cut = dones[c] && env.Truncated(c);
        replay.Add(obs.data() + c * obs_size, &actions[c], rewards[c],
                   cut ? env.FinalObservation(c) : next.data() + c * obs_size,
                   dones[c] != 0 && !cut);
      }
      obs.swap(next);
      timestep += copies;
      ++vector_steps;
      if (replay.size() >= std::max(a.learning_starts, a.batch) &&
          vector_steps % a.train_freq == 0) {
        const Replay::Batch b = replay.Sample(a.batch, rng);
        torch::Tensor y;
        {
          torch::NoGradGuard no_grad;
          const torch::Tensor next_q = target->forward(b.next);
          const torch::Tensor choice =
              a.double_q ? q_->forward(b.next).argmax(-1, true) : next_q.argmax(-1, true);
          y = b.reward + a.gamma * (1 - b.done) * next_q.gather(-1, choice).squeeze(-1);
        }
        const torch::Tensor q =
            q_->forward(b.obs).gather(-1, b.action.to(torch::kLong)).squeeze(-1);
        const torch::Tensor loss = torch::smooth_l1_loss(q, y);
        optimizer->zero_grad();
        loss.backward();
        if (*a.max_grad_norm > 0)
          torch::nn::utils::clip_grad_norm_(q_->parameters(), *a.max_grad_norm);
        if (!train::deep::FusedAdamStep(*optimizer)) optimizer->step();
        if (++gradient_steps % a.target_update == 0) SoftUpdate(*target, *q_, 1.0);
      }
      if (vector_steps % 64 == 0 || timestep >= spec_.timesteps) log.Point(timestep);
    }
    q_->eval();
    return log.Finish();
  }

  void Act(const float* observations, std::size_t count, float* actions) const override {
    torch::NoGradGuard no_grad;
    const torch::Tensor out = q_->forward(Observations(observations, count, spec_.observation_size))
                                  .argmax(-1)
                                  .contiguous();
    for (std::size_t c = 0; c < count; ++c)
      actions[c] = static_cast<float>(out.data_ptr<std::int64_t>()[c]);
  }

  void Save(const std::string& dir) const override { SaveWeights(*q_, dir); }
  void Load(const std::string& dir) override {
    LoadWeights(*q_, dir, "dqn agent");
    q_->eval();
  }
  [[nodiscard]] const AgentSpec& Spec() const override { return spec_; }

 private:
  QNetwork MakeNet() const {
    return QNetwork(static_cast<std::int64_t>(spec_.observation_size),
                    static_cast<std::int64_t>(spec_.actions.size),
                    static_cast<std::int64_t>(spec_.settings.hidden),
                    static_cast<std::int64_t>(spec_.settings.layers), spec_.settings.dueling);
  }

  AgentSpec spec_;
  mutable QNetwork q_{nullptr};
};

}  // namespace

std::unique_ptr<Agent> MakeDqnAgent(const AgentSpec& spec) {
  return std::make_unique<DqnAgent>(spec);
}

}  // namespace finml::rl::deep
