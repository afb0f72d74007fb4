// A single self-rewriting progress line (step, detail, ETA) on a terminal; silent when stderr is
// not a terminal, so CI logs and pipes stay clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace finml {

// A caller that runs finml on another thread (the Python module, on Ctrl-C) asks the job to stop;
// every long loop reports progress, so that is where the request is honoured, by throwing
// Cancelled. Cleared by the caller before the next job.
void RequestCancel();
void ClearCancel();
[[nodiscard]] bool CancelRequested();
void ThrowIfCancelled();

class Progress {
 public:
  Progress(std::string label, std::size_t total, bool enabled);
  // Enabled exactly when stderr is a terminal and FINML_NO_PROGRESS is unset.
  static bool TerminalAttached();

  // Also the point where a requested cancel stops the job (ThrowIfCancelled).
  void Update(std::size_t done, const std::string& detail = {});
  void Finish(const std::string& detail = {});

 private:
  std::string label_;
  std::size_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace finml
