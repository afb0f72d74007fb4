#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/core/names.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"

namespace finml {

TEST(Strings, EditDistanceAndClosest) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(ClosestMatch("lookbak", {"lookback", "horizon", "kind"}), "lookback");
  // A typed beginning wins over a short near-miss.
  EXPECT_EQ(ClosestMatch("hist", {"fhs", "historical", "normal"}), "historical");
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(ToLower("Adj Close"), "adj close");
}

TEST(Names, EnumsAndRegistriesShareOneLookupWithSuggestions) {
  try {
    (void)ParseEnum<data::MissingPolicy>("fill");
    FAIL() << "expected an error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown missing-value policy 'fill' (did you mean 'ffill'? valid: error, ffill, "
              "drop, keep)");
  }
  EXPECT_EQ(ParseEnum<data::MissingPolicy>("forward_fill"), data::MissingPolicy::kForwardFill)
      << "an alias is accepted";
  EXPECT_EQ(EnumName(data::MissingPolicy::kForwardFill), "ffill") << "and written canonically";
  struct Entry {
    std::string name;
    std::vector<std::string> aliases;
  };
  const std::vector<Entry> table = {{"gbdt", {"xgboost"}}, {"rf", {}}};
  EXPECT_EQ(FindEntry(table, "xgboost", "model").name, "gbdt");
  EXPECT_THROW((void)FindEntry(table, "svm", "model"), ConfigError);
}

}  // namespace finml
