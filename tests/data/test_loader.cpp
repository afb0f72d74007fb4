#include <gtest/gtest.h>

#include <cmath>

#include "finml/data/loader.hpp"
#include "test_util.hpp"

namespace finml::data {
namespace {

// Expects a DataError whose message contains every fragment.
void ExpectDataError(std::string_view csv, const std::vector<std::string>& fragments,
                     const LoadOptions& options = {}) {
  try {
    (void)ParseMarketData(csv, "prices.csv", options);
    FAIL() << "expected an error for:\n" << csv;
  } catch (const DataError& e) {
    std::string msg = e.what();
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << msg;
  }
}

}  // namespace

TEST(Loader, ShippedOhlcvFile) {
  MarketData md = LoadMarketData(testing::RepoPath("data/msft_ohlcv.csv"));
  EXPECT_EQ(md.shape, Shape::kOhlcv);
  EXPECT_EQ(md.rows(), 249u);
  ASSERT_EQ(md.assets.size(), 1u);
  const Bars& b = md.assets[0];
  EXPECT_EQ(b.symbol, "msft_ohlcv");
  EXPECT_DOUBLE_EQ(b.open[0], 63.4375);
  EXPECT_DOUBLE_EQ(b.close[0], 60.625);
  EXPECT_DOUBLE_EQ(b.volume[0], 53077800);
  EXPECT_EQ(md.time_label.front(), "2000-09-27");
  EXPECT_EQ(md.time_label.back(), "2001-09-27");
}

TEST(Loader, ShippedCloseOnlyAndWidePanel) {
  MarketData djia = LoadMarketData(testing::RepoPath("data/aer_djia8012.csv"));
  EXPECT_EQ(djia.shape, Shape::kCloseOnly);
  EXPECT_EQ(djia.rows(), 8610u);
  EXPECT_EQ(djia.assets[0].symbol, "DJIA");
  EXPECT_DOUBLE_EQ(djia.assets[0].close[0], 838.74);

  MarketData dow = LoadMarketData(testing::RepoPath("data/dowjones30.csv"));
  EXPECT_EQ(dow.shape, Shape::kWidePanel);
  EXPECT_EQ(dow.assets.size(), 30u);
  EXPECT_EQ(dow.rows(), 2529u);
  EXPECT_EQ(dow.Asset("MSFT").close[0], 2.08);
  EXPECT_THROW((void)dow.Asset("MSTF"), InvalidInput);
}

TEST(Loader, DataWithoutCalendarKeepsOrderAndLabels) {
  MarketData eu = LoadMarketData(testing::RepoPath("data/eustockmarkets.csv"));
  EXPECT_FALSE(eu.calendar);
  EXPECT_EQ(eu.assets.size(), 4u);
  EXPECT_EQ(eu.rows(), 1860u);
  EXPECT_EQ(eu.time[10], 10);
  EXPECT_EQ(eu.time_label[0], "1991.496153846154");
}

TEST(Loader, BasicFormDatesInADateColumnAreCalendarDates) {
  const MarketData md = ParseMarketData(
      "Date,Open,High,Low,Close\n19850102,1,2,1,2\n19850103,2,3,2,3\n19850107,3,4,3,4\n",
      "vendor.csv");
  EXPECT_TRUE(md.calendar);
  ASSERT_EQ(md.rows(), 3u);
  EXPECT_EQ(md.time[0], DaysFromCivil({1985, 1, 2}) * kSecondsPerDay);
  EXPECT_EQ(md.time[2], DaysFromCivil({1985, 1, 7}) * kSecondsPerDay);
  EXPECT_EQ(md.time_label[2], "1985-01-07");
  // Read exactly as the extended form is.
  const MarketData iso = ParseMarketData(
      "Date,Open,High,Low,Close\n1985-01-02,1,2,1,2\n1985-01-03,2,3,2,3\n1985-01-07,3,4,3,4\n",
      "vendor.csv");
  EXPECT_EQ(md.time, iso.time);
  EXPECT_EQ(md.time_label, iso.time_label);
  // A day that does not exist, after basic-form dates, is an error that says how they are written.
  try {
    (void)ParseMarketData("Date,Close\n19850102,1\n19850230,2\n", "vendor.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("vendor.csv:3:1: cannot read '19850230' as a date"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("YYYYMMDD"), std::string::npos) << e.what();
  }
  // Headed by something that names dates, beside an observation number, as forecast_gold is:
  // the dates are found by what they hold, and the observation number is left out.
  const MarketData gold = ParseMarketData(
      "date_inferred,obs,gold\n19850102,1,306.25\n19850103,2,299.5\n19850104,3,303.45\n",
      "gold.csv");
  EXPECT_TRUE(gold.calendar);
  EXPECT_EQ(gold.time_label[0], "1985-01-02");
  ASSERT_EQ(gold.assets.size(), 1u);
  EXPECT_EQ(gold.assets[0].symbol, "gold");
  // An eight-digit number in a column not headed as dates stays an observation number.
  const MarketData counted = ParseMarketData("n,x\n19850102,1\n19850103,2\n", "n.csv");
  EXPECT_FALSE(counted.calendar);
  EXPECT_EQ(counted.time_label[0], "19850102");
  // Not a day: 13th month; not eight digits.
  EXPECT_FALSE(ParseMarketData("Date,x\n19851301,1\n19851302,2\n", "d.csv").calendar);
}

TEST(Loader, DecimalYearIndexAsApproximateDates) {
  LoadOptions options;
  options.decimal_year = true;
  MarketData eu = LoadMarketData(testing::RepoPath("data/eustockmarkets.csv"), options);
  EXPECT_TRUE(eu.calendar);
  // 1991.49615: 0.49615 * 365 = day 181.1 after 1 January, i.e. 1 July 1991.
  EXPECT_EQ(eu.time_label.front(), "1991-07-01");
  EXPECT_EQ(eu.repairs.at(0).count, 1860u);
  for (std::size_t i = 1; i < eu.rows(); ++i) ASSERT_GT(eu.time[i], eu.time[i - 1]);
}

static LoadOptions WithSourceZone(const std::string& zone) {
  LoadOptions o;
  o.source_timezone = zone;
  return o;
}

TEST(Loader, HeaderCaseAdjCloseDateTimes) {
  MarketData md = ParseMarketData(
      "DATE,OPEN,HIGH,LOW,CLOSE,Adj Close,VOLUME\n"
      "2020-01-02 09:30:00,10,11,9,10.5,10.4,100\n"
      "2020-01-02T09:31:00Z,10.5,11,10,10.8,10.7,200\n",
      "bars.csv", WithSourceZone("UTC"));
  EXPECT_EQ(md.shape, Shape::kOhlcv);
  EXPECT_TRUE(md.assets[0].Has(Field::kAdjClose));
  EXPECT_DOUBLE_EQ(md.assets[0].adj_close[1], 10.7);
  EXPECT_EQ(md.time[1] - md.time[0], 60);
  EXPECT_EQ(md.time_label[0], "2020-01-02 09:30:00");
  // Intraday data labels every bar with its time, midnight included.
  MarketData bars =
      ParseMarketData("Date,Close\n2020-01-02 23:59:00,1\n2020-01-03 00:00:00,2\n", "bars.csv");
  EXPECT_EQ(bars.time_label[1], "2020-01-03 00:00:00");
}

TEST(Loader, LongPanelAlignsSymbols) {
  MarketData md = ParseMarketData(
      "date,symbol,open,high,low,close,volume\n"
      "2020-01-02,AAA,1,2,1,1.5,10\n"
      "2020-01-02,BBB,5,6,4,5.5,20\n"
      "2020-01-03,AAA,1.5,2,1,1.8,11\n"
      "2020-01-03,BBB,5.5,6,5,5.9,21\n",
      "long.csv");
  EXPECT_EQ(md.shape, Shape::kLongPanel);
  ASSERT_EQ(md.assets.size(), 2u);
  EXPECT_EQ(md.rows(), 2u);
  EXPECT_DOUBLE_EQ(md.Asset("BBB").close[1], 5.9);
}

TEST(Loader, LongPanelGapIsMissingUnderPolicy) {
  const char* csv =
      "date,symbol,close\n"
      "2020-01-02,AAA,1\n2020-01-02,BBB,5\n2020-01-03,AAA,2\n"
      "2020-01-06,AAA,3\n2020-01-06,BBB,6\n";
  ExpectDataError(csv, {"symbol 'BBB' has no row for date '2020-01-03'", "ffill"});
  LoadOptions ffill;
  ffill.missing = MissingPolicy::kForwardFill;
  MarketData filled = ParseMarketData(csv, "long.csv", ffill);
  EXPECT_DOUBLE_EQ(filled.Asset("BBB").close[1], 5.0);
  ASSERT_EQ(filled.repairs.size(), 1u);
  EXPECT_EQ(filled.repairs[0].count, 1u);
  LoadOptions drop;
  drop.missing = MissingPolicy::kDrop;
  MarketData dropped = ParseMarketData(csv, "long.csv", drop);
  EXPECT_EQ(dropped.rows(), 2u);
  EXPECT_EQ(dropped.repairs[0].count, 1u);
}

// A 1e308 close or a thousandfold jump is kept but named, with the date.
TEST(Loader, AbsurdMagnitudesAreWarnings) {
  const MarketData md = ParseMarketData(
      "Date,Close\n2020-01-02,100\n2020-01-03,1e308\n2020-01-06,101\n2020-01-07,100000000\n2020-01-"
      "08,100\n",
      "p.csv");
  ASSERT_EQ(md.warnings.size(), 4u);
  EXPECT_NE(md.warnings[0].find("p.csv: the close of 'p' on 2020-01-03 is 1e+308, beyond 1e+12"),
            std::string::npos)
      << md.warnings[0];
  EXPECT_NE(md.warnings[3].find("1 more values like these"), std::string::npos) << md.warnings[3];
  EXPECT_TRUE(
      ParseMarketData("Date,Close\n2020-01-02,100\n2020-01-03,150\n", "p.csv").warnings.empty());
}

// `symbol` names a single asset; on a panel it is an error that shows how to keep one column.
TEST(Loader, SymbolOnAPanelIsAnErrorNotIgnored) {
  LoadOptions gold;
  gold.symbol = "gold";
  const std::string panel = "Date,gold,silver\n2020-01-02,1500,18\n2020-01-03,1510,18.2\n";
  try {
    (void)ParseMarketData(panel, "metals.csv", gold);
    FAIL() << "symbol on a two-asset file was accepted";
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'symbol: gold' names the asset of a single-asset file, but this file holds "
                     "several assets (gold, silver)"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("use 'symbols: [gold]'"), std::string::npos) << m;
  }
  const MarketData one =
      ParseMarketData("Date,DJIA\n2020-01-02,100\n2020-01-03,101\n", "djia.csv", gold);
  EXPECT_EQ(one.Symbols(), std::vector<std::string>{"gold"});
}

TEST(Loader, UnparsableNumberNamesFileLineColumn) {
  ExpectDataError("Date,Close\n2020-01-02,1.5\n2020-01-03,abc\n",
                  {"prices.csv:3:2", "cannot parse 'abc'", "column 'Close'"});
}

TEST(Loader, UnsortedAndDuplicateDates) {
  const char* unsorted = "Date,Close\n2020-01-03,1\n2020-01-02,2\n2020-01-06,3\n";
  ExpectDataError(unsorted, {"prices.csv:3:1", "comes before", "sort"});
  LoadOptions sort;
  sort.order = OrderPolicy::kSort;
  MarketData sorted = ParseMarketData(unsorted, "p.csv", sort);
  EXPECT_DOUBLE_EQ(sorted.assets[0].close[0], 2.0);
  EXPECT_EQ(sorted.repairs.at(0).what, "rows sorted by date");

  const char* dup = "Date,Close\n2020-01-02,1\n2020-01-02,2\n2020-01-03,3\n";
  ExpectDataError(dup, {"prices.csv:3:1", "duplicate date '2020-01-02'", "line 2"});
  LoadOptions keep;
  keep.duplicates = DuplicatePolicy::kKeepLast;
  MarketData kept = ParseMarketData(dup, "p.csv", keep);
  EXPECT_EQ(kept.rows(), 2u);
  EXPECT_DOUBLE_EQ(kept.assets[0].close[0], 2.0);
  EXPECT_EQ(kept.repairs.at(0).count, 1u);
}

TEST(Loader, InvalidPricesAreErrors) {
  ExpectDataError("Date,Close\n2020-01-02,-1\n", {"prices.csv:2:2", "non-positive price"});
  ExpectDataError("Date,Open,High,Low,Close,Volume\n2020-01-02,5,4,6,5,10\n",
                  {"prices.csv:2:3", "high 4 is below low 6"});
  ExpectDataError("Date,Open,High,Low,Close,Volume\n2020-01-02,5,6,4,5,-10\n", {"negative volume"});
  ExpectDataError("Date,Close\n2020-01-02,1\n2020-13-01,2\n", {"prices.csv:3:1", "as a date"});
  ExpectDataError("Date,Close\n2020-01-02,1,3\n", {"3 fields where the header has 2"});
  ExpectDataError("Date,Close\n", {"no data rows"});
}

TEST(Loader, MissingValuePolicies) {
  const char* csv = "Date,A,B\n2020-01-02,1,10\n2020-01-03,,11\n2020-01-06,3,NA\n";
  ExpectDataError(csv, {"prices.csv:3:2", "missing value in column 'A'", "ffill"});
  LoadOptions ffill;
  ffill.missing = MissingPolicy::kForwardFill;
  MarketData f = ParseMarketData(csv, "p.csv", ffill);
  EXPECT_DOUBLE_EQ(f.Asset("A").close[1], 1.0);
  EXPECT_DOUBLE_EQ(f.Asset("B").close[2], 11.0);
  EXPECT_EQ(f.repairs.at(0).count, 2u);
  LoadOptions drop;
  drop.missing = MissingPolicy::kDrop;
  MarketData d = ParseMarketData(csv, "p.csv", drop);
  EXPECT_EQ(d.rows(), 1u);
  EXPECT_EQ(d.repairs.at(0).what, "dates with a missing value dropped");
  EXPECT_EQ(d.repairs.at(0).count, 2u);
  // A leading gap cannot be carried forward: say so rather than invent a value.
  ExpectDataError("Date,A\n2020-01-02,\n2020-01-03,1\n", {"no earlier value"}, ffill);
}

TEST(Loader, UnexpectedColumnInOhlcvIsAnError) {
  ExpectDataError("Date,Open,High,Low,Close,Volume,Dividend\n2020-01-02,1,1,1,1,1,0\n",
                  {"unexpected column 'Dividend'"});
}

}  // namespace finml::data

namespace finml::data {
namespace {

std::string LoadError(const std::string& text) {
  try {
    (void)ParseMarketData(text, "prices.csv");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Loader, DatesWithUtcOffsetsAreConvertedAndOtherFormatsNamed) {
  // Offsets that differ need a zone to show them in (one from the file would let a later row
  // move earlier days).
  const std::string mixed =
      "date,close\n1980-01-01T16:00:00+05:00,1\n1980-01-02T16:00:00Z,2\n1980-01-03T16:00:00-0330,"
      "3\n";
  EXPECT_NE(LoadError(mixed).find("3 different UTC offsets"), std::string::npos);
  LoadOptions utc;
  utc.timezone = "UTC";
  const auto md = ParseMarketData(mixed, "prices.csv", utc);
  EXPECT_EQ(md.time[0], *ParseTimestamp("1980-01-01 11:00:00"));
  EXPECT_EQ(md.time[1], *ParseTimestamp("1980-01-02 16:00:00"));
  EXPECT_EQ(md.time[2], *ParseTimestamp("1980-01-03 19:30:00"));
  EXPECT_NE(LoadError("date,close\n09/27/2001,1\n09/28/2001,2\n")
                .find("prices.csv:2:1: cannot read '09/27/2001' as a date"),
            std::string::npos);
  EXPECT_NE(LoadError("date,close\n-0100-01-01,1\n-0100-01-02,2\n").find("as a date"),
            std::string::npos);
  EXPECT_NE(LoadError("date,close\n2001-09-27,1\n2001-09-28T10:00:00+25:00,2\n")
                .find("cannot read '2001-09-28T10:00:00+25:00' as a date"),
            std::string::npos);
}

TEST(Loader, OtherEncodingsAreNamed) {
  const std::string utf16(
      "\xFF\xFE"
      "d\0a\0t\0e\0",
      10);
  EXPECT_NE(LoadError(utf16).find("prices.csv:1: the file is UTF-16, not text in UTF-8"),
            std::string::npos);
  const std::string nul("date,close\n2001-01-02,1\0\n", 25);
  EXPECT_NE(LoadError(nul).find("it holds NUL bytes"), std::string::npos);
  EXPECT_NE(LoadError("date,close\n2001-01-02," + std::string(100000, '9') + "x\n")
                .find("characters)' as a number"),
            std::string::npos)
      << "a huge cell is cut in the message";
}

}  // namespace
}  // namespace finml::data
