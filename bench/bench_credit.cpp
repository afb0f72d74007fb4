#include "bench_credit.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "finml/core/build_info.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/pipeline.hpp"

namespace finml_bench {

void RunCredit(const std::string& dir) {
  using namespace finml::credit;
  std::filesystem::create_directories(dir);
  const Table table = LoadTable(std::string(finml::SourceDirectory()) + "/data/german_credit.csv");
  const Target target = ExtractTarget(table, "Class", "Bad");
  const auto folds = StratifiedFolds(target.y, 5, 42);
  std::ofstream(dir + "/folds.csv") << [&] {
    std::string s = "row,fold\n";
    for (std::size_t i = 0; i < folds.size(); ++i)
      s += std::to_string(i + 1) + "," + std::to_string(folds[i]) + "\n";
    return s;
  }();
  nlohmann::json out = nlohmann::json::object();
  for (const char* model : {"logistic", "rf", "gbdt", "mlp"}) {
    CreditConfig c;
    c.model = model;
    c.preprocess.encoding = Encoding::kOneHot;
    std::vector<double> aucs;
    double seconds = 0;
    for (std::size_t k = 0; k < 5; ++k) {
      std::vector<std::size_t> train, test;
      for (std::size_t i = 0; i < folds.size(); ++i) (folds[i] == k ? test : train).push_back(i);
      std::vector<int> ty;
      for (std::size_t i : test) ty.push_back(target.y[i]);
      const auto start = std::chrono::steady_clock::now();
      const auto fitted = CreditModel::Fit(table, train, target.y, c);
      const auto p = fitted.Predict(table, test);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      aucs.push_back(RocAuc(ty, p));
    }
    out[model] = {{"auc", aucs}, {"seconds", seconds}};
  }
  std::ofstream(dir + "/finml.json") << out.dump(2);
}

}  // namespace finml_bench
