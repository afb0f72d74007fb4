// PPO, A2C and REINFORCE with a baseline: one actor-critic learner. A2C is PPO with short
// rollouts, one pass and no clipping (at a ratio of 1 the clipped objective's gradient is the
// plain policy gradient); REINFORCE collects whole episodes and uses their Monte Carlo returns
// (GAE with lambda 1 and no bootstrap) against the learned value as the baseline.
#include "rl/deep/on_policy.hpp"

#include <cmath>
#include <limits>
#include <random>

#include "finml/core/error.hpp"
#include "rl/deep/episodes.hpp"
#include "rl/deep/nets.hpp"
#include "train/deep/loop.hpp"

namespace finml::rl::deep {
namespace {

class OnPolicyAgent final : public Agent {
 public:
  explicit OnPolicyAgent(const AgentSpec& spec) : spec_(spec) {
    const AgentSettings& a = spec_.settings;
    net_ = ActorCritic(static_cast<std::int64_t>(spec_.observation_size), spec_.actions,
                       static_cast<std::int64_t>(a.hidden), static_cast<std::int64_t>(a.layers),
                       a.log_std_init);
  }

  std::vector<LearningPoint> Learn(Environment& env) override {
    SeedTorch(spec_);
    const AgentSettings& a = spec_.settings;
    net_ = ActorCritic(static_cast<std::int64_t>(spec_.observation_size), spec_.actions,
                       static_cast<std::int64_t>(a.hidden), static_cast<std::int64_t>(a.layers),
                       a.log_std_init);
    std::mt19937_64 rng(spec_.seed);
    const auto copies = static_cast<std::int64_t>(env.Copies());
    const auto obs_size = static_cast<std::int64_t>(env.ObservationSize());
    const auto action_size =
        static_cast<std::int64_t>(spec_.actions.discrete ? 1 : spec_.actions.size);
    const bool reinforce = spec_.kind == AgentKind::kReinforce;
    // REINFORCE's rollout ends where every copy's episode does; this caps a runaway one.
    const std::int64_t max_steps = reinforce ? 100000 : static_cast<std::int64_t>(*a.n_steps);

    train::LoopOptions loop;
    // One call per update, with an optimiser that outlives it: not a training to resume.
    loop.checkpoints = false;
    loop.lr = *a.lr;
    loop.epochs = static_cast<std::int64_t>(*a.update_epochs);
    loop.clip = *a.max_grad_norm;
    auto optimizer = train::deep::MakeOptimizer(net_->parameters(), loop);

    torch::Tensor next_obs = torch::empty({copies, obs_size});
    env.Reset(spec_.seed, next_obs.data_ptr<float>());
    std::vector<float> rewards(static_cast<std::size_t>(copies));
    std::vector<std::uint8_t> dones(static_cast<std::size_t>(copies));
    EpisodeLog log(spec_, static_cast<std::size_t>(copies));
    std::size_t timestep = 0;
    while (timestep < spec_.timesteps) {
      std::vector<torch::Tensor> obs_buf, act_buf, logp_buf, val_buf, rew_buf, done_buf;
      {
        torch::NoGradGuard no_grad;
        for (std::int64_t step = 0; step < max_steps; ++step) {
          const PolicyStep s = net_->Sample(next_obs);
          obs_buf.push_back(next_obs.clone());
          act_buf.push_back(s.action);
          logp_buf.push_back(s.log_prob);
          val_buf.push_back(s.value);
          const torch::Tensor actions = s.action.contiguous();
          env.Step(actions.data_ptr<float>(), next_obs.data_ptr<float>(), rewards.data(),
                   dones.data());
          log.Add(rewards.data(), dones.data());
          BootstrapTruncated(env, rewards, dones, a.gamma);
          rew_buf.push_back(torch::tensor(rewards));
          done_buf.push_back(torch::tensor(std::vector<float>(dones.begin(), dones.end())));
          timestep += static_cast<std::size_t>(copies);
          if (reinforce &&
              std::all_of(dones.begin(), dones.end(), [](std::uint8_t d) { return d != 0; }))
            break;
        }
      }
      const auto steps = static_cast<std::int64_t>(obs_buf.size());
      const torch::Tensor values = torch::stack(val_buf), reward = torch::stack(rew_buf);
      const torch::Tensor done = torch::stack(done_buf);
      torch::Tensor next_value;
      {
        torch::NoGradGuard no_grad;
        next_value = reinforce ? torch::zeros({copies}) : net_->Value(next_obs);
      }
      // Generalised advantage estimation; an episode's end cuts the bootstrap.
      torch::Tensor advantages = torch::zeros({steps, copies});
      torch::Tensor gae = torch::zeros({copies});
      const double gamma = a.gamma, lambda = *a.gae_lambda;
      for (std::int64_t t = steps - 1; t >= 0; --t) {
        const torch::Tensor following = t + 1 < steps ? values[t + 1] : next_value;
        const torch::Tensor alive = 1 - done[t];
        const torch::Tensor delta = reward[t] + gamma * following * alive - values[t];
        gae = delta + gamma * lambda * alive * gae;
        advantages[t] = gae;
      }
      const torch::Tensor returns = (advantages + values).reshape({-1});
      const torch::Tensor obs = torch::stack(obs_buf).reshape({-1, obs_size});
      const torch::Tensor acts = torch::stack(act_buf).reshape({-1, action_size});
      const torch::Tensor old_logp = torch::stack(logp_buf).reshape({-1});
      const torch::Tensor adv = advantages.reshape({-1});
      const std::int64_t rows = obs.size(0);
      loop.batch = std::max<std::int64_t>(1, rows / static_cast<std::int64_t>(*a.minibatches));
      const bool ppo = spec_.kind == AgentKind::kPpo;
      const double clip = a.clip_range, ent = *a.ent_coef, vf = a.vf_coef;
      train::deep::TrainLoop(
          *net_, rows,
          [&](const torch::Tensor& idx) {
            const PolicyStep e =
                net_->Evaluate(obs.index_select(0, idx), acts.index_select(0, idx));
            torch::Tensor b_adv = adv.index_select(0, idx);
            if (ppo && b_adv.size(0) > 1) b_adv = (b_adv - b_adv.mean()) / (b_adv.std() + 1e-8);
            const torch::Tensor ratio = (e.log_prob - old_logp.index_select(0, idx)).exp();
            torch::Tensor policy_loss;
            if (ppo) {
              policy_loss =
                  torch::max(-b_adv * ratio, -b_adv * torch::clamp(ratio, 1 - clip, 1 + clip))
                      .mean();
            } else {
              policy_loss = (-b_adv * ratio).mean();
            }
            const torch::Tensor value_loss =
                0.5 * (e.value - returns.index_select(0, idx)).pow(2).mean();
            return policy_loss + vf * value_loss - ent * e.entropy.mean();
          },
          {}, loop, rng, torch::kCPU, optimizer.get());
      log.Point(timestep);
    }
    net_->eval();
    return log.Finish();
  }

  // An episode cut by its time limit did not end: its last reward also earns the discounted
  // value of where it stopped (as Stable-Baselines3 does for timeouts).
  void BootstrapTruncated(const Environment& env, std::vector<float>& rewards,
                          const std::vector<std::uint8_t>& dones, double gamma) const {
    for (std::size_t c = 0; c < dones.size(); ++c) {
      if (!dones[c] || !env.Truncated(c)) continue;
      const torch::Tensor last = Observations(env.FinalObservation(c), 1, env.ObservationSize());
      rewards[c] += static_cast<float>(gamma * net_->Value(last).item<double>());
    }
  }

  void Act(const float* observations, std::size_t count, float* actions) const override {
    torch::NoGradGuard no_grad;
    const torch::Tensor obs = Observations(observations, count, spec_.observation_size);
    const torch::Tensor out = net_->Mode(obs).contiguous();
    std::copy_n(out.data_ptr<float>(), out.numel(), actions);
  }

  void Save(const std::string& dir) const override { SaveWeights(*net_, dir); }
  void Load(const std::string& dir) override {
    LoadWeights(*net_, dir, EnumName(spec_.kind) + std::string(" agent"));
    net_->eval();
  }
  [[nodiscard]] const AgentSpec& Spec() const override { return spec_; }

 private:
  AgentSpec spec_;
  mutable ActorCritic net_{nullptr};
};

}  // namespace

std::unique_ptr<Agent> MakeOnPolicyAgent(const AgentSpec& spec) {
  return std::make_unique<OnPolicyAgent>(spec);
}

}  // namespace finml::rl::deep
