#include "finml/core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "finml/core/error.hpp"

namespace finml {
namespace {
std::atomic<bool> cancel_requested{false};
}  // namespace

void RequestCancel() { cancel_requested.store(true); }
void ClearCancel() { cancel_requested.store(false); }
bool CancelRequested() { return cancel_requested.load(std::memory_order_relaxed); }
void ThrowIfCancelled() {
  if (CancelRequested()) throw Cancelled("interrupted (Ctrl-C): nothing was written");
}

Progress::Progress(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()) {}

bool Progress::TerminalAttached() {
  return ::isatty(STDERR_FILENO) == 1 && std::getenv("FINML_NO_PROGRESS") == nullptr;
}

void Progress::Update(std::size_t done, const std::string& detail) {
  ThrowIfCancelled();
  if (!enabled_) return;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double eta = done > 0 && total_ > done ? elapsed / done * (total_ - done) : 0.0;
  std::fprintf(stderr, "\r\033[K%s [%zu/%zu] %s  elapsed %.1fs  ETA %.1fs", label_.c_str(), done,
               total_, detail.c_str(), elapsed, eta);
  std::fflush(stderr);
}

void Progress::Finish(const std::string& detail) {
  if (!enabled_) return;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "\r\033[K%s done %s in %.1fs\n", label_.c_str(), detail.c_str(), elapsed);
  std::fflush(stderr);
}

}  // namespace finml
