#include "finml/train/split.hpp"

#include <algorithm>
#include <cmath>

#include "finml/core/error.hpp"

namespace finml::train {
namespace {

// Samples whose decision row lies in [begin, end).
std::vector<std::size_t> InRows(const SampleSet& s, std::size_t begin, std::size_t end) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.decision_row[i] >= begin && s.decision_row[i] < end) out.push_back(i);
  return out;
}

// Drops earlier-segment samples whose target is realised at or after `boundary_row` minus embargo.
std::size_t Purge(const SampleSet& s, std::vector<std::size_t>& earlier, std::size_t boundary_row,
                  std::size_t embargo) {
  const std::size_t before = earlier.size();
  std::erase_if(earlier, [&](std::size_t i) { return s.target_row[i] + embargo > boundary_row; });
  return before - earlier.size();
}

std::size_t FirstRowAtOrAfter(const SampleSet& s, data::Timestamp t) {
  auto it = std::lower_bound(s.calendar.begin(), s.calendar.end(), t);
  return static_cast<std::size_t>(it - s.calendar.begin());
}

}  // namespace

SplitIndices ChronologicalSplit(const SampleSet& samples, const SplitSpec& spec) {
  FINML_REQUIRE(samples.size() >= 3, "only {} samples: too few to split", samples.size());
  auto [lo_it, hi_it] =
      std::minmax_element(samples.decision_row.begin(), samples.decision_row.end());
  const std::size_t first = *lo_it, last = *hi_it + 1;
  std::size_t val_row, test_row;
  if (spec.validation_start || spec.test_start) {
    FINML_REQUIRE(spec.validation_start && spec.test_start,
                  "a split by date needs both validation_start and test_start");
    FINML_REQUIRE(*spec.validation_start < *spec.test_start,
                  "validation_start must come before test_start");
    val_row = FirstRowAtOrAfter(samples, *spec.validation_start);
    test_row = FirstRowAtOrAfter(samples, *spec.test_start);
  } else {
    FINML_REQUIRE(spec.train_fraction > 0 && spec.validation_fraction >= 0 &&
                      spec.train_fraction + spec.validation_fraction < 1,
                  "split fractions must satisfy 0 < train, 0 <= validation, train + validation < "
                  "1 (got {} and {})",
                  spec.train_fraction, spec.validation_fraction);
    const double span = static_cast<double>(last - first);
    val_row = first + static_cast<std::size_t>(std::llround(span * spec.train_fraction));
    test_row = first + static_cast<std::size_t>(
                           std::llround(span * (spec.train_fraction + spec.validation_fraction)));
  }
  SplitIndices out;
  out.train = InRows(samples, 0, val_row);
  out.validation = InRows(samples, val_row, test_row);
  out.test = InRows(samples, test_row, samples.calendar.size());
  out.purged = Purge(samples, out.train, val_row, spec.embargo);
  out.purged += Purge(samples, out.validation, test_row, spec.embargo);
  FINML_REQUIRE(!out.train.empty(), "the split leaves no training samples");
  FINML_REQUIRE(!out.test.empty(), "the split leaves no test samples");
  return out;
}

std::vector<Fold> WalkForwardFolds(const SampleSet& samples, const WalkForwardSpec& spec) {
  FINML_REQUIRE(spec.folds >= 1, "walk-forward needs at least one fold");
  FINML_REQUIRE(samples.size() > 0, "no samples for walk-forward folds");
  auto [lo_it, hi_it] =
      std::minmax_element(samples.decision_row.begin(), samples.decision_row.end());
  const std::size_t first = *lo_it, last = *hi_it + 1;
  FINML_REQUIRE(first + spec.min_train_rows < last,
                "walk-forward: {} calendar rows cannot hold a first training window of {}",
                last - first, spec.min_train_rows);
  const std::size_t test_begin = first + spec.min_train_rows;
  const std::size_t block = (last - test_begin) / spec.folds;
  FINML_REQUIRE(block >= 1, "walk-forward: too few rows for {} test blocks", spec.folds);
  std::vector<Fold> folds;
  for (std::size_t k = 0; k < spec.folds; ++k) {
    std::size_t b = test_begin + k * block;
    std::size_t e = k + 1 == spec.folds ? last : b + block;
    std::size_t train_begin = spec.expanding ? 0 : b - spec.min_train_rows;
    Fold fold;
    fold.train = InRows(samples, train_begin, b);
    fold.test = InRows(samples, b, e);
    fold.purged = Purge(samples, fold.train, b, spec.embargo);
    folds.push_back(std::move(fold));
  }
  return folds;
}

}  // namespace finml::train
