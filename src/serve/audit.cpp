#include "finml/serve/audit.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "finml/core/error.hpp"

namespace finml::serve {

AuditLog::AuditLog(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  if (file_ == nullptr)
    throw IoError(fmt::format("cannot open the audit log '{}' for appending", path));
}

AuditLog::~AuditLog() {
  if (file_) std::fclose(file_);
}

void AuditLog::Write(const nlohmann::json& entry) {
  if (!file_) return;
  // Invalid UTF-8 from a client must not stop the line being written.
  const std::string line = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

std::string UtcTimestampMillis() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buffer, static_cast<int>(ms % 1000));
}

}  // namespace finml::serve
