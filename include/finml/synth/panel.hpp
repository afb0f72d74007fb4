// Multivariate series (e.g. daily Open, High, Low, Close, Volume) and their generators:
//   timegan  Yoon, Jarrett and van der Schaar 2019: an embedder and a recovery network map
//            windows to a latent space and back, a generator makes latent sequences from noise,
//            a supervisor learns the latent one-step dynamics, a discriminator judges latent
//            sequences; three phases (autoencoder, supervised, joint adversarial)
//            (libfinml_torch.so)
// A panel holds paths of `columns.size()` values per step; the real data is one path. Generators
// learn windows of the min-max-scaled real panel and sample paths in its units.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "finml/synth/window_scores.hpp"

namespace finml::synth {

struct Panel {
  std::string source;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> paths;  // each: steps x columns, row-major
  [[nodiscard]] std::size_t Steps(std::size_t path) const {
    return columns.empty() ? 0 : paths[path].size() / columns.size();
  }
};

class PanelGenerator {
 public:
  virtual ~PanelGenerator() = default;
  // Fits to the one path of `real`.
  virtual void Fit(const Panel& real, std::mt19937_64& rng, bool progress) = 0;
  // `n` paths of `length` steps with the training columns, the same for the same seed.
  [[nodiscard]] virtual Panel Sample(std::size_t n, std::size_t length,
                                     std::uint64_t seed) const = 0;
  // The window length it learnt (the default length of a sample).
  [[nodiscard]] virtual std::size_t Window() const = 0;
  [[nodiscard]] virtual nlohmann::json State() const = 0;
  virtual void SaveFiles(const std::string& /*dir*/) const {}
  virtual void Load(const nlohmann::json& state, const std::string& dir) = 0;
  [[nodiscard]] virtual nlohmann::json History() const { return nlohmann::json::array(); }
};

// The named numeric columns of a CSV (every numeric one when `columns` is empty, so a date
// column is left out) as one path; errors name a non-numeric named column or a missing cell.
[[nodiscard]] Panel LoadRealPanel(const std::string& path, const std::vector<std::string>& columns);

// Paths as CSV `path,t,<column>,<column>...`, atomically.
void WritePanel(const Panel& panel, const std::string& path);
// Whether the file starts with the header of paths (path,t,...), and of paths of log returns
// (path,t,log_return: what returns models write).
[[nodiscard]] bool IsPathsFile(const std::string& path);
[[nodiscard]] bool IsReturnPathsFile(const std::string& path);
// Reads the shape WritePanel (or WritePaths) writes; `returns`: the values are daily log returns
// (|value| > 10 is an error). Errors name file, line and the fix.
[[nodiscard]] Panel ReadPanel(const std::string& path, bool returns);

// Per column, the real path's minimum and maximum: TimeGAN's scale.
struct PanelRange {
  std::vector<double> lo, hi;
};
[[nodiscard]] PanelRange RangeOf(const Panel& real);
// Every window of `length` steps of every path (at most `max_windows`, evenly spaced), each
// column scaled to [0, 1] by `range`.
[[nodiscard]] Windows PanelWindows(const Panel& panel, std::size_t length, const PanelRange& range,
                                   std::size_t max_windows);

}  // namespace finml::synth
