#include "finml/core/names.hpp"

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml {

void ThrowUnknownName(std::string_view what, std::string_view name,
                      const std::vector<std::string>& valid) {
  throw ConfigError(fmt::format("unknown {} '{}' (did you mean '{}'? valid: {})", what,
                                Excerpt(name), ClosestMatch(name, valid),
                                JoinStrings(valid, ", ")));
}

}  // namespace finml
