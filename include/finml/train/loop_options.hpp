// The settings of the one LibTorch training loop (src/train/deep/loop.hpp), free of torch so the
// parameters of every torch model are read and checked in the core: an experiment file is
// validated without loading LibTorch.
#pragma once

#include <cstdint>
#include <string>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"

namespace finml::train {

enum class OptimizerKind { kAdam, kAdamW };
enum class ScheduleKind { kNone, kCosine, kStep };

struct LoopOptions {
  std::int64_t epochs = 100;
  std::int64_t batch = 32;
  double lr = 1e-3;
  double weight_decay = 0;
  OptimizerKind optimizer = OptimizerKind::kAdam;
  ScheduleKind schedule = ScheduleKind::kNone;
  std::int64_t step_size = 30;  // step schedule: epochs per decay
  double gamma = 0.5;           // step schedule: decay factor
  double clip = 1.0;            // max gradient norm; 0 disables
  std::int64_t patience = 10;   // epochs without improvement before stopping
  double min_delta = 0;         // an improvement must beat the best by more than this
  // Decay of an exponential moving average of the weights, updated after every step (0: off).
  // Validation, early stopping and the weights kept are the average's: on a small data set one
  // network's weights wander from step to step, and their average is often the better model
  // (Polyak). On PhraseBank it smoothed the validation loss and left the accuracy as it was.
  double weight_average = 0;
  bool progress = false;  // the progress line (on a terminal only); not a parameter
  std::string label;      // shown on the progress line; not a parameter
  // Not parameters: what the caller's loss allows. Data-parallel training is exact only for a
  // loss that is the mean over the minibatch's rows and a batch step that touches nothing but
  // the module's gradients; without it every rank of a job trains the whole minibatch alike.
  bool data_parallel = false;
  // Checkpoints hold the module, the optimiser and the loop's state: off where more lives
  // elsewhere (a GAN's critic and its optimiser, an RL learner's persistent optimiser).
  bool checkpoints = true;

  // The parameters every torch model shares; weight_decay defaults to 0.01 with adamw.
  static const options::Schema<LoopOptions>& Schema();
};

}  // namespace finml::train

template <>
struct finml::EnumNames<finml::train::OptimizerKind> {
  static constexpr std::string_view what = "optimizer";
  static constexpr finml::NamedValue<finml::train::OptimizerKind> values[] = {
      {finml::train::OptimizerKind::kAdam, "adam"}, {finml::train::OptimizerKind::kAdamW, "adamw"}};
};
template <>
struct finml::EnumNames<finml::train::ScheduleKind> {
  static constexpr std::string_view what = "schedule";
  static constexpr finml::NamedValue<finml::train::ScheduleKind> values[] = {
      {finml::train::ScheduleKind::kNone, "none"},
      {finml::train::ScheduleKind::kCosine, "cosine"},
      {finml::train::ScheduleKind::kStep, "step"}};
};
