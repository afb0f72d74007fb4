#include "finml/core/params.hpp"

#include "finml/core/strings.hpp"

namespace finml {

ParamReader::ParamReader(std::string context, const nlohmann::json& params)
    : context_(std::move(context)), params_(params.is_null() ? nlohmann::json::object() : params) {
  if (!params_.is_object()) {
    throw ConfigError(fmt::format("{}: parameters must be a mapping, got {}", context_,
                                  params_.dump()));
  }
}

const nlohmann::json& ParamReader::Raw(const std::string& key) {
  known_.push_back(key);
  used_.insert(key);
  return params_.at(key);
}

void ParamReader::Finish() const {
  for (const auto& [key, value] : params_.items()) {
    if (used_.count(key)) continue;
    std::string hint = known_.empty()
                           ? "it takes no parameters"
                           : fmt::format("did you mean '{}'? valid: {}", ClosestMatch(key, known_),
                                         JoinStrings(known_, ", "));
    throw ConfigError(fmt::format("{}: unknown parameter '{}' ({})", context_, key, hint));
  }
}

}  // namespace finml
