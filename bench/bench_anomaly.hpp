// The anomaly-detection speed comparison with bench/peer_anomaly.py (issue 20), driven by
// bench/anomaly_bench.sh. One thread each side, the same CSV bytes, loading and standardising
// not timed:
//   finml_bench --anomaly_generate=DIR [--anomaly_rows=N]
//     DIR/cardio.csv        ODDS cardio's 21 features (data/odds_cardio.csv without the label)
//     DIR/transactions.csv  the numeric features `finml fraud train` computes (velocity per card
//                           over 1h/24h/7d, time since the last one, amount against the card's
//                           mean, novelty of merchant/category/country/channel, hour of day) for
//                           about N synthetic transactions (`finml fraud generate`)
//   finml_bench --anomaly_run=DIR [--anomaly_out=FILE] [--anomaly_reps=R] [--anomaly_subset=M]
//     per data set and detector (iforest, pca, lof, knn; lof and knn on the first M records of
//     the transactions, default 20,000): fit seconds and seconds to score every record, best of
//     R (default 3); and the median time to score one record alone, over 1,000 records.
// Writes JSON to --anomaly_out (default stdout).
#pragma once

#include <cstdint>
#include <string>

namespace finml_bench {

struct AnomalyOptions {
  std::string generate, run, out;
  std::int64_t rows = 1'000'000;
  std::int64_t subset = 20'000;
  int reps = 3;
};

void WriteAnomalyInputs(const AnomalyOptions& options);
void RunAnomaly(const AnomalyOptions& options);

}  // namespace finml_bench
