// A saved forecaster directory is user input: corrupted manifests, states and weight files are
// refused at load with the file and field named, never a crash, a silent mis-shaped network, or a
// read outside the directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/run/predict.hpp"
#include "finml/run/runner.hpp"
#include "test_util.hpp"

namespace finml::run {
namespace {

namespace fs = std::filesystem;

// A run with an AR, a ridge and two small LSTMs (hidden 8 and 16), trained once per process.
const std::string& Trained() {
  static const std::string dir = [] {
    const std::string out = testing::TempDir("model_dir_run");
    ExperimentConfig c = ParseExperiment(R"(
data: {path: data/aer_djia8012.csv}
split: {validation_start: 2005-01-03, test_start: 2008-01-02}
models:
  - {type: ar, params: {p: 3}}
  - ridge
  - {type: lstm, name: lstm8, params: {hidden: 8, layers: 1, epochs: 1}}
  - {type: lstm, name: lstm16, params: {hidden: 16, layers: 1, epochs: 1}}
)",
                                         testing::RepoPath("examples/x.yaml"));
    RunOptions options;
    options.out_dir = out;
    (void)RunExperiment(c, options);
    return out;
  }();
  return dir;
}

// Loads a copy of models/<model> after `edit` changed its model.json; returns the error.
std::string LoadEdited(const std::string& model, const std::function<void(nlohmann::json&)>& edit,
                       const std::function<void(const std::string&)>& files = {}) {
  static int copies = 0;
  const std::string dir = testing::TempDir("model_edit_" + std::to_string(copies++));
  fs::copy(Trained() + "/models/" + model, dir, fs::copy_options::recursive);
  nlohmann::json j = nlohmann::json::parse(ReadFile(dir + "/model.json"));
  edit(j);
  WriteFileAtomic(dir + "/model.json", j.dump());
  if (files) files(dir);
  try {
    (void)SavedForecaster::Load(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void Expect(const std::string& message, const std::string& part, const std::string& what) {
  EXPECT_NE(message.find(part), std::string::npos) << what << ": " << message;
  EXPECT_LT(message.size(), 2000u) << what << ": a message stays readable";
}

TEST(ModelDirectory, IntactModelsLoad) {
  for (const char* model : {"ar", "ridge", "lstm8"})
    EXPECT_EQ(LoadEdited(model, [](auto&) {}), "") << model;
}

TEST(ModelDirectory, CorruptedManifestsAndStatesAreRefused) {
  Expect(LoadEdited("ar", [](auto& j) { j["state"]["coefficients"] = {0.1}; }),
         "field 'state.coefficients' has 1 entries; p = 3 needs 4", "AR coefficients cut");
  Expect(LoadEdited("ridge", [](auto& j) { j["state"]["coefficients"].erase(0); }),
         "field 'state.coefficients' has", "ridge coefficients short");
  Expect(LoadEdited("ridge", [](auto& j) { j["pipeline"]["normalizer"]["scale"][0] = 0; }),
         "field 'pipeline.normalizer.scale[0]' must be > 0", "a zero scale");
  Expect(LoadEdited("ridge", [](auto& j) { j["pipeline"]["lookback"] = 0; }),
         "field 'pipeline.lookback' is 0", "lookback 0");
  Expect(LoadEdited("ar", [](auto& j) { j["pipeline"]["ar_lags"] = 1; }),
         "field 'pipeline.ar_lags' is 1; the model needs 3", "fewer lags than the model");
  Expect(LoadEdited("ar", [](auto& j) { j["name"] = std::string(20000000, 'x'); }),
         "field 'name' is 20000000 characters long", "a 20 MB name");
  Expect(LoadEdited("lstm8", [](auto& j) { j["state"]["features"] = 1e8; }),
         "field 'state.features' must be a whole number", "features 1e8");
  Expect(LoadEdited("lstm8", [](auto& j) { j["state"]["features"] = 100000000; }),
         "field 'state.features' is 100000000", "features 100000000");
  Expect(LoadEdited("lstm8", [](auto& j) { j["params"]["hidden"] = 1000000000; }),
         "'params.hidden' is 1000000000", "hidden 1e9");
  Expect(LoadEdited("lstm8", [](auto& j) { j["state"]["weights"] = "../../../etc/passwd"; }),
         "field 'state.weights' must name a file in the model's directory", "weights outside");
  Expect(LoadEdited("ar",
                    [](auto& j) {
                      j["drift_reference"]["prediction"]["edges"] = {1, 0};
                    }),
         "drift_reference.prediction.edges", "a broken drift reference");
  Expect(LoadEdited("ar", [](auto& j) { j["format"] = "other/1"; }),
         "field 'format' is not finml-model/1", "another format");
}

TEST(ModelDirectory, WeightsOfAnotherShapeOrNotWeightsAtAllAreRefused) {
  // weights.pt of the hidden-16 LSTM under the hidden-8 manifest: the archive would load, with
  // every tensor replaced by one of the wrong shape.
  Expect(LoadEdited(
             "lstm8", [](auto&) {},
             [](const std::string& dir) {
               fs::copy_file(Trained() + "/models/lstm16/weights.pt", dir + "/weights.pt",
                             fs::copy_options::overwrite_existing);
             }),
         "weights.pt: tensor", "hidden-16 weights under a hidden-8 manifest");
  Expect(LoadEdited(
             "lstm8", [](auto&) {},
             [](const std::string& dir) { WriteFileAtomic(dir + "/weights.pt", "not torch"); }),
         "weights.pt: not the weights of this lstm", "garbage weights");
  Expect(LoadEdited(
             "lstm8", [](auto&) {},
             [](const std::string& dir) {
               const std::string text = ReadFile(dir + "/model.json");
               WriteFileAtomic(dir + "/model.json", text.substr(0, text.size() / 3));
             }),
         "model.json: not valid JSON", "a truncated manifest");
}

}  // namespace
}  // namespace finml::run
