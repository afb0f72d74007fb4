// What `finml credit train` leaves behind (metrics.json, oof_predictions.csv, scorecard.csv,
// report.html and model/), and `finml credit score`: probabilities, scores and top reasons for a
// new batch, with its population stability against the training data.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/credit/pipeline.hpp"
#include "finml/eval/drift.hpp"

namespace finml::credit {

// What a run read and how it was started; the training table is its first input.
struct CreditInputs {
  Provenance provenance;
  [[nodiscard]] const InputFile& data() const { return provenance.inputs.front(); }
};

[[nodiscard]] nlohmann::json CreditMetricsJson(const CreditRun& run, const CreditInputs& inputs);
// Returns the files written.
std::vector<std::string> WriteCreditRun(const CreditRun& run, const Table& table,
                                        const std::string& dir, const CreditInputs& inputs);

// A saved credit model's manifest (model.json), read and checked: its format, the settings it
// was trained with (through CreditConfig's declaration: threshold, scorecard, ...), its features
// and stability references. `dir` is the output of `finml credit train` or its model/ folder.
struct CreditManifest {
  std::string dir;  // the model/ folder
  nlohmann::json json;
  CreditConfig settings;
};
[[nodiscard]] CreditManifest ReadCreditManifest(const std::string& dir);

struct ScoreSummary {
  std::size_t rows = 0, unseen_categories = 0;
  double score_psi = 0;
  eval::DriftStatistics score_drift;
  std::vector<std::pair<std::string, double>> feature_psi;  // descending
  double threshold = 0.5;  // the training threshold the decisions use
  std::size_t declined = 0;
  std::vector<std::string> id_columns;  // copied to the output
  // Columns of the batch that are not model inputs and not ids: never used. The protected
  // attribute is among them when present, and named apart: it is never an input, in the batch
  // scorer and the service alike.
  std::vector<std::string> unused;
  std::string protected_column;  // empty: the batch has none
};
struct ScoreOptions {
  std::size_t reasons = 3;
  // Columns copied to each output row to identify it; default: a column named id, if any.
  std::vector<std::string> id_columns;
};
// Reads the model directory written by WriteCreditRun (its model/ subfolder or that folder) and
// writes row[,ids],probability,score,decision,reason_1..: the decision is "decline" where the
// probability reaches the training threshold, as the service decides.
ScoreSummary ScoreFile(const std::string& model_dir, const std::string& input_csv,
                       const std::string& out_csv, const ScoreOptions& options = {});

}  // namespace finml::credit
