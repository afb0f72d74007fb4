// A saved credit model directory is user input: every corruption a user (or an attacker) can make
// to it is refused at load with a message naming the file and the field, never a crash, an
// out-of-bounds read, or a model that scores nonsense with exit 0.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/credit/pipeline.hpp"
#include "test_util.hpp"

namespace finml::credit {
namespace {

namespace fs = std::filesystem;

// Trained once per process: a logistic (WoE) model and gradient-boosted trees (one-hot).
const std::string& Trained(const std::string& model) {
  static std::map<std::string, std::string> dirs;
  auto it = dirs.find(model);
  if (it != dirs.end()) return it->second;
  const std::string data = finml::testing::RepoPath("data/german_credit.csv");
  CreditConfig config = ParseCreditConfig(
      {{"data", data},
       {"model", model},
       {"folds", 2},
       {"importance", false},
       {"params", model == "gbdt" ? nlohmann::json{{"rounds", 20}} : nlohmann::json::object()}},
      "test");
  const Table table = LoadTable(data);
  const CreditRun run = RunCredit(table, config);
  CreditInputs inputs;
  inputs.provenance.command = "test";
  inputs.provenance.Input(data);
  const std::string dir = finml::testing::TempDir("credit_dir_" + model);
  (void)WriteCreditRun(run, table, dir, inputs);
  return dirs.emplace(model, dir).first->second;
}

// A copy of a trained model with one JSON file edited; returns the load's error message.
std::string LoadEdited(const std::string& model, const std::string& file,
                       const std::function<void(nlohmann::json&)>& edit) {
  static int copies = 0;
  const std::string dir = finml::testing::TempDir("credit_edit_" + std::to_string(copies++));
  fs::copy(Trained(model) + "/model", dir, fs::copy_options::recursive);
  nlohmann::json j = nlohmann::json::parse(ReadFile(dir + "/" + file));
  edit(j);
  WriteFileAtomic(dir + "/" + file, j.dump());
  try {
    const CreditManifest m = ReadCreditManifest(dir);
    (void)CreditModel::Load(m.dir, m.json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CreditModelDirectory, IntactModelsLoad) {
  for (const char* model : {"logistic", "gbdt"}) {
    EXPECT_EQ(LoadEdited(model, "state.json", [](nlohmann::json&) {}), "") << model;
  }
}

TEST(CreditModelDirectory, CorruptedStateIsRefusedNamingTheField) {
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> edit;
    const char* expected;  // in the message, after "state.json: field '"
  };
  const std::vector<Case> cases = {
      {"column_source -1", [](auto& j) { j["column_source"][0] = -1; }, "column_source[0]"},
      {"column_source 61", [](auto& j) { j["column_source"][0] = 61; }, "column_source[0]"},
      {"column_source 1e9", [](auto& j) { j["column_source"][1] = 1e9; }, "column_source[1]"},
      {"column_source cut short",
       [](auto& j) { j["column_source"].erase(j["column_source"].size() - 1); }, "column_source"},
      {"bins emptied",
       [](auto& j) { j["preprocess"]["features"][1]["bins"] = nlohmann::json::array(); },
       "preprocess.features[1].bins"},
      {"bins reversed",
       [](auto& j) {
         auto& bins = j["preprocess"]["features"][1]["bins"];
         std::reverse(bins.begin(), bins.end());
       },
       "preprocess.features[1].bins"},
      {"coefficients cut to one", [](auto& j) { j["logistic"]["coefficients"] = {0.5}; },
       "logistic.coefficients"},
      {"a coefficient not a number", [](auto& j) { j["logistic"]["coefficients"][2] = "x"; },
       "logistic.coefficients"},
      {"column means short", [](auto& j) { j["column_mean"] = {0.0}; }, "column_mean"},
      {"unknown kind", [](auto& j) { j["kind"] = "svm"; }, "kind"},
      {"features renamed", [](auto& j) { j["features"][0] = "Other"; }, "features[0]"},
      {"a huge name", [](auto& j) { j["features"][0] = std::string(20000000, 'x'); },
       "features[0]"},
  };
  for (const auto& c : cases) {
    const std::string msg = LoadEdited("logistic", "state.json", c.edit);
    EXPECT_NE(msg.find("state.json: field '"), std::string::npos) << c.what << ": " << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos) << c.what << ": " << msg;
    EXPECT_LT(msg.size(), 2000u) << c.what << ": a message stays readable";
  }
}

TEST(CreditModelDirectory, PreprocessingThatScoringCouldNotUseIsRefused) {
  auto error = [](const nlohmann::json& j) {
    try {
      (void)Preprocessor::FromJson(j);
    } catch (const InvalidInput& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  nlohmann::json feature = {{"name", "region"},
                            {"kind", "categorical"},
                            {"mean", 0},
                            {"sd", 1},
                            {"median", 0},
                            {"categories", {"north", "south"}},
                            {"bins", nlohmann::json::array()},
                            {"missing_bin", false},
                            {"missing_woe", 0},
                            {"iv", 0}};
  nlohmann::json p = {{"encoding", "one_hot"},
                      {"missing", "error"},
                      {"bins", 10},
                      {"features", {feature}},
                      {"outputs", {"region=north", "region=south"}}};
  EXPECT_EQ(error(p), "");
  auto unsorted = p;
  unsorted["features"][0]["categories"] = {"south", "north"};
  EXPECT_NE(error(unsorted).find("'features[0].categories' must be sorted"), std::string::npos);
  auto outputs = p;
  outputs["outputs"] = {"region=north"};
  EXPECT_NE(error(outputs).find("'outputs' names 1 columns where the features make 2"),
            std::string::npos);
  auto woe = p;
  woe["encoding"] = "woe";
  EXPECT_NE(error(woe).find("'features[0].bins' has 0 bins for 2 categories"), std::string::npos);
  auto numeric = p;
  numeric["features"][0]["kind"] = "numeric";
  numeric["features"][0]["sd"] = 0;
  numeric["outputs"] = {"region"};
  EXPECT_NE(error(numeric).find("'features[0].sd' must be > 0"), std::string::npos);
}

TEST(CreditModelDirectory, CorruptedManifestSettingsAreRefused) {
  EXPECT_NE(
      LoadEdited("logistic", "model.json", [](auto& j) { j["settings"]["scorecard"]["pdo"] = 0; })
          .find("'scorecard.pdo' is 0"),
      std::string::npos);
  EXPECT_NE(LoadEdited("logistic", "model.json", [](auto& j) { j["settings"]["threshold"] = 5; })
                .find("'threshold' is 5"),
            std::string::npos);
  EXPECT_NE(LoadEdited("logistic", "model.json", [](auto& j) { j["format"] = "x"; })
                .find("field 'format' is not finml-credit/1"),
            std::string::npos);
  EXPECT_NE(LoadEdited("logistic", "model.json",
                       [](auto& j) { j["stability_reference"]["score"]["shares"] = {0.5}; })
                .find("stability_reference.score.shares"),
            std::string::npos);
}

TEST(CreditModelDirectory, TreesOfAnotherModelOrNotTreesAtAllAreRefused) {
  static int copies = 0;
  const std::string dir = finml::testing::TempDir("credit_trees_" + std::to_string(copies++));
  fs::copy(Trained("gbdt") + "/model", dir, fs::copy_options::recursive);
  WriteFileAtomic(dir + "/xgboost.json", "{\"learner\": 1");
  const CreditManifest m = ReadCreditManifest(dir);
  try {
    (void)CreditModel::Load(m.dir, m.json);
    FAIL() << "a broken booster loaded";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("xgboost.json: not an XGBoost model"), std::string::npos)
        << e.what();
  }
  std::string text = ReadFile(dir + "/model.json");
  WriteFileAtomic(dir + "/model.json", text.substr(0, text.size() / 2));
  try {
    (void)ReadCreditManifest(dir);
    FAIL() << "a truncated manifest loaded";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("model.json: not valid JSON"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace finml::credit
