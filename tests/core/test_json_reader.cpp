#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/core/json_reader.hpp"

namespace finml {
namespace {

TEST(JsonOnceKeyed, AKeyGivenTwiceInOneObjectIsRefused) {
  try {
    (void)ParseJsonOnceKeyed(R"({"texts": ["a"], "texts": ["b"]})");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("the key 'texts' appears twice in one object"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)ParseJsonOnceKeyed(R"({"a": {"b": 1, "c": 2, "b": 3}})"), InvalidInput);
  EXPECT_THROW((void)ParseJsonOnceKeyed(R"([{"x": 1}, {"y": 1, "y": 1}])"), InvalidInput);
}

TEST(JsonOnceKeyed, TheSameKeyInDifferentObjectsIsFineAndTheDocumentIsParsedWhole) {
  const auto doc = ParseJsonOnceKeyed(R"({"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}], "c": {}})");
  EXPECT_EQ(doc, nlohmann::json::parse(R"({"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}], "c": {}})"));
  EXPECT_THROW((void)ParseJsonOnceKeyed(R"({"a": 1)"), nlohmann::json::exception);
}

TEST(JsonOnceKeyed, AModelFileWithARepeatedKeyNamesTheFile) {
  try {
    (void)JsonReader::Parse(R"({"format": "finml-model/1", "format": "x"})", "m/model.json");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("m/model.json: the key 'format' appears twice"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace finml
