// Chronological splits of samples into train / validation / test, and walk-forward folds. Splits
// cut the calendar, so every asset of a panel is cut on the same date. A purge removes samples of
// an earlier segment whose target is realised after the next segment's first decision, plus an
// optional embargo of further rows, so no training target overlaps what it is judged on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "finml/train/samples.hpp"

namespace finml::train {

struct SplitSpec {
  // By fraction of the calendar span of the samples...
  double train_fraction = 0.7;
  double validation_fraction = 0.15;
  // ...or by date: the first decision date of validation and of test (ISO dates).
  std::optional<data::Timestamp> validation_start, test_start;
  std::size_t embargo = 0;
};

struct SplitIndices {
  std::vector<std::size_t> train, validation, test;
  std::size_t purged = 0;
};

[[nodiscard]] SplitIndices ChronologicalSplit(const SampleSet& samples, const SplitSpec& spec);

struct Fold {
  std::vector<std::size_t> train, test;
  std::size_t purged = 0;
};

struct WalkForwardSpec {
  std::size_t folds = 5;
  std::size_t min_train_rows = 250;  // calendar rows in the first training window
  std::size_t embargo = 0;
  bool expanding = true;  // false: a rolling training window of min_train_rows
};

// Test blocks tile the calendar after the first training window; each fold trains on what comes
// before its block (minus the purge) and is tested on the block.
[[nodiscard]] std::vector<Fold> WalkForwardFolds(const SampleSet& samples,
                                                 const WalkForwardSpec& spec);

}  // namespace finml::train
