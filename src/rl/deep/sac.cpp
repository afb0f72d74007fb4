// Soft actor-critic (Haarnoja et al. 2018, with the automatic entropy tuning of the second
// paper): a tanh-squashed Gaussian actor, twin critics with Polyak-averaged targets, and the
// entropy weight tuned towards a target entropy of minus the action dimension.
#include <random>

#include "rl/deep/episodes.hpp"
#include "rl/deep/nets.hpp"
#include "rl/deep/on_policy.hpp"
#include "rl/deep/replay.hpp"
#include "train/deep/fused_adam.hpp"
#include "train/deep/loop.hpp"

namespace finml::rl::deep {
namespace {

class SacAgent final : public Agent {
 public:
  explicit SacAgent(const AgentSpec& spec) : spec_(spec) { actor_ = MakeActor(); }

  std::vector<LearningPoint> Learn(Environment& env) override {
    SeedTorch(spec_);
    const AgentSettings& a = spec_.settings;
    const auto obs_dim = static_cast<std::int64_t>(spec_.observation_size);
    const auto act_dim = static_cast<std::int64_t>(spec_.actions.size);
    const auto hidden = static_cast<std::int64_t>(a.hidden);
    const auto layers = static_cast<std::int64_t>(a.layers);
    actor_ = MakeActor();
    Critic q1(obs_dim, act_dim, hidden, layers), q2(obs_dim, act_dim, hidden, layers);
    Critic q1_target(obs_dim, act_dim, hidden, layers), q2_target(obs_dim, act_dim, hidden, layers);
    SoftUpdate(*q1_target, *q1, 1.0);
    SoftUpdate(*q2_target, *q2, 1.0);
    torch::Tensor log_alpha = torch::zeros({1}, torch::requires_grad());
    const double target_entropy = -static_cast<double>(act_dim);

    train::LoopOptions loop;
    loop.lr = *a.lr;
    auto actor_opt = train::deep::MakeOptimizer(actor_->parameters(), loop);
    std::vector<torch::Tensor> critic_params = q1->parameters();
    for (const auto& p : q2->parameters()) critic_params.push_back(p);
    auto critic_opt = train::deep::MakeOptimizer(critic_params, loop);
    auto alpha_opt = train::deep::MakeOptimizer({log_alpha}, loop);

    std::mt19937_64 rng(spec_.seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    const std::size_t copies = env.Copies(), obs_size = env.ObservationSize();
    const std::size_t act_size = spec_.actions.size;
    Replay replay(a.buffer, obs_size, act_size);
    std::vector<float> obs(copies * obs_size), next(copies * obs_size), raw(copies * act_size),
        scaled(copies * act_size), rewards(copies);
    std::vector<std::uint8_t> dones(copies);
    env.Reset(spec_.seed, obs.data());
    EpisodeLog log(spec_, copies);
    std::size_t timestep = 0, vector_steps = 0;
    while (timestep < spec_.timesteps) {
      if (replay.size() < a.learning_starts) {
        for (float& v : raw) v = uniform(rng);
      } else {
        torch::NoGradGuard no_grad;
        const torch::Tensor act =
            actor_->Sample(Observations(obs.data(), copies, obs_size)).first.contiguous();
        std::copy_n(act.data_ptr<float>(), raw.size(), raw.begin());
      }
      for (std::size_t k = 0; k < raw.size(); ++k)
        scaled[k] = static_cast<float>(spec_.action_scale) * raw[k];
      env.Step(scaled.data(), next.data(), rewards.data(), dones.data());
      log.Add(rewards.data(), dones.data());
      // A terminal end keeps the next state out of the target (done); one cut by the time limit
      // bootstraps from the state it stopped in.
      for (std::size_t c = 0; c < copies; ++c) {
        const bool cut = dones[c] && env.Truncated(c);
        replay.Add(obs.data() + c * obs_size, raw.data() + c * act_size, rewards[c],
                   cut ? env.FinalObservation(c) : next.data() + c * obs_size,
                   dones[c] != 0 && !cut);
      }
      obs.swap(next);
      timestep += copies;
      ++vector_steps;
      if (replay.size() >= std::max(a.learning_starts, a.batch) &&
          vector_steps % a.train_freq == 0) {
        const Replay::Batch b = replay.Sample(a.batch, rng);
        const torch::Tensor alpha = a.alpha ? torch::full({1}, *a.alpha) : log_alpha.exp().detach();
        torch::Tensor y;
        {
          torch::NoGradGuard no_grad;
          const auto [next_act, next_logp] = actor_->Sample(b.next);
          const torch::Tensor next_q = torch::min(q1_target->forward(b.next, next_act),
                                                  q2_target->forward(b.next, next_act)) -
                                       alpha * next_logp;
          y = b.reward + a.gamma * (1 - b.done) * next_q;
        }
        const torch::Tensor critic_loss = torch::mse_loss(q1->forward(b.obs, b.action), y) +
                                          torch::mse_loss(q2->forward(b.obs, b.action), y);
        critic_opt->zero_grad();
        critic_loss.backward();
        if (*a.max_grad_norm > 0)
          torch::nn::utils::clip_grad_norm_(critic_params, *a.max_grad_norm);
        if (!train::deep::FusedAdamStep(*critic_opt)) critic_opt->step();

        const auto [act, logp] = actor_->Sample(b.obs);
        const torch::Tensor q = torch::min(q1->forward(b.obs, act), q2->forward(b.obs, act));
        const torch::Tensor actor_loss = (alpha * logp - q).mean();
        actor_opt->zero_grad();
        actor_loss.backward();
        if (*a.max_grad_norm > 0)
          torch::nn::utils::clip_grad_norm_(actor_->parameters(), *a.max_grad_norm);
        if (!train::deep::FusedAdamStep(*actor_opt)) actor_opt->step();
        // The critics' gradients from the actor's loss are not theirs to keep.
        critic_opt->zero_grad();

        if (!a.alpha) {
          const torch::Tensor alpha_loss = -(log_alpha * (logp.detach() + target_entropy)).mean();
          alpha_opt->zero_grad();
          alpha_loss.backward();
          if (!train::deep::FusedAdamStep(*alpha_opt)) alpha_opt->step();
        }
        SoftUpdate(*q1_target, *q1, a.tau);
        SoftUpdate(*q2_target, *q2, a.tau);
      }
      if (vector_steps % 64 == 0 || timestep >= spec_.timesteps) log.Point(timestep);
    }
    actor_->eval();
    return log.Finish();
  }

  void Act(const float* observations, std::size_t count, float* actions) const override {
    torch::NoGradGuard no_grad;
    const torch::Tensor out =
        (actor_->Mode(Observations(observations, count, spec_.observation_size)) *
         spec_.action_scale)
            .contiguous();
    std::copy_n(out.data_ptr<float>(), out.numel(), actions);
  }

  void Save(const std::string& dir) const override { SaveWeights(*actor_, dir); }
  void Load(const std::string& dir) override {
    LoadWeights(*actor_, dir, "sac agent");
    actor_->eval();
  }
  [[nodiscard]] const AgentSpec& Spec() const override { return spec_; }

 private:
  SquashedActor MakeActor() const {
    return SquashedActor(static_cast<std::int64_t>(spec_.observation_size),
                         static_cast<std::int64_t>(spec_.actions.size),
                         static_cast<std::int64_t>(spec_.settings.hidden),
                         static_cast<std::int64_t>(spec_.settings.layers));
  }

  AgentSpec spec_;
  mutable SquashedActor actor_{nullptr};
};

}  // namespace

std::unique_ptr<Agent> MakeSacAgent(const AgentSpec& spec) {
  return std::make_unique<SacAgent>(spec);
}

}  // namespace finml::rl::deep
