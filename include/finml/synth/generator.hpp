// Generators of synthetic data, one interface per kind of data and one registry line each.
// Paths of log returns:
//   quantgan   Wiese et al. 2019: temporal convolutional generator and critic, WGAN-GP, on the
//              Lambert W-Gaussianised returns (libfinml_torch.so)
//   garch      GARCH(1,1) with standardised Student-t innovations (risk/garch.hpp), simulated
//   bootstrap  Politis-Romano stationary block bootstrap of the real returns
// Multivariate paths (synth/panel.hpp):
//   timegan    Yoon et al. 2019 (libfinml_torch.so)
//   var        the baseline: a VAR(1) on the scaled columns, from real starting rows
// Tables (synth/table.hpp):
//   ctgan      Xu et al. 2019: mode-specific normalisation, conditional vectors and
//              training-by-sampling, a residual generator and a PacGAN critic, WGAN-GP
//              (libfinml_torch.so)
//   marginals, copula   the baselines
// A fitted generator saves to a directory (model.json, and weights for the networks) and samples
// from a seed.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/data/loader.hpp"
#include "finml/risk/series.hpp"
#include "finml/synth/panel.hpp"
#include "finml/synth/stylized_facts.hpp"
#include "finml/synth/table.hpp"
#include "finml/train/loop_options.hpp"

namespace finml::synth {

enum class SynthModelKind {
  kQuantGan,
  kGarch,
  kBootstrap,
  kCtgan,
  kMarginals,
  kCopula,
  kTimeGan,
  kVar
};

// Whether the model makes table rows, or multivariate paths (synth/panel.hpp); else paths of log
// returns.
[[nodiscard]] bool IsTableModel(SynthModelKind model);
[[nodiscard]] bool IsPanelModel(SynthModelKind model);

struct QuantGanSettings {
  std::int64_t hidden = 32;       // channels of every temporal block
  std::int64_t noise = 3;         // noise channels per time step
  std::int64_t window = 128;      // days per training window (the critic's input)
  std::int64_t critic_steps = 5;  // critic updates per generator update
  double gradient_penalty = 10;   // WGAN-GP's lambda
  std::int64_t stride = 4;        // days between the starts of consecutive training windows
  bool lambert_w = true;          // Gaussianise the returns first (the paper's preprocessing)
  static const options::Schema<QuantGanSettings>& Schema();
};

struct CtganSettings {
  std::int64_t embedding = 128;  // noise dimensions
  std::int64_t width = 256;      // units of the generator's residual and the critic's layers
  std::int64_t pac = 8;          // rows the critic judges together (PacGAN); divides the batch
  std::int64_t max_modes = 10;   // Gaussian-mixture modes per continuous column
  std::int64_t discrete_limit =
      10;  // whole-number columns with at most this many values are discrete
  static const options::Schema<CtganSettings>& Schema();
};

struct TimeGanSettings {
  std::int64_t hidden = 24;  // units of every GRU layer (the latent dimension)
  std::int64_t layers = 3;   // GRU layers of each network (the supervisor: one fewer)
  std::int64_t window = 24;  // steps per training window
  double gamma = 1;          // weight of the adversarial loss on the generator's own latents
  static const options::Schema<TimeGanSettings>& Schema();
};

struct SynthSettings {
  std::string data;        // prices or returns CSV; a table for table models
  std::string column;      // its value column (empty: the only one)
  data::LoadOptions load;  // how a prices file is read (missing values, duplicates...)
  TableSplit split;        // tables: the hold-out kept from the generator
  std::vector<std::string> categorical;  // tables: columns read as categories
  std::vector<std::string> columns;      // tables: the columns to learn (empty: all)
  risk::SeriesKind kind = risk::SeriesKind::kPrices;
  SynthModelKind model = SynthModelKind::kQuantGan;
  std::uint64_t seed = 42;
  int threads = 1;
  double block = 20;  // bootstrap: mean block length in days
  QuantGanSettings quantgan;
  CtganSettings ctgan;
  TimeGanSettings timegan;
  train::LoopOptions loop = [] {
    train::LoopOptions o;
    o.epochs = 30;
    o.batch = 64;
    o.lr = 1e-4;
    o.clip = 0;
    return o;
  }();
  static const options::Schema<SynthSettings>& Schema();
};

class SeriesGenerator {
 public:
  virtual ~SeriesGenerator() = default;
  // Fits to one series of log returns.
  virtual void Fit(const std::vector<double>& log_returns, std::mt19937_64& rng, bool progress) = 0;
  // `n` paths of `length` log returns, the same for the same seed.
  [[nodiscard]] virtual Paths Sample(std::size_t n, std::size_t length,
                                     std::uint64_t seed) const = 0;
  // What model.json keeps of the fit ("state"), and the files beside it.
  [[nodiscard]] virtual nlohmann::json State() const = 0;
  virtual void SaveFiles(const std::string& /*dir*/) const {}
  // Restores a fit from its state and files; InvalidInput naming `dir` when they do not fit.
  virtual void Load(const nlohmann::json& state, const std::string& dir) = 0;
  // Training history for the report (loss per epoch); empty for the baselines.
  [[nodiscard]] virtual nlohmann::json History() const { return nlohmann::json::array(); }
};

[[nodiscard]] std::unique_ptr<SeriesGenerator> MakeSeriesGenerator(const SynthSettings& settings);
[[nodiscard]] std::unique_ptr<TableGenerator> MakeTableGenerator(const SynthSettings& settings);
[[nodiscard]] std::unique_ptr<PanelGenerator> MakePanelGenerator(const SynthSettings& settings);
// The VAR(1) baseline of multivariate paths, `window` steps long by default.
[[nodiscard]] std::unique_ptr<PanelGenerator> MakeVarGenerator(std::size_t window);

struct SavedGenerator {
  SynthSettings settings;
  nlohmann::json manifest;
  std::unique_ptr<SeriesGenerator> generator;  // series models
  std::unique_ptr<TableGenerator> table;       // table models
  std::unique_ptr<PanelGenerator> panel;       // multivariate series models
  // Reads <dir>/model.json (format finml-synth/1) and the generator's files.
  [[nodiscard]] static SavedGenerator Load(const std::string& dir);
};
// Writes model.json (settings, state, the training data's size and hash) and the generator's
// files into `dir`.
void SaveGenerator(const SeriesGenerator& generator, const SynthSettings& settings,
                   const nlohmann::json& training, const std::string& dir);
void SaveGenerator(const TableGenerator& generator, const SynthSettings& settings,
                   const nlohmann::json& training, const std::string& dir);
void SaveGenerator(const PanelGenerator& generator, const SynthSettings& settings,
                   const nlohmann::json& training, const std::string& dir);

// Paths as CSV `path,t,<column>`: the long shape any number of paths and lengths fits.
void WritePaths(const Paths& paths, const std::string& column, const std::string& path);
// Reads the shape WritePaths writes; errors name file, line and the fix.
[[nodiscard]] Paths ReadPaths(const std::string& path);

}  // namespace finml::synth

// The torch module's generators (src/synth/deep/).
extern "C" {
finml::synth::SeriesGenerator* finml_torch_make_quantgan(
    const finml::synth::SynthSettings& settings);
finml::synth::TableGenerator* finml_torch_make_ctgan(const finml::synth::SynthSettings& settings);
finml::synth::PanelGenerator* finml_torch_make_timegan(const finml::synth::SynthSettings& settings);
}

template <>
struct finml::EnumNames<finml::synth::SynthModelKind> {
  static constexpr std::string_view what = "synthetic-data model";
  static constexpr finml::NamedValue<finml::synth::SynthModelKind> values[] = {
      {finml::synth::SynthModelKind::kQuantGan, "quantgan"},
      {finml::synth::SynthModelKind::kGarch, "garch"},
      {finml::synth::SynthModelKind::kBootstrap, "bootstrap"},
      {finml::synth::SynthModelKind::kCtgan, "ctgan"},
      {finml::synth::SynthModelKind::kMarginals, "marginals"},
      {finml::synth::SynthModelKind::kCopula, "copula"},
      {finml::synth::SynthModelKind::kTimeGan, "timegan"},
      {finml::synth::SynthModelKind::kVar, "var"}};
};
