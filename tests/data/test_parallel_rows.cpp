// The fast CSV path against the reference one: the parallel chunked reader must give the serial
// reader's rows, bit for bit, for every thread count and wherever the chunks are cut, and decline
// (leaving the serial reader to report) whatever it does not take.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "data/loading.hpp"
#include "finml/data/loader.hpp"
#include "test_util.hpp"

namespace finml::data::loading {
namespace {

// What ParseMarketData does before the rows: the header, the first row and the column plan.
struct Prepared {
  std::vector<std::string> header;
  ColumnPlan plan;
  std::string_view data;  // after the header
  std::size_t first_line = 0;
};

Prepared Prepare(std::string_view text, const LoadOptions& options = {}) {
  Prepared p;
  CsvReader reader("t.csv", text);
  std::vector<std::string_view> fields;
  EXPECT_TRUE(reader.Next(fields));
  p.header.assign(fields.begin(), fields.end());
  std::vector<std::string> first_row;
  CsvReader peek("t.csv", text);
  if (peek.Next(fields) && peek.Next(fields)) first_row.assign(fields.begin(), fields.end());
  p.plan = PlanColumns(p.header, first_row, options, "t.csv");
  p.data = reader.rest();
  p.first_line = reader.next_line();
  return p;
}

ParsedRows Serial(std::string_view text, const LoadOptions& options = {}) {
  const Prepared p = Prepare(text, options);
  CsvReader reader("t.csv", text);
  std::vector<std::string_view> fields;
  EXPECT_TRUE(reader.Next(fields));
  return ReadRowsSerial(reader, p.plan, p.plan.names, options, "t.csv");
}

std::optional<ParsedRows> Parallel(std::string_view text, unsigned threads,
                                   const LoadOptions& options = {}) {
  const Prepared p = Prepare(text, options);
  return ReadRowsInParallel(p.data, p.first_line, p.plan, p.plan.names, options, "t.csv", threads);
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void ExpectSameRows(const ParsedRows& want, const ParsedRows& got, unsigned threads) {
  SCOPED_TRACE(fmt::format("{} threads", threads));
  EXPECT_EQ(got.calendar, want.calendar);
  EXPECT_EQ(got.count, want.count);
  EXPECT_EQ(got.offsets, want.offsets);
  EXPECT_EQ(got.naive_times, want.naive_times);
  EXPECT_EQ(got.timed, want.timed);
  const Table& a = want.table;
  const Table& b = got.table;
  ASSERT_EQ(b.size(), a.size());
  EXPECT_EQ(b.time, a.time);
  EXPECT_EQ(b.line, a.line);
  EXPECT_EQ(b.label, a.label);
  EXPECT_EQ(b.naive, a.naive);
  ASSERT_EQ(b.values.size(), a.values.size());
  for (std::size_t k = 0; k < a.values.size(); ++k)
    for (std::size_t i = 0; i < a.size(); ++i)
      ASSERT_TRUE(SameBits(b.values[k][i], a.values[k][i]))
          << "column " << k << " row " << i << ": " << b.values[k][i] << " vs " << a.values[k][i];
}

// Minute bars with every oddity the fast path must read as the serial one does: CRLF and bare
// CR line ends, blank lines, missing markers, spaces and '+' around numbers, zero volume, a
// subnormal, 'T' separators, offsets, dates alone, a date padded with spaces.
std::string TrickyOhlcv(std::size_t rows) {
  std::mt19937_64 rng(20261125);
  std::string csv = "Date,Open,High,Low,Close,Volume\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t day = 3 + i / 1440, minute = i % 1440;
    std::string date =
        fmt::format("2000-01-{:02d} {:02d}:{:02d}:00", day, minute / 60, minute % 60);
    switch (rng() % 12) {
      case 0:
        date[10] = 'T';
        break;
      case 1:
        date = " " + date;
        break;
      case 2:
        date += "Z";
        break;
      case 3:
        date = date + "+01:00";
        break;
      default:
        break;
    }
    const double base = 100 + static_cast<double>(rng() % 10000) / 1e4;
    std::string open = fmt::format("{:.4f}", base), volume = std::to_string(rng() % 100000);
    switch (rng() % 10) {
      case 0:
        open = "";
        break;
      case 1:
        open = " NA";
        break;
      case 2:
        open = "nan";
        break;
      case 3:
        open = " " + open + "  ";
        break;
      case 4:
        open = "+" + open;
        break;
      case 5:
        volume = "0";
        break;
      case 6:
        volume = "1e-320";
        break;
      case 7:
        volume = "-0";
        break;
      default:
        break;
    }
    csv +=
        fmt::format("{},{},{:.4f},{:.4f},{:.4f},{}", date, open, base + 1, base - 1, base, volume);
    const auto end = rng() % 8;
    csv += end == 0 ? "\r\n" : end == 1 ? "\n\n" : end == 2 ? "\r\n\r\n" : "\n";
  }
  return csv;
}

TEST(CsvParallelRows, EveryThreadCountAndCutGivesTheSerialRows) {
  // A small file and up to 64 chunks: the cuts land in every part of a record.
  const std::string csv = TrickyOhlcv(300);
  const ParsedRows want = Serial(csv);
  ASSERT_EQ(want.count, 300u);
  for (unsigned threads = 1; threads <= 64; ++threads) {
    const auto got = Parallel(csv, threads);
    ASSERT_TRUE(got.has_value()) << threads;
    ExpectSameRows(want, *got, threads);
  }
}

TEST(CsvParallelRows, WidePanelDatesAloneAndNoFinalNewline) {
  std::string csv = "date,A,B,C\n";
  std::mt19937_64 rng(7);
  for (int d = 1; d <= 28; ++d)
    csv += fmt::format("1999/02/{:02d},{}.{:02d},,{}\n", d, rng() % 900 + 1, rng() % 100,
                       rng() % 2 ? "7" : "NULL");
  csv += "1999/03/01,1.5,2.5,3.5";  // the last record ends the file
  const ParsedRows want = Serial(csv);
  for (unsigned threads = 1; threads <= 16; ++threads) {
    const auto got = Parallel(csv, threads);
    ASSERT_TRUE(got.has_value()) << threads;
    ExpectSameRows(want, *got, threads);
  }
}

// Daily dates are read a month at a time: every month length, 1900 (no leap day) and 2000 (one).
TEST(CsvParallelRows, DailyDatesAcrossLeapYearsAndMonthEnds) {
  std::string csv = "Date,Close\n";
  for (const Timestamp start : {DaysFromCivil({1899, 12, 1}), DaysFromCivil({1999, 12, 1})})
    for (Timestamp day = start; day < start + 800; ++day)
      csv += FormatTimestamp(day * kSecondsPerDay) + ",1\n";
  const ParsedRows want = Serial(csv);
  ASSERT_EQ(want.count, 1600u);
  for (unsigned threads : {1u, 3u}) {
    const auto got = Parallel(csv, threads);
    ASSERT_TRUE(got.has_value());
    ExpectSameRows(want, *got, threads);
  }
  for (const char* bad : {"1900-02-29", "2000-02-30", "2000-04-31", "2000-04-00", "2000-13-01"}) {
    const std::string text = fmt::format("Date,Close\n{}-01,1\n{}-02,1\n{},1\n",
                                         std::string(bad, 7), std::string(bad, 7), bad);
    EXPECT_FALSE(Parallel(text, 1).has_value()) << bad;
  }
}

// Cells of every length around the 15 digits a double holds exactly, with any number of
// decimals, signs and leading zeros: the fast path reads each to the serial reader's double.
TEST(CsvParallelRows, DecimalsOfEveryLengthReadToTheSameDouble) {
  std::mt19937_64 rng(5);
  std::string csv = "Date,A,B,C,D\n";
  for (int d = 0; d < 5000; ++d) {
    csv += FormatTimestamp((20000 + d) * kSecondsPerDay);
    for (int c = 0; c < 4; ++c) {
      std::string digits(1 + rng() % 19, '0');
      for (char& ch : digits) ch = static_cast<char>('0' + rng() % 10);
      if (digits.find_first_not_of('0') == std::string::npos) digits.back() = '7';
      const std::size_t point = rng() % (digits.size() + 1);
      std::string cell =
          digits.substr(0, point) + (point < digits.size() ? "." : "") + digits.substr(point);
      if (cell.front() == '.') cell = "0" + cell;
      if (rng() % 3 == 0) cell = "-" + cell;
      csv += "," + cell;
    }
    csv += "\n";
  }
  LoadOptions returns;
  returns.signed_values = true;
  const ParsedRows want = Serial(csv, returns);
  ASSERT_EQ(want.count, 5000u);
  const auto got = Parallel(csv, 2, returns);
  ASSERT_TRUE(got.has_value());
  ExpectSameRows(want, *got, 2);
}

TEST(CsvParallelRows, DeclinesWhatOnlyTheSerialReaderTakes) {
  const std::string ok = "Date,Close\n2000-01-03,1\n2000-01-04,2\n";
  ASSERT_TRUE(Parallel(ok, 2).has_value());
  const std::string declined[] = {
      // A quoted field, even one holding a line end: the serial reader follows the quotes.
      "Date,Close\n2000-01-03,1\n\"2000-01-04\",2\n",
      "Date,Name,Close\n2000-01-03,\"a\nb\",1\n2000-01-04,x,2\n",
      "obs,Close\n1,1\n2,2\n",                                // no calendar
      "Date,symbol,Close\n2000-01-03,A,1\n2000-01-03,B,2\n",  // a long panel
      "Date,Close\n2000-01-03,1\n2000-01-04,1,2\n",           // a field too many
      "Date,Close\n2000-01-03,1\n2000-01-04\n",               // a field too few
      "Date,Close\n2000-01-03,1\n2000-01-04,-2\n",            // a refused value
      "Date,Close\n2000-01-03,1\n2000-01-04,1e400\n",         // out of range
      "Date,Close\n2000-01-03,1\n2000-01-32,2\n",             // not a date
      "Date,Close\n",                                         // no rows
  };
  for (const auto& csv : declined)
    for (unsigned threads : {1u, 2u, 5u}) EXPECT_FALSE(Parallel(csv, threads).has_value()) << csv;
}

// A label unescaped from doubled quotes outlives its record (the reader reuses that memory).
TEST(CsvParallelRows, QuotedLabelsWithDoubledQuotesSurvive) {
  LoadOptions returns;
  returns.signed_values = true;
  std::string csv = "Period,ret\n";
  std::vector<std::string> want;
  for (int q = 0; q < 50; ++q) {
    csv += fmt::format("\"Q{} \"\"long enough to be on the heap\"\"\",0.{}\n", q, q + 1);
    want.push_back(fmt::format("Q{} \"long enough to be on the heap\"", q));
  }
  EXPECT_EQ(ParseMarketData(csv, "r.csv", returns).time_label, want);
}

// Declined files still load, or fail, as the serial reader says: here at the quoted newline's
// right line, and at the bad cell's line and column.
TEST(CsvParallelRows, DeclinedFilesKeepTheSerialResultAndErrors) {
  const MarketData md =
      ParseMarketData("Date,Close\n2000-01-03,1\n\"2000-01-04\",2\n2000-01-05,3\n", "q.csv");
  EXPECT_EQ(md.time_label, (std::vector<std::string>{"2000-01-03", "2000-01-04", "2000-01-05"}));
  LoadOptions drop_note;
  drop_note.drop = {"Note"};
  try {
    (void)ParseMarketData("Date,Note,Close\n2000-01-03,\"a\nb\",1\n2000-01-04,x,-1\n", "q.csv",
                          drop_note);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 4u);  // after the quoted line end
    EXPECT_EQ(e.where().column, 3u);
  }
  // Large enough for several chunks: the error is still the first in the file, at its cell.
  std::string csv = "Date,Close\n";
  for (int i = 0; i < 100000; ++i)
    csv += fmt::format("2000-01-03 {:02d}:{:02d}:{:02d},{}\n", i / 3600 % 24, i / 60 % 60, i % 60,
                       i == 86000 || i == 90000 ? "-1" : "1");
  try {
    (void)ParseMarketData(csv, "big.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 86002u);
    EXPECT_EQ(e.where().column, 2u);
    EXPECT_NE(std::string(e.what()).find("non-positive price -1"), std::string::npos) << e.what();
  }
}

// ReadNumber (fast_float) against the reading it replaced (std::from_chars), bit for bit and
// refusal for refusal, on hand-picked cells and a million random ones.
std::optional<double> ReferenceNumber(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || s == "NA" || s == "NaN" || s == "nan" || s == "null" || s == "NULL" ||
      s == "#N/A")
    return std::nan("");
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

void ExpectSameNumber(std::string_view cell) {
  const auto want = ReferenceNumber(cell);
  const auto got = ReadNumber(cell);
  ASSERT_EQ(got.has_value(), want.has_value()) << "'" << cell << "'";
  if (want) ASSERT_TRUE(SameBits(*got, *want) || (std::isnan(*got) && std::isnan(*want))) << cell;
}

TEST(CsvParallelRows, NumbersReadAsStdFromCharsReadsThem) {
  for (const char* cell : {"1e-400",
                           "1e400",
                           "2e-324",
                           "4.9e-324",
                           "1e-320",
                           "0",
                           "-0",
                           "0.0",
                           "-0e5",
                           "nan",
                           "-nan",
                           "inf",
                           "-inf",
                           "infinity",
                           "1e",
                           "1.",
                           ".5",
                           ".",
                           "-",
                           "+",
                           "+1",
                           "+-1",
                           "++1",
                           "1e+5",
                           "0x10",
                           "1.7976931348623157e308",
                           "1.7976931348623159e308",
                           "00012.5",
                           "1,5",
                           " 7 ",
                           "\t7",
                           "1 2",
                           "NA",
                           " null ",
                           "#N/A",
                           "",
                           "123456789012345678901234567890.5"})
    ExpectSameNumber(cell);
  std::mt19937_64 rng(42);
  const std::string alphabet = "0123456789.-+eE nai";
  std::string cell;
  for (int n = 0; n < 1000000; ++n) {
    cell.resize(rng() % 12);
    for (char& c : cell) c = alphabet[rng() % alphabet.size()];
    ExpectSameNumber(cell);
  }
}

TEST(CsvParallelRows, LabelsMatchFmtForEveryYear) {
  std::mt19937_64 rng(3);
  for (int n = 0; n < 200000; ++n) {
    const Timestamp t = static_cast<Timestamp>(rng() % (2 * 400000000000ULL)) - 400000000000LL;
    const CivilDate d = DateOf(t);
    const std::int64_t s = t - DaysFromCivil(d) * kSecondsPerDay;
    ASSERT_EQ(FormatTimestamp(t, true),
              fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", d.year, d.month, d.day,
                          s / 3600, s / 60 % 60, s % 60));
    if (s == 0)
      ASSERT_EQ(FormatTimestamp(t), fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day));
    const Timestamp midnight = DaysFromCivil(d) * kSecondsPerDay;
    ASSERT_EQ(FormatTimestamp(midnight),
              fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day));
  }
}

// A file large enough for ParseThreads to use every core, loaded through the memory map, gives
// what the serial reader gives.
TEST(CsvParallelRows, LoadingALargeFileMatchesTheSerialRows) {
  const std::string csv = TrickyOhlcv(40000);
  const ParsedRows want = Serial(csv);
  const auto got = Parallel(csv, ParseThreads(csv.size()));
  ASSERT_TRUE(got.has_value());
  ExpectSameRows(want, *got, ParseThreads(csv.size()));

  const std::string path = ::testing::TempDir() + "/parallel_rows.csv";
  std::ofstream(path, std::ios::binary) << csv;
  LoadOptions options;
  options.timezone = "UTC";  // the file mixes times with and without offsets, and two offsets
  options.order = OrderPolicy::kSort;
  options.duplicates = DuplicatePolicy::kKeepLast;
  options.missing = MissingPolicy::kKeep;
  const MarketData loaded = LoadMarketData(path, options);
  const MarketData parsed = ParseMarketData(csv, path, options);
  EXPECT_EQ(loaded.time, parsed.time);
  EXPECT_EQ(loaded.time_label, parsed.time_label);
  ASSERT_EQ(loaded.assets.size(), 1u);
  EXPECT_EQ(loaded.assets[0].close, parsed.assets[0].close);
  std::remove(path.c_str());
}

// The warnings as one plain loop over every series wrote them before the scan was split.
std::vector<std::string> ReferenceWarnings(const MarketData& md) {
  std::vector<std::string> warnings;
  const std::pair<Field, const char*> fields[] = {{Field::kOpen, "open"},
                                                  {Field::kHigh, "high"},
                                                  {Field::kLow, "low"},
                                                  {Field::kClose, "close"},
                                                  {Field::kAdjClose, "adjusted close"}};
  std::size_t found = 0;
  for (const auto& bars : md.assets) {
    for (const auto& [field, name] : fields) {
      const auto& v = bars.Get(field);
      double previous = std::nan("");
      for (std::size_t t = 0; t < v.size(); ++t) {
        if (!std::isfinite(v[t])) continue;
        const double ratio =
            previous > 0 && v[t] > 0 ? std::max(v[t] / previous, previous / v[t]) : 1.0;
        previous = v[t];
        const bool huge = std::fabs(v[t]) >= 1e12;
        if (!huge && !(ratio >= 1e3)) continue;
        if (++found > 3) continue;
        warnings.push_back(fmt::format(
            "{}: the {} of {} on {} is {:g}, {} (a unit or typing slip? it is kept)", md.source,
            name, bars.symbol.empty() ? "the series" : "'" + bars.symbol + "'", md.time_label[t],
            v[t],
            huge ? fmt::format("beyond {:g}", 1e12)
                 : fmt::format("{:.3g} times the bar before", ratio)));
      }
    }
  }
  if (found > 3)
    warnings.push_back(fmt::format("{}: {} more values like these", md.source, found - 3));
  return warnings;
}

// Jumps just either side of the thresholds (500 for the quick test, 1000 for a warning), in a
// panel large enough to be scanned on several threads.
TEST(CsvParallelRows, AbsurdMagnitudeWarningsMatchThePlainScan) {
  std::mt19937_64 rng(11);
  const double factors[] = {499.9,       500,        500.1,     999.999, 1000, 1000.001,
                            1 / 999.999, 1 / 1000.0, 1 / 500.1, 9.99e11, 1e12};
  for (const bool rare : {true, false}) {
    std::string csv = "Date";
    for (int a = 0; a < 8; ++a) csv += fmt::format(",S{}", a);
    csv += "\n";
    std::vector<double> price(8, 100);
    for (int d = 0; d < 20000; ++d) {
      csv += FormatTimestamp((10000 + d) * kSecondsPerDay);
      for (double& p : price) {
        p = rng() % (rare ? 5000 : 20) == 0 ? p * factors[rng() % std::size(factors)]
                                            : 100 + static_cast<double>(rng() % 1000) / 10;
        csv += fmt::format(",{}", p);
      }
      csv += "\n";
    }
    const MarketData md = ParseMarketData(csv, "w.csv");
    EXPECT_EQ(md.warnings, ReferenceWarnings(md));
    EXPECT_FALSE(md.warnings.empty());
  }
}

}  // namespace
}  // namespace finml::data::loading
