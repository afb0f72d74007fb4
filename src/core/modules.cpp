#include "finml/core/modules.hpp"

#include <dlfcn.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "finml/core/error.hpp"

namespace finml {
namespace {

constexpr std::array<const char*, 4> kNames = {"torch", "xgboost", "serve", "text"};

struct Loaded {
  std::mutex mutex;
  std::array<void*, kNames.size()> handle{};
};

Loaded& State() {
  static Loaded state;
  return state;
}

// An object inside libfinml_core.so, for dladdr to find the library's path by.
const char kAnchor = 0;

std::string ModuleDirectory() {
  if (const char* dir = std::getenv("FINML_MODULE_DIR"); dir && *dir) return dir;
  Dl_info info{};
  if (dladdr(&kAnchor, &info) == 0 || !info.dli_fname)
    throw InternalError("cannot locate libfinml_core.so to find its modules; set FINML_MODULE_DIR");
  return std::filesystem::path(info.dli_fname).parent_path().string();
}

}  // namespace

const char* ModuleName(Module module) { return kNames[static_cast<std::size_t>(module)]; }

std::string ModulePath(Module module) {
  return (std::filesystem::path(ModuleDirectory()) /
          (std::string("libfinml_") + ModuleName(module) + ".so"))
      .string();
}

std::string InstalledDataDirectory() {
  return (std::filesystem::path(ModuleDirectory()).parent_path() / "share" / "finml")
      .lexically_normal()
      .string();
}

void* ModuleSymbol(Module module, const char* symbol) {
  Loaded& state = State();
  void* handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    void*& slot = state.handle[static_cast<std::size_t>(module)];
    if (!slot) {
      const std::string path = ModulePath(module);
      // The text module binds to its own symbols first: SentencePiece's private protobuf must
      // not meet LibTorch's (nlp/sentencepiece_api.hpp). AddressSanitizer refuses RTLD_DEEPBIND;
      // its runs load LibTorch RTLD_LOCAL too, so the two never meet there.
#if defined(__SANITIZE_ADDRESS__)
      constexpr int kDeepBind = 0;
#else
      constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
      slot =
          dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | (module == Module::kText ? kDeepBind : 0));
      if (!slot) {
        const char* why = dlerror();
        throw IoError(
            fmt::format("the {} module ({}) could not be loaded: {} (fix: build it with "
                        "the rest of finml, or point FINML_MODULE_DIR at its directory)",
                        ModuleName(module), path, why ? why : "unknown reason"));
      }
    }
    handle = slot;
  }
  dlerror();
  void* address = dlsym(handle, symbol);
  if (!address) {
    throw InternalError(
        fmt::format("the {} module ({}) has no entry point '{}': it is from "
                    "another build of finml",
                    ModuleName(module), ModulePath(module), symbol));
  }
  return address;
}

bool ModuleLoaded(Module module) {
  Loaded& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.handle[static_cast<std::size_t>(module)] != nullptr;
}

}  // namespace finml
