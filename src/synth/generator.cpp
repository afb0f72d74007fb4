#include "finml/synth/generator.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/modules.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/risk/garch.hpp"

namespace finml::synth {
namespace {

constexpr const char* kFormat = "finml-synth/1";

// GARCH(1,1) with standardised Student-t innovations, simulated from its unconditional variance
// after a burn-in, so a path does not start from the last day of the sample.
class GarchGenerator final : public SeriesGenerator {
 public:
  void Fit(const std::vector<double>& r, std::mt19937_64& /*rng*/, bool /*progress*/) override {
    risk::GarchSpec spec;
    spec.dist = risk::Innovations::kStudentT;
    risk::GarchFitOptions options;
    options.standard_errors = false;
    const risk::GarchFit fit = risk::FitGarch(r, spec, options);
    mu_ = fit.Param("mu");
    omega_ = fit.Param("omega");
    alpha_ = fit.Param("alpha");
    beta_ = fit.Param("beta");
    nu_ = fit.Param("nu");
  }

  Paths Sample(std::size_t n, std::size_t length, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    std::student_t_distribution<double> t(nu_);
    const double scale = std::sqrt((nu_ - 2) / nu_);  // unit-variance innovations
    const double persistence = alpha_ + beta_;
    const double start = persistence < 1 ? omega_ / (1 - persistence) : omega_ / 0.01;
    constexpr std::size_t kBurnIn = 500;
    Paths paths(n);
    for (auto& path : paths) {
      path.reserve(length);
      double sigma2 = start, e = 0;
      for (std::size_t step = 0; step < kBurnIn + length; ++step) {
        sigma2 = omega_ + alpha_ * e * e + beta_ * sigma2;
        e = std::sqrt(sigma2) * t(rng) * scale;
        if (step >= kBurnIn) path.push_back(mu_ + e);
      }
    }
    return paths;
  }

  nlohmann::json State() const override {
    return {{"mu", mu_}, {"omega", omega_}, {"alpha", alpha_}, {"beta", beta_}, {"nu", nu_}};
  }

  void Load(const nlohmann::json& state, const std::string& dir) override {
    try {
      mu_ = state.at("mu").get<double>();
      omega_ = state.at("omega").get<double>();
      alpha_ = state.at("alpha").get<double>();
      beta_ = state.at("beta").get<double>();
      nu_ = state.at("nu").get<double>();
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(
          fmt::format("{}/model.json: the GARCH state is incomplete ({})", dir, e.what()));
    }
    FINML_REQUIRE(
        std::isfinite(mu_) && omega_ > 0 && alpha_ >= 0 && beta_ >= 0 && alpha_ + beta_ < 1.5 &&
            nu_ > 2 && nu_ < 1e6,
        "{}/model.json: GARCH parameters out of range (omega > 0, alpha, beta >= 0, nu > 2)", dir);
  }

 private:
  double mu_ = 0, omega_ = 0, alpha_ = 0, beta_ = 0, nu_ = 8;
};

// Politis and Romano's stationary bootstrap: blocks of geometric length (mean `block`) from
// uniform starts, wrapping around the end of the sample.
class BootstrapGenerator final : public SeriesGenerator {
 public:
  explicit BootstrapGenerator(double block) : block_(block) {}

  void Fit(const std::vector<double>& r, std::mt19937_64& /*rng*/, bool /*progress*/) override {
    FINML_REQUIRE(r.size() >= 2, "bootstrap: needs at least 2 returns, got {}", r.size());
    returns_ = r;
  }

  Paths Sample(std::size_t n, std::size_t length, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> start(0, returns_.size() - 1);
    std::bernoulli_distribution restart(1.0 / block_);
    Paths paths(n);
    for (auto& path : paths) {
      path.reserve(length);
      std::size_t at = start(rng);
      for (std::size_t step = 0; step < length; ++step) {
        if (step > 0) at = restart(rng) ? start(rng) : (at + 1) % returns_.size();
        path.push_back(returns_[at]);
      }
    }
    return paths;
  }

  nlohmann::json State() const override { return {{"returns", returns_}}; }

  void Load(const nlohmann::json& state, const std::string& dir) override {
    try {
      returns_ = state.at("returns").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(
          fmt::format("{}/model.json: the bootstrap's returns are missing ({})", dir, e.what()));
    }
    FINML_REQUIRE(returns_.size() >= 2, "{}/model.json: the bootstrap holds fewer than 2 returns",
                  dir);
  }

 private:
  double block_;
  std::vector<double> returns_;
};

}  // namespace

const options::Schema<QuantGanSettings>& QuantGanSettings::Schema() {
  static const auto schema = [] {
    using Q = QuantGanSettings;
    options::Schema<Q> s;
    s.Add("hidden", &Q::hidden, "quantgan: channels of each temporal block").Min(2).Max(1024);
    s.Add("noise", &Q::noise, "quantgan: noise channels per day").Min(1).Max(256);
    s.Add("window", &Q::window,
          "quantgan: days per training window (at least the receptive field, 128)")
        .Min(128)
        .Max(4096);
    s.Add("critic_steps", &Q::critic_steps, "quantgan: critic updates per generator update")
        .Min(1)
        .Max(100);
    s.Add("gradient_penalty", &Q::gradient_penalty, "quantgan: WGAN-GP's penalty weight")
        .Min(0)
        .Max(1000);
    s.Add("stride", &Q::stride, "quantgan: days between consecutive training windows' starts")
        .Min(1)
        .Max(4096);
    s.Add("lambert_w", &Q::lambert_w,
          "quantgan: Gaussianise the returns with an inverse Lambert W transform first");
    return s;
  }();
  return schema;
}

const options::Schema<CtganSettings>& CtganSettings::Schema() {
  static const auto schema = [] {
    using C = CtganSettings;
    options::Schema<C> s;
    s.Add("embedding", &C::embedding, "ctgan: noise dimensions").Min(1).Max(4096);
    s.Add("width", &C::width, "ctgan: units of each generator and critic layer").Min(2).Max(8192);
    s.Add("pac", &C::pac, "ctgan: rows the critic judges together (must divide the batch)")
        .Min(1)
        .Max(64);
    s.Add("max_modes", &C::max_modes, "ctgan: Gaussian-mixture modes per continuous column")
        .Min(1)
        .Max(50);
    s.Add("discrete_limit", &C::discrete_limit,
          "ctgan: whole-number columns with at most this many distinct values are discrete")
        .Min(0)
        .Max(1000);
    return s;
  }();
  return schema;
}

const options::Schema<TimeGanSettings>& TimeGanSettings::Schema() {
  static const auto schema = [] {
    using T = TimeGanSettings;
    options::Schema<T> s;
    s.Add("timegan_hidden", &T::hidden, "timegan: units of each GRU layer (latent dimension)")
        .Min(1)
        .Max(1024);
    s.Add("timegan_layers", &T::layers, "timegan: GRU layers per network").Min(2).Max(16);
    s.Add("timegan_window", &T::window,
          "timegan: steps per training window (and the default path length of timegan and var)")
        .Min(3)
        .Max(1000);
    s.Add("timegan_gamma", &T::gamma,
          "timegan: weight of the adversarial loss on the generator's unsupervised latents")
        .Min(0)
        .Max(100);
    return s;
  }();
  return schema;
}

const options::Schema<SynthSettings>& SynthSettings::Schema() {
  static const auto schema = [] {
    using S = SynthSettings;
    options::Schema<S> s;
    s.Add("data", &S::data, "CSV of prices (log returns are taken) or of log returns");
    s.Add("column", &S::column, "the value column (default: the only one)");
    s.Add("kind", &S::kind, "what the file holds: prices or returns (log returns, ratios)");
    s.Add("model", &S::model,
          "paths of returns: quantgan, garch, bootstrap; multivariate paths: timegan, var; tables: "
          "ctgan, marginals, copula");
    s.Add("seed", &S::seed, "seed of initial weights, noise and shuffling");
    s.Add("threads", &S::threads, "torch threads").Min(1).Max(256);
    s.Add("block", &S::block, "bootstrap: mean block length in days").Min(1).Max(1e6);
    s.Embed(&S::load, data::LoadOptions::Schema());
    s.Embed(&S::split, TableSplit::Schema());
    s.Add("categorical", &S::categorical, "tables: columns to read as categories even if numeric");
    s.Add("columns", &S::columns,
          "tables and multivariate paths: the columns to learn (default: all)");
    s.Embed(&S::quantgan, QuantGanSettings::Schema());
    s.Embed(&S::ctgan, CtganSettings::Schema());
    s.Embed(&S::timegan, TimeGanSettings::Schema());
    s.Rule(
        "pac",
        [](const S& x) {
          return x.model != SynthModelKind::kCtgan || x.loop.batch % x.ctgan.pac == 0;
        },
        "the batch must be a multiple of pac (fix: --batch 64 --pac 8, or --batch 500 --pac 10)");
    s.Embed(&S::loop, train::LoopOptions::Schema());
    return s;
  }();
  return schema;
}

bool IsTableModel(SynthModelKind model) {
  return model == SynthModelKind::kCtgan || model == SynthModelKind::kMarginals ||
         model == SynthModelKind::kCopula;
}

bool IsPanelModel(SynthModelKind model) {
  return model == SynthModelKind::kTimeGan || model == SynthModelKind::kVar;
}

std::unique_ptr<PanelGenerator> MakePanelGenerator(const SynthSettings& s) {
  FINML_REQUIRE(IsPanelModel(s.model), "{} does not make multivariate paths", EnumName(s.model));
  if (s.model == SynthModelKind::kVar)
    return MakeVarGenerator(static_cast<std::size_t>(s.timegan.window));
  return std::unique_ptr<PanelGenerator>(
      FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_timegan)(s));
}

std::unique_ptr<SeriesGenerator> MakeSeriesGenerator(const SynthSettings& s) {
  switch (s.model) {
    case SynthModelKind::kGarch:
      return std::make_unique<GarchGenerator>();
    case SynthModelKind::kBootstrap:
      return std::make_unique<BootstrapGenerator>(s.block);
    case SynthModelKind::kQuantGan:
      return std::unique_ptr<SeriesGenerator>(
          FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_quantgan)(s));
    default:
      throw InvalidInput(fmt::format("{} makes {}, not paths of returns", EnumName(s.model),
                                     IsPanelModel(s.model) ? "multivariate paths" : "tables"));
  }
}

std::unique_ptr<TableGenerator> MakeTableGenerator(const SynthSettings& s) {
  switch (s.model) {
    case SynthModelKind::kMarginals:
      return MakeMarginalsGenerator();
    case SynthModelKind::kCopula:
      return MakeCopulaGenerator();
    case SynthModelKind::kCtgan:
      return std::unique_ptr<TableGenerator>(
          FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_ctgan)(s));
    default:
      throw InvalidInput(
          fmt::format("{} makes {}, not tables", EnumName(s.model),
                      IsPanelModel(s.model) ? "multivariate paths" : "paths of returns"));
  }
}

namespace {
template <typename Generator>
void SaveManifest(const Generator& generator, const SynthSettings& settings,
                  const nlohmann::json& training, const std::string& dir) {
  EnsureDirectory(dir);
  generator.SaveFiles(dir);
  const nlohmann::json manifest = {{"format", kFormat},
                                   {"model", EnumName(settings.model)},
                                   {"settings", SynthSettings::Schema().ToJson(settings)},
                                   {"training", training},
                                   {"history", generator.History()},
                                   {"state", generator.State()}};
  WriteFileAtomic(dir + "/model.json", manifest.dump(1) + "\n");
}
}  // namespace

void SaveGenerator(const SeriesGenerator& generator, const SynthSettings& settings,
                   const nlohmann::json& training, const std::string& dir) {
  SaveManifest(generator, settings, training, dir);
}
void SaveGenerator(const TableGenerator& generator, const SynthSettings& settings,
                   const nlohmann::json& training, const std::string& dir) {
  SaveManifest(generator, settings, training, dir);
}
void SaveGenerator(const PanelGenerator& generator, const SynthSettings& settings,
                   const nlohmann::json& training, const std::string& dir) {
  SaveManifest(generator, settings, training, dir);
}

SavedGenerator SavedGenerator::Load(const std::string& dir) {
  const std::string path = dir + "/model.json";
  SavedGenerator saved;
  FINML_REQUIRE(std::filesystem::is_regular_file(path),
                "{}: no model.json there (fix: a directory from finml synth train)", dir);
  try {
    saved.manifest = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(
        fmt::format("{}: not JSON ({}; fix: a directory from finml synth train)", path, e.what()));
  }
  FINML_REQUIRE(saved.manifest.is_object() && saved.manifest.value("format", "") == kFormat,
                "{}: not a finml synthetic-data model (format {} expected; fix: a directory "
                "from finml synth train)",
                path, kFormat);
  FINML_REQUIRE(saved.manifest.contains("settings") && saved.manifest.contains("state"),
                "{}: settings or state missing (fix: train it again)", path);
  saved.settings = SynthSettings::Schema().Parse(
      ConfigNode::FromJson(saved.manifest["settings"], path), "settings", {});
  if (IsTableModel(saved.settings.model)) {
    saved.table = MakeTableGenerator(saved.settings);
    saved.table->Load(saved.manifest["state"], dir);
  } else if (IsPanelModel(saved.settings.model)) {
    saved.panel = MakePanelGenerator(saved.settings);
    saved.panel->Load(saved.manifest["state"], dir);
  } else {
    saved.generator = MakeSeriesGenerator(saved.settings);
    saved.generator->Load(saved.manifest["state"], dir);
  }
  return saved;
}

void WritePaths(const Paths& paths, const std::string& column, const std::string& path) {
  Panel panel;
  panel.columns = {column};
  panel.paths = paths;
  WritePanel(panel, path);
}

Paths ReadPaths(const std::string& path) {
  Panel panel = ReadPanel(path, /*returns=*/true);
  FINML_REQUIRE(panel.columns.size() == 1,
                "{}: {} value columns where paths of returns have one (fix: the output of finml "
                "synth sample with a returns model)",
                path, panel.columns.size());
  return std::move(panel.paths);
}

}  // namespace finml::synth
