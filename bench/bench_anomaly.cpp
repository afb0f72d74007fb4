#include "bench_anomaly.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "anomaly/fraud_features.hpp"
#include "finml/anomaly/benchmark.hpp"
#include "finml/anomaly/detector.hpp"
#include "finml/anomaly/transactions.hpp"
#include "finml/core/build_info.hpp"
#include "finml/core/files.hpp"
#include "finml/credit/table.hpp"

namespace finml_bench {
namespace {

using finml::anomaly::Matrix;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void WriteMatrix(const std::string& path, const std::vector<std::string>& names, const Matrix& x) {
  std::string csv;
  for (std::size_t j = 0; j < names.size(); ++j) csv += (j ? "," : "") + names[j];
  csv += "\n";
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      fmt::format_to(std::back_inserter(csv), "{}{:.9g}", c ? "," : "", x(r, c));
    csv += "\n";
  }
  finml::WriteFileAtomic(path, csv);
}

Matrix ReadMatrix(const std::string& path) {
  const finml::credit::Table table = finml::credit::LoadTable(path);
  return finml::anomaly::TableFeatures(table, table.Names());
}

}  // namespace

void WriteAnomalyInputs(const AnomalyOptions& o) {
  std::filesystem::create_directories(o.generate);
  const auto cardio = finml::anomaly::LoadLabelled(
      std::string(finml::SourceDirectory()) + "/data/odds_cardio.csv", "label");
  WriteMatrix(o.generate + "/cardio.csv", cardio.features, cardio.x);
  finml::anomaly::TransactionSettings t;
  t.days = 60;
  t.cards = std::max<std::int64_t>(1, o.rows / 91);  // ~1.5 a day per card
  t.merchants = 20000;
  const auto generated = finml::anomaly::GenerateTransactions(t);
  const auto table = finml::credit::ParseTable(generated.csv, "transactions");
  finml::anomaly::FeatureSpec spec{"time",
                                   "card",
                                   "amount",
                                   {"amount"},
                                   {"merchant", "category", "country", "channel"},
                                   {"1h", "24h", "7d"},
                                   {3600, 86400, 7 * 86400}};
  const auto raw = finml::anomaly::BuildRawFeatures(table, spec);
  WriteMatrix(o.generate + "/transactions.csv", raw.names, raw.x);
  std::printf("wrote %s/cardio.csv (%ld x %ld) and transactions.csv (%ld x %ld)\n",
              o.generate.c_str(), static_cast<long>(cardio.x.rows()),
              static_cast<long>(cardio.x.cols()), static_cast<long>(raw.x.rows()),
              static_cast<long>(raw.x.cols()));
}

void RunAnomaly(const AnomalyOptions& o) {
  using finml::anomaly::DetectorKind;
  nlohmann::json out = {
      {"side", "finml"}, {"finml_version", finml::Version()}, {"sets", nlohmann::json::array()}};
  for (const std::string set : {"cardio", "transactions"}) {
    const Matrix all = ReadMatrix(o.run + "/" + set + ".csv");
    const auto scaler = finml::anomaly::Standardizer::Fit(all);
    const Matrix x = scaler.Apply(all);
    nlohmann::json rows = nlohmann::json::array();
    for (const auto kind : {DetectorKind::kIsolationForest, DetectorKind::kPca, DetectorKind::kLof,
                            DetectorKind::kKnn}) {
      const bool neighbours = kind == DetectorKind::kLof || kind == DetectorKind::kKnn;
      const Matrix data = neighbours && x.rows() > o.subset ? Matrix(x.topRows(o.subset)) : x;
      double fit = 1e300, score = 1e300;
      std::unique_ptr<finml::anomaly::Detector> detector;
      for (int rep = 0; rep < o.reps; ++rep) {
        detector = finml::anomaly::MakeDetector(kind, finml::anomaly::DetectorSettings{});
        auto start = Clock::now();
        detector->Fit(data);
        fit = std::min(fit, Seconds(start));
        start = Clock::now();
        const Eigen::VectorXd s = detector->Score(data);
        score = std::min(score, Seconds(start));
        if (!std::isfinite(s.sum())) throw std::runtime_error("non-finite scores");
      }
      // One record at a time, as the service scores them.
      std::vector<double> single;
      const Eigen::Index records = std::min<Eigen::Index>(1000, data.rows());
      for (Eigen::Index r = 0; r < records; ++r) {
        const Matrix one = data.row(r);
        const auto start = Clock::now();
        (void)detector->Score(one);
        single.push_back(Seconds(start));
      }
      std::nth_element(single.begin(),
                       single.begin() + static_cast<std::ptrdiff_t>(single.size() / 2),
                       single.end());
      const std::string name(finml::EnumName(kind));
      rows.push_back({{"detector", name},
                      {"rows", data.rows()},
                      {"features", data.cols()},
                      {"fit_seconds", fit},
                      {"score_seconds", score},
                      {"single_seconds", single[single.size() / 2]}});
      std::fprintf(stderr,
                   "finml %-12s %-8s %8ld rows: fit %.4f s, score %.4f s, one record %.1f us\n",
                   set.c_str(), name.c_str(), static_cast<long>(data.rows()), fit, score,
                   1e6 * single[single.size() / 2]);
    }
    out["sets"].push_back({{"set", set}, {"detectors", rows}});
  }
  const std::string text = out.dump(1) + "\n";
  if (o.out.empty())
    std::fputs(text.c_str(), stdout);
  else
    finml::WriteFileAtomic(o.out, text);
}

}  // namespace finml_bench
