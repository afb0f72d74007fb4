// Column choices (rename, drop, symbols, date_column), time zones and resampling at load time.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "finml/core/error.hpp"
#include "finml/data/loader.hpp"

namespace finml::data {
namespace {

std::string ErrorOf(std::string_view csv, const LoadOptions& options) {
  try {
    (void)ParseMarketData(csv, "prices.csv", options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Times written without an offset are in `source`, and shown in `display`.
LoadOptions Zones(const std::string& source, const std::string& display) {
  LoadOptions o;
  o.source_timezone = source;
  o.timezone = display;
  return o;
}

constexpr std::string_view kMetals =
    "Date,gold,silver,platinum\n"
    "2020-01-02,1500,18,bad\n"
    "2020-01-03,1510,18.2,960\n"
    "2020-01-06,1520,18.1,965\n";

}  // namespace

TEST(LoaderChoices, SymbolsKeepColumnsInTheUsersOrderAndNeverReadTheOthers) {
  LoadOptions o;
  o.symbols = {"silver", "gold"};
  // 'platinum' has an unreadable cell: it is not wanted, so it is never parsed.
  const MarketData md = ParseMarketData(kMetals, "metals.csv", o);
  EXPECT_EQ(md.Symbols(), (std::vector<std::string>{"silver", "gold"}));
  EXPECT_DOUBLE_EQ(md.Asset("gold").close[2], 1520);
}

TEST(LoaderChoices, DropAndRenameColumns) {
  LoadOptions o;
  o.drop = {"platinum"};
  o.rename = {{"gold", "XAU"}};
  const MarketData md = ParseMarketData(kMetals, "metals.csv", o);
  EXPECT_EQ(md.Symbols(), (std::vector<std::string>{"XAU", "silver"}));
}

TEST(LoaderChoices, UnknownNamesAreErrorsWithTheColumns) {
  LoadOptions o;
  o.symbols = {"gold", "copper"};
  // Not every symbol is a column, and the file is a wide panel: the asset names are listed.
  EXPECT_NE(ErrorOf(kMetals, o).find("symbols"), std::string::npos) << ErrorOf(kMetals, o);
  LoadOptions d;
  d.drop = {"platnum"};
  const std::string e = ErrorOf(kMetals, d);
  EXPECT_NE(e.find("drop: no column 'platnum'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'platinum'"), std::string::npos) << e;
  LoadOptions r;
  r.rename = {{"Gold ", "XAU"}};  // trimmed and case-insensitive: found
  r.drop = {"platinum"};
  EXPECT_EQ(ParseMarketData(kMetals, "m.csv", r).Symbols().front(), "XAU");
}

TEST(LoaderChoices, LongPanelChoicesNameSymbols) {
  const std::string csv =
      "date,symbol,close,exchange\n"
      "2020-01-02,AAA,10,X\n2020-01-02,BBB,20,X\n2020-01-02,CCC,30,X\n"
      "2020-01-03,AAA,11,X\n2020-01-03,BBB,21,X\n2020-01-03,CCC,31,X\n";
  LoadOptions o;
  o.drop = {"exchange", "BBB"};  // a column and a symbol
  o.rename = {{"AAA", "alpha"}};
  o.symbols = {"CCC", "alpha"};
  const MarketData md = ParseMarketData(csv, "long.csv", o);
  EXPECT_EQ(md.Symbols(), (std::vector<std::string>{"CCC", "alpha"}));
  EXPECT_DOUBLE_EQ(md.Asset("alpha").close[1], 11);
  LoadOptions bad;
  bad.drop = {"exchange"};
  bad.symbols = {"DDD"};
  const std::string e = ErrorOf(csv, bad);
  EXPECT_NE(e.find("symbols: no column or symbol 'DDD'"), std::string::npos) << e;
}

TEST(LoaderChoices, OneAssetFileSymbolsMustNameIt) {
  const std::string csv = "Date,Close\n2020-01-02,1\n2020-01-03,2\n";
  LoadOptions o;
  o.symbols = {"gold"};
  const std::string e = ErrorOf(csv, o);
  EXPECT_NE(e.find("no asset 'gold'"), std::string::npos) << e;
  o.symbol = "gold";
  EXPECT_EQ(ParseMarketData(csv, "x.csv", o).Symbols(), (std::vector<std::string>{"gold"}));
}

TEST(LoaderChoices, TwoTimeColumnsAskWhichOne) {
  const std::string csv =
      "DateTime_Zurich,DateTime_UTC,USDCHF\n"
      "1996-04-01 00:00:00,1996-03-31 22:00:00,1.18\n"
      "1996-04-01 01:00:00,1996-03-31 23:00:00,1.19\n";
  const std::string e = ErrorOf(csv, {});
  EXPECT_NE(e.find("2 columns hold times ('DateTime_Zurich', 'DateTime_UTC')"), std::string::npos)
      << e;
  EXPECT_NE(e.find("--date-column"), std::string::npos) << e;
  LoadOptions o;
  o.date_column = "DateTime_UTC";
  const MarketData md = ParseMarketData(csv, "fx.csv", o);
  EXPECT_EQ(md.Symbols(), (std::vector<std::string>{"USDCHF"}));
  EXPECT_EQ(md.time_label.front(), "1996-03-31 22:00:00");
  ASSERT_EQ(md.notes.size(), 1u);
  EXPECT_NE(md.notes[0].find("'DateTime_Zurich' holds times too"), std::string::npos);
}

TEST(LoaderChoices, DatesBeatAnObservationNumber) {
  const std::string csv = "date_inferred,obs,gold\n2020-01-02,1,1500\n2020-01-03,2,1510\n";
  const MarketData md = ParseMarketData(csv, "gold.csv", {});
  EXPECT_EQ(md.Symbols(), (std::vector<std::string>{"gold"}));
  EXPECT_TRUE(md.calendar);
  EXPECT_EQ(md.time_label.back(), "2020-01-03");
  ASSERT_EQ(md.notes.size(), 1u);
  EXPECT_NE(md.notes[0].find("'obs' is not used"), std::string::npos) << md.notes[0];
}

TEST(LoaderChoices, UtcTimesShownInANamedZoneAcrossDaylightSaving) {
  // 1996-03-31 01:00 UTC: Zurich moves from +01:00 to +02:00.
  const std::string csv =
      "time,USDCHF\n"
      "1996-03-31 00:00:00,1.10\n"
      "1996-03-31 01:00:00,1.11\n"
      "1996-03-31 02:00:00,1.12\n";
  LoadOptions o = Zones("UTC", "Europe/Zurich");
  const MarketData md = ParseMarketData(csv, "fx.csv", o);
  EXPECT_EQ(md.time_label, (std::vector<std::string>{"1996-03-31 01:00:00", "1996-03-31 03:00:00",
                                                     "1996-03-31 04:00:00"}));
  EXPECT_EQ(md.zone, "Europe/Zurich");
}

TEST(LoaderChoices, OffsetsAreKeptAsWrittenOrConverted) {
  const std::string csv = "time,x\n2020-01-02T10:00:00+02:00,1\n2020-01-02T11:00:00+02:00,2\n";
  EXPECT_EQ(ParseMarketData(csv, "x.csv", {}).time_label.front(), "2020-01-02 10:00:00");
  LoadOptions utc;
  utc.timezone = "UTC";
  EXPECT_EQ(ParseMarketData(csv, "x.csv", utc).time_label.front(), "2020-01-02 08:00:00");
  // Different offsets (daylight saving written into the file) need a zone: a zone chosen from the
  // whole file would let a later row move the days of earlier ones.
  const std::string mixed = "time,x\n2020-03-28T10:00:00+01:00,1\n2020-03-30T10:00:00+02:00,2\n";
  EXPECT_NE(ErrorOf(mixed, {}).find("2 different UTC offsets"), std::string::npos);
  LoadOptions zurich;
  zurich.timezone = "Europe/Zurich";
  const MarketData md = ParseMarketData(mixed, "x.csv", zurich);
  EXPECT_EQ(md.time_label.back(), "2020-03-30 10:00:00");
  // Offsets and no offsets: the zone of the latter must be named.
  EXPECT_NE(ErrorOf("time,x\n2020-03-28T10:00:00+01:00,1\n2020-03-29 10:00:00,2\n", {})
                .find("some times carry a UTC offset and some do not"),
            std::string::npos);
  LoadOptions bad;
  bad.timezone = "Europe/Zurch";
  EXPECT_NE(ErrorOf(csv, bad).find("'Europe/Zurch' is not a time zone"), std::string::npos);
}

TEST(LoaderChoices, RepeatedLocalHourNeedsResamplingOrAFixedOffset) {
  // 1996-10-27 01:00 UTC: Zurich goes back from 03:00 to 02:00.
  const std::string csv =
      "time,USDCHF\n"
      "1996-10-27 00:00:00,1.10\n"
      "1996-10-27 01:00:00,1.11\n"
      "1996-10-27 02:00:00,1.12\n";
  LoadOptions o = Zones("UTC", "Europe/Zurich");
  const std::string e = ErrorOf(csv, o);
  EXPECT_NE(e.find("comes twice"), std::string::npos) << e;
  o.resample = ResampleRule::Parse("D");
  const MarketData md = ParseMarketData(csv, "fx.csv", o);
  ASSERT_EQ(md.rows(), 1u);
  EXPECT_EQ(md.time_label.front(), "1996-10-27");
  EXPECT_DOUBLE_EQ(md.assets[0].close[0], 1.12);
}

TEST(LoaderChoices, ResampleIntradayBarsOhlcAware) {
  const std::string csv =
      "time,open,high,low,close,volume\n"
      "2020-01-02 09:00:00,10,12,9,11,100\n"
      "2020-01-02 09:30:00,11,13,10,12,50\n"
      "2020-01-02 10:00:00,12,12.5,8,9,10\n"
      "2020-01-03 09:00:00,9,10,9,10,5\n";
  LoadOptions o;
  o.resample = ResampleRule::Parse("1h");
  MarketData h = ParseMarketData(csv, "bars.csv", o);
  ASSERT_EQ(h.rows(), 3u);
  EXPECT_EQ(h.time_label[0], "2020-01-02 09:00:00");  // [09:00, 10:00), stamped at its start
  EXPECT_DOUBLE_EQ(h.assets[0].open[0], 10);
  EXPECT_DOUBLE_EQ(h.assets[0].high[0], 13);
  EXPECT_DOUBLE_EQ(h.assets[0].low[0], 9);
  EXPECT_DOUBLE_EQ(h.assets[0].close[0], 12);
  EXPECT_DOUBLE_EQ(h.assets[0].volume[0], 150);
  o.resample = ResampleRule::Parse("D");
  MarketData d = ParseMarketData(csv, "bars.csv", o);
  ASSERT_EQ(d.rows(), 2u);
  EXPECT_EQ(d.time_label[0], "2020-01-02");
  EXPECT_DOUBLE_EQ(d.assets[0].low[0], 8);
  EXPECT_DOUBLE_EQ(d.assets[0].close[0], 9);
  EXPECT_DOUBLE_EQ(d.assets[0].volume[0], 160);
}

// A bar is stamped when it is complete, and nothing after it changes it: scrambling the later
// bars leaves every earlier resampled bar as it was (no look-ahead).
TEST(LoaderChoices, ResampledBarsNeverSeeLaterBars) {
  std::string early, late_a, late_b;
  for (int m = 0; m < 120; m += 5) {
    early += fmt::format("2020-01-02 09:{:02d}:00,{}\n", m % 60, 100 + m);
    if (m == 55) break;
  }
  for (int m = 0; m < 60; m += 5) {
    late_a += fmt::format("2020-01-02 10:{:02d}:00,{}\n", m, 200 + m);
    late_b += fmt::format("2020-01-02 10:{:02d}:00,{}\n", m, 900 - m);
  }
  LoadOptions o;
  o.resample = ResampleRule::Parse("15min");
  const MarketData a = ParseMarketData("time,x\n" + early + late_a, "a.csv", o);
  const MarketData b = ParseMarketData("time,x\n" + early + late_b, "b.csv", o);
  ASSERT_EQ(a.rows(), b.rows());
  for (std::size_t i = 0; i < a.rows(); ++i) {
    if (a.time_label[i] >= "2020-01-02 10:00:00") break;
    EXPECT_EQ(a.assets[0].close[i], b.assets[0].close[i]) << a.time_label[i];
  }
  EXPECT_EQ(a.time_label[3], "2020-01-02 09:45:00");  // 09:45..09:55
  EXPECT_EQ(a.assets[0].close[3], 155);
}

// Bars stamped at their end (09:35 closes 09:30-09:35, 16:00 is the last): hours are
// (09:00, 10:00] .. (15:00, 16:00], and grouping at the file's own 5 minutes changes nothing.
TEST(LoaderChoices, EndStampedBarsGroupIntoTheIntervalTheyClose) {
  std::string csv = "time,x\n";
  int n = 0;
  for (int minute = 9 * 60 + 35; minute <= 16 * 60; minute += 5)
    csv += fmt::format("2021-04-19 {:02d}:{:02d}:00,{}\n", minute / 60, minute % 60, 100 + n++);
  LoadOptions o;
  o.bar_stamp = BarStamp::kEnd;
  o.resample = ResampleRule::Parse("1h");
  const MarketData h = ParseMarketData(csv, "bars.csv", o);
  ASSERT_EQ(h.rows(), 7u);
  EXPECT_EQ(h.time_label.front(), "2021-04-19 10:00:00");
  EXPECT_EQ(h.time_label.back(), "2021-04-19 16:00:00");
  EXPECT_EQ(h.assets[0].close.back(), 100 + n - 1);
  o.resample = ResampleRule::Parse("5min");
  const MarketData same = ParseMarketData(csv, "bars.csv", o);
  const MarketData raw = ParseMarketData(csv, "bars.csv", {});
  EXPECT_EQ(same.time_label, raw.time_label);
  EXPECT_EQ(same.assets[0].close, raw.assets[0].close);
  // Start stamps: the same file read as starts puts 16:00 in an hour of its own.
  o.bar_stamp = BarStamp::kStart;
  o.resample = ResampleRule::Parse("1h");
  EXPECT_EQ(ParseMarketData(csv, "bars.csv", o).rows(), 8u);
}

// A date alone is a day in every zone: no zone moves a daily bar to the day before.
TEST(LoaderChoices, DatesAloneIgnoreZones) {
  const std::string csv = "Date,gold\n2020-01-02,1500\n2020-01-03,1510\n";
  LoadOptions o = Zones("UTC", "America/New_York");
  const MarketData md = ParseMarketData(csv, "gold.csv", o);
  EXPECT_EQ(md.time_label, (std::vector<std::string>{"2020-01-02", "2020-01-03"}));
}

// A naive time the source zone skipped is an error at its line, not a duplicate of the next.
TEST(LoaderChoices, ATimeTheClocksSkippedIsAnError) {
  const std::string csv =
      "time,x\n2021-03-14 01:00:00,1\n2021-03-14 02:00:00,2\n2021-03-14 03:00:00,3\n";
  LoadOptions o;
  o.source_timezone = "America/New_York";
  const std::string e = ErrorOf(csv, o);
  EXPECT_NE(e.find("prices.csv:3:1: '2021-03-14 02:00:00' never happened in America/New_York"),
            std::string::npos)
      << e;
}

TEST(LoaderChoices, ReturnsAreNotResampledByTheirLastDay) {
  LoadOptions o;
  o.signed_values = true;
  o.resample = ResampleRule::Parse("W");
  EXPECT_NE(ErrorOf("date,r\n2020-01-02,-0.01\n2020-01-03,0.02\n", o).find("pass prices"),
            std::string::npos);
}

// An index the number parser accepts must not crash a second parser: a subnormal was re-read
// with std::stod (which throws) and a huge decimal year overflowed an int.
TEST(LoaderChoices, ExtremeIndexValuesAreErrorsOrData) {
  const MarketData md = ParseMarketData("obs,x\n1e-320,1\n2,2\n3,3\n", "sub.csv", {});
  EXPECT_EQ(md.rows(), 3u);
  EXPECT_NE(ErrorOf("obs,x\n3,1\n2,2\n", {}).find("does not increase"), std::string::npos);
  LoadOptions years;
  years.decimal_year = true;
  EXPECT_NE(ErrorOf("obs,x\n1e300,1\n2e300,2\n", years).find("is not a decimal year"),
            std::string::npos);
}

// From a review: long-panel renames, drops and symbols use the new names; collisions are refused.
TEST(LoaderChoices, LongPanelRenameThenChoose) {
  const std::string csv =
      "date,symbol,close\n2020-01-02,gold,1\n2020-01-02,silver,2\n"
      "2020-01-03,gold,1.1\n2020-01-03,silver,2.1\n";
  LoadOptions o;
  o.rename = {{"gold", "XAU"}};
  o.drop = {"XAU"};
  EXPECT_EQ(ParseMarketData(csv, "p.csv", o).Symbols(), (std::vector<std::string>{"silver"}));
  o.drop = {"gold"};
  EXPECT_NE(ErrorOf(csv, o).find("drop: 'gold' was renamed to 'XAU'"), std::string::npos)
      << ErrorOf(csv, o);
  o.drop.clear();
  o.symbols = {"XAU", "silver"};
  EXPECT_EQ(ParseMarketData(csv, "p.csv", o).Symbols(),
            (std::vector<std::string>{"XAU", "silver"}));
  LoadOptions clash;
  clash.rename = {{"gold", "silver"}};
  EXPECT_NE(ErrorOf(csv, clash).find("rename gives two symbols the name 'silver'"),
            std::string::npos);
}

// Resampled intraday bars in a zone whose clocks go back: refused, not repeated out of order.
TEST(LoaderChoices, ResampledRepeatedHourIsRefused) {
  // 00:00Z..01:30Z is 02:00..03:30 CEST, then 01:00Z is 02:00 CET again.
  std::string csv = "time,x\n";
  int k = 0;
  for (const char* t : {"2020-10-24T23:00:00Z", "2020-10-24T23:30:00Z", "2020-10-25T00:00:00Z",
                        "2020-10-25T00:30:00Z", "2020-10-25T01:00:00Z", "2020-10-25T01:30:00Z",
                        "2020-10-25T02:00:00Z"})
    csv += fmt::format("{},{}\n", t, ++k);
  LoadOptions o;
  o.timezone = "Europe/Zurich";
  o.resample = ResampleRule::Parse("30min");
  EXPECT_NE(ErrorOf(csv, o).find("comes twice"), std::string::npos) << ErrorOf(csv, o);
}

// A naive file in a zone repeating its autumn hour: the second pass is the later instant.
TEST(LoaderChoices, NaiveRepeatedHourReadsInOrder) {
  const std::string csv =
      "time,x\n2021-11-07 00:30:00,1\n2021-11-07 01:30:00,2\n2021-11-07 01:30:00,3\n"
      "2021-11-07 02:30:00,4\n";
  LoadOptions o = Zones("America/New_York", "UTC");
  const MarketData md = ParseMarketData(csv, "ny.csv", o);
  EXPECT_EQ(md.time_label,
            (std::vector<std::string>{"2021-11-07 04:30:00", "2021-11-07 05:30:00",
                                      "2021-11-07 06:30:00", "2021-11-07 07:30:00"}));
}

// A blank first cell in the date column is a missing date, not a reason to take another column.
TEST(LoaderChoices, BlankFirstDateStaysTheDateColumn) {
  const std::string csv = "Date,Expiry,gold\n,2021-06-30,1\n2020-01-03,2021-06-30,2\n";
  const std::string e = ErrorOf(csv, {});
  EXPECT_NE(e.find("prices.csv:2:1: cannot read '' as a date"), std::string::npos) << e;
}

TEST(LoaderChoices, WeeksAroundTheEpochStayApart) {
  std::string csv = "Date,x\n";
  for (int day = -14; day < 14; ++day) {
    const Timestamp t = day * kSecondsPerDay;
    if (Weekday(t) < 5) csv += FormatTimestamp(t) + ",1\n";
  }
  LoadOptions o;
  o.resample = ResampleRule::Parse("W");
  const MarketData w = ParseMarketData(csv, "w.csv", o);
  EXPECT_EQ(w.time_label, (std::vector<std::string>{"1969-12-19", "1969-12-26", "1970-01-02",
                                                    "1970-01-09", "1970-01-14"}));
}

TEST(LoaderChoices, ResampleRules) {
  EXPECT_EQ(ResampleRule::Parse("15min").Text(), "15min");
  EXPECT_EQ(ResampleRule::Parse("weekly").Text(), "W");
  EXPECT_EQ(ResampleRule::Parse("4h").Text(), "4h");
  EXPECT_EQ(ResampleRule::Parse("M").Text(), "M");
  EXPECT_THROW((void)ResampleRule::Parse("5 parsecs"), InvalidInput);
  EXPECT_THROW((void)ResampleRule::Parse("0min"), InvalidInput);
}

TEST(LoaderChoices, ReturnsMayBeNegative) {
  const std::string csv = "date,r\n2020-01-02,-0.01\n2020-01-03,0.02\n";
  EXPECT_NE(ErrorOf(csv, {}).find("non-positive price"), std::string::npos);
  LoadOptions o;
  o.signed_values = true;
  EXPECT_DOUBLE_EQ(ParseMarketData(csv, "r.csv", o).assets[0].close[0], -0.01);
}

}  // namespace finml::data

namespace finml::data {
namespace {

// Two columns of one name would be two assets under one name: a clear error, unless one is
// renamed or dropped.
TEST(LoaderChoices, ADuplicatedAssetColumnIsAnError) {
  constexpr std::string_view csv = "Date,AA,AXP,AA\n2020-01-01,1,2,3\n2020-01-02,1.1,2.1,3.1\n";
  EXPECT_NE(ErrorOf(csv, {}).find("column 'AA' appears twice (columns 2 and 4)"), std::string::npos)
      << ErrorOf(csv, {});
  LoadOptions renamed;
  renamed.rename = {{"AA", "AA_old"}};
  const MarketData md = ParseMarketData(csv, "prices.csv", renamed);
  ASSERT_EQ(md.assets.size(), 3u);
  EXPECT_EQ(md.Symbols()[0], "AA_old");
  EXPECT_EQ(md.Symbols()[2], "AA");
}

}  // namespace
}  // namespace finml::data
