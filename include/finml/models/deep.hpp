// Deep forecasters on LibTorch: mlp, lstm, gru, tcn, transformer and gpt over the sample window.
// Their parameters are declared and checked here, without torch; the networks live in the torch
// module (libfinml_torch.so), loaded the first time one is made.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "finml/core/options.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/train/loop_options.hpp"

namespace finml::models {

struct DeepOptions {
  std::string architecture;   // mlp | lstm | gru | tcn | transformer | gpt (not a parameter)
  std::int64_t lookback = 5;  // window length
  std::int64_t hidden = 50;
  std::int64_t layers = 2;
  double dropout = 0;
  std::int64_t heads = 4;        // transformer, gpt
  std::int64_t feedforward = 0;  // transformer, gpt; default 4 x hidden
  std::int64_t kernel = 3;       // tcn
  std::string implementation;    // lstm, gru: fused | torch; default fused on cpu, torch on cuda
  std::string device = "cpu";    // cpu | cuda
  train::LoopOptions loop;       // epochs, batch, lr, optimizer, schedule, clip, patience, ...
  // gpt: learn from other series first (pretrain), then zero_shot, fine_tune or scratch.
  std::string mode = "scratch";
  std::vector<PretrainSource> pretrain;
  std::int64_t pretrain_epochs = 0;  // default: epochs
  double finetune_lr = 0;            // default: lr / 10
};

[[nodiscard]] std::vector<std::string> DeepArchitectures();
// The parameters of one architecture, with its defaults (hidden 50 for the recurrent networks,
// 64 for the mlp, 32 for the others).
[[nodiscard]] const options::Schema<DeepOptions>& DeepSchema(const std::string& architecture);
[[nodiscard]] DeepOptions DeepDefaults(const std::string& architecture);
[[nodiscard]] std::unique_ptr<Forecaster> MakeDeepForecaster(const DeepOptions& options);

// LibTorch's intra-op threads. A server answering requests on many threads sets 1, so that
// concurrent predictions do not oversubscribe the cores. Remembered, and applied by the torch
// module whenever it makes a model, so setting it never loads LibTorch by itself.
void SetTorchThreads(int threads);
// The setting above; 0 when never set (LibTorch's own default).
[[nodiscard]] int RequestedTorchThreads();

}  // namespace finml::models

// Entry points of the torch module; call them through FINML_MODULE_FUNCTION.
extern "C" {
finml::models::Forecaster* finml_torch_make_forecaster(const finml::models::DeepOptions& options);
void finml_torch_set_threads(int threads);
}
