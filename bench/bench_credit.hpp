// The credit-scoring comparison with bench/peer_credit.py: finml_bench --credit_run=DIR trains
// logistic, rf and gbdt on 5 stratified folds of data/german_credit.csv, writes the folds
// (DIR/folds.csv) for the peers and the AUCs and fit seconds (DIR/finml.json).
#pragma once

#include <string>

namespace finml_bench {

void RunCredit(const std::string& dir);

}  // namespace finml_bench
