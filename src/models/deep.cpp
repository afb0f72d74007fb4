// The core's side of the deep forecasters: their parameters, and the door to the torch module.
#include "finml/models/deep.hpp"

#include <atomic>
#include <map>
#include <mutex>

#include "finml/core/modules.hpp"

namespace finml::models {
namespace {

std::atomic<int> requested_threads{0};

bool IsTransformer(const std::string& a) { return a == "transformer" || a == "gpt"; }

options::Schema<DeepOptions> BuildSchema(const std::string& arch) {
  using O = DeepOptions;
  options::Schema<O> s;
  s.Add("lookback", &O::lookback, "window length in bars").Min(1).Max(4096);
  s.Add("hidden", &O::hidden, "width of each layer").Min(1).Max(65536);
  s.Add("layers", &O::layers, "number of layers").Min(1).Max(64);
  s.Add("dropout", &O::dropout, "dropout between layers").Min(0).Below(1);
  if (IsTransformer(arch)) {
    s.Add("heads", &O::heads, "attention heads (hidden must be a multiple)").Min(1).Max(1024);
    s.Add("feedforward", &O::feedforward, "width of the feed-forward blocks (default 4 x hidden)")
        .Min(1)
        .Max(1 << 20);
  }
  if (arch == "tcn") s.Add("kernel", &O::kernel, "convolution kernel size").Min(1).Max(1024);
  if (arch == "lstm" || arch == "gru") {
    s.Add("implementation", &O::implementation,
          "fused (finml's kernel on the system BLAS, CPU) or torch (torch::nn::" +
              std::string(arch == "lstm" ? "LSTM" : "GRU") +
              "; the GPU path); default fused on cpu, torch on cuda")
        .Names(options::OneOf({"fused", "torch"}, "implementation"));
  }
  s.Add("device", &O::device, "cpu or cuda (needs a CUDA build of LibTorch)")
      .Names(options::OneOf({"cpu", "cuda"}, "device"));
  s.Embed(&O::loop, train::LoopOptions::Schema());
  if (arch == "gpt") {
    s.Add("mode", &O::mode, "scratch, zero_shot (pretraining only) or fine_tune")
        .Names(options::OneOf({"scratch", "zero_shot", "fine_tune"}, "mode"));
    s.Add("pretrain", &O::pretrain, "series to pretrain on (paths, or {path, decimal_year})");
    s.Add("pretrain_epochs", &O::pretrain_epochs, "pretraining epochs (default: epochs)").Min(1);
    s.Add("finetune_lr", &O::finetune_lr, "fine-tuning learning rate (default: lr / 10)").Above(0);
  }
  s.Finish([arch](O& o, const ConfigNode& given, const std::string&) {
    o.architecture = arch;
    if (IsTransformer(arch) && !given.Has("feedforward")) o.feedforward = 4 * o.hidden;
    if ((arch == "lstm" || arch == "gru") && !given.Has("implementation"))
      o.implementation = o.device == "cuda" ? "torch" : "fused";
    if (arch == "gpt" && !given.Has("pretrain_epochs")) o.pretrain_epochs = o.loop.epochs;
    if (arch == "gpt" && !given.Has("finetune_lr")) o.finetune_lr = o.loop.lr / 10;
  });
  if (IsTransformer(arch)) {
    s.Rule(
        "heads", [](const O& o) { return o.hidden % o.heads == 0; },
        "hidden must be a multiple of heads");
  }
  if (arch == "lstm" || arch == "gru") {
    s.Rule(
        "implementation",
        [](const O& o) { return !(o.implementation == "fused" && o.device == "cuda"); },
        "the fused implementation runs on the CPU; use implementation: torch with device: cuda");
  }
  // Sizes come from files a user wrote: bound the network before anything is allocated.
  s.Rule(
      "hidden",
      [arch](const O& o) {
        const double h = static_cast<double>(o.hidden),
                     per_layer = arch == "lstm"  ? 4 * h * h
                                 : arch == "gru" ? 3 * h * h
                                 : arch == "tcn" ? 2.0 * static_cast<double>(o.kernel) * h * h
                                 : IsTransformer(arch)
                                     ? 4 * h * h + 2 * h * static_cast<double>(o.feedforward)
                                     : h * h;
        return per_layer * static_cast<double>(o.layers) <= 2.5e8;
      },
      "the network would hold more than 250 million weights; use a smaller hidden or fewer "
      "layers");
  if (arch == "gpt") {
    s.Rule(
        "pretrain", [](const O& o) { return o.mode == "scratch" || !o.pretrain.empty(); },
        "modes zero_shot and fine_tune need 'pretrain' sources to learn from first");
  }
  return s;
}

}  // namespace

std::vector<std::string> DeepArchitectures() {
  return {"mlp", "lstm", "gru", "tcn", "transformer", "gpt"};
}

const options::Schema<DeepOptions>& DeepSchema(const std::string& architecture) {
  static std::mutex mutex;
  static std::map<std::string, options::Schema<DeepOptions>> schemas;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = schemas.find(architecture);
  if (it == schemas.end()) it = schemas.emplace(architecture, BuildSchema(architecture)).first;
  return it->second;
}

DeepOptions DeepDefaults(const std::string& architecture) {
  DeepOptions o;
  o.architecture = architecture;
  // The classic LSTM recipe (window 5, two layers of 50); smaller widths elsewhere.
  o.hidden = architecture == "lstm" || architecture == "gru" ? 50 : architecture == "mlp" ? 64 : 32;
  return o;
}

std::unique_ptr<Forecaster> MakeDeepForecaster(const DeepOptions& options) {
  auto* make = FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_forecaster);
  return std::unique_ptr<Forecaster>(make(options));
}

void SetTorchThreads(int threads) {
  requested_threads = threads;
  if (ModuleLoaded(Module::kTorch))
    FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_set_threads)(threads);
}

int RequestedTorchThreads() { return requested_threads; }

}  // namespace finml::models
