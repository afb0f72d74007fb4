// What a client did wrong, as the server answers it: an HTTP status, a stable machine-readable
// kind (also the label of the error counter on /metrics) and a message saying what to fix.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace finml::serve {

class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string kind, const std::string& message, std::string field = {})
      : std::runtime_error(message),
        status_(status),
        kind_(std::move(kind)),
        field_(std::move(field)) {}
  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const std::string& kind() const { return kind_; }
  [[nodiscard]] const std::string& field() const { return field_; }  // JSON path, may be empty

 private:
  int status_;
  std::string kind_, field_;
};

// {"error": {"kind": ..., "message": ..., "field": ...}}
[[nodiscard]] inline nlohmann::json ErrorBody(const std::string& kind, const std::string& message,
                                              const std::string& field = {}) {
  nlohmann::json e = {{"kind", kind}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return {{"error", e}};
}

// Shorthands for the validation errors every model kind raises.
[[nodiscard]] inline RequestError InvalidRequest(const std::string& field,
                                                 const std::string& message) {
  return RequestError(400, "invalid_request", field.empty() ? message : field + ": " + message,
                      field);
}
[[nodiscard]] inline RequestError InvalidValue(const std::string& field,
                                               const std::string& message) {
  return RequestError(422, "invalid_value", field.empty() ? message : field + ": " + message,
                      field);
}

}  // namespace finml::serve
