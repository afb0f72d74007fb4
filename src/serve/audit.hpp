// One JSON line per prediction request, appended and flushed as it happens, so the log is
// complete up to the last answered request even if the server is killed.
#pragma once

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace finml::serve {

class AuditLog {
 public:
  AuditLog() = default;  // disabled
  explicit AuditLog(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  [[nodiscard]] bool enabled() const { return file_ != nullptr; }
  void Write(const nlohmann::json& entry);
  // Opens the path again (after logrotate moved the file away); SIGHUP does it.
  void Reopen();

 private:
  std::mutex mutex_;
  std::string path_;
  std::FILE* file_ = nullptr;
};

// ISO 8601 UTC with milliseconds: 2026-11-25T09:30:00.123Z.
[[nodiscard]] std::string UtcTimestampMillis();

}  // namespace finml::serve
