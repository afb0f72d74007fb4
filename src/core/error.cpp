#include "finml/core/error.hpp"

namespace finml {

std::string SourceLocation::str() const {
  if (file.empty()) return "<input>";
  if (line == 0) return file;
  if (column == 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

static std::string FormatDataError(const SourceLocation& where, const std::string& problem,
                                   const std::string& fix) {
  std::string msg = fmt::format("{}: {}", where.str(), problem);
  if (!fix.empty()) msg += fmt::format(" (fix: {})", fix);
  return msg;
}

DataError::DataError(SourceLocation where, const std::string& problem, const std::string& fix)
    : InvalidInput(FormatDataError(where, problem, fix)),
      where_(std::move(where)),
      problem_(problem) {}

}  // namespace finml
