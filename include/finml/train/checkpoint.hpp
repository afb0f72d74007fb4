// Checkpoints of long trainings, so a lost node does not lose the run. The plan belongs to the
// whole job (the CLI sets it once from --checkpoint-every and --resume), not to one model: every
// call of the training loop in a run gets the next index, and its checkpoint is named after that
// index and the model's label. A run's sequence of trainings is deterministic, so the same command
// resumed finds each training's checkpoint under the same name: finished trainings are restored
// whole (weights, losses, the random generator's state), the interrupted one continues from its
// last checkpointed epoch, and the result equals an uninterrupted run.
#pragma once

#include <cstdint>
#include <string>

namespace finml::train {

struct CheckpointPlan {
  std::string directory;   // empty: no checkpoints
  std::int64_t every = 0;  // epochs between checkpoints (0: only when a training finishes)
  bool resume = false;     // continue from the checkpoints found in `directory`
};

void SetCheckpointPlan(CheckpointPlan plan);
[[nodiscard]] const CheckpointPlan& CurrentCheckpointPlan();

// The file of the next training of this process ("<dir>/train-003-lstm.pt", or inside a
// CheckpointScope "<dir>/fold-2-lstm-000-lstm.pt"), empty without a plan; each call advances the
// index.
[[nodiscard]] std::string NextCheckpointFile(const std::string& label);

// Names the trainings of one task of a task-parallel map (a fold's model) after the task, with
// their own index, so they find their checkpoints whichever rank runs them, and however many ranks
// the resumed job has.
class CheckpointScope {
 public:
  explicit CheckpointScope(std::string name);
  ~CheckpointScope();
  CheckpointScope(const CheckpointScope&) = delete;
  CheckpointScope& operator=(const CheckpointScope&) = delete;

 private:
  std::string previous_name_;
  std::int64_t previous_index_;
};

}  // namespace finml::train
