// The learning curve's bookkeeping, shared by every agent: each copy's running episode return,
// and one point per update with the mean return of the episodes that ended since the last.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "finml/core/progress.hpp"
#include "finml/rl/agent.hpp"

namespace finml::rl::deep {

class EpisodeLog {
 public:
  EpisodeLog(const AgentSpec& spec, std::size_t copies)
      : running_(copies, 0.0),
        bar_(spec.label, spec.timesteps, spec.progress),
        timesteps_(spec.timesteps) {}

  void Add(const float* rewards, const std::uint8_t* dones) {
    for (std::size_t c = 0; c < running_.size(); ++c) {
      running_[c] += rewards[c];
      if (!dones[c]) continue;
      ended_ += running_[c];
      ++count_;
      running_[c] = 0;
    }
  }

  // Closes the current point at `timestep` (kept only when an episode ended in it).
  void Point(std::size_t timestep) {
    if (count_ > 0) {
      last_ = ended_ / static_cast<double>(count_);
      points_.push_back({timestep, last_, count_});
    }
    ended_ = 0;
    count_ = 0;
    bar_.Update(std::min(timestep, timesteps_),
                fmt::format("step {} episode return {:.3f}", timestep, last_));
  }

  std::vector<LearningPoint> Finish() {
    bar_.Finish(fmt::format("{} points, last episode return {:.3f}", points_.size(), last_));
    return points_;
  }

 private:
  std::vector<double> running_;
  double ended_ = 0, last_ = 0;
  std::size_t count_ = 0;
  std::vector<LearningPoint> points_;
  Progress bar_;
  std::size_t timesteps_;
};

}  // namespace finml::rl::deep
