// The optional parts of finml that live in shared modules beside libfinml_core.so and are loaded
// on first use: LibTorch models (libfinml_torch.so), XGBoost models (libfinml_xgboost.so) and the
// HTTP model service (libfinml_serve.so), and SentencePiece (libfinml_text.so, opened apart from
// everything else: nlp/sentencepiece_api.hpp). Commands that need none of them (inspect, features,
// backtest, risk, logistic credit scoring) never map LibTorch's ~250 shared libraries.
//
// A module exports plain `extern "C"` entry points, declared in the torch-free header of the area
// that owns them; callers take the address by name through FINML_MODULE_FUNCTION, whose type is
// the declaration's own, so caller and module cannot disagree on a signature.
#pragma once

#include <cstring>
#include <string>

namespace finml {

enum class Module { kTorch, kXgboost, kServe, kText };

// "torch", "xgboost", "serve", "text"
[[nodiscard]] const char* ModuleName(Module module);
// The module's file; the directory is FINML_MODULE_DIR if set, else that of libfinml_core.so.
[[nodiscard]] std::string ModulePath(Module module);
// Where an installed finml keeps its data and examples: share/finml beside the lib/ folder that
// holds libfinml_core.so (it need not exist, e.g. in a build tree).
[[nodiscard]] std::string InstalledDataDirectory();
// Loads the module once (thread-safe) and returns the address of `symbol`; throws Error with the
// path and the loader's message when the module or the symbol is missing.
[[nodiscard]] void* ModuleSymbol(Module module, const char* symbol);
[[nodiscard]] bool ModuleLoaded(Module module);

// The entry point `name` of type F (a function type) in the module. dlsym hands out data
// pointers; POSIX guarantees they convert to function pointers, which memcpy does without the
// cast C++ leaves "conditionally supported".
template <typename F>
[[nodiscard]] F* ModuleFunction(Module module, const char* name) {
  void* address = ModuleSymbol(module, name);
  F* function = nullptr;
  static_assert(sizeof(function) == sizeof(address));
  std::memcpy(&function, &address, sizeof(function));
  return function;
}

}  // namespace finml

// Looked up once per call site: modules are never unloaded, and a lookup takes a lock and hashes
// the name in dlsym, on every call of a per-sentence function such as the tokenizer's. A failed
// lookup throws and is tried again on the next call.
#define FINML_MODULE_FUNCTION(module, function)                         \
  ([] {                                                                 \
    static decltype(function)* const found =                            \
        ::finml::ModuleFunction<decltype(function)>(module, #function); \
    return found;                                                       \
  }())
