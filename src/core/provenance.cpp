#include "finml/core/provenance.hpp"

#include <fmt/format.h>

#include "finml/core/build_info.hpp"
#include "finml/core/sha256.hpp"

namespace finml {

Provenance& Provenance::Input(const std::string& path) { return Input(path, Sha256File(path)); }

Provenance& Provenance::Input(const std::string& path, const std::string& sha256) {
  inputs.push_back({path, sha256});
  return *this;
}

nlohmann::json Provenance::ToJson() const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : inputs) files.push_back({{"path", f.path}, {"sha256", f.sha256}});
  nlohmann::json j = {
      {"finml", {{"version", std::string(Version())}, {"commit", std::string(GitCommit())}}},
      {"command", command},
      {"inputs", files}};
  if (seed) j["seed"] = *seed;
  return j;
}

std::vector<std::pair<std::string, std::string>> Provenance::Facts() const {
  std::vector<std::pair<std::string, std::string>> facts;
  for (const auto& f : inputs) facts.emplace_back("input " + f.path, "sha256 " + f.sha256);
  if (seed) facts.emplace_back("seed", std::to_string(*seed));
  facts.emplace_back("finml", fmt::format("{} (commit {})", Version(), GitCommit()));
  facts.emplace_back("command", command);
  return facts;
}

}  // namespace finml
