#include <gtest/gtest.h>

#include "finml/core/params.hpp"
#include "finml/core/strings.hpp"

namespace finml {

TEST(Strings, EditDistanceAndClosest) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(ClosestMatch("lookbak", {"lookback", "horizon", "kind"}), "lookback");
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(ToLower("Adj Close"), "adj close");
}

TEST(ParamReader, RejectsUnknownKeyNamingClosest) {
  nlohmann::json params = {{"alpah", 1.0}};
  ParamReader reader("model 'ridge'", params);
  (void)reader.Get<double>("alpha", 0.5);
  try {
    reader.Finish();
    FAIL() << "expected an error";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown parameter 'alpah'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("did you mean 'alpha'"), std::string::npos) << msg;
  }
}

TEST(ParamReader, WrongTypeIsAnError) {
  ParamReader reader("model 'ar'", {{"p", "five"}});
  EXPECT_THROW((void)reader.Get<int>("p", 5), ConfigError);
}

}  // namespace finml
