#include <gtest/gtest.h>

#include <cmath>

#include "finml/core/error.hpp"
#include "finml/data/loader.hpp"
#include "finml/train/normalizer.hpp"
#include "finml/train/samples.hpp"
#include "finml/train/split.hpp"

namespace finml::train {
namespace {

// Ten daily closes and one feature (the latest log return).
struct Toy {
  std::vector<data::Timestamp> calendar;
  std::vector<std::string> labels;
  AssetInputs asset;
};

Toy MakeToy(std::size_t n = 10) {
  Toy toy;
  toy.asset.symbol = "X";
  for (std::size_t t = 0; t < n; ++t) {
    toy.calendar.push_back(static_cast<data::Timestamp>(t) * data::kSecondsPerDay);
    toy.labels.push_back("d" + std::to_string(t));
    toy.asset.price.push_back(100.0 + static_cast<double>(t * t));
  }
  toy.asset.features = features::ComputeFeatures(
      data::Bars{"X", {}, {}, {}, toy.asset.price, {}, {}}, {"lag_ret_0"});
  return toy;
}

}  // namespace

TEST(Samples, WindowLayoutTargetsAndNoChange) {
  Toy toy = MakeToy();
  SampleSet s = BuildSamples({toy.asset}, toy.calendar, toy.labels, {TargetKind::kLogReturn, 1},
                             /*lookback=*/2, /*ar_lags=*/2);
  const auto& p = toy.asset.price;
  // Row 0 has no return, so the first full window of 2 ends at row 2.
  ASSERT_EQ(s.decision_row.front(), 2u);
  EXPECT_EQ(s.size(), 7u);  // decisions at rows 2..8 (row 9 has no next price)
  EXPECT_EQ(s.warmup_skipped, 2u);
  EXPECT_DOUBLE_EQ(s.x[0], std::log(p[1] / p[0]));  // oldest first
  EXPECT_DOUBLE_EQ(s.x[1], std::log(p[2] / p[1]));
  EXPECT_DOUBLE_EQ(*s.LatestRow(0), std::log(p[2] / p[1]));
  EXPECT_DOUBLE_EQ(s.own_lags[0], std::log(p[2] / p[1]));  // z_t first
  EXPECT_DOUBLE_EQ(s.own_lags[1], std::log(p[1] / p[0]));
  EXPECT_DOUBLE_EQ(s.y[0], std::log(p[3] / p[2]));
  EXPECT_EQ(s.no_change[0], 0.0);
  EXPECT_EQ(s.target_row[0], 3u);

  SampleSet close =
      BuildSamples({toy.asset}, toy.calendar, toy.labels, {TargetKind::kClose, 2}, 1, 1);
  EXPECT_DOUBLE_EQ(close.y[0], p[close.decision_row[0] + 2]);
  EXPECT_DOUBLE_EQ(close.no_change[0], p[close.decision_row[0]]);
  SampleSet dir =
      BuildSamples({toy.asset}, toy.calendar, toy.labels, {TargetKind::kDirection, 1}, 1, 0);
  EXPECT_EQ(dir.y[0], 1.0);
  EXPECT_EQ(dir.no_change[0], 0.5);
}

TEST(Split, ChronologicalByFractionAndDate) {
  Toy toy = MakeToy(200);
  SampleSet s =
      BuildSamples({toy.asset}, toy.calendar, toy.labels, {TargetKind::kLogReturn, 1}, 1, 0);
  SplitSpec spec;
  SplitIndices idx = ChronologicalSplit(s, spec);
  EXPECT_EQ(idx.train.size() + idx.validation.size() + idx.test.size() + idx.purged, s.size());
  // Everything in train is decided before validation, and validation before test.
  EXPECT_LT(s.decision_row[idx.train.back()], s.decision_row[idx.validation.front()]);
  EXPECT_LT(s.decision_row[idx.validation.back()], s.decision_row[idx.test.front()]);
  EXPECT_EQ(idx.purged, 0u);  // one-step targets do not overlap the next segment

  SplitSpec by_date;
  by_date.validation_start = toy.calendar[100];
  by_date.test_start = toy.calendar[150];
  SplitIndices d = ChronologicalSplit(s, by_date);
  EXPECT_EQ(s.decision_row[d.validation.front()], 100u);
  EXPECT_EQ(s.decision_row[d.test.front()], 150u);
  EXPECT_EQ(s.decision_row[d.train.back()], 99u);
}

TEST(Split, PurgesOverlappingTargetsAndEmbargo) {
  Toy toy = MakeToy(200);
  SampleSet s =
      BuildSamples({toy.asset}, toy.calendar, toy.labels, {TargetKind::kLogReturn, 5}, 1, 0);
  SplitSpec spec;
  spec.validation_start = toy.calendar[100];
  spec.test_start = toy.calendar[150];
  SplitIndices idx = ChronologicalSplit(s, spec);
  // A 5-step target decided at row 96 is realised at 101, inside validation: purged.
  EXPECT_EQ(s.decision_row[idx.train.back()], 95u);
  EXPECT_EQ(s.decision_row[idx.validation.back()], 145u);
  EXPECT_EQ(idx.purged, 8u);
  for (std::size_t i : idx.train) EXPECT_LE(s.target_row[i], 100u);
  spec.embargo = 3;
  SplitIndices e = ChronologicalSplit(s, spec);
  EXPECT_EQ(s.decision_row[e.train.back()], 92u);
}

TEST(Split, WalkForwardFoldsTileTheFuture) {
  Toy toy = MakeToy(300);
  SampleSet s =
      BuildSamples({toy.asset}, toy.calendar, toy.labels, {TargetKind::kLogReturn, 2}, 1, 0);
  WalkForwardSpec spec;
  spec.folds = 4;
  spec.min_train_rows = 100;
  auto folds = WalkForwardFolds(s, spec);
  ASSERT_EQ(folds.size(), 4u);
  std::size_t tested = 0;
  for (const auto& f : folds) {
    ASSERT_FALSE(f.train.empty());
    ASSERT_FALSE(f.test.empty());
    EXPECT_LT(s.target_row[f.train.back()], s.decision_row[f.test.front()] + 1);
    EXPECT_EQ(f.purged, 1u);
    tested += f.test.size();
  }
  EXPECT_EQ(s.decision_row[folds[0].test.front()], 101u);  // first decision row is 1
  EXPECT_EQ(s.decision_row[folds.back().test.back()], s.decision_row.back());
  EXPECT_GT(folds[3].train.size(), folds[0].train.size());  // expanding
  spec.expanding = false;
  auto rolling = WalkForwardFolds(s, spec);
  EXPECT_EQ(rolling[3].train.size(), rolling[1].train.size());
  (void)tested;
}

TEST(Normalizer, StatisticsFromTrainingRowsOnly) {
  SampleSet s;
  s.lookback = 1;
  s.feature_names = {"a", "b"};
  s.x = {1, 10, 2, 10, 3, 10, 10, 10};
  s.y = {0, 0, 0, 0};
  SampleSet train = s;
  train.x.resize(6);
  train.y.resize(3);
  Normalizer z(NormalizerKind::kZScore);
  z.Fit(train);
  EXPECT_DOUBLE_EQ(z.center()[0], 2.0);
  EXPECT_DOUBLE_EQ(z.scale()[0], 1.0);
  EXPECT_DOUBLE_EQ(z.scale()[1], 1.0);  // constant column: left unscaled
  Normalizer mm(NormalizerKind::kMinMax);
  mm.Fit(train);
  EXPECT_DOUBLE_EQ(mm.center()[0], 1.0);
  EXPECT_DOUBLE_EQ(mm.scale()[0], 2.0);
  Normalizer robust(NormalizerKind::kRobust);
  robust.Fit(train);
  EXPECT_DOUBLE_EQ(robust.center()[0], 2.0);
  EXPECT_DOUBLE_EQ(robust.scale()[0], 1.0);  // quartiles 1.5 and 2.5
  z.Apply(s);
  EXPECT_DOUBLE_EQ(s.x[6], 8.0);
  Normalizer back = Normalizer::FromJson(z.ToJson());
  EXPECT_EQ(back.center(), z.center());
  EXPECT_EQ(back.scale(), z.scale());
  EXPECT_THROW((void)ParseEnum<NormalizerKind>("z-score"), ConfigError);
}

}  // namespace finml::train
