#include <gtest/gtest.h>

#include "finml/data/csv_reader.hpp"

namespace finml::data {

std::vector<std::vector<std::string>> ReadAll(std::string_view text) {
  CsvReader reader("t.csv", text);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> out;
  while (reader.Next(fields)) out.emplace_back(fields.begin(), fields.end());
  return out;
}

TEST(CsvReader, Rfc4180QuotingEscapesAndLineEndings) {
  auto rows =
      ReadAll("\"Date\",\"Na,me\"\r\n\"2001-01-02\",\"say \"\"hi\"\"\"\r\nx,\"multi\nline\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], "Na,me");
  EXPECT_EQ(rows[1][0], "2001-01-02");
  EXPECT_EQ(rows[1][1], "say \"hi\"");
  EXPECT_EQ(rows[2][1], "multi\nline");
}

TEST(CsvReader, EmptyFieldsAndMissingFinalNewline) {
  auto rows = ReadAll("a,b,c\n1,,3");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "");
  EXPECT_EQ(rows[1][2], "3");
}

TEST(CsvReader, TracksLinesAcrossQuotedNewlines) {
  CsvReader reader("t.csv", "h\n\"a\nb\"\nc\n");
  std::vector<std::string_view> f;
  reader.Next(f);
  reader.Next(f);
  EXPECT_EQ(reader.line(), 2u);
  reader.Next(f);
  EXPECT_EQ(reader.line(), 4u);
  EXPECT_EQ(reader.Where(0).str(), "t.csv:4:1");
}

TEST(CsvReader, UnclosedQuoteNamesLineAndColumn) {
  try {
    (void)ReadAll("a,b\n1,\"oops\n");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_EQ(e.where().column, 2u);
    EXPECT_NE(std::string(e.what()).find("never closed"), std::string::npos);
  }
}

TEST(CsvReader, StrayQuoteIsAnError) {
  EXPECT_THROW((void)ReadAll("a,b\n1,x\"y\n"), DataError);
  EXPECT_THROW((void)ReadAll("a,b\n1,\"x\"y\n"), DataError);
}

}  // namespace finml::data
