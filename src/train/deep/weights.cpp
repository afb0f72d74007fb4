#include "train/deep/weights.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>

#include "finml/core/error.hpp"

namespace finml::train::deep {

void SaveWeights(const torch::nn::Module& module, const std::string& path) {
  torch::serialize::OutputArchive archive;
  module.save(archive);
  const std::string tmp = path + ".partial";
  archive.save_to(tmp);
  std::filesystem::rename(tmp, path);
}

void LoadWeights(torch::nn::Module& module, const std::string& path, const std::string& what) {
  std::map<std::string, std::vector<std::int64_t>> expected;
  for (const auto& item : module.named_parameters())
    expected[item.key()] = item.value().sizes().vec();
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    module.load(archive);
  } catch (const std::exception& e) {
    std::string why = e.what();
    why = why.substr(0, why.find('\n'));
    throw InvalidInput(
        fmt::format("{}: not the weights of this {} ({}) (fix: restore the file, or train again)",
                    path, what, why));
  }
  for (const auto& item : module.named_parameters()) {
    const auto shape = item.value().sizes().vec();
    if (item.value().scalar_type() != torch::kFloat || !item.value().isfinite().all().item<bool>())
      throw InvalidInput(fmt::format(
          "{}: tensor '{}' is not finite 32-bit floats (fix: restore the file, or train again)",
          path, item.key()));
    if (expected.at(item.key()) == shape) continue;
    throw InvalidInput(fmt::format(
        "{}: tensor '{}' has shape [{}] and this {} needs [{}] (fix: keep the weights and "
        "model.json from the same run)",
        path, item.key(), fmt::join(shape, ", "), what, fmt::join(expected.at(item.key()), ", ")));
  }
}

}  // namespace finml::train::deep
