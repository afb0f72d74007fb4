// The one error hierarchy of finml. Errors from data carry file, line and column so a user can
// jump straight to the offending cell.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace finml {

// kCancelled comes last: ranks send the kind to each other as its number.
enum class ErrorKind { kInvalidInput, kIo, kConfig, kInternal, kCancelled };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

class InvalidInput : public Error {
 public:
  explicit InvalidInput(const std::string& message) : Error(ErrorKind::kInvalidInput, message) {}
};

class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ErrorKind::kIo, message) {}
};

class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message) : Error(ErrorKind::kConfig, message) {}
};

class InternalError : public Error {
 public:
  explicit InternalError(const std::string& message) : Error(ErrorKind::kInternal, message) {}
};

// The caller asked to stop (Ctrl-C in Python): thrown at the next progress point of a long job.
class Cancelled : public Error {
 public:
  explicit Cancelled(const std::string& message) : Error(ErrorKind::kCancelled, message) {}
};

// Where in a text file a problem sits; line and column are 1-based, 0 means unknown.
struct SourceLocation {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
  [[nodiscard]] std::string str() const;
};

// A data error that names the place and the fix: "prices.csv:12:3: ... (fix: ...)".
class DataError : public InvalidInput {
 public:
  DataError(SourceLocation where, const std::string& problem, const std::string& fix = {});
  [[nodiscard]] const SourceLocation& where() const { return where_; }
  [[nodiscard]] const std::string& problem() const { return problem_; }

 private:
  SourceLocation where_;
  std::string problem_;
};

}  // namespace finml

// Precondition on user input: throws InvalidInput with a formatted message.
#define FINML_REQUIRE(cond, ...)                                        \
  do {                                                                  \
    if (!(cond)) throw ::finml::InvalidInput(fmt::format(__VA_ARGS__)); \
  } while (0)
