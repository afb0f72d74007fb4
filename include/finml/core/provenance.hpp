// What produced an output, in one shape everywhere (run.json, metrics.json, model manifests,
// backtest, risk and credit outputs, and the facts at the foot of every report):
//   "provenance": {"finml": {"version", "commit"}, "command", "inputs": [{"path", "sha256"}],
//                  "seed"}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace finml {

struct InputFile {
  std::string path, sha256;
};

struct Provenance {
  std::string command;  // the command line, or what ran (a test, the server)
  std::vector<InputFile> inputs;
  std::optional<std::uint64_t> seed;

  // Records a file read, hashing it now.
  Provenance& Input(const std::string& path);
  Provenance& Input(const std::string& path, const std::string& sha256);

  [[nodiscard]] nlohmann::json ToJson() const;
  // Label and value pairs for a report's facts table.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> Facts() const;
};

}  // namespace finml
