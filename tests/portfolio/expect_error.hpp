// The portfolio tests' check of a clear error: an InvalidInput saying `words` and its fix.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "finml/core/error.hpp"

namespace finml::testing {

inline void ExpectError(const std::function<void()>& call, const std::string& words) {
  try {
    call();
    ADD_FAILURE() << "no error; expected one saying " << words;
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fix:"), std::string::npos) << e.what();
  }
}

}  // namespace finml::testing
