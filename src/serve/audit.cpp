#include "audit.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "finml/core/error.hpp"

namespace finml::serve {

AuditLog::AuditLog(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "a")) {
  if (file_ == nullptr)
    throw IoError(fmt::format("cannot open the audit log '{}' for appending", path));
}

AuditLog::~AuditLog() {
  if (file_) std::fclose(file_);
}

void AuditLog::Write(const nlohmann::json& entry) {
  if (!file_) return;
  // Invalid UTF-8 from a client must not stop the line being written.
  const std::string line =
      entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

void AuditLog::Reopen() {
  std::lock_guard lock(mutex_);
  if (!file_) return;
  // Keep writing to the old file if the new one cannot be opened: no line is lost either way.
  if (std::FILE* fresh = std::fopen(path_.c_str(), "a")) {
    std::fclose(file_);
    file_ = fresh;
  }
}

std::string UtcTimestampMillis() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buffer, static_cast<int>(ms % 1000));
}

}  // namespace finml::serve
