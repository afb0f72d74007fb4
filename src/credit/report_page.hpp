// The credit report, report.html of `finml credit train`: the verdict, how well the model ranks
// applicants (score distributions and KS, ROC, precision-recall, gains and lift), how right its
// probabilities are (calibration), what drives it (importance, SHAP for tree models, coefficients
// and the scorecard for the logistic model), fairness, and how the run was made. Every curve comes
// from the out-of-fold (or hold-out) predictions the metrics use.
#pragma once

#include "finml/credit/outputs.hpp"
#include "finml/report/html_page.hpp"

namespace finml::credit {

// `table` is the training table: tree models' SHAP values are computed on (a sample of) its rows.
[[nodiscard]] report::HtmlPage CreditReportPage(const CreditRun& run, const Table& table,
                                                const CreditInputs& inputs);

}  // namespace finml::credit
